"""The model artifact: a fitted Pipeline, its metadata and report, verified on load.

Layout: ``<root>/<profile>/<version>/{model.joblib, metadata.json, report.md, *.png}``
and ``<root>/<profile>/LATEST`` naming the current version. joblib files run code
when loaded, so ``load_artifact`` refuses a file whose sha256 differs from the
one recorded in metadata.json.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
LATEST_FILE = "LATEST"


class ArtifactError(RuntimeError):
    """An artifact that is missing, incomplete or fails its checksum."""


@dataclass(frozen=True)
class Artifact:
    """A loaded, verified model: the Pipeline, its metadata, and where it came from."""

    pipeline: Any
    metadata: dict[str, Any]
    directory: Path

    @property
    def version(self) -> str:
        """The artifact's version name."""
        return str(self.metadata["version"])


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_artifact(pipeline: Any, metadata: dict[str, Any], directory: Path) -> Path:
    """Write model.joblib and metadata.json (with the model's sha256) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    joblib.dump(pipeline, model_path, compress=3)
    metadata = metadata | {"model_sha256": sha256_of(model_path)}
    (directory / METADATA_FILE).write_text(json.dumps(metadata, indent=2, default=str) + "\n")
    return directory


def point_latest(directory: Path) -> None:
    """Make ``directory`` the profile's current version (atomic rename of LATEST)."""
    pointer = directory.parent / LATEST_FILE
    temporary = pointer.with_suffix(".tmp")
    temporary.write_text(directory.name + "\n")
    os.replace(temporary, pointer)


def resolve(path: str | Path) -> Path:
    """A version directory from itself, a profile folder (via LATEST), or a LATEST file."""
    path = Path(path)
    if path.is_file() and path.name == LATEST_FILE:
        path = path.parent
    if (path / METADATA_FILE).is_file():
        return path
    pointer = path / LATEST_FILE
    if pointer.is_file():
        return path / pointer.read_text().strip()
    raise ArtifactError(
        f"{path}: neither a model version directory nor a folder with {LATEST_FILE}"
    )


def read_metadata(directory: Path) -> dict[str, Any]:
    """The metadata of a version directory."""
    try:
        metadata: dict[str, Any] = json.loads((directory / METADATA_FILE).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ArtifactError(f"{directory}: unreadable {METADATA_FILE} ({error})") from None
    return metadata


def verified_metadata(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """The version directory and its metadata, once model.joblib matches its sha256."""
    directory = resolve(path)
    metadata = read_metadata(directory)
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise ArtifactError(f"{directory}: {MODEL_FILE} is missing")
    expected = metadata.get("model_sha256")
    actual = sha256_of(model_path)
    if expected != actual:
        raise ArtifactError(
            f"{model_path}: sha256 {actual} does not match metadata ({expected}); refusing to load"
        )
    return directory, metadata


def load_artifact(path: str | Path) -> Artifact:
    """Load and verify an artifact; refuse it when model.joblib fails its checksum."""
    directory, metadata = verified_metadata(path)
    pipeline = joblib.load(directory / MODEL_FILE)
    return Artifact(pipeline=pipeline, metadata=metadata, directory=directory)
