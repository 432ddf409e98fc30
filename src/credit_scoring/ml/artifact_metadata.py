"""The artifact's metadata.json as a typed model: written by training, read by the service,
the report, batch scoring and the quality gate, always through ``ArtifactMetadata``.

``schema_version`` changes whenever a field changes meaning or goes away; an artifact with
another version is refused with a message that says what to do, never half-read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

SCHEMA_VERSION = 3  # 1: untyped, before issue H; 2: before training ranges (issue I)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())


class TrainingData(_Strict):
    """The raw file a model was trained on."""

    kind: Literal["real", "synthetic"]
    path: str
    sha256: str
    rows: int


class ThresholdPolicy(_Strict):
    """How the decision threshold was chosen: a target recall (with a margin) or a cost ratio."""

    chosen_on: str
    target_recall: float | None = None
    margin: float | None = None
    cost_ratio: float | None = None


class RiskBands(_Strict):
    """Cut-offs of the Poor / Standard / Good bands of a two-outcome profile."""

    good_below: float
    poor_from: float
    rule: str


class FairLending(_Strict):
    """The inputs the model must not read, and the test AUC it would have had with them."""

    excluded: dict[str, str]
    test_auc_without: float
    test_auc_with: float
    model: str


class ModelChoice(_Strict):
    """Which model was shipped, why, and how it was tuned."""

    chosen: str
    reason: str
    preset: str
    lightgbm_params: dict[str, Any]
    tuning_trials: list[dict[str, Any]]
    seed: int


class SplitSizes(_Strict):
    """The customer-disjoint split."""

    train_customers: int
    test_customers: int
    train_rows: int
    test_rows: int
    folds: int
    customer_overlap: int


class Metrics(_Strict):
    """Every evaluation; each table is as ``ml.evaluation`` computes it."""

    split: SplitSizes
    cross_validation: dict[str, dict[str, Any]]
    oof_decision: dict[str, Any]
    test: dict[str, Any]
    test_raw_records: dict[str, Any]
    bayes_ceiling: dict[str, Any] | None = None


class GateCheck(_Strict):
    """One rule of the quality gate and how the model fared."""

    name: str
    passed: bool
    detail: str


class QualityGate(_Strict):
    """The gate as evaluated at training."""

    passed: bool
    checks: list[GateCheck]


class CompiledTrees(_Strict):
    """LightGBM's trees compiled to machine code (``ml.compiled_trees``), beside the model."""

    file: str
    sha256: str
    machine: str
    target_cpu: str
    compiler: str


class TrackingRun(_Strict):
    """The MLflow run that tracked the training (``ml.tracking``)."""

    tracking_uri: str
    experiment_id: str
    run_id: str

    @property
    def url(self) -> str:
        """The run's page on the tracking server (its URI when that is no web server)."""
        if not self.tracking_uri.startswith(("http://", "https://")):
            return f"{self.tracking_uri} (run {self.run_id})"
        base = self.tracking_uri.rstrip("/")
        return f"{base}/#/experiments/{self.experiment_id}/runs/{self.run_id}"


class ArtifactMetadata(_Strict):
    """Everything known about a trained model besides the Pipeline itself."""

    schema_version: int
    version: str
    profile: str
    created_at: str
    git_commit: str
    training_data: TrainingData
    libraries: dict[str, str]
    inputs: list[dict[str, Any]]
    training_ranges: dict[str, tuple[float, float]]
    features: list[str]
    classes: list[str]
    risk_class: str
    threshold: float
    threshold_policy: ThresholdPolicy
    risk_bands: RiskBands | None
    fair_lending: FairLending | None
    elderly_rule: str | None = None
    data_ceiling: str | None = None
    model: ModelChoice
    metrics: Metrics
    feature_importance: dict[str, float]
    reference: dict[str, dict[str, Any]]
    # per input, its drift bins and the training shares in them (``ml.drift``); None in a
    # model trained before drift monitoring
    input_reference: dict[str, dict[str, Any]] | None = None
    timings_seconds: dict[str, float]
    quality_gate: QualityGate | None = None
    model_sha256: str | None = None
    compiled_trees: CompiledTrees | None = None
    tracking: TrackingRun | None = None  # None: trained without a tracking server

    def to_json(self) -> str:
        """The metadata.json text."""
        # default=str: a numpy integer inside a metrics table is written as before
        return json.dumps(self.model_dump(), indent=2, default=str) + "\n"


class MetadataError(ValueError):
    """metadata.json of an unknown schema version, or not a valid one."""


def parse_metadata(text: str, where: Path) -> ArtifactMetadata:
    """The metadata in ``text``; MetadataError naming ``where`` and what is wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise MetadataError(f"{where}: metadata.json is not JSON ({error})") from None
    version = document.get("schema_version", 1) if isinstance(document, dict) else None
    if version != SCHEMA_VERSION:
        raise MetadataError(
            f"{where}: metadata schema version {version}, this service reads version "
            f"{SCHEMA_VERSION}; retrain the model with this version (make train)"
        )
    try:
        return ArtifactMetadata.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]
        )
        raise MetadataError(f"{where}: invalid metadata.json ({problems})") from None
