"""Fetch a model version directory from S3 (``CREDIT_MODEL_URI``) before serving."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from credit_scoring.ml.artifact import point_latest
from credit_scoring.service.audit.store import ObjectStore


def fetch_model(uri: str, profile_folder: Path, store: ObjectStore | None = None) -> Path:
    """Copy ``s3://bucket/prefix/<version>/`` into ``<profile_folder>/<version>``; point LATEST."""
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.strip("/"):
        raise ValueError(
            f"CREDIT_MODEL_URI must look like s3://bucket/prefix/<version>/, got {uri}"
        )
    prefix = parsed.path.strip("/") + "/"
    client = store or ObjectStore(parsed.netloc)
    keys = client.keys(prefix)
    if not keys:
        raise ValueError(f"nothing stored under {uri}")
    directory = profile_folder / prefix.rstrip("/").rsplit("/", 1)[-1]
    for key in keys:
        target = directory / key[len(prefix) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(client.get(key))
    point_latest(directory)
    return directory
