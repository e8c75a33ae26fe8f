"""The one Settings object. Every knob is read from the environment (prefix ``TRELLIS_``)
or a ``.env`` file; tests build their own instance and pass it down."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-in-production"  # refused by `trellis serve` outside demo mode


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRELLIS_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/trellis.db",
        description="SQLAlchemy URL. Unset: an embedded SQLite file under ./var/.",
    )
    data_dir: Path = Field(default=Path("var"), description="Where caches and uploads live.")
    model_dir: Path | None = Field(
        default=None,
        description="Where the ONNX sentence encoder made from the packaged weights is kept. "
                    "Unset: $XDG_CACHE_HOME/trellis/models (~/.cache/trellis/models).",
    )
    embedding_precision: Literal["int8", "fp32"] = Field(
        default="int8",
        description="ONNX encoder: int8 (quantised per token: one vector whatever the batch) or fp32 (exact).",
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET_KEY,
        description="Signs session cookies and CSRF tokens. Set a long random value: the portal refuses to serve "
        "with the default (`trellis serve --demo` generates one instead).",
    )
    host: str = Field(default="127.0.0.1", description="Address `trellis serve` binds to.")
    port: int = Field(default=8000, description="Port `trellis serve` listens on.")
    max_upload_mb: int = Field(default=100, description="Largest file accepted by import and upload.")
    max_request_kb: int = Field(
        default=1024, ge=1, description="Largest web request body other than a file upload (JSON, forms), in KiB; "
        "a larger one is refused with 413.")
    max_import_errors: int = Field(default=50, description="Errors listed before an import stops.")
    retention_applications_months: int = Field(
        default=24, ge=1, description="Closed applications older than this are purged by `maintenance purge`."
    )
    retention_ai_log_months: int = Field(
        default=12, ge=6, description="Recommendation logs older than this are purged (at least 6 months)."
    )
    analytics_min_group_size: int = Field(
        default=5, ge=1, description="Fewest people a group of the fairness CSV export (web and CLI) must have for its "
        "figures to be shown; smaller groups keep their row without them.")
    echo_sql: bool = Field(default=False, description="Log every SQL statement (debugging).")
    analytics_cache_seconds: int = Field(
        default=300, ge=0, description="Longest the HR dashboards reuse a computed result; 0: always recompute."
    )
    analytics_warm_on_start: bool = Field(
        default=True, description="Compute the default HR dashboard in the background as a web worker starts.")
    analytics_refresh_seconds: int = Field(
        default=30, ge=0, description="How often a web worker refreshes the default HR dashboard in the background "
        "(what went stale, or is older than half analytics_cache_seconds); 0: only at start.")
    analytics_keep_warm_seconds: int = Field(
        default=3600, ge=0, description="Refresh in the background only while the dashboards were used this "
        "recently (seconds).")
    session_hours: int = Field(default=12, description="How long a portal sign-in lasts.")
    cookie_secure: bool | None = Field(
        default=None, description="Mark cookies Secure. Unset: Secure whenever the request came over HTTPS."
    )
    login_max_failures: int = Field(default=5, description="Failed logins per e-mail and address before a lock-out.")
    login_window_minutes: int = Field(default=15, description="Window (and lock-out length) for failed logins.")
    login_max_account_failures: int = Field(
        default=20, ge=1, description="Failed logins for one e-mail from any addresses within the window before "
        "that account is locked out for the window (changing addresses does not get round it).")
    forwarded_allow_ips: str = Field(
        default="", description="Reverse proxies whose X-Forwarded-For/-Proto headers `trellis serve` believes: "
        "comma-separated addresses or networks (`*`: any). Empty: none; the client address is the connection's.")
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

    # matching: score weights (normalised to sum 1), trust in skill sources, partial credit, rules.
    # These are the defaults: HR admins can set each of them but the encoder for the company at
    # run time (company settings `matching.*`, see governance/specs.py and docs/settings.md).
    match_weight_required_skills: float = Field(default=0.40, ge=0, description="Weight of required-skill coverage.")
    match_weight_preferred_skills: float = Field(default=0.10, ge=0, description="Weight of preferred skills.")
    match_weight_semantic: float = Field(default=0.15, ge=0, description="Weight of profile/posting text similarity.")
    match_weight_aspiration: float = Field(default=0.10, ge=0, description="Weight of aspiration fit.")
    match_weight_career_move: float = Field(default=0.08, ge=0, description="Weight of career-move plausibility.")
    match_weight_level: float = Field(default=0.07, ge=0, description="Weight of the level gap.")
    match_weight_logistics: float = Field(default=0.10, ge=0, description="Weight of location/remote/hours fit.")
    match_trust_self_declared: float = Field(default=0.8, ge=0, le=1, description="Credit for self-declared skills.")
    match_trust_inferred: float = Field(default=0.7, ge=0, le=1, description="Credit for inferred skills.")
    match_related_credit: float = Field(default=0.5, ge=0, le=1, description="Most credit a related skill gives.")
    match_similarity_threshold: float = Field(default=0.6, ge=0, le=1,
                                              description="Embedding similarity from which skills count as related.")
    match_text_encoder: str = Field(default="minilm", description="Text encoder: minilm or hashing.")
    match_warm_on_start: bool = Field(
        default=True, description="Build the matching index in the background as a web worker starts, so the "
        "first 'For you' after a start does not wait for it.")
    match_save_index: bool = Field(
        default=True, description="Keep the built matching index on disk (<data_dir>/matching), so a worker that "
        "starts on unchanged data loads it in seconds instead of building it again.")
    match_use_history_transitions: bool = Field(default=True,
                                                description="Career-move plausibility from observed job history.")
    match_min_months_in_role: float = Field(default=12, ge=0, description="Rule: months in role before a job move.")
    match_max_levels_up: int = Field(default=2, ge=0, description="Rule: largest step up in level.")
    match_max_levels_down: int = Field(default=1, ge=0, description="Rule: largest step down in level.")
    match_exclude_own_team: bool = Field(default=True, description="Rule: hide openings in the person's own team.")
    match_exclude_performance_plan: bool = Field(default=True,
                                                 description="Rule: no job moves during an open performance plan.")
    match_enforce_visibility: bool = Field(default=True, description="Rule: honour opportunity visibility limits.")
    recommend_min_score: float = Field(default=50, ge=0, le=100, description="'For you' leaves out openings "
                                       "scoring below this: no list filled with weak matches.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
