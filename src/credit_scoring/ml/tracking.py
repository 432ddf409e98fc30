"""Experiment tracking in MLflow, when a tracking URI is set: one run per training, in the
experiment named after the profile, holding its parameters, every cross-validated and test
metric of the report, the quality gate rule by rule, the training data's sha256, the plots
and the artifact folder; each tuning trial is a nested run. mlflow (the ``mlflow``
dependency group) is imported only here, and only when tracking."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from credit_scoring.ml.artifact_metadata import ArtifactMetadata, TrackingRun

ARTIFACT_FOLDER = "model"  # where a run keeps the artifact folder it trained
PLOTS_FOLDER = "plots"
_UNSAFE = re.compile(r"[^A-Za-z0-9_\-. /]")
REACH_TIMEOUT_SECONDS = 5


class TrackingError(ValueError):
    """A tracking server that cannot be reached or refuses what is logged."""


@contextmanager
def tracked_training(tracking_uri: str | None, profile: str) -> Iterator[TrackingRun | None]:
    """A run in the profile's experiment for the training inside (None without a URI); it
    ends FAILED when the training raises."""
    if not tracking_uri:
        yield None
        return
    import mlflow
    from mlflow.exceptions import MlflowException

    _check_reachable(tracking_uri)
    try:
        mlflow.set_tracking_uri(tracking_uri)
        experiment = mlflow.set_experiment(profile)
        with mlflow.start_run() as run:
            yield TrackingRun(
                tracking_uri=tracking_uri,
                experiment_id=experiment.experiment_id,
                run_id=run.info.run_id,
            )
    except MlflowException as error:
        raise TrackingError(f"the MLflow server at {tracking_uri} refused: {error.message}")


def _check_reachable(tracking_uri: str) -> None:
    """A clear error at once for an HTTP server that does not answer (MLflow's client would
    retry for minutes)."""
    if not tracking_uri.startswith(("http://", "https://")):
        return
    try:
        with urllib.request.urlopen(
            f"{tracking_uri.rstrip('/')}/health", timeout=REACH_TIMEOUT_SECONDS
        ):
            return
    except (urllib.error.URLError, OSError) as error:
        raise TrackingError(f"the MLflow server at {tracking_uri} cannot be reached: {error}")


def log_training(directory: Path, metadata: ArtifactMetadata) -> None:
    """Log a saved (and signed, when a key is set) artifact into the active run."""
    import mlflow

    mlflow.set_tags(_tags(metadata))
    mlflow.log_params(_params(metadata))
    mlflow.log_metrics(_metrics(metadata))
    for number, trial in enumerate(metadata.model.tuning_trials, start=1):
        with mlflow.start_run(run_name=f"tuning trial {number}", nested=True):
            mlflow.log_params(trial["params"] or {"params": "the profile's own"})
            mlflow.log_metric("cv_log_loss", trial["log_loss"])
    for plot in sorted(directory.glob("*.png")):
        mlflow.log_artifact(str(plot), PLOTS_FOLDER)
    mlflow.log_artifacts(str(directory), ARTIFACT_FOLDER)


def _tags(metadata: ArtifactMetadata) -> dict[str, str]:
    """The run's tags: what was trained on what, and the gate's verdict with each rule's detail."""
    gate = metadata.quality_gate
    tags = {
        "mlflow.runName": metadata.version,
        "profile": metadata.profile,
        "model_version": metadata.version,
        "git_commit": metadata.git_commit,
        "training_data.kind": metadata.training_data.kind,
        "training_data.sha256": metadata.training_data.sha256,
        "model_sha256": metadata.model_sha256 or "",
        "quality_gate": "not evaluated" if gate is None else "passed" if gate.passed else "failed",
    }
    checks = gate.checks if gate is not None else []
    return tags | {f"quality_gate.{_safe(check.name)}": check.detail for check in checks}


def _params(metadata: ArtifactMetadata) -> dict[str, Any]:
    """The run's parameters: the preset, seed, policy, chosen model and its tuned settings."""
    policy, model = metadata.threshold_policy, metadata.model
    params: dict[str, Any] = {
        "preset": model.preset,
        "seed": model.seed,
        "chosen_model": model.chosen,
        "threshold": metadata.threshold,
        "target_recall": policy.target_recall,
        "recall_margin": policy.margin,
        "cost_ratio": policy.cost_ratio,
        "training_rows": metadata.training_data.rows,
        "training_data": metadata.training_data.path,
    }
    tuned = {f"lightgbm.{name}": value for name, value in model.lightgbm_params.items()}
    return {name: value for name, value in (params | tuned).items() if value is not None}


def _metrics(metadata: ArtifactMetadata) -> dict[str, float]:
    """Every number of the report's tables, flattened (``test.decision.risk_recall``), and
    each gate rule as 1 (passed) or 0."""
    metrics = metadata.metrics
    tables = {
        "cv": metrics.cross_validation,
        "oof": metrics.oof_decision,
        "test": metrics.test,
        "test_raw_records": metrics.test_raw_records,
        "bayes_ceiling": metrics.bayes_ceiling or {},
    }
    flat = dict(_numbers(tables))
    checks = metadata.quality_gate.checks if metadata.quality_gate else []
    return flat | {f"quality_gate.{_safe(check.name)}": float(check.passed) for check in checks}


def _numbers(table: Any, prefix: str = "") -> Iterator[tuple[str, float]]:
    """The numbers in a nested table, named by their path (lists, like a confusion matrix,
    are left to the report)."""
    if isinstance(table, dict):
        for key, value in table.items():
            yield from _numbers(value, f"{prefix}.{_safe(str(key))}" if prefix else _safe(key))
    elif isinstance(table, (int, float)) and not isinstance(table, bool):
        yield prefix, float(table)


def _safe(name: object) -> str:
    """A name MLflow accepts for a metric, parameter or tag."""
    return _UNSAFE.sub("_", str(name))
