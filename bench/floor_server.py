"""The hello-world floor of `make bench`: FastAPI parsing the same JSON body and answering a
constant, with the service's uvicorn settings; no server of this stack answers faster.

Usage: python bench/floor_server.py --port <port>
"""

from __future__ import annotations

import argparse
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from uvicorn_settings import serve


class Body(BaseModel):
    """The request body: one record's fields under ``data``."""

    data: dict[str, Any]


def create_app() -> FastAPI:
    """POST /predict answers a constant; GET /ready answers 200."""
    app = FastAPI()

    @app.get("/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/predict")
    async def predict(body: Body) -> dict[str, str]:
        return {"decision": "hello"}

    return app


def main() -> None:
    """Parse the options and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    serve(create_app(), parser.parse_args().port)


if __name__ == "__main__":
    main()
