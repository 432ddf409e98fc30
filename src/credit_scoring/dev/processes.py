"""Stopping a child process the same way everywhere: SIGTERM, then SIGKILL if it lingers."""

from __future__ import annotations

import subprocess


def stop_process(process: subprocess.Popen[bytes], grace_seconds: float) -> None:
    """SIGTERM ``process``, then SIGKILL it if it has not ended within ``grace_seconds``;
    nothing if it has already ended."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
