"""Candidate estimators and the serving Pipeline (stacking: ``ml.stacking``)."""

from __future__ import annotations

from typing import Any

from catboost import CatBoostClassifier
from lightgbm import LGBMClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from credit_scoring.ml.transformers import RecordCleaner
from credit_scoring.profiles.base import Profile


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


def feature_pipeline(profile: Profile) -> Pipeline:
    """Record cleaning and the profile's features: the serving Pipeline without its model."""
    return Pipeline([("clean", RecordCleaner(profile)), ("features", profile.features(profile))])


def serving_pipeline(profile: Profile, model: Any) -> Pipeline:
    """The one Pipeline that is evaluated and served: record cleaning, the profile's
    features, the model."""
    return Pipeline([*feature_pipeline(profile).steps, ("model", model)])
