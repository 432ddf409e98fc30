"""Probabilities to decisions."""

from __future__ import annotations

import numpy as np
import pytest

from credit_scoring.ml.decision import decide

CLASSES = ("Poor", "Standard", "Good")


def test_negado_from_the_threshold_on_and_the_most_probable_class() -> None:
    proba = np.array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]])
    scored = decide(proba, CLASSES, 0, 0.5, None, outside_training_range=[(), ()])
    assert scored.decision.tolist() == ["NEGADO", "APROVADO"]
    assert scored.credit_class.tolist() == ["Poor", "Good"]


@pytest.mark.parametrize("broken", [np.nan, np.inf])
def test_a_non_finite_probability_is_refused_not_approved(broken: float) -> None:
    proba = np.array([[0.1, 0.2, 0.7], [broken, 0.2, 0.7]])
    with pytest.raises(ValueError, match=r"non-finite probabilities for records \[1\]"):
        decide(proba, CLASSES, 0, 0.5, None, outside_training_range=[(), ()])
