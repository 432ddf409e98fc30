"""The plain server of `make bench`: what a first FastAPI + pandas version of the service
would be, on the same artifact. POST /predict takes ``{"data": {...}}``, renames the
profile's other names, builds a one-row DataFrame and answers the Pipeline's probabilities
(no validation, no audit, no auth). GET /ready answers 200 once the model is loaded.

Usage: python bench/plain_server.py --model <version dir or profile folder> --port <port>
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import FastAPI
from pydantic import BaseModel

from credit_scoring.ml.artifact import load_artifact
from uvicorn_settings import serve


class Body(BaseModel):
    """The request body: one record's fields under ``data``."""

    data: dict[str, Any]


def create_app(model: Path) -> FastAPI:
    """The app scoring with the artifact at ``model``."""
    artifact = load_artifact(model)
    pipeline, profile = artifact.pipeline, artifact.profile
    aliases, columns = profile.column_aliases, profile.input_names
    app = FastAPI()

    @app.get("/ready")
    def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/predict")
    def predict(body: Body) -> dict[str, list[float]]:
        record = {aliases.get(name, name): value for name, value in body.data.items()}
        frame = pd.DataFrame([record]).reindex(columns=columns)
        return {"probabilities": pipeline.predict_proba(frame)[0].tolist()}

    return app


def main() -> None:
    """Parse the options and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    serve(create_app(args.model), args.port)


if __name__ == "__main__":
    main()
