"""Candidate estimators, the stacked LightGBM + CatBoost ensemble, and the serving Pipeline."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from catboost import CatBoostClassifier
from lightgbm import LGBMClassifier
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from credit_scoring.ml.transformers import RecordCleaner
from credit_scoring.profiles.base import Profile

PROBA_FLOOR = 1e-6


def linear_baseline(seed: int) -> Pipeline:
    """Multinomial logistic regression on median-imputed, standardised features."""
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", add_indicator=True)),
            ("scale", StandardScaler()),
            ("logistic", LogisticRegression(max_iter=2000, C=1.0, random_state=seed)),
        ]
    )


def lightgbm(seed: int, **params: Any) -> LGBMClassifier:
    """LightGBM multiclass with sensible defaults for ~100k rows on 2 cores."""
    defaults: dict[str, Any] = {
        "n_estimators": 400,
        "learning_rate": 0.05,
        "num_leaves": 31,
        "min_child_samples": 50,
        "subsample": 0.8,
        "subsample_freq": 1,
        "colsample_bytree": 0.8,
        "reg_lambda": 1.0,
        "n_jobs": 2,
        "verbose": -1,
        "random_state": seed,
    }
    return LGBMClassifier(**(defaults | params))


def random_forest(seed: int, trees: int) -> RandomForestClassifier:
    """Random Forest, for comparison (scikit-learn's trees route missing values)."""
    return RandomForestClassifier(
        n_estimators=trees, min_samples_leaf=20, max_features="sqrt", n_jobs=2, random_state=seed
    )


def xgboost(seed: int, trees: int) -> Any:
    """XGBoost (CPU histogram trees), for comparison only: it is a training dependency, never
    imported by the service."""
    from xgboost import XGBClassifier

    return XGBClassifier(
        n_estimators=trees,
        learning_rate=0.05,
        max_depth=6,
        subsample=0.8,
        colsample_bytree=0.8,
        tree_method="hist",
        n_jobs=2,
        random_state=seed,
    )


def catboost(seed: int, **params: Any) -> CatBoostClassifier:
    """CatBoost multiclass (symmetric trees), quiet, on 2 threads."""
    defaults: dict[str, Any] = {
        "iterations": 500,
        "learning_rate": 0.1,
        "depth": 6,
        "loss_function": "MultiClass",
        "thread_count": 2,
        "verbose": 0,
        "random_seed": seed,
        "allow_writing_files": False,
    }
    return CatBoostClassifier(**(defaults | params))


def log_proba(proba: np.ndarray) -> np.ndarray:
    """Log-probabilities, floored so that a zero never becomes -inf."""
    logs: np.ndarray = np.log(np.clip(proba, PROBA_FLOOR, 1.0))
    return logs


class StackedEnsemble(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Stacking: a multinomial logistic regression over the base models' log-probabilities.

    The meta-model is fitted on out-of-fold predictions (grouped folds when
    ``groups`` is given), the base models are then refitted on all rows.
    ``oof`` lets a caller that already holds those out-of-fold predictions
    (from the model comparison) skip recomputing them.
    """

    def __init__(self, estimators: list[tuple[str, Any]], cv: int = 5, seed: int = 0) -> None:
        self.estimators = estimators
        self.cv = cv
        self.seed = seed

    def _oof(self, X: pd.DataFrame, y: np.ndarray, groups: Any) -> dict[str, np.ndarray]:
        splitter: Any = (
            GroupKFold(n_splits=self.cv)
            if groups is not None
            else StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.seed)
        )
        n_classes = len(np.unique(y))
        predictions = {name: np.zeros((len(y), n_classes)) for name, _ in self.estimators}
        for train, test in splitter.split(X, y, groups):
            for name, estimator in self.estimators:
                model = clone(estimator).fit(X.iloc[train], y[train])
                predictions[name][test] = model.predict_proba(X.iloc[test])
        return predictions

    def fit(
        self,
        X: pd.DataFrame,
        y: Any,
        groups: Any = None,
        oof: dict[str, np.ndarray] | None = None,
    ) -> StackedEnsemble:
        """Fit the meta-model on out-of-fold predictions, then the bases on all rows."""
        y = np.asarray(y)
        oof = oof if oof is not None else self._oof(X, y, groups)
        meta_features = np.hstack([log_proba(oof[name]) for name, _ in self.estimators])
        self.final_estimator_ = LogisticRegression(max_iter=2000, C=1.0).fit(meta_features, y)
        self.estimators_ = [clone(estimator).fit(X, y) for _, estimator in self.estimators]
        self.classes_ = self.final_estimator_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def base_probabilities(self, X: pd.DataFrame) -> list[np.ndarray]:
        """Each fitted base model's class probabilities."""
        return [estimator.predict_proba(X) for estimator in self.estimators_]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Meta-model probabilities over the bases' log-probabilities."""
        meta_features = np.hstack([log_proba(p) for p in self.base_probabilities(X)])
        proba: np.ndarray = self.final_estimator_.predict_proba(meta_features)
        return proba

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Most probable class."""
        return np.asarray(self.classes_[np.argmax(self.predict_proba(X), axis=1)])


def serving_pipeline(profile: Profile, model: Any) -> Pipeline:
    """The one Pipeline that is evaluated and served: record cleaning, the profile's
    features, the model."""
    return Pipeline(
        [
            ("clean", RecordCleaner(profile)),
            ("features", profile.features(profile)),
            ("model", model),
        ]
    )
