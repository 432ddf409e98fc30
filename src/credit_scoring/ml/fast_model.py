"""The served model step, evaluated on a float feature matrix with the native boosters: a
booster, the stack (a few numpy operations over its bases) and the elderly rule (with the
ages that can change an answer, not all of them). Built from the fitted objects of the
artifact's Pipeline, so it computes what they compute.

The elderly rule (``ml.fair_lending.ElderlyNotScoredDown``) scores an applicant of 62 or more
at every whole age of a grid and keeps the lowest risk. The trees read age only through
their split points: two ages with no split point between them send every row down the same
paths and get the same probabilities. So one age per interval between split points (its
youngest) decides exactly as the whole grid, and the first age with the lowest risk is the
same one (``representative_ages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from catboost import CatBoostClassifier
from lightgbm import LGBMClassifier

from credit_scoring.ml.boosters import Booster, UnsupportedModel, native_booster, probabilities
from credit_scoring.ml.compiled_trees import Forest
from credit_scoring.ml.fair_lending import ELDERLY_FROM, ElderlyNotScoredDown
from credit_scoring.ml.stacking import PROBA_FLOOR, StackedEnsemble


class FastModel(Protocol):
    """A model step evaluated natively."""

    def proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities of the rows of the float feature matrix ``X``."""

    def split_points(self, feature: int) -> np.ndarray:
        """Every split point of ``feature`` in its trees."""


@dataclass(frozen=True)
class FastStack:
    """The stack's meta-model (a logistic regression) over its bases' floored
    log-probabilities (``ml.stacking.meta_features``)."""

    bases: list[Booster]
    coef: np.ndarray
    intercept: np.ndarray

    def proba(self, X: np.ndarray) -> np.ndarray:
        """The meta-model's probabilities: the sigmoid for two classes, else the softmax."""
        logs = [np.log(np.clip(base.proba(X), PROBA_FLOOR, 1.0)) for base in self.bases]
        return probabilities(np.hstack(logs) @ self.coef.T + self.intercept)

    def split_points(self, feature: int) -> np.ndarray:
        """The split points of every base."""
        return np.unique(np.concatenate([base.split_points(feature) for base in self.bases]))


def representative_ages(split_points: np.ndarray, youngest: int, oldest: int) -> np.ndarray:
    """The youngest whole age of each run of ages, from ``youngest`` to ``oldest``, that no
    split point separates (a split sends ``age <= point`` one way): in increasing order."""
    ages = np.arange(youngest, oldest + 1, dtype=np.float64)
    interval = np.searchsorted(split_points, ages, side="left")
    first = np.flatnonzero(np.diff(interval, prepend=-1))
    representatives: np.ndarray = ages[first]
    return representatives


@dataclass(frozen=True)
class FastElderlyRule:
    """``ElderlyNotScoredDown`` on the representative ages only."""

    inner: FastModel
    age_column: int
    ages: np.ndarray
    risk_index: int

    def proba(self, X: np.ndarray) -> np.ndarray:
        """The inner probabilities, the elderly's at their most favourable age."""
        proba = self.inner.proba(X)
        with np.errstate(invalid="ignore"):
            elderly = np.flatnonzero(X[:, self.age_column] >= ELDERLY_FROM)
        if len(elderly):
            best = self._most_favourable(X[elderly])
            lower = best[:, self.risk_index] < proba[elderly, self.risk_index]
            proba[elderly[lower]] = best[lower]
        return proba

    def _most_favourable(self, rows: np.ndarray) -> np.ndarray:
        grid = np.repeat(rows, len(self.ages), axis=0)
        grid[:, self.age_column] = np.tile(self.ages, len(rows))
        scored = self.inner.proba(grid).reshape(len(rows), len(self.ages), -1)
        lowest = scored[:, :, self.risk_index].argmin(axis=1)
        chosen: np.ndarray = scored[np.arange(len(rows)), lowest]
        return chosen

    def split_points(self, feature: int) -> np.ndarray:
        """The inner model's split points."""
        return self.inner.split_points(feature)


def lightgbm_in(model: Any) -> LGBMClassifier | None:
    """The LightGBM classifier of a fitted model step (alone, stacked, or inside the elderly
    rule), if it has one."""
    if isinstance(model, ElderlyNotScoredDown):
        return lightgbm_in(model.estimator_)
    if isinstance(model, StackedEnsemble):
        found = [base for base in model.estimators_ if isinstance(base, LGBMClassifier)]
        return found[0] if found else None
    return model if isinstance(model, LGBMClassifier) else None


def fast_model(model: Any, feature_names: list[str], compiled: Forest | None = None) -> FastModel:
    """The native form of a fitted model step (LightGBM's trees ``compiled`` when given);
    UnsupportedModel when it has none."""
    if isinstance(model, ElderlyNotScoredDown):
        inner = fast_model(model.estimator_, feature_names, compiled)
        age = feature_names.index(model.age_feature)
        ages = representative_ages(inner.split_points(age), model.youngest, model.oldest)
        return FastElderlyRule(inner, age, ages, model.risk_index)
    if isinstance(model, StackedEnsemble):
        meta = model.final_estimator_
        bases = [native_booster(base, compiled) for base in model.estimators_]
        return FastStack(bases, np.asarray(meta.coef_), np.asarray(meta.intercept_))
    if isinstance(model, (LGBMClassifier, CatBoostClassifier)):
        return native_booster(model, compiled)
    raise UnsupportedModel(f"no fast path for a {type(model).__name__}")
