"""Fair-lending rules the served model obeys by construction.

Regulation B (12 CFR 1002.6(b)(2)(ii)) lets an empirically derived scoring system use age,
"provided that the age of an elderly applicant is not assigned a negative factor or value";
an elderly applicant is 62 or older (1002.2(o)). ``ElderlyNotScoredDown`` makes that hold
for any model: such an applicant gets the lowest risk the model gives them at any age.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

ELDERLY_FROM = 62


def elderly_rule(age_input: str, youngest: int, oldest: int) -> str:
    """The rule as the report and /model state it."""
    return (
        f"`{age_input}` is a model input; an applicant aged {ELDERLY_FROM} or more is scored at "
        f"every whole age from {youngest} to {oldest} and gets the lowest risk of those "
        "(Regulation B, 12 CFR 1002.6(b)(2)(ii): the elderly are never scored down for age)"
    )


class ElderlyNotScoredDown(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """The inner classifier, except that an applicant aged ``ELDERLY_FROM`` or more is scored
    at every whole age from ``youngest`` to ``oldest`` and given the probabilities of the age
    with the lowest risk (their own included). Younger applicants are scored as they are."""

    def __init__(
        self, estimator: Any, age_feature: str, youngest: int, oldest: int, risk_index: int
    ) -> None:
        self.estimator = estimator
        self.age_feature = age_feature
        self.youngest = youngest
        self.oldest = oldest
        self.risk_index = risk_index

    def fit(self, X: pd.DataFrame, y: Any, **fit_params: Any) -> ElderlyNotScoredDown:
        """Fit the inner classifier (fit parameters, like a stack's ``oof``, go to it)."""
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = self.estimator_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """The inner probabilities, the elderly's at their most favourable age."""
        check_is_fitted(self, "estimator_")
        proba: np.ndarray = np.array(self.estimator_.predict_proba(X), dtype=float)
        age = pd.to_numeric(X[self.age_feature], errors="coerce").to_numpy(dtype=float)
        elderly = np.flatnonzero(age >= ELDERLY_FROM)
        if len(elderly):
            best = self._most_favourable(X.iloc[elderly])
            lower = best[:, self.risk_index] < proba[elderly, self.risk_index]
            proba[elderly[lower]] = best[lower]
        return proba

    def _most_favourable(self, rows: pd.DataFrame) -> np.ndarray:
        """Each row's probabilities at the age (of the grid) with the lowest risk."""
        ages = np.arange(self.youngest, self.oldest + 1, dtype=float)
        grid = rows.iloc[np.repeat(np.arange(len(rows)), len(ages))].copy()
        grid[self.age_feature] = np.tile(ages, len(rows))
        scored = np.asarray(self.estimator_.predict_proba(grid)).reshape(len(rows), len(ages), -1)
        lowest = scored[:, :, self.risk_index].argmin(axis=1)
        chosen: np.ndarray = scored[np.arange(len(rows)), lowest]
        return chosen

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Most probable class."""
        proba = self.predict_proba(X)
        return np.asarray(self.classes_[np.argmax(proba, axis=1)])
