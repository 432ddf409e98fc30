"""Schemathesis against a real server: no 5xx and no answer outside the documented schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import API_KEY, live_env
from tests.helpers import LiveServer


@pytest.mark.slow
def test_schemathesis_finds_nothing(both_models: Path, tmp_path: Path) -> None:
    # Schemathesis also calls every route without its key: the failed-key limit (tested on
    # its own in test_access) would answer its later calls 429 instead of 401.
    limits = {
        "CREDIT_RATE_LIMIT_PER_MINUTE": "1000000",
        "CREDIT_FAILED_KEY_LIMIT_PER_MINUTE": "1000000",
    }
    server = LiveServer(live_env(both_models, **limits), cwd=tmp_path)
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{server.url}/openapi.json",
                "-H",
                f"x-api-key: {API_KEY}",
                "--checks",
                "all",
                "--max-examples",
                "250",
                "--seed",
                "20261122",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=tmp_path,
        )
    finally:
        server.stop()
    summary = run.stdout[-3000:]
    assert run.returncode == 0, summary
    generated = int(summary.split(" generated")[0].rsplit("\n", 1)[-1].strip())
    assert generated >= 1000, summary
