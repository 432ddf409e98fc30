"""Turning class probabilities into the service's answer: class, risk probability, decision.

``Decision`` and ``ScoredRecords`` are the one shape of a decision: the API's schemas, the
audit record, batch scoring and the report all use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np

from credit_scoring.ml.artifact_metadata import RiskBands
from credit_scoring.profiles.base import RISK_BANDS


class Decision(str, Enum):
    """The credit decision, in the words existing clients read."""

    APROVADO = "APROVADO"
    NEGADO = "NEGADO"


@dataclass(frozen=True)
class ScoredRecords:
    """Probabilities and decisions for a list of records, in their order."""

    proba: np.ndarray
    prediction: np.ndarray
    credit_class: np.ndarray
    risk_probability: np.ndarray
    decision: np.ndarray
    outside_training_range: list[tuple[str, ...]]  # per record, the inputs named there

    def outside(self, index: int) -> list[str]:
        """The inputs of one record whose value lies outside the training range."""
        return list(self.outside_training_range[index])

    def __len__(self) -> int:
        return len(self.prediction)

    def rows(self, start: int, stop: int) -> ScoredRecords:
        """The records from ``start`` to ``stop`` (excluded), in their order."""
        return ScoredRecords(
            proba=self.proba[start:stop],
            prediction=self.prediction[start:stop],
            credit_class=self.credit_class[start:stop],
            risk_probability=self.risk_probability[start:stop],
            decision=self.decision[start:stop],
            outside_training_range=self.outside_training_range[start:stop],
        )

    def item(self, index: int, classes: tuple[str, ...]) -> dict[str, Any]:
        """One record's outputs, as the API answers and the audit record keeps them."""
        return {
            "prediction": int(self.prediction[index]),
            "credit_class": str(self.credit_class[index]),
            "probabilities": {name: float(self.proba[index, k]) for k, name in enumerate(classes)},
            "risk_probability": float(self.risk_probability[index]),
            "decision": str(self.decision[index]),
            "outside_training_range": self.outside(index),
        }

    def columns(self, classes: tuple[str, ...]) -> dict[str, np.ndarray]:
        """The outputs as the columns of a scored file."""
        probabilities = {f"proba_{name}": self.proba[:, k] for k, name in enumerate(classes)}
        return {
            "prediction": self.prediction,
            "credit_class": self.credit_class,
            **probabilities,
            "risk_probability": self.risk_probability,
            "decision": self.decision,
            "outside_training_range": np.asarray(
                [";".join(names) for names in self.outside_training_range],
                dtype=object,
            ),
        }


def decide(
    proba: np.ndarray,
    classes: tuple[str, ...],
    risk_index: int,
    threshold: float,
    bands: RiskBands | None,
    *,
    outside_training_range: list[tuple[str, ...]],
) -> ScoredRecords:
    """NEGADO when P(risk class) >= threshold. The class is the most probable one, or, with
    ``bands``, the risk band (``RISK_BANDS``: 0 Poor, 1 Standard, 2 Good) of that probability.
    ``outside_training_range`` names, per record, the inputs outside the training range.
    A probability that is not a finite number (a broken model) raises ValueError: a NaN
    risk would otherwise compare below any threshold and approve."""
    finite = np.isfinite(proba).all(axis=1)
    if not finite.all():
        rows = np.flatnonzero(~finite)[:5].tolist()
        raise ValueError(f"the model gave non-finite probabilities for records {rows}")
    risk_probability = proba[:, risk_index]
    if bands is None:
        prediction = np.argmax(proba, axis=1)
        names = np.asarray(classes, dtype=object)
    else:
        prediction = np.where(
            risk_probability >= bands.poor_from,
            0,
            np.where(risk_probability < bands.good_below, 2, 1),
        )
        names = np.asarray(RISK_BANDS, dtype=object)
    return ScoredRecords(
        proba=proba,
        prediction=prediction,
        credit_class=names[prediction],
        risk_probability=risk_probability,
        decision=np.where(
            risk_probability >= threshold, Decision.NEGADO.value, Decision.APROVADO.value
        ),
        outside_training_range=outside_training_range,
    )
