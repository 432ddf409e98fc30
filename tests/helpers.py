"""What tests share besides fixtures: keys, settings, a real server process, paths.

Fixtures live in the conftest files; everything a test imports comes from here.
"""

from __future__ import annotations

import copy
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from credit_scoring.dev.processes import stop_process
from credit_scoring.dev.seaweed import LocalSeaweed
from credit_scoring.ml.artifact import Artifact
from credit_scoring.ml.artifact_metadata import ArtifactMetadata, CompiledTrees
from credit_scoring.profiles import Profile
from credit_scoring.service.audit.spool import Spool
from credit_scoring.service.auth import hash_key
from credit_scoring.service.settings import Settings

SIGNING_KEY = "test-model-signing-key-0123456789"
API_KEY = "test-key-0123456789"
HEADERS = {"x-api-key": API_KEY}
SHARED = Path(__file__).resolve().parents[2] / "shared"
CONTRACTS = SHARED / "contracts"
UCI_FILE = SHARED / "data/uci_default/UCI_Credit_Card.csv"


def parse(profile: Profile, name: str, values: list[object]) -> list[object]:
    """A column's values as the profile parses them, missing as None."""
    parsed = profile.input(name).kind.parse(pd.Series(values, dtype=object), profile.input(name))
    return [None if (isinstance(v, float) and math.isnan(v)) else v for v in parsed]


def unsaved_artifact(
    pipeline: Any,
    profile: Profile,
    compiled: CompiledTrees | None = None,
    directory: Path = Path("."),
) -> Artifact:
    """A fitted Pipeline as an artifact that was never saved: its metadata holds only what
    the scorer reads (threshold 0.5, no bands, no training ranges)."""
    metadata = ArtifactMetadata.model_construct(
        version=f"{profile.name}-test",
        threshold=0.5,
        risk_bands=None,
        training_ranges={},
        compiled_trees=compiled,
    )
    return Artifact(pipeline, metadata, directory)


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


def passing(metadata: dict[str, Any]) -> dict[str, Any]:
    """The metadata of ``trained_dir`` as if its model had met every rule."""
    good = copy.deepcopy(metadata)
    good["training_data"]["kind"] = "real"
    good["metrics"]["test"]["decision"]["risk_recall"] = 0.86
    good["metrics"]["test"]["risk_vs_rest_auc"] = 0.9
    cv = good["metrics"]["cross_validation"]
    cv[good["model"]["chosen"]]["log_loss"] = cv["linear_baseline"]["log_loss"] - 0.01
    return good


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str, status: int, seconds: float) -> bool:
    """Whether GET ``url`` answers ``status`` within ``seconds`` (asked every 0.1 s)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == status:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


class LiveServer:
    """Start the API in a subprocess; ``stop`` returns everything it printed."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        port = self.url.rsplit(":", 1)[1]
        command = [sys.executable, "-m", "credit_scoring.cli", "serve", "--port", port]
        self.log = cwd / "server.log"
        with self.log.open("wb") as log:  # a file, not a pipe nobody drains
            self.process = subprocess.Popen(
                command, env=os.environ | env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_ready()

    def _wait_ready(self, seconds: float = 30) -> None:
        if not answers(f"{self.url}/ready", 200, seconds):
            raise RuntimeError(f"the server did not become ready: {self.stop()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush."""
        self.process.kill()
        self.process.wait(timeout=15)

    def stop(self) -> str:
        """SIGTERM (SIGKILL if it lingers past 15 s); everything it printed."""
        stop_process(self.process, grace_seconds=15)
        return self.log.read_text()


def spooled_records(settings: Settings) -> dict[str, dict[str, Any]]:
    """Every decision record in an app's audit spool, by decision id."""
    records = [
        json.loads(line)
        for segment in Path(settings.audit_spool_dir).glob("**/predictions-*")
        for line in segment.read_bytes().splitlines()
        if line.strip()
    ]
    return {record["decision_id"]: record for record in records}


def small_spool(directory: Path, instance: str = "task-a", *, fsync: bool = False) -> Spool:
    """A predictions spool with room to spare: 1 MiB segments open a minute, 1 GiB in all."""
    return Spool(
        directory,
        "predictions",
        instance,
        segment_max_bytes=1 << 20,
        segment_max_seconds=60,
        max_bytes=1 << 30,
        fsync=fsync,
    )


NEW_EACH_TIME = {"decision_id", "request_id"}  # ids an answer gets anew on every call


def without_ids(answer: Any) -> Any:
    """An answer without the ids made anew on every call (at any depth), to compare two."""
    if isinstance(answer, dict):
        return {k: without_ids(v) for k, v in answer.items() if k not in NEW_EACH_TIME}
    if isinstance(answer, list):
        return [without_ids(item) for item in answer]
    return answer
