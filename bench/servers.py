"""The three servers `make bench` compares, each started on loopback in its own temporary
folder: the service as shipped (`credit-scoring serve`, audit spool with fsync on), the plain
server (bench/plain_server.py) and the hello-world floor (bench/floor_server.py)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from credit_scoring.dev.processes import stop_process
from credit_scoring.service.auth import hash_key
from credit_scoring.service.settings import Settings

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
KEY = "bench-key"
READY_TIMEOUT_SECONDS = 60.0


class BenchError(RuntimeError):
    """The bench cannot go on (a server that never gets ready, a refused body...)."""


@dataclass(frozen=True)
class Launch:
    """How to start one server."""

    name: str
    argv: list[str]
    env: dict[str, str]


@dataclass
class Server:
    """A running server: its process, address and time from spawning to /ready 200."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    ready_seconds: float = 0.0


def service_launch(models: Path, port: int, workdir: Path) -> Launch:
    """`credit-scoring serve`, one worker, every model under ``models``, audit on (fsync is
    the default), the bench key accepted; unsigned and synthetic models allowed as `make run`
    allows them. Log level as shipped: INFO, one access line per request into the log."""
    key = Settings().model_signing_key
    env = os.environ | {
        "CREDIT_MODEL_PATH": str(models),
        "CREDIT_API_KEYS": json.dumps({"bench": hash_key(KEY)}),
        "CREDIT_ALLOW_UNSIGNED_MODEL": "true",
        "CREDIT_ALLOW_SYNTHETIC_MODEL": "true",
        "CREDIT_AUDIT_SPOOL_DIR": str(workdir / "spool"),
        "CREDIT_AUDIT_UPLOAD": "false",
        # a long run must not fill the spool (1 GB by default) since nothing uploads it
        "CREDIT_AUDIT_SPOOL_MAX_BYTES": str(64 * 2**30),
        "CREDIT_RATE_LIMIT_PER_MINUTE": str(10**9),
        **({"CREDIT_MODEL_SIGNING_KEY": key.get_secret_value()} if key else {}),
    }
    argv = [str(BIN / "credit-scoring"), "serve", "--port", str(port), "--workers", "1"]
    return Launch("service", argv, env)


def plain_launch(model: Path, port: int, workdir: Path) -> Launch:
    """The plain FastAPI + pandas + Pipeline server on the artifact at ``model``."""
    argv = [sys.executable, str(HERE / "plain_server.py"), "--model", str(model)]
    return Launch("plain", [*argv, "--port", str(port)], dict(os.environ))


def floor_launch(port: int, workdir: Path) -> Launch:
    """The hello-world FastAPI endpoint."""
    argv = [sys.executable, str(HERE / "floor_server.py"), "--port", str(port)]
    return Launch("floor", argv, dict(os.environ))


Launcher = Callable[[int, Path], Launch]


@contextmanager
def running(launcher: Launcher) -> Iterator[Server]:
    """Start the server ``launcher`` describes (given a free port and a temporary folder),
    wait for /ready, stop it on the way out."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="credit-bench-") as folder:
        workdir = Path(folder)
        server = start(launcher(port, workdir), port, workdir)
        try:
            yield server
        finally:
            stop(server)


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(launch: Launch, port: int, workdir: Path) -> Server:
    """Spawn the server (in ``workdir``: no .env is read) and wait for GET /ready 200."""
    log = workdir / "server.log"
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            launch.argv, env=launch.env, cwd=workdir, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(launch.name, process, f"http://127.0.0.1:{port}", log)
    wait_ready(server)
    server.ready_seconds = time.perf_counter() - started
    return server


def wait_ready(server: Server) -> None:
    """Until /ready answers 200; BenchError with its last answer and the server's last
    words if it never does."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    answer = "no answer"
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline and server.process.poll() is None:
            try:
                response = client.get(f"{server.url}/ready")
                if response.status_code == 200:
                    return
                answer = f"{response.status_code} {response.text[:1000]}"
            except httpx.TransportError:
                pass
            time.sleep(0.01)
    stop(server)
    tail = server.log.read_text(errors="replace")[-3000:]
    raise BenchError(
        f"the {server.name} server did not become ready (/ready: {answer}); its log ends:\n{tail}"
    )


def stop(server: Server) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 30 s."""
    stop_process(server.process, grace_seconds=30)


def worker_memory_mb(server: Server) -> dict[str, float]:
    """The worker's resident memory now and at its peak (VmRSS, VmHWM). With one worker,
    uvicorn serves in the process it was started in: the server's process is the worker."""
    return proc_status_mb(server.process.pid)


def proc_status_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return {
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "peak_rss_mb": int(fields["VmHWM"].split()[0]) / 1024,
    }
