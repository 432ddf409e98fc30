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
from credit_scoring.service.auth import hash_key
from credit_scoring.service.settings import Settings

API_KEY = "test-key-0123456789"
HEADERS = {"x-api-key": API_KEY}


def make_settings(model_path: Path, **overrides: Any) -> Settings:
    """Test settings: the tiny model, one key, a private spool, no uploads unless asked."""
    values: dict[str, Any] = {
        "model_path": model_path,
        "api_keys": {"seed-client": hash_key(API_KEY)},
        "rate_limit_per_minute": 100_000,
        "audit_spool_dir": Path(tempfile.mkdtemp(prefix="spool-")),
        "audit_upload": False,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


def live_env(model_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a real server process: the model, the test key, no uploads."""
    return {
        "CREDIT_MODEL_PATH": str(model_path),
        "CREDIT_API_KEYS": json.dumps({"seed-client": hash_key(API_KEY)}),
        "CREDIT_AUDIT_UPLOAD": "false",
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
