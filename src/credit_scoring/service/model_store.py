"""Published models in S3: ``s3://bucket/prefix/<version>/`` holds one version directory.

``publish_model`` writes a version that passed its quality gate (never overwriting an
object); ``fetch_model`` copies one into a local profile folder before serving
(``CREDIT_MODEL_URI``) or before an image is built (the deploy workflow).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from credit_scoring.ml.artifact import point_latest
from credit_scoring.ml.publishing import publishable
from credit_scoring.service.object_store import ObjectStore


def _bucket_and_prefix(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.strip("/"):
        raise ValueError(f"expected s3://bucket/prefix/, got {uri}")
    return parsed.netloc, parsed.path.strip("/") + "/"


def store_for(uri: str, endpoint_url: str | None = None) -> ObjectStore:
    """A client of the bucket ``uri`` names (AWS default credentials)."""
    return ObjectStore(_bucket_and_prefix(uri)[0], endpoint_url=endpoint_url)


def fetch_model(uri: str, models_folder: Path, store: ObjectStore | None = None) -> Path:
    """Copy ``s3://bucket/prefix/<version>/`` into ``<models_folder>/<profile>/<version>``
    (the profile starts the version's name) and point the profile's LATEST at it."""
    prefix = _bucket_and_prefix(uri)[1]
    client = store or store_for(uri)
    keys = client.keys(prefix)
    if not keys:
        raise ValueError(f"nothing stored under {uri}")
    version = prefix.rstrip("/").rsplit("/", 1)[-1]
    directory = models_folder / version.rsplit("-", 2)[0] / version
    for key in keys:
        target = directory / key[len(prefix) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(client.get(key))
    point_latest(directory)
    return directory


def publish_model(
    model: Path, uri: str, store: ObjectStore | None = None, signing_key: str | None = None
) -> str:
    """Upload a signed version directory that passed its gate; return the MODEL_URI."""
    directory, _ = publishable(model, signing_key)
    bucket, prefix = _bucket_and_prefix(uri)
    client = store or store_for(uri)
    target = f"{prefix}{directory.name}/"
    for path in sorted(p for p in directory.iterdir() if p.is_file()):
        if not client.put_new(target + path.name, path.read_bytes(), "application/octet-stream"):
            raise ValueError(f"s3://{bucket}/{target}{path.name} exists already; not replaced")
    return f"s3://{bucket}/{target}"
