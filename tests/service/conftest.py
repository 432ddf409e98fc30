"""App fixtures: the real app over the tiny artifact, with one known API key."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.profiles import get_profile
from credit_scoring.service.app import create_app
from credit_scoring.dev.seaweed import LocalSeaweed
from credit_scoring.service.auth import hash_key
from credit_scoring.service.settings import Settings
from tests.conftest import SIGNING_KEY

API_KEY = "test-key-0123456789"
HEADERS = {"x-api-key": API_KEY}


def make_settings(model_path: Path, **overrides: Any) -> Settings:
    """Test settings: the tiny (synthetic) model allowed, one key, a private spool, no uploads."""
    values: dict[str, Any] = {
        "model_path": model_path,
        "allow_synthetic_model": True,
        "api_keys": {"seed-client": hash_key(API_KEY)},
        "rate_limit_per_minute": 100_000,
        "audit_spool_dir": Path(tempfile.mkdtemp(prefix="spool-")),
        "audit_upload": False,
        "metrics_public": True,
        "model_signing_key": SIGNING_KEY,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


def live_env(model_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a real server process: the model, the test key, no uploads."""
    return {
        "CREDIT_MODEL_PATH": str(model_path),
        "CREDIT_ALLOW_SYNTHETIC_MODEL": "true",
        "CREDIT_API_KEYS": json.dumps({"seed-client": hash_key(API_KEY)}),
        "CREDIT_AUDIT_UPLOAD": "false",
        "CREDIT_METRICS_PUBLIC": "true",
        "CREDIT_MODEL_SIGNING_KEY": SIGNING_KEY,
    } | extra


@pytest.fixture(scope="session")
def settings(trained_dir: Path) -> Settings:
    return make_settings(trained_dir.parent)


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def english() -> dict[str, Any]:
    return json.loads(json.dumps(get_profile("credit_score").examples["english"]))


@pytest.fixture(scope="session")
def portuguese() -> dict[str, Any]:
    return json.loads(json.dumps(get_profile("credit_score").examples["portuguese"]))


def audit_settings(model_path: Path, seaweed: LocalSeaweed, bucket: str, **extra: Any) -> Settings:
    """Settings that upload to ``bucket`` on the test SeaweedFS, quickly."""
    seaweed.store(bucket).ensure_bucket()
    return make_settings(
        model_path,
        audit_upload=True,
        s3_endpoint_url=seaweed.endpoint,
        s3_bucket=bucket,
        s3_access_key_id=seaweed.access_key,
        s3_secret_access_key=seaweed.secret_key,
        **({"audit_segment_max_seconds": 0.5, "audit_upload_interval_seconds": 0.2} | extra),
    )
