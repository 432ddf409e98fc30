"""A local MLflow tracking server and registry: `mlflow server` on a SQLite file, its
artifacts proxied into a local SeaweedFS bucket (clients never see the store: they upload
and download through the server). For `make mlflow` and the tests."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from credit_scoring.dev.seaweed import LocalSeaweed, Ports

BUCKET = "mlflow"
LOG = "mlflow.log"


class LocalMlflow:
    """Start, wait for, and stop SeaweedFS and an MLflow server on it."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        # the store is private to the server: fresh credentials each start will do
        self.seaweed = LocalSeaweed(
            data_dir / "seaweedfs", "mlflow", secrets.token_hex(16), Ports.free(avoid={port})
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        """The tracking URI clients use."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> None:
        """Start SeaweedFS with the bucket, then the server; wait until it answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.seaweed.start()
        self.seaweed.store(BUCKET).ensure_bucket()
        log = (self.data_dir / LOG).open("ab")
        self.process = subprocess.Popen(
            self._command(),
            stdout=log,
            stderr=log,
            env=os.environ | self._store_environment(),
            start_new_session=True,  # its uvicorn child is stopped with it, as a group
        )
        self._wait_ready(timeout)

    def _command(self) -> list[str]:
        mlflow = Path(sys.executable).with_name("mlflow")
        database = (self.data_dir / "mlflow.db").resolve()
        return [
            str(mlflow), "server", "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", "1", "--backend-store-uri", f"sqlite:///{database}",
            "--artifacts-destination", f"s3://{BUCKET}",
        ]  # fmt: skip

    def _store_environment(self) -> dict[str, str]:
        return {
            "MLFLOW_S3_ENDPOINT_URL": self.seaweed.endpoint,
            "AWS_ACCESS_KEY_ID": self.seaweed.access_key,
            "AWS_SECRET_ACCESS_KEY": self.seaweed.secret_key,
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process is not None and self.process.poll() is not None:
                said = (self.data_dir / LOG).read_text(errors="replace")[-1500:]
                raise RuntimeError(f"mlflow server exited at start (see {LOG}):\n{said}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"mlflow server did not answer within {timeout:.0f} s")
            time.sleep(0.5)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.uri}/health", timeout=2) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        """Stop the server's process group (SIGTERM, SIGKILL after 10 s), then SeaweedFS."""
        try:
            if self.process is not None and self.process.poll() is None:
                _stop_group(self.process, grace_seconds=10)
        finally:
            self.seaweed.stop()


def _stop_group(process: subprocess.Popen[bytes], grace_seconds: float) -> None:
    """SIGTERM the process's group, then SIGKILL it if the leader lingers."""
    group = os.getpgid(process.pid)
    os.killpg(group, signal.SIGTERM)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(group, signal.SIGKILL)
        process.wait()
    try:
        os.killpg(group, signal.SIGKILL)  # a worker that outlived its parent
    except ProcessLookupError:
        pass
