"""Service configuration, read from the environment (prefix CREDIT_) and an optional .env file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of the API; see .env.example for each one's meaning."""

    model_config = SettingsConfigDict(env_prefix="CREDIT_", env_file=".env", extra="ignore")

    model_path: Path = Field(
        default=Path("src/models"),
        description="A models folder holding <profile>/LATEST (every profile found is "
        "served), a profile folder holding LATEST, or a model version directory.",
    )
    model_uri: str | None = Field(
        default=None,
        description="s3://bucket/prefix/<version>/ or models:/<profile>@<alias> (or "
        "models:/<profile>/<version>) of the MLflow registry; several: comma-separated; each "
        "fetched into model_path/<profile>/ at start and verified like any model.",
    )
    challenger_path: Path | None = Field(
        default=None,
        description="A models folder of challengers, like model_path: each is scored beside "
        "its profile's model on every request and audited, never answered.",
    )
    challenger_uri: str | None = Field(
        default=None,
        description="Challengers to fetch at start, like model_uri (e.g. "
        "models:/credit_score@challenger), into challenger_path (default data/challengers).",
    )
    mlflow_tracking_uri: str | None = Field(
        default=None,
        description="MLflow tracking server (http://host:5000): training logs to it, and "
        "models:/ URIs are read from its registry.",
    )
    training_data: dict[str, Path] = Field(
        default_factory=dict,
        description='Training file per profile, as JSON: {"card_default": "/path/file.csv"}.',
    )
    allow_synthetic_model: bool = Field(
        default=False,
        description="Serve a model trained on synthetic data (demonstrations only).",
    )
    model_signing_key: SecretStr | None = Field(
        default=None,
        description="HMAC key of model signatures; the service refuses a model it cannot verify.",
    )
    allow_unsigned_model: bool = Field(
        default=False, description="Serve a model without a valid signature (local runs only)."
    )
    decision_threshold: float | None = Field(
        default=None, gt=0, lt=1, description="Overrides the artifact's threshold when set."
    )
    api_keys: dict[str, str] = Field(
        default_factory=dict,
        description='Client id -> sha256 hex of its API key, as JSON: {"client": "<sha256>"}.',
    )
    rate_limit_per_minute: int = Field(default=600, ge=1)
    failed_key_limit_per_minute: int = Field(
        default=30, ge=1, description="Requests without a valid key per address, then 429."
    )
    max_batch_records: int = Field(default=1000, ge=1)
    max_body_bytes: int = Field(default=2_000_000, ge=1024)
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="A request's headers must arrive within this (else closed)."
    )
    body_timeout_seconds: float = Field(
        default=10.0, gt=0, description="A request's body must arrive within this (else 408)."
    )
    port: int = Field(default=8000, ge=1, le=65535, description="Port of `serve` and `probe`.")
    workers: int = Field(default=1, ge=1, description="Uvicorn worker processes (serve).")
    metrics_token_sha256: str | None = Field(
        default=None,
        description="sha256 hex of the bearer token /metrics requires (Authorization header).",
    )
    metrics_public: bool = Field(
        default=False,
        description="Serve /metrics without a token (a private network only, e.g. Compose).",
    )
    drift_window_records: int = Field(
        default=10_000,
        ge=100,
        description="Recent decided records per profile (and worker) whose inputs drift is "
        "measured on.",
    )
    docs_enabled: bool = True
    log_level: str = "INFO"
    log_json: bool = True

    # The audit log (DESIGN §7): spool on local disk, uploads to an S3-compatible store.
    instance_id: str | None = Field(
        default=None, description="Name of this process in object keys (default: the hostname)."
    )
    audit_spool_dir: Path = Path("data/spool")
    audit_fsync: bool = Field(
        default=True, description="fsync every record before the response (power-cut safe)."
    )
    audit_spool_max_bytes: int = Field(default=1_073_741_824, ge=1024)
    audit_segment_max_bytes: int = Field(default=8_388_608, ge=1024)
    audit_segment_max_seconds: float = Field(default=10.0, gt=0)
    audit_upload_interval_seconds: float = Field(default=2.0, gt=0)
    audit_flush_seconds: float = Field(default=10.0, ge=0)
    audit_upload: bool = Field(default=True, description="Ship spooled records to the store.")
    s3_endpoint_url: str | None = Field(
        default=None, description="S3 endpoint, e.g. http://127.0.0.1:8333 (unset on AWS)."
    )
    s3_region: str = "us-east-1"
    s3_bucket: str = "credit-audit"
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None

    @property
    def challengers_folder(self) -> Path:
        """Where challengers are looked for (and fetched into)."""
        return self.challenger_path or Path("data/challengers")
