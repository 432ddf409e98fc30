"""Grouped out-of-fold predictions and a time-boxed random search for LightGBM."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupKFold

from credit_scoring.ml.models import log_proba, lightgbm

logger = logging.getLogger(__name__)

SEARCH_SPACE: dict[str, list[Any]] = {
    "num_leaves": [15, 31, 63],
    "min_child_samples": [20, 50, 100, 200],
    "learning_rate": [0.03, 0.05, 0.08],
    "colsample_bytree": [0.6, 0.8, 1.0],
    "reg_lambda": [0.0, 1.0, 5.0],
}
TREES_FOR_RATE = {0.03: 650, 0.05: 400, 0.08: 250}


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
    proba, proba_served = np.zeros((len(y), len(np.unique(y)))), np.zeros(
        (len(y), len(np.unique(y)))
    )
    for train, test in GroupKFold(n_splits=folds).split(X, y, groups):
        model = clone(estimator).fit(X.iloc[train], y[train])
        proba[test] = model.predict_proba(X.iloc[test])
        proba_served[test] = model.predict_proba(served.iloc[test])
    return proba, proba_served


def stacked_oof(
    base_oof: list[tuple[np.ndarray, np.ndarray]], y: np.ndarray, groups: np.ndarray, folds: int
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities of the stacking meta-model over base OOF predictions, for the
    rows as learnt from and as served (see ``grouped_oof``)."""
    meta = np.hstack([log_proba(learnt) for learnt, _ in base_oof])
    meta_served = np.hstack([log_proba(served) for _, served in base_oof])
    proba, proba_served = np.zeros((len(y), len(np.unique(y)))), np.zeros(
        (len(y), len(np.unique(y)))
    )
    for train, test in GroupKFold(n_splits=folds).split(meta, y, groups):
        model = LogisticRegression(max_iter=2000).fit(meta[train], y[train])
        proba[test] = model.predict_proba(meta[test])
        proba_served[test] = model.predict_proba(meta_served[test])
    return proba, proba_served


def tune_lightgbm(
    X: pd.DataFrame,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    seconds: float,
    seed: int,
    folds: int = 3,
    start_params: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Random search by grouped-CV log loss within ``seconds``: ``start_params`` (the
    profile's own) first, then random changes to them.

    A new trial starts only if the longest trial so far would still fit in the budget.
    """
    base = start_params or {}
    rng = np.random.default_rng(seed)
    best: dict[str, Any] = {}
    best_loss = np.inf
    trials: list[dict[str, Any]] = []
    start = time.monotonic()
    longest_trial = 0.0
    candidate: dict[str, Any] = {}
    while seconds > 0 and time.monotonic() - start + longest_trial <= seconds:
        trial_start = time.monotonic()
        proba, _ = grouped_oof(lightgbm(seed, **(base | candidate)), X, y, groups, folds)
        longest_trial = max(longest_trial, time.monotonic() - trial_start)
        loss = float(log_loss(y, proba))
        trials.append({"params": candidate, "log_loss": loss})
        logger.info("tuning trial %d: log loss %.4f with %s", len(trials), loss, candidate)
        if loss < best_loss:
            best, best_loss = candidate, loss
        candidate = {name: rng.choice(values).item() for name, values in SEARCH_SPACE.items()}
        candidate["n_estimators"] = TREES_FOR_RATE[candidate["learning_rate"]]
    return best, trials
