"""A time-boxed random search for LightGBM by grouped cross-validation."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss

from credit_scoring.ml.cross_validation import grouped_oof
from credit_scoring.ml.models import lightgbm

logger = logging.getLogger(__name__)

SEARCH_SPACE: dict[str, list[Any]] = {
    "num_leaves": [15, 31, 63],
    "min_child_samples": [20, 50, 100, 200],
    "learning_rate": [0.03, 0.05, 0.08],
    "colsample_bytree": [0.6, 0.8, 1.0],
    "reg_lambda": [0.0, 1.0, 5.0],
}
TREES_FOR_RATE = {0.03: 650, 0.05: 400, 0.08: 250}


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
