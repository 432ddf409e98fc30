"""Turning class probabilities into the service's answer: class, risk probability, decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from credit_scoring.profiles.base import RISK_BANDS

APPROVED = "APROVADO"
DENIED = "NEGADO"


@dataclass(frozen=True)
class Decisions:
    """Vectorised outputs for a batch of probability rows."""

    prediction: np.ndarray
    credit_class: np.ndarray
    risk_probability: np.ndarray
    decision: np.ndarray


def decide(
    proba: np.ndarray,
    classes: tuple[str, ...],
    risk_index: int,
    threshold: float,
    bands: dict[str, Any] | None = None,
) -> Decisions:
    """NEGADO when P(risk class) >= threshold. The class is the most probable one, or, with
    ``bands``, the risk band (``RISK_BANDS``: 0 Poor, 1 Standard, 2 Good) of that probability."""
    risk_probability = proba[:, risk_index]
    if bands is None:
        prediction = np.argmax(proba, axis=1)
        names = np.asarray(classes, dtype=object)
    else:
        prediction = np.where(
            risk_probability >= bands["poor_from"],
            0,
            np.where(risk_probability < bands["good_below"], 2, 1),
        )
        names = np.asarray(RISK_BANDS, dtype=object)
    return Decisions(
        prediction=prediction,
        credit_class=names[prediction],
        risk_probability=risk_probability,
        decision=np.where(risk_probability >= threshold, DENIED, APPROVED),
    )
