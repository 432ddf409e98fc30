"""The last three steps of training: evaluate the fitted Pipeline on the customers it never
saw, describe it (``ArtifactMetadata``), and save it with its report and plots."""

from __future__ import annotations

import logging
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from credit_scoring.ml import report
from credit_scoring.ml.artifact import point_latest, save_artifact, sha256_of
from credit_scoring.ml.compiled_trees import compile_lightgbm
from credit_scoring.ml.fast_model import lightgbm_in
from credit_scoring.ml.artifact_metadata import (
    SCHEMA_VERSION,
    ArtifactMetadata,
    Metrics,
    ModelChoice,
    SplitSizes,
    ThresholdPolicy,
    TrainingData,
)
from credit_scoring.ml.drift import input_reference, reference_distributions
from credit_scoring.ml.evaluation import full_metrics
from credit_scoring.ml.fair_lending import ElderlyNotScoredDown, elderly_rule
from credit_scoring.ml.importance import feature_importance
from credit_scoring.ml.quality_gate import evaluate_gate, gate_summary
from credit_scoring.ml.training import Fitted, Prepared, TrainConfig
from credit_scoring.profiles.base import InputColumn, Profile, truth_file


logger = logging.getLogger(__name__)

LIBRARIES = ("scikit-learn", "lightgbm", "catboost", "pandas", "numpy", "joblib")


@dataclass(frozen=True)
class Stamp:
    """When, and from which commit, a model was made: read once, so that its version name
    and ``created_at`` always agree."""

    moment: datetime
    commit: str

    @classmethod
    def now(cls) -> Stamp:
        """The clock and the checkout's commit, now."""
        return cls(datetime.now(timezone.utc), _git_commit())

    def version(self, profile: str) -> str:
        """``<profile>-<UTC time>-<short commit>``."""
        return f"{profile}-{self.moment.strftime('%Y%m%dT%H%M%S')}-{self.commit[:7]}"


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "nogit00"


@dataclass(frozen=True)
class Evaluation:
    """The metrics, and the test probabilities the plots are drawn from."""

    metrics: Metrics
    test_labels: np.ndarray
    test_proba: np.ndarray


def evaluate(config: TrainConfig, data: Prepared, fitted: Fitted) -> Evaluation:
    """Every metric of the fitted Pipeline: cross-validated, at the threshold out of fold, and
    on the test customers, both cleaned and as single raw records (as served)."""
    split, profile = data.split, data.profile

    def measured(y: np.ndarray, proba: np.ndarray) -> dict[str, Any]:
        return full_metrics(y, proba, profile.classes, profile.risk_index, fitted.threshold)

    proba = fitted.pipeline.predict_proba(split.X_test)
    as_served = fitted.pipeline.predict_proba(data.served(split.test_rows))
    truth = truth_file(config.data_path)
    metrics = Metrics(
        split=SplitSizes(
            train_customers=len(np.unique(split.groups_train)),
            test_customers=len(data.customers(split.test_rows)),
            train_rows=len(split.y_train),
            test_rows=len(split.y_test),
            folds=config.folds,
            customer_overlap=len(set(split.groups_train) & data.customers(split.test_rows)),
        ),
        cross_validation=fitted.cv,
        oof_decision=measured(split.y_train, fitted.served_oof)["decision"],
        test=measured(split.y_test, proba),
        test_raw_records=measured(split.y_test, as_served),
        bayes_ceiling=(
            measured(split.y_test, pd.read_csv(truth).to_numpy()[split.test_rows])
            if truth.is_file()
            else None
        ),
    )
    return Evaluation(metrics, split.y_test, proba)


def describe(
    config: TrainConfig, data: Prepared, fitted: Fitted, evaluation: Evaluation, stamp: Stamp
) -> ArtifactMetadata:
    """The artifact's metadata, quality gate included."""
    profile = config.profile
    canonical = fitted.pipeline[0].transform(data.split.X_train)
    encoded = fitted.pipeline[1].transform(canonical)
    features = list(encoded.columns)
    described = ArtifactMetadata(
        schema_version=SCHEMA_VERSION,
        version=stamp.version(profile.name),
        profile=profile.name,
        created_at=stamp.moment.isoformat(),
        git_commit=stamp.commit,
        training_data=_training_data(config, data),
        libraries=_library_versions(),
        inputs=[_described(column) for column in profile.inputs],
        training_ranges=training_ranges(canonical, profile),
        features=features,
        classes=list(profile.classes),
        risk_class=profile.risk_class,
        threshold=fitted.threshold,
        threshold_policy=ThresholdPolicy(**config.threshold_policy()),
        risk_bands=fitted.bands,
        fair_lending=fitted.fairness,
        elderly_rule=_elderly_rule(fitted),
        data_ceiling=profile.data_ceiling,
        model=_model_choice(config, fitted),
        metrics=evaluation.metrics,
        feature_importance=feature_importance(fitted.pipeline[-1], features),
        reference=reference_distributions(encoded),
        input_reference=input_reference(canonical, profile),
        timings_seconds=fitted.timings,
        tracking=config.tracking,
    )
    return described.model_copy(update={"quality_gate": gate_summary(evaluate_gate(described))})


def _described(column: InputColumn) -> dict[str, Any]:
    """An input as metadata.json lists it: what is set of its declaration."""
    described = {k: v for k, v in asdict(column).items() if v not in (None, (), False)}
    return described | {"kind": column.kind.name}


def training_ranges(canonical: pd.DataFrame, profile: Profile) -> dict[str, tuple[float, float]]:
    """The lowest and highest value of each ranged input in the training rows, as the model
    read them."""
    ranges = {}
    for column in (column for column in profile.inputs if column.kind.ranged):
        values = canonical[column.name].to_numpy(dtype=float)
        if not np.isnan(values).all():
            ranges[column.name] = (float(np.nanmin(values)), float(np.nanmax(values)))
    return ranges


def _elderly_rule(fitted: Fitted) -> str | None:
    model = fitted.pipeline[-1]
    if not isinstance(model, ElderlyNotScoredDown):
        return None
    return elderly_rule(model.age_feature, model.youngest, model.oldest)


def _training_data(config: TrainConfig, data: Prepared) -> TrainingData:
    return TrainingData(
        kind="synthetic" if truth_file(config.data_path).is_file() else "real",
        path=str(config.data_path),
        sha256=sha256_of(Path(config.data_path)),
        rows=len(data.split.y_train) + len(data.split.y_test),
    )


def _model_choice(config: TrainConfig, fitted: Fitted) -> ModelChoice:
    return ModelChoice(
        chosen=fitted.chosen,
        reason=fitted.reason,
        preset=config.preset,
        lightgbm_params=fitted.tuned,
        tuning_trials=fitted.trials,
        seed=config.seed,
    )


def _library_versions() -> dict[str, str]:
    versions = {name: package_metadata.version(name) for name in LIBRARIES}
    return versions | {"python": platform.python_version()}


def save(
    config: TrainConfig, pipeline: Any, evaluation: Evaluation, metadata: ArtifactMetadata
) -> Path:
    """Write the plots, the report and the artifact (with LightGBM's trees compiled when
    the config says so) under ``<models root>/<profile>/<version>/``, and make it the
    profile's LATEST."""
    directory = config.models_root / metadata.profile / metadata.version
    directory.mkdir(parents=True, exist_ok=True)
    lightgbm = lightgbm_in(pipeline[-1])
    if config.compiles_trees and lightgbm is not None:
        logger.info("compiling LightGBM's trees for batch scoring")
        compiled = compile_lightgbm(lightgbm.booster_.model_to_string(), directory)
        metadata = metadata.model_copy(update={"compiled_trees": compiled})
    plots = _plots(evaluation, metadata, directory)
    report.write_report(metadata, plots, directory / "report.md")
    save_artifact(pipeline, metadata, directory)
    point_latest(directory)
    logger.info("saved %s", directory)
    return directory


def _plots(evaluation: Evaluation, metadata: ArtifactMetadata, directory: Path) -> dict[str, str]:
    y, proba, classes = evaluation.test_labels, evaluation.test_proba, tuple(metadata.classes)
    return {
        "confusion matrix": report.plot_confusion(
            metadata.metrics.test["confusion_matrix"], classes, directory / "confusion_matrix.png"
        ),
        "ROC": report.plot_roc(y, proba, classes, directory / "roc.png"),
        "calibration": report.plot_calibration(y, proba, classes, directory / "calibration.png"),
        "feature importance": report.plot_importance(
            metadata.feature_importance, directory / "feature_importance.png"
        ),
    }
