"""`credit-scoring run-local` (what `make run` starts), as a new user meets it (slow)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from credit_scoring.dev.seaweed import free_port
from tests.image_engine import ROOT

pytestmark = pytest.mark.slow


def listening(port: int) -> socket.socket | None:
    """Hold ``port`` like another program would; None if something holds it already."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        return None
    sock.listen()
    return sock


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A working directory after the README's `cp .env.example .env`, on a free S3 port."""
    env = (ROOT / ".env.example").read_text()
    s3_port = free_port()
    (tmp_path / ".env").write_text(
        env.replace("http://127.0.0.1:8333", f"http://127.0.0.1:{s3_port}")
    )
    return tmp_path


def run_local(
    cwd: Path, model: Path, api_port: int, *, output: int | IO[str] = subprocess.PIPE
) -> subprocess.Popen[str]:
    """`credit-scoring run-local` in its own session (so that ``stop`` can end all of it)."""
    command = [sys.executable, "-m", "credit_scoring.cli", "run-local", "--port", str(api_port)]
    env = os.environ | {"CREDIT_MODEL_PATH": str(model)}
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop_run(process: subprocess.Popen[str]) -> None:
    """Ctrl-C, as a user stops it; then SIGKILL to whatever is left of its session (SeaweedFS
    included, should the command have died without stopping it)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class LocalRuns:
    """`run-local` processes started in one checkout, each printing into its own log."""

    def __init__(self, checkout: Path, model: Path) -> None:
        self.checkout = checkout
        self.model = model
        self.logs: dict[int, Path] = {}
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, api_port: int) -> subprocess.Popen[str]:
        """Start one; it is stopped at the end of the test whatever happens."""
        log = self.checkout / f"run-local-{len(self.processes)}.log"
        with log.open("w") as output:
            process = run_local(self.checkout, self.model, api_port, output=output)
        self.processes.append(process)
        self.logs[process.pid] = log
        return process

    def output(self, process: subprocess.Popen[str]) -> str:
        """What it has printed so far."""
        return self.logs[process.pid].read_text()

    def stop_all(self) -> None:
        """Stop every one started, SeaweedFS included."""
        for process in self.processes:
            stop_run(process)


@pytest.fixture
def local_runs(checkout: Path, trained_dir: Path) -> Iterator[LocalRuns]:
    """Start `run-local` as often as a test needs; nothing it started outlives the test."""
    runs = LocalRuns(checkout, trained_dir.parent)
    try:
        yield runs
    finally:
        runs.stop_all()


def serves(process: subprocess.Popen[str], client: httpx.Client, url: str) -> bool:
    """Whether GET ``url`` answers 200 before the process exits or a minute passes."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if client.get(url, timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            time.sleep(0.2)
    return False


@pytest.fixture
def held_default_ports() -> Iterator[None]:
    """SeaweedFS's old fixed internal ports, taken by someone else."""
    held = [listening(port) for port in (8080, 8888, 9333)]
    yield
    for sock in held:
        if sock is not None:
            sock.close()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_the_printed_key_works_with_default_ports_taken(
    checkout: Path, trained_dir: Path, held_default_ports: None, stop: signal.Signals
) -> None:
    """... and however it is stopped, it stops the SeaweedFS it started."""
    api_port = free_port()
    process = run_local(checkout, trained_dir.parent, api_port)
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("try credit_score: curl"):
                break
        output = "".join(lines)
        assert "trained on SYNTHETIC data" in output, output
        key = next(x for x in lines if "development API key" in x).rsplit(": ", 1)[1].strip()
        body = checkout / lines[-1].split(" -d @", 1)[1].split()[0]  # the printed body file
        deadline = time.monotonic() + 30
        answer = None
        while time.monotonic() < deadline:
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{api_port}/predict",
                    content=body.read_bytes(),
                    headers={"x-api-key": key, "Content-Type": "application/json"},
                )
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None and answer.status_code == 200, answer and answer.text
    finally:
        process.send_signal(stop)
        try:
            rest = process.communicate(timeout=60)[0]
        finally:  # whatever it left of its session (nothing, when it stops as it should)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
    assert "SeaweedFS stopped" in rest


def test_a_taken_port_is_named_in_one_line(checkout: Path, local_runs: LocalRuns) -> None:
    env = (checkout / ".env").read_text()
    endpoint = re.search(r"^CREDIT_S3_ENDPOINT_URL=http://127.0.0.1:(\d+)$", env, re.M)
    assert endpoint is not None
    s3_port = int(endpoint.group(1))
    held = listening(s3_port)
    assert held is not None
    try:  # should it start anyway, local_runs stops it and its SeaweedFS
        process = local_runs.start(free_port())
        process.wait(timeout=30)
    finally:
        held.close()
    output = local_runs.output(process)
    assert process.returncode == 2
    assert f"port {s3_port} (SeaweedFS S3 API) is in use" in output
    assert "Traceback" not in output and len(output.strip().splitlines()) == 1, output
    assert not (checkout / "data" / "seaweedfs" / "weed.log").exists(), "nothing was started"


def test_a_restart_at_once_serves(local_runs: LocalRuns) -> None:
    """Stopped and started again at once, as a newcomer does: the connections the first run
    closed wait in TIME-WAIT on its ports for a minute, and that is not "in use"."""
    api_port = free_port()
    health = f"http://127.0.0.1:{api_port}/health"
    first = local_runs.start(api_port)
    with httpx.Client() as client:  # kept alive: at its stop the server closes first
        assert serves(first, client, health), local_runs.output(first)
        stop_run(first)
    assert "SeaweedFS stopped" in local_runs.output(first)
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", api_port))  # the first run's connection is in TIME-WAIT
    second = local_runs.start(api_port)
    with httpx.Client() as client:
        assert serves(second, client, health), local_runs.output(second)
