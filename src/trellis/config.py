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
    session_hours: int = Field(default=12, description="How long a portal sign-in lasts.")
    cookie_secure: bool | None = Field(
        default=None, description="Mark cookies Secure. Unset: Secure whenever the request came over HTTPS."
    )
    login_max_failures: int = Field(default=5, description="Failed logins per e-mail and address before a lock-out.")
    login_window_minutes: int = Field(default=15, description="Window (and lock-out length) for failed logins.")
    public_url: str = Field(default="http://127.0.0.1:8000", description="Base URL used in e-mailed links.")
    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail notifications; unset: no e-mail.")
    smtp_port: int = Field(default=25, description="SMTP port.")
    smtp_user: str | None = Field(default=None, description="SMTP user name (optional).")
    smtp_password: str | None = Field(default=None, description="SMTP password (optional).")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_from: str = Field(default="trellis@localhost", description="Sender address of notification e-mails.")
    oidc_issuer: str | None = Field(default=None, description="OpenID Connect issuer URL; unset: no single sign-on.")
    oidc_client_id: str | None = Field(default=None, description="Client id registered with the OIDC provider.")
    oidc_client_secret: str | None = Field(default=None, description="Client secret for the OIDC provider.")
    oidc_scopes: str = Field(default="openid email profile", description="Scopes asked of the OIDC provider.")
    oidc_create_accounts: bool = Field(
        default=False, description="Create an employee account on first SSO sign-in for a matching work e-mail."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
