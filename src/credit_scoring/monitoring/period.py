"""A period's audit records as the tables the drift report reads: each decision's
canonical inputs (read by each input's kind, as the service read them), its answer and its
day; and the drift of every input over the period against the model's training inputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from credit_scoring.ml.drift import input_column_drift
from credit_scoring.ml.scorer import canonical_columns
from credit_scoring.profiles.base import RISK_BANDS, Profile
from credit_scoring.profiles.transformer import Columns


@dataclass(frozen=True)
class PeriodDecisions:
    """The decisions of a period: canonical inputs and, per decision, its answer."""

    profile: Profile
    inputs: Columns
    answers: pd.DataFrame  # day, model_version, credit_class, decision, risk_probability

    @classmethod
    def of(cls, records: list[dict[str, Any]], profile: Profile) -> PeriodDecisions:
        """From decision audit records (``service.audit.records.decision_records``)."""
        inputs = canonical_columns([record["inputs"] for record in records], profile)
        answers = pd.DataFrame(
            {
                "decision_id": [record["decision_id"] for record in records],
                "day": [record["time"][:10] for record in records],
                "model_version": [record["model_version"] for record in records],
                "credit_class": [record["outputs"]["credit_class"] for record in records],
                "decision": [record["outputs"]["decision"] for record in records],
                "risk_probability": [record["outputs"]["risk_probability"] for record in records],
            }
        )
        return cls(profile, inputs, answers.join(_challenger_answers(records)))

    def __len__(self) -> int:
        return len(self.answers)

    def drift(self, reference: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """Each input's PSI, level and shares over the whole period, highest PSI first."""
        rows = [
            {"input": column.name}
            | input_column_drift(column, self.inputs[column.name], reference[column.name])
            for column in self.profile.inputs
            if column.name in reference
        ]
        return sorted(rows, key=lambda row: -float(row["psi"]))

    def mix(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per day, each credit class's share and each decision's share."""
        by_day = self.answers.groupby("day")
        classes = by_day["credit_class"].value_counts(normalize=True).unstack(fill_value=0)
        decisions = by_day["decision"].value_counts(normalize=True).unstack(fill_value=0)
        return classes.reindex(columns=list(RISK_BANDS), fill_value=0.0), decisions


def _challenger_answers(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Per decision, what the challenger scored in the shadows would have answered (its
    version, decision and risk probability, or the error it raised; empty without one)."""
    shadows = [record.get("challenger") or {} for record in records]
    return pd.DataFrame(
        {
            "challenger_version": [shadow.get("model_version") for shadow in shadows],
            "challenger_decision": [shadow.get("decision") for shadow in shadows],
            "challenger_risk_probability": [
                shadow.get("risk_probability", np.nan) for shadow in shadows
            ],
            "challenger_error": [shadow.get("error") for shadow in shadows],
        }
    )
