"""The uvicorn settings of `credit-scoring serve` (cli.py), shared by the bench's plain server
and hello-world floor so that the three servers differ only in their application."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from credit_scoring.service.workers import SERVER_OPTIONS


def serve(app: FastAPI, port: int) -> None:
    """Serve ``app`` on loopback as `serve` serves the service: one worker, its HTTP
    protocol and event loop (SERVER_OPTIONS), no access log or logging set-up by uvicorn."""
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        workers=1,
        access_log=False,
        log_config=None,
        **SERVER_OPTIONS,
    )
