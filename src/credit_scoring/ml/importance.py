"""Normalised feature importance of whichever model was chosen."""

from __future__ import annotations

from typing import Any

import numpy as np

from credit_scoring.ml.fair_lending import ElderlyNotScoredDown
from credit_scoring.ml.stacking import StackedEnsemble


def _raw_importance(model: Any) -> np.ndarray:
    if isinstance(model, ElderlyNotScoredDown):
        return _raw_importance(model.estimator_)
    if isinstance(model, StackedEnsemble):
        parts = [_normalised(_raw_importance(base)) for base in model.estimators_]
        mean: np.ndarray = np.mean(parts, axis=0)
        return mean
    if hasattr(model, "booster_"):
        return np.asarray(model.booster_.feature_importance(importance_type="gain"), dtype=float)
    if hasattr(model, "get_feature_importance"):
        return np.asarray(model.get_feature_importance(), dtype=float)
    logistic = model[-1]
    n_features = model[0].statistics_.shape[0]
    weights: np.ndarray = np.abs(logistic.coef_).mean(axis=0)[:n_features]
    return weights


def _normalised(values: np.ndarray) -> np.ndarray:
    total = values.sum()
    return values / total if total > 0 else values


def feature_importance(model: Any, names: list[str]) -> dict[str, float]:
    """Share of importance per feature (sums to 1), largest first."""
    shares = _normalised(_raw_importance(model))
    ranked = sorted(zip(names, shares.tolist()), key=lambda item: -item[1])
    return {name: round(share, 6) for name, share in ranked}
