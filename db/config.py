"""Where the database is: all the data layer reads of the configuration. The rest of
Pantau's settings (casework/settings.py) extend this."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'pantau.db'}"


class DatabaseSettings(BaseSettings):
    """The database URL, from `DATABASE_URL` or an ignored `.env` file."""

    model_config = SettingsConfigDict(env_prefix="PANTAU_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_SQLITE_URL,
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL; an SQLite file under ./data/ by default.",
    )

    @field_validator("database_url", mode="before")
    @classmethod
    def _blank_means_default(cls, value: str | None) -> str:
        # `DATABASE_URL=` (set but empty) is how shells and CI say "not set".
        return value.strip() if value and value.strip() else DEFAULT_SQLITE_URL


def database_url() -> str:
    """The configured database URL, read now (the engine that uses it is cached)."""
    return DatabaseSettings().database_url
