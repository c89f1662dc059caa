"""One typed settings object, read once from the environment and `.env`: the database,
the interface, sign-in, e-mail, webhooks and the signing key. It lives with the domain
because it configures the domain; the data layer reads only where the database is
(db/config.py), which this object extends."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from db.config import DEFAULT_SQLITE_URL, PROJECT_ROOT, DatabaseSettings

__all__ = ["DEFAULT_SQLITE_URL", "PROJECT_ROOT", "Settings", "get_settings"]

DEVELOPMENT_SECRET = "pantau-development-secret-change-me"  # noqa: S105 - refused outside development


class Settings(DatabaseSettings):
    """Pantau's configuration. Every field can be set as an environment variable
    (`DATABASE_URL`, `PANTAU_DEMO_MODE`, …) or in an ignored `.env` file."""

    model_config = SettingsConfigDict(env_prefix="PANTAU_", env_file=".env", extra="ignore")

    # A typo (`prod`) is refused at start instead of silently skipping the production checks.
    environment: Literal["development", "production"] = Field(
        default="development", description="development or production."
    )
    demo_mode: bool = Field(
        default=True,
        description="Seed demo cases and demo accounts on an empty database.",
    )
    demo_case_count: int = Field(default=2400, ge=0, description="Cases in the demo seed.")
    secret_key: str = Field(
        default=DEVELOPMENT_SECRET,
        description="Signs the CSRF tokens of the sign-in forms; set it in production.",
    )
    default_language: str = Field(default="id", description="id or en.")
    default_time_zone: str = Field(default="Asia/Jakarta", description="Shown zone by default.")
    sla_urgent_hours: float = Field(default=4, gt=0, description="Default urgent deadline.")
    sla_normal_hours: float = Field(default=24, gt=0, description="Default normal deadline.")
    evidence_max_bytes: int = Field(
        default=25 * 1024 * 1024, gt=0, description="Largest evidence file accepted."
    )
    page_size: int = Field(default=50, ge=10, le=500, description="Rows per queue page.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="What Pantau's own log shows (standard error)."
    )
    report_min_count: int = Field(
        default=5, ge=2, description="Public report: counts below this are not shown."
    )
    sla_check_seconds: int = Field(
        default=60, ge=0, description="How often the server looks for deadlines at risk; 0 = off."
    )
    session_idle_minutes: int = Field(
        default=120, ge=5, description="A session unused this long ends."
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, description="A session ends this long after sign-in, used or not."
    )
    lockout_threshold: int = Field(
        default=5, ge=3, description="Failed passwords in a row before a user name is locked."
    )
    lockout_minutes: int = Field(default=15, ge=1, description="How long a lockout lasts.")
    password_min_length: int = Field(default=12, ge=8, description="Shortest password accepted.")
    province_geojson: str | None = Field(
        default=None,
        description="A GeoJSON file of province polygons for the dashboard's map (optional).",
    )
    demo_password: str = Field(
        default="pantau-demo-2024",
        description="Password of every demo account (demo mode only; shown on the sign-in page).",
    )
    # --- integration: the HTTP API, webhooks, e-mail ---
    public_url: str = Field(
        default="http://localhost:8501",
        description="Where people reach Pantau; e-mails link to cases under it.",
    )
    api_rate_per_minute: int = Field(
        default=120, ge=1, description="Requests per minute per API token (per replica)."
    )
    api_rate_burst: int = Field(
        default=30, ge=1, description="Requests an API token may make at once before pacing."
    )
    api_body_max_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest API request body (evidence uploads have their own limit).",
    )
    read_model_file: str | None = Field(
        default=None,
        description="Where the dashboard's read model persists; unset: beside an SQLite "
        "database, in memory for PostgreSQL; empty: in memory.",
    )
    warm_read_model: bool = Field(
        default=True,
        description="Load the dashboard's read model in the background at start.",
    )
    outbox_seconds: float = Field(
        default=5, ge=0, description="How often webhooks and e-mails are sent; 0 = off."
    )
    webhook_timeout_seconds: float = Field(
        default=10, gt=0, description="How long a webhook receiver may take to answer."
    )
    webhook_max_attempts: int = Field(
        default=8, ge=1, description="Attempts before a webhook delivery is given up."
    )
    webhook_allow_internal: bool = Field(
        default=False,
        description="Allow webhook receivers on loopback or private addresses, over http "
        "too (tests and development only; refused in production).",
    )
    smtp_host: str | None = Field(default=None, description="SMTP server; unset = no e-mail.")
    smtp_port: int = Field(default=587, description="SMTP port.")
    smtp_username: str | None = Field(default=None, description="SMTP user name, if any.")
    smtp_password: str | None = Field(default=None, description="SMTP password, if any.")
    smtp_starttls: bool = Field(default=True, description="Upgrade the SMTP connection to TLS.")
    email_from: str = Field(
        default="Pantau <pantau@localhost>", description="The sender of notification e-mails."
    )
    # --- the verifiable record: signing key, checkpoints ---
    signing_key_file: str | None = Field(
        default=None,
        description="A file holding the installation's Ed25519 private key (PEM or base64 "
        "seed); generated under ./data/ in development.",
    )
    signing_key: str | None = Field(
        default=None,
        description="The installation's Ed25519 private key itself (base64 seed or PEM), "
        "when not in a file.",
    )
    signing_keyring_file: str | None = Field(
        default=None,
        description="A JSON file of retired public keys, kept on rotation "
        "(./data/signing-keyring.json by default).",
    )
    checkpoint_seconds: int = Field(
        default=3600, ge=0, description="How often the audit chain is checkpointed; 0 = off."
    )

    # --- capture: Pantau's own screenshots and web archives (casework.capture) ---
    capture_enabled: bool = Field(
        default=True, description="Capture each filed link and verify removals; false = off."
    )
    capture_off_platforms: list[str] = Field(
        default_factory=list,
        description='Platform codes never captured, as JSON (`["facebook"]`).',
    )
    capture_in_server: bool = Field(
        default=False,
        description="Run a capture worker inside the server (demo mode only); otherwise "
        "start `python -m casework.capture`.",
    )
    chromium_path: str = Field(
        default="/usr/bin/chromium", description="The Chromium the capture worker launches."
    )
    capture_proxy: str | None = Field(
        default=None, description="Proxy for every capture (`http://proxy:3128`); unset = none."
    )
    capture_user_agent: str = Field(
        default="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/140.0 Safari/537.36 Pantau-Capture/1",
        description="The user agent captures announce.",
    )
    capture_timeout_seconds: float = Field(
        default=30, gt=0, description="How long a page may take to load before it times out."
    )
    capture_max_attempts: int = Field(
        default=3, ge=1, description="Attempts at a capture before its failure is recorded."
    )
    capture_host_interval_seconds: float = Field(
        default=2, ge=0, description="Least time between two fetches from one host."
    )
    capture_poll_seconds: float = Field(
        default=5, gt=0, description="How often an idle capture worker looks for jobs."
    )
    capture_verify_delay_hours: float = Field(
        default=24, ge=0, description="Wait after a removal before checking it is gone."
    )
    capture_verify_decisions: list[str] = Field(
        default_factory=lambda: [
            "removed",
            "geo_blocked",
            "account_suspended",
            "account_terminated",
        ],
        description="Decision types whose content is checked after the delay, as JSON.",
    )
    near_duplicate_distance: int = Field(
        default=6,
        ge=0,
        le=64,
        description="Largest perceptual-hash distance called near-identical.",
    )

    @model_validator(mode="after")
    def _refuse_development_defaults_in_production(self) -> Settings:
        # A production deployment with the published development secret would let anyone
        # forge the sign-in forms' CSRF tokens, so refuse to start rather than warn.
        if self.environment == "production":
            if self.secret_key == DEVELOPMENT_SECRET:
                raise ValueError("PANTAU_SECRET_KEY must be set in production")
            if self.demo_mode:
                raise ValueError("PANTAU_DEMO_MODE must be false in production")
            if self.webhook_allow_internal:
                # A receiver on an internal address would let a token holder probe the
                # deployment's own network from the server.
                raise ValueError("PANTAU_WEBHOOK_ALLOW_INTERNAL must be false in production")
            if self.capture_in_server:
                # Chromium in the web server's process competes with every session.
                raise ValueError("PANTAU_CAPTURE_IN_SERVER must be false in production")
            if not (self.signing_key_file or self.signing_key):
                # A key generated on the fly would sign checkpoints nobody can check later.
                raise ValueError(
                    "PANTAU_SIGNING_KEY_FILE or PANTAU_SIGNING_KEY must be set in production"
                )
        if self.default_language not in ("id", "en"):
            raise ValueError("PANTAU_DEFAULT_LANGUAGE must be 'id' or 'en'")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated on first use."""
    return Settings()
