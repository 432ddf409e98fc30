"""What may leave the training machine: a signed, unchanged model that passed its quality
gate, re-evaluated from its metadata (a bucket and the registry take nothing else)."""

from __future__ import annotations

from pathlib import Path

from credit_scoring.ml.artifact import verified_metadata
from credit_scoring.ml.artifact_metadata import ArtifactMetadata
from credit_scoring.ml.quality_gate import evaluate_gate


class ModelGateError(ValueError):
    """A model that did not pass its quality gate may not be published."""


def publishable(model: Path, signing_key: str | None) -> tuple[Path, ArtifactMetadata]:
    """A version directory and its metadata, once signed, unchanged and through its quality
    gate (re-evaluated here, not read from the metadata); ModelGateError otherwise."""
    directory, metadata = verified_metadata(model, signing_key, signature_required=True)
    failed = failed_rules(metadata)
    if failed:
        raise ModelGateError(f"{directory.name} did not pass its quality gate ({failed})")
    return directory, metadata


def failed_rules(metadata: ArtifactMetadata) -> str:
    """The gate's failed rules with their details, re-evaluated ("" when it passes)."""
    failed = [check for check in evaluate_gate(metadata) if not check.passed]
    return "; ".join(f"{check.name}: {check.detail}" for check in failed)
