"""The model artifact: a fitted Pipeline, its metadata and report, verified on load.

Layout: ``<root>/<profile>/<version>/{model.joblib, metadata.json, metadata.json.sig,
report.md, *.png}`` and ``<root>/<profile>/LATEST`` naming the current version.

joblib files run code when loaded. A checksum beside the file proves nothing to whoever
can write both, so metadata.json (which holds the model's sha256) is signed: an HMAC-SHA256
with a key that the artifact's signer and the service hold and the model folder or bucket
never does. The signature is checked, then the checksum, and only then is anything unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib

from credit_scoring.ml.artifact_metadata import ArtifactMetadata, MetadataError, parse_metadata
from credit_scoring.profiles.base import Profile

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
LATEST_FILE = "LATEST"
SIGNATURE_FILE = "metadata.json.sig"
SIGNATURE_SCHEME = "hmac-sha256"


class ArtifactError(RuntimeError):
    """An artifact that is missing, incomplete, unsigned, or fails its signature or checksum."""


@dataclass(frozen=True)
class Artifact:
    """A loaded, verified model: the Pipeline, its metadata, and where it came from."""

    pipeline: Any
    metadata: ArtifactMetadata
    directory: Path

    @property
    def version(self) -> str:
        """The artifact's version name."""
        return self.metadata.version

    @property
    def profile(self) -> Profile:
        """The profile the Pipeline was trained for (its record cleaner carries it)."""
        profile: Profile = self.pipeline.steps[0][1].profile
        return profile


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_artifact(pipeline: Any, metadata: ArtifactMetadata, directory: Path) -> Path:
    """Write model.joblib and metadata.json (with the model's sha256) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    joblib.dump(pipeline, model_path, compress=3)
    checksums: dict[str, Any] = {"model_sha256": sha256_of(model_path)}
    compiled = metadata.compiled_trees
    if compiled is not None:
        compiled_sha = sha256_of(directory / compiled.file)
        checksums["compiled_trees"] = compiled.model_copy(update={"sha256": compiled_sha})
    metadata = metadata.model_copy(update=checksums)
    (directory / METADATA_FILE).write_text(metadata.to_json())
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


def models_under(path: str | Path, profiles: list[str]) -> dict[str, Path]:
    """Each profile's version directory under ``path``: a version directory or a profile
    folder (its own profile), or a models folder holding ``<profile>/LATEST`` folders."""
    path = Path(path)
    if (path / METADATA_FILE).is_file() or (path / LATEST_FILE).is_file():
        directory = resolve(path)
        return {read_metadata(directory).profile: directory}
    return {
        name: resolve(path / name) for name in profiles if (path / name / LATEST_FILE).is_file()
    }


def read_metadata(directory: Path) -> ArtifactMetadata:
    """The metadata of a version directory; ArtifactError when it is unreadable, invalid or
    of another schema version."""
    try:
        return parse_metadata((directory / METADATA_FILE).read_text(), directory)
    except OSError as error:
        raise ArtifactError(f"{directory}: unreadable {METADATA_FILE} ({error})") from None
    except MetadataError as error:
        raise ArtifactError(str(error)) from None


def signature_of(directory: Path, key: str) -> str:
    """``hmac-sha256:<hex>`` of the version's metadata.json under ``key``."""
    digest = hmac.new(key.encode(), (directory / METADATA_FILE).read_bytes(), hashlib.sha256)
    return f"{SIGNATURE_SCHEME}:{digest.hexdigest()}"


def sign_artifact(path: str | Path, key: str) -> Path:
    """Sign a version directory (after checking its checksum); return the directory."""
    directory, _ = verified_metadata(path)
    (directory / SIGNATURE_FILE).write_text(signature_of(directory, key) + "\n")
    return directory


def check_signature(directory: Path, key: str | None, *, required: bool) -> bool:
    """True when the version is signed under ``key``; ArtifactError when the signature is
    wrong, or when it is ``required`` and missing or cannot be checked without a key."""
    signature_path = directory / SIGNATURE_FILE
    if not signature_path.is_file() or key is None:
        if required:
            missing = f"{SIGNATURE_FILE} is missing" if key else "no signing key to check it with"
            raise ArtifactError(
                f"{directory.name}: unsigned or unverifiable model ({missing}; the service "
                "needs CREDIT_MODEL_SIGNING_KEY); refusing to load it"
            )
        return False
    if not hmac.compare_digest(signature_path.read_text().strip(), signature_of(directory, key)):
        raise ArtifactError(
            f"{directory.name}: the signature does not match (changed after signing, or "
            "signed with another key); refusing to load it"
        )
    return True


def verified_metadata(
    path: str | Path, signing_key: str | None = None, *, signature_required: bool = False
) -> tuple[Path, ArtifactMetadata]:
    """The version directory and its metadata, once its signature (checked whenever a key is
    given) and then the sha256 of model.joblib (and of the compiled trees, if any) match."""
    directory = resolve(path)
    check_signature(directory, signing_key, required=signature_required)
    metadata = read_metadata(directory)
    _check_file(directory / MODEL_FILE, metadata.model_sha256)
    if metadata.compiled_trees is not None:
        _check_file(directory / metadata.compiled_trees.file, metadata.compiled_trees.sha256)
    return directory, metadata


def _check_file(path: Path, expected: str | None) -> None:
    """ArtifactError unless ``path`` exists with the sha256 metadata.json gives it."""
    if not path.is_file():
        raise ArtifactError(f"{path.parent}: {path.name} is missing")
    actual = sha256_of(path)
    if expected != actual:
        raise ArtifactError(
            f"{path}: sha256 {actual} does not match metadata ({expected}); refusing to load"
        )


def load_artifact(
    path: str | Path, signing_key: str | None = None, *, signature_required: bool = False
) -> Artifact:
    """Load a verified artifact: signature (see verified_metadata), checksum, then unpickle."""
    directory, metadata = verified_metadata(
        path, signing_key, signature_required=signature_required
    )
    pipeline = joblib.load(directory / MODEL_FILE)
    return Artifact(pipeline=pipeline, metadata=metadata, directory=directory)
