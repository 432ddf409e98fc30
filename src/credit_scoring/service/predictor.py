"""Scoring validated records with the loaded artifact (one code path for single and batch)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pandas as pd
from pydantic import BaseModel

from credit_scoring.ml.artifact import Artifact, ArtifactError
from credit_scoring.ml.decision import Decision, ScoredRecords, decide
from credit_scoring.profiles import Profile
from credit_scoring.service.schemas import record_model


def _raw_value(value: Any) -> Any:
    """A validated field as the raw-format value the Pipeline reads."""
    if value is None:
        return None
    if isinstance(value, list):  # a list (of loan types) enters the Pipeline parsed
        return tuple(item.value if isinstance(item, Enum) else item for item in value)
    if isinstance(value, Enum):
        return value.value
    return value


class Predictor:
    """The artifact's Pipeline plus the decision threshold in force."""

    def __init__(self, artifact: Artifact, threshold_override: float | None = None) -> None:
        self.artifact = artifact
        self.profile: Profile = artifact.profile
        self.threshold = float(
            artifact.metadata.threshold if threshold_override is None else threshold_override
        )

    @property
    def version(self) -> str:
        """The artifact's version name."""
        return self.artifact.version

    @property
    def training_data(self) -> str:
        """What the model was trained on: ``real`` or ``synthetic``."""
        return self.artifact.metadata.training_data.kind

    def frame(self, records: list[BaseModel]) -> pd.DataFrame:
        """Validated records as a raw-format frame with the profile's input columns."""
        rows = [
            {c.name: _raw_value(getattr(r, c.name)) for c in self.profile.inputs} for r in records
        ]
        # Let pandas infer numeric dtypes: the cleaner's numeric fast path then applies.
        return pd.DataFrame(rows, columns=self.profile.input_names)

    def score(self, records: list[BaseModel]) -> ScoredRecords:
        """Class probabilities and decisions for ``records``."""
        proba = self.artifact.pipeline.predict_proba(self.frame(records))
        return decide(
            proba,
            self.profile.classes,
            self.profile.risk_index,
            self.threshold,
            self.artifact.metadata.risk_bands,
        )

    def check_scores_examples(self) -> None:
        """Score the profile's example bodies once; ArtifactError when the model cannot (a
        joblib pickled by a version whose classes have changed since, say), so that it is
        refused where it is loaded, not answered with 500s."""
        record = record_model(self.profile)
        examples = [record.model_validate(body["data"]) for body in self.profile.examples.values()]
        try:
            self.score(examples)
        except Exception as error:  # whatever the model raises, it cannot serve
            raise ArtifactError(
                f"the model {self.version} cannot score the {self.profile.name} example "
                f"({type(error).__name__}: {str(error)[:200]}); retrain it with this version"
            ) from error

    def item(self, scored: ScoredRecords, index: int) -> dict[str, Any]:
        """The response fields of one scored record, with the compatibility fields."""
        shared = scored.item(index, self.profile.classes)
        return shared | {
            "score": shared["risk_probability"],
            "label": int(shared["decision"] == Decision.NEGADO),
        }

    def public_metadata(self) -> dict[str, Any]:
        """What GET /model shows: the artifact's metadata without internal paths."""
        meta = self.artifact.metadata
        metrics = meta.metrics.model_dump()
        return {
            "version": meta.version,
            "profile": meta.profile,
            "created_at": meta.created_at,
            "git_commit": meta.git_commit,
            "training_data": meta.training_data.model_dump(exclude={"path"}),
            "model": meta.model.model_dump(include={"chosen", "reason", "preset"}),
            "classes": meta.classes,
            "risk_class": meta.risk_class,
            "decision_threshold": self.threshold,
            "artifact_threshold": meta.threshold,
            "threshold_policy": meta.threshold_policy.model_dump(exclude_none=True),
            "risk_bands": meta.risk_bands.model_dump() if meta.risk_bands else None,
            "fair_lending": meta.fair_lending.model_dump() if meta.fair_lending else None,
            "elderly_rule": meta.elderly_rule,
            "features": meta.features,
            "metrics": {
                key: value
                for key, value in metrics.items()
                if key != "cross_validation" and value is not None
            },
            "cross_validation": {
                name: {k: v[k] for k in ("macro_f1", "log_loss", "roc_auc_ovr")}
                for name, v in meta.metrics.cross_validation.items()
            },
            "inputs": meta.inputs,
            "libraries": meta.libraries,
        }
