"""Turning class probabilities into the service's answer: class, risk probability, decision."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
    proba: np.ndarray, classes: tuple[str, ...], risk_index: int, threshold: float
) -> Decisions:
    """Most probable class, and NEGADO when P(risk class) >= threshold."""
    prediction = np.argmax(proba, axis=1)
    risk_probability = proba[:, risk_index]
    return Decisions(
        prediction=prediction,
        credit_class=np.asarray(classes, dtype=object)[prediction],
        risk_probability=risk_probability,
        decision=np.where(risk_probability >= threshold, DENIED, APPROVED),
    )
