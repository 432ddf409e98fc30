"""An applicant aged 62 or older gets the lowest risk the model gives them at any age."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from credit_scoring.ml.fair_lending import ElderlyNotScoredDown


class OlderIsRiskier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Risk (class 0) grows with age to 0.8 at 40 and falls back after, plus ``debt``."""

    def fit(self, X: pd.DataFrame, y: Any, marker: str = "") -> OlderIsRiskier:
        self.classes_ = np.array([0, 1])
        self.marker_ = marker
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        age = X["Age"].to_numpy(dtype=float)
        risk = np.clip(0.8 - np.abs(age - 40) / 100 + X["debt"].to_numpy() / 10, 0, 1)
        return np.column_stack([risk, 1 - risk])


def fitted() -> ElderlyNotScoredDown:
    wrapper = ElderlyNotScoredDown(OlderIsRiskier(), "Age", 18, 100, risk_index=0)
    frame = pd.DataFrame({"Age": [30.0], "debt": [0.0]})
    return wrapper.fit(frame, np.array([0]), marker="passed on")


def test_the_elderly_get_their_most_favourable_age_and_nobody_else_changes() -> None:
    model = fitted()
    applicants = pd.DataFrame({"Age": [30.0, 61.0, 62.0, 90.0, np.nan], "debt": [0, 0, 1, 0, 0]})
    inner = model.estimator_.predict_proba(applicants)
    proba = model.predict_proba(applicants)
    np.testing.assert_array_equal(proba[[0, 1, 4]], inner[[0, 1, 4]])
    # the lowest risk over ages 18..100 is at 18 or 100: 0.8 - 0.6 (+ 0.1 of debt)
    assert proba[2, 0] == pytest.approx(0.3) and inner[2, 0] == pytest.approx(0.68)
    assert proba[3, 0] == pytest.approx(0.2) and inner[3, 0] == pytest.approx(0.3)
    np.testing.assert_allclose(proba[:4].sum(axis=1), 1.0)
    assert model.estimator_.marker_ == "passed on"


def test_being_62_or_older_never_raises_the_risk() -> None:
    model = fitted()
    rng = np.random.default_rng(0)
    applicants = pd.DataFrame({"Age": rng.integers(18, 100, 500), "debt": rng.random(500)})
    young = applicants.assign(Age=rng.integers(18, 62, 500))
    for age in (62, 70, 99):
        assert (
            model.predict_proba(young.assign(Age=age))[:, 0]
            <= model.predict_proba(young)[:, 0] + 1e-12
        ).all()
