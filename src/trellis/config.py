"""The one Settings object. Every knob is read from the environment (prefix ``TRELLIS_``)
or a ``.env`` file; tests build their own instance and pass it down."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRELLIS_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/trellis.db",
        description="SQLAlchemy URL. Unset: an embedded SQLite file under ./var/.",
    )
    data_dir: Path = Field(default=Path("var"), description="Where caches and uploads live.")
    secret_key: str = Field(
        default="change-me-in-production",
        description="Signs session cookies and CSRF tokens. Set a long random value in production.",
    )
    host: str = Field(default="127.0.0.1", description="Address `trellis serve` binds to.")
    port: int = Field(default=8000, description="Port `trellis serve` listens on.")
    max_upload_mb: int = Field(default=100, description="Largest file accepted by import and upload.")
    max_import_errors: int = Field(default=50, description="Errors listed before an import stops.")
    retention_applications_months: int = Field(
        default=24, ge=1, description="Closed applications older than this are purged by `maintenance purge`."
    )
    retention_ai_log_months: int = Field(
        default=12, ge=6, description="Recommendation logs older than this are purged (at least 6 months)."
    )
    echo_sql: bool = Field(default=False, description="Log every SQL statement (debugging).")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
