"""Grouped cross-validation: out-of-fold predictions with folds that never split a customer."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import GroupKFold


def grouped_oof(
    estimator: Any,
    X: pd.DataFrame,
    y: np.ndarray,
    groups: np.ndarray,
    folds: int,
    served: pd.DataFrame | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold class probabilities with folds that never split a customer: of the rows
    ``X`` (what the model learns from), and of the same rows as ``served`` (as the API
    receives them; ``X`` when not given), each from the fold model that never saw them."""
    served = X if served is None else served
    classes = np.unique(y)
    proba, proba_served = np.zeros((len(y), len(classes))), np.zeros((len(y), len(classes)))
    for train, test in GroupKFold(n_splits=folds).split(X, y, groups):
        model = clone(estimator).fit(X.iloc[train], y[train])
        # a fold without some class gives no column for it (probability 0)
        cells = np.ix_(test, np.searchsorted(classes, model.classes_))
        proba[cells] = model.predict_proba(X.iloc[test])
        proba_served[cells] = model.predict_proba(served.iloc[test])
    return proba, proba_served
