"""A real uvicorn process running `credit-scoring serve`, for the tests that need one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not become ready: {self.stop()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush."""
        self.process.kill()
        self.process.wait(timeout=15)

    def stop(self) -> str:
        self.process.terminate()
        self.process.wait(timeout=15)
        return self.log.read_text()
