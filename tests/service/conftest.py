"""App fixtures: the real app over the tiny artifact, with one known API key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.profiles import get_profile
from credit_scoring.service.app import create_app
from credit_scoring.service.settings import Settings
from tests.helpers import make_settings


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
