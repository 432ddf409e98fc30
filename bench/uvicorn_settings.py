"""The uvicorn settings of `credit-scoring serve` (cli.py), shared by the bench's plain server
and hello-world floor so that the three servers differ only in their application."""

from __future__ import annotations

from typing import Any

import uvicorn
from fastapi import FastAPI

# As `serve` passes them (one worker, the service's HTTP protocol, no access log from
# uvicorn, uvicorn's default event loop).
SERVE_OPTIONS: dict[str, Any] = {
    "workers": 1,
    "http": "credit_scoring.service.http_protocol:GuardedH11Protocol",
    "access_log": False,
    "log_config": None,
}


def serve(app: FastAPI, port: int) -> None:
    """Serve ``app`` on loopback with the service's settings."""
    uvicorn.run(app, host="127.0.0.1", port=port, **SERVE_OPTIONS)
