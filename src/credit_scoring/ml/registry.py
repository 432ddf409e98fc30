"""The MLflow model registry, written to: ``publish`` registers a signed artifact that passed
its quality gate as a version of the model named after its profile (alias ``challenger``),
``promote`` moves the alias ``champion``. mlflow (the ``mlflow`` group) is needed here only;
the service reads the registry over HTTP (``service.model_registry``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from credit_scoring.ml.artifact import SIGNATURE_FILE
from credit_scoring.ml.artifact_metadata import ArtifactMetadata
from credit_scoring.ml.publishing import publishable

if TYPE_CHECKING:
    from mlflow import MlflowClient

CHALLENGER, CHAMPION = "challenger", "champion"
PASSED = "passed"
REGISTERED_FOLDER = "registered"  # where a run keeps each artifact folder it registered


@dataclass(frozen=True)
class Promotion:
    """What ``promote`` did: the version now champion, and the one it replaced (if any)."""

    name: str
    version: str
    replaced: str | None


def publish(model: Path, tracking_uri: str, signing_key: str | None) -> tuple[str, str]:
    """Register ``model`` (signed, unchanged, through its gate: else ModelGateError and
    nothing registered) and give it the alias ``challenger``; return its name and version."""
    from mlflow import MlflowClient

    directory, metadata = publishable(model, signing_key)
    client = MlflowClient(tracking_uri)
    _refuse_registered_twice(client, metadata)
    run_id = _run_for(client, metadata)
    folder = f"{REGISTERED_FOLDER}/{directory.name}"
    client.log_artifacts(run_id, str(directory), folder)
    name = metadata.profile
    if not client.search_registered_models(filter_string=f"name = '{name}'"):
        client.create_registered_model(name, description=f"The {name} profile's credit model.")
    source = f"{client.get_run(run_id).info.artifact_uri}/{folder}"
    signature = (directory / SIGNATURE_FILE).read_text().strip()
    tags = _version_tags(metadata) | {"signature": signature}
    registered = client.create_model_version(name, source, run_id=run_id, tags=tags)
    client.set_registered_model_alias(name, CHALLENGER, registered.version)
    return name, str(registered.version)


def _refuse_registered_twice(client: MlflowClient, metadata: ArtifactMetadata) -> None:
    """ValueError when this artifact version is a registered version already."""
    for version in client.search_model_versions(f"name = '{metadata.profile}'"):
        if version.tags.get("model_version") == metadata.version:
            raise ValueError(
                f"{metadata.version} is already registered as {metadata.profile} version "
                f"{version.version}"
            )


def _run_for(client: MlflowClient, metadata: ArtifactMetadata) -> str:
    """The run that trained the model when it is on this server, else a new run of the
    profile's experiment that holds only the registered folder."""
    from mlflow.exceptions import MlflowException

    if metadata.tracking is not None:
        try:
            return str(client.get_run(metadata.tracking.run_id).info.run_id)
        except MlflowException:
            pass  # tracked on another server: this one gets a run of its own
    experiment = client.get_experiment_by_name(metadata.profile)
    experiment_id = (
        experiment.experiment_id if experiment else client.create_experiment(metadata.profile)
    )
    run = client.create_run(experiment_id, run_name=f"publish {metadata.version}")
    client.set_terminated(run.info.run_id)
    return str(run.info.run_id)


def _version_tags(metadata: ArtifactMetadata) -> dict[str, str]:
    """The version's tags: its artifact version, sha256 and the gate's verdict rule by rule."""
    checks = metadata.quality_gate.checks if metadata.quality_gate else []
    return {
        "model_version": metadata.version,
        "sha256": metadata.model_sha256 or "",
        "quality_gate": PASSED,
        **{f"quality_gate.{check.name}": check.detail for check in checks},
    }


def promote(profile: str, version: str, tracking_uri: str) -> Promotion:
    """Move the alias ``champion`` of the profile's registered model to ``version``
    (ValueError for a version that does not exist or did not pass its gate)."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(tracking_uri)
    try:
        chosen = client.get_model_version(profile, version)
    except MlflowException:
        raise ValueError(f"{profile} has no registered version {version}") from None
    if chosen.tags.get("quality_gate") != PASSED:
        raise ValueError(f"{profile} version {version} did not pass its quality gate")
    try:
        replaced: str | None = str(client.get_model_version_by_alias(profile, CHAMPION).version)
    except MlflowException:
        replaced = None
    client.set_registered_model_alias(profile, CHAMPION, version)
    return Promotion(profile, str(version), replaced)
