"""The served model step, evaluated on a float feature matrix with the native boosters: a
booster, the stack (a few numpy operations over its bases) and the elderly rule (with the
ages that can change an answer, not all of them). Built from the fitted objects of the
artifact's Pipeline, so it computes what they compute. Each form also explains its answer
(``explain``): the risk log-odds of its probabilities as the boosters' SHAP values read
through the stack's linear meta-model (``ml.explanation``).

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
from credit_scoring.ml.stacking import (
    PROBA_FLOOR,
    StackedEnsemble,
    centred_logs,
    check_meta_inputs,
)


class FastModel(Protocol):
    """A model step evaluated natively."""

    def proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities of the rows of the float feature matrix ``X``."""

    def split_points(self, feature: int) -> np.ndarray:
        """Every split point of ``feature`` in its trees."""

    def explain(self, X: np.ndarray, risk_index: int) -> Attribution:
        """The rows' risk log-odds (``risk_log_odds``) of ``proba``, feature by feature."""


@dataclass(frozen=True)
class FastBooster:
    """One booster served alone."""

    booster: Booster

    def proba(self, X: np.ndarray) -> np.ndarray:
        """The booster's probabilities."""
        return self.booster.proba(X)

    def split_points(self, feature: int) -> np.ndarray:
        """The booster's split points."""
        return self.booster.split_points(feature)

    def explain(self, X: np.ndarray, risk_index: int) -> Attribution:
        """The booster's SHAP values, read through the risk log-odds of its margins."""
        contributions = self.booster.margin_contributions(X)
        margins = contributions.shape[2]
        loading = risk_direction(classes_of(margins), risk_index) @ centring(margins)
        return attribution(contributions, loading, 0.0)


@dataclass(frozen=True)
class FastStack:
    """The stack's meta-model (a logistic regression) over its bases' centred
    log-probabilities (``ml.stacking.meta_features``)."""

    bases: list[Booster]
    coef: np.ndarray
    intercept: np.ndarray

    def proba(self, X: np.ndarray) -> np.ndarray:
        """The meta-model's probabilities: the sigmoid for two classes, else the softmax."""
        logs = [centred_logs(base.proba(X)) for base in self.bases]
        return probabilities(np.hstack(logs) @ self.coef.T + self.intercept)

    def split_points(self, feature: int) -> np.ndarray:
        """The split points of every base."""
        return np.unique(np.concatenate([base.split_points(feature) for base in self.bases]))

    def explain(self, X: np.ndarray, risk_index: int) -> Attribution:
        """Each base's SHAP values weighed as the meta-model reads its margins: the stack's
        logits are linear in the bases' centred log-probabilities, which are linear in
        their margins, so the risk log-odds is a sum of the margins' SHAP values."""
        outputs = len(self.intercept)
        classes = classes_of(outputs)
        reading = risk_direction(classes, risk_index) @ centring(outputs)  # of the logits
        total = attribution(np.zeros((len(X), X.shape[1] + 1, 1)), np.zeros(1), 0.0)
        for k, base in enumerate(self.bases):
            contributions = base.margin_contributions(X)
            coef = self.coef[:, k * classes : (k + 1) * classes]
            loading = reading @ coef @ centring(contributions.shape[2])
            total = total + attribution(contributions, loading, 0.0)
        return total + Attribution(np.zeros_like(total.contributions), reading @ self.intercept)


@dataclass(frozen=True)
class Attribution:
    """Per row, the explained quantity split into a base value and one contribution per
    feature: ``base + contributions.sum(axis=1)`` is the quantity."""

    contributions: np.ndarray  # (rows, features)
    base: np.ndarray | float  # (rows,) or one for all

    def __add__(self, other: Attribution) -> Attribution:
        return Attribution(self.contributions + other.contributions, self.base + other.base)


def attribution(contributions: np.ndarray, loading: np.ndarray, constant: float) -> Attribution:
    """SHAP values of margins (rows, features + 1, margins: the last feature the expected
    value) read through ``loading`` (a weight per margin), plus a ``constant``."""
    read = contributions @ loading  # (rows, features + 1)
    return Attribution(read[:, :-1], read[:, -1] + constant)


def classes_of(margins: int) -> int:
    """How many classes a model with this many raw margins has (one: two classes)."""
    return 2 if margins == 1 else margins


def centring(margins: int) -> np.ndarray:
    """The matrix that maps a model's raw margins to its centred log-probabilities
    (classes, margins): a single margin, the log-odds of the second of two classes, gives
    (-1/2, +1/2) of it; K softmax margins give themselves minus their mean."""
    if margins == 1:
        return np.array([[-0.5], [0.5]])
    return np.eye(margins) - 1.0 / margins


def risk_direction(classes: int, risk_index: int) -> np.ndarray:
    """The weights over the classes' log-probabilities that make the risk log-odds."""
    direction = np.full(classes, -1.0 / (classes - 1))
    direction[risk_index] = 1.0
    return direction


def risk_log_odds(proba: np.ndarray, risk_index: int) -> np.ndarray:
    """What the reasons explain: log P(risk class) minus the mean log-probability of the other
    classes (for two classes, the log-odds of the risk class)."""
    direction = risk_direction(proba.shape[1], risk_index)
    quantity: np.ndarray = np.log(np.clip(proba, PROBA_FLOOR, 1.0)) @ direction
    return quantity


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
        return self._served(X)[0]

    def explain(self, X: np.ndarray, risk_index: int) -> Attribution:
        """The inner model's attribution of the rows as served: an elderly applicant's at
        the age chosen for them."""
        return self.inner.explain(self._served(X)[1], risk_index)

    def _served(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The probabilities served, and the rows whose inner probabilities they are (an
        elderly applicant's age replaced by the most favourable one, when it is lower).
        The rows and the elderly's ages are scored in one call (one call's overhead is
        most of one row's cost)."""
        with np.errstate(invalid="ignore"):
            elderly = np.flatnonzero(X[:, self.age_column] >= ELDERLY_FROM)
        if not len(elderly):
            return self.inner.proba(X), X
        scored = self.inner.proba(np.vstack([X, self._grid(X[elderly])]))
        proba, grid = scored[: len(X)], scored[len(X) :]
        best, ages = self._most_favourable(grid.reshape(len(elderly), len(self.ages), -1))
        lower = best[:, self.risk_index] < proba[elderly, self.risk_index]
        proba[elderly[lower]] = best[lower]
        rows = X.copy()
        rows[elderly[lower], self.age_column] = ages[lower]
        return proba, rows

    def _grid(self, rows: np.ndarray) -> np.ndarray:
        """Each row at each representative age, row by row."""
        grid = np.repeat(rows, len(self.ages), axis=0)
        grid[:, self.age_column] = np.tile(self.ages, len(rows))
        return grid

    def _most_favourable(self, scored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Of each row's probabilities at the ages (rows, ages, classes): the lowest risk's,
        and its age."""
        lowest = scored[:, :, self.risk_index].argmin(axis=1)
        chosen: np.ndarray = scored[np.arange(len(scored)), lowest]
        return chosen, self.ages[lowest]

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
        check_meta_inputs(model)
        meta = model.final_estimator_
        bases = [native_booster(base, compiled) for base in model.estimators_]
        return FastStack(bases, np.asarray(meta.coef_), np.asarray(meta.intercept_))
    if isinstance(model, (LGBMClassifier, CatBoostClassifier)):
        return FastBooster(native_booster(model, compiled))
    raise UnsupportedModel(f"no fast path for a {type(model).__name__}")
