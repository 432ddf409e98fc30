"""Service configuration, read from the environment (prefix CREDIT_) and an optional .env file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of the API; see .env.example for each one's meaning."""

    model_config = SettingsConfigDict(env_prefix="CREDIT_", env_file=".env", extra="ignore")

    profile: str = "credit_score"
    model_path: Path = Field(
        default=Path("src/models/credit_score"),
        description="A model version directory, or a profile folder holding LATEST.",
    )
    decision_threshold: float | None = Field(
        default=None, gt=0, lt=1, description="Overrides the artifact's threshold when set."
    )
    api_keys: dict[str, str] = Field(
        default_factory=dict,
        description='Client id -> sha256 hex of its API key, as JSON: {"client": "<sha256>"}.',
    )
    rate_limit_per_minute: int = Field(default=600, ge=1)
    max_batch_records: int = Field(default=1000, ge=1)
    max_body_bytes: int = Field(default=2_000_000, ge=1024)
    docs_enabled: bool = True
    log_level: str = "INFO"
    log_json: bool = True
