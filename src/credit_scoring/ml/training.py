"""Training, as four steps that hand a result to the next: prepare the data, fit (tune,
compare, choose, set the threshold), then evaluate, describe and save
(``ml.model_description``)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import Pipeline

from credit_scoring.ml.artifact_metadata import FairLending, RiskBands, TrackingRun
from credit_scoring.ml.cross_validation import grouped_oof
from credit_scoring.ml.dataset_cleaning import clean_dataset, labels
from credit_scoring.ml.fair_lending import ELDERLY_FROM, ElderlyNotScoredDown
from credit_scoring.ml.evaluation import (
    choose_threshold,
    classification_metrics,
    cost_threshold,
    risk_bands,
)
from credit_scoring.ml.models import (
    catboost,
    feature_pipeline,
    lightgbm,
    linear_baseline,
    random_forest,
    serving_pipeline,
    xgboost,
)
from credit_scoring.ml.raw_data import load_raw
from credit_scoring.ml.stacking import StackedEnsemble, keeps_monotone, stacked_oof
from credit_scoring.ml.tuning import tune_lightgbm
from credit_scoring.profiles import CREDIT_SCORE, Profile

logger = logging.getLogger(__name__)

STACK = "stack_lightgbm_catboost"
SHIPPABLE = ("lightgbm", "catboost", STACK)
CHOICE_REASON = (
    "lowest out-of-fold log loss among LightGBM, CatBoost and their stack under grouped "
    "cross-validation (with monotone constraints, the stack only when its meta-model keeps "
    "them); the linear model is the baseline they must beat"
)


@dataclass(frozen=True)
class Preset:
    """How much search a training run may afford."""

    folds: int
    tune_seconds: float
    catboost_iterations: int
    lightgbm_trees: int
    # Random Forest's and XGBoost's trees: cross-validated for comparison, never shipped; 0
    # skips them (only the full preset spends the time; the quick one makes `make run`'s
    # first model).
    comparison_trees: int = 0
    # LightGBM's trees compiled into the artifact for batch scoring (``ml.compiled_trees``):
    # about 10x on files, for a compile of 10 to 60 s at training
    compiles_trees: bool = False

    @property
    def compares_other_models(self) -> bool:
        """Whether Random Forest and XGBoost are cross-validated for comparison."""
        return self.comparison_trees > 0


PRESETS: dict[str, Preset] = {
    "full": Preset(
        5,
        240,
        catboost_iterations=500,
        lightgbm_trees=400,
        comparison_trees=300,
        compiles_trees=True,
    ),
    "quick": Preset(3, 0, catboost_iterations=200, lightgbm_trees=200),
    "tiny": Preset(3, 0, catboost_iterations=40, lightgbm_trees=40),
}


def choice_reason(preset: Preset) -> str:
    """How the shipped model is chosen, and whether Random Forest and XGBoost were compared."""
    if preset.compares_other_models:
        return f"{CHOICE_REASON}; Random Forest and XGBoost are compared, never shipped"
    return (
        f"{CHOICE_REASON}; Random Forest and XGBoost (never shipped) are compared by the full "
        "preset only"
    )


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run needs to know."""

    data_path: Path
    profile: Profile = CREDIT_SCORE
    models_root: Path = Path("src/models")
    preset: str = "full"
    seed: int = 42
    test_size: float = 0.2
    target_recall: float = 0.85
    recall_margin: float = 0.01
    compile_trees: bool | None = None  # None: as the preset says
    tracking: TrackingRun | None = None  # the MLflow run tracking this training, if any

    @property
    def compiles_trees(self) -> bool:
        """Whether the artifact gets LightGBM's trees compiled (the option, else the preset)."""
        if self.compile_trees is None:
            return PRESETS[self.preset].compiles_trees
        return self.compile_trees

    @property
    def folds(self) -> int:
        """The preset's number of cross-validation folds."""
        return PRESETS[self.preset].folds

    def threshold_policy(self) -> dict[str, Any]:
        """How the threshold is chosen: the profile's cost ratio, else a target recall."""
        chosen_on = (
            "out-of-fold predictions of the training customers' records as the API receives "
            "them (single raw records, no customer history)"
        )
        if self.profile.cost_ratio is not None:
            return {"cost_ratio": self.profile.cost_ratio, "chosen_on": chosen_on}
        return {
            "target_recall": self.target_recall,
            "margin": self.recall_margin,
            "chosen_on": chosen_on,
        }


@dataclass
class Split:
    """Customer-disjoint training and test rows."""

    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: np.ndarray
    y_test: np.ndarray
    groups_train: np.ndarray
    train_rows: np.ndarray
    test_rows: np.ndarray


def split_by_customer(
    clean: pd.DataFrame, y: np.ndarray, groups: np.ndarray, test_size: float, seed: int
) -> Split:
    """One split where no customer has rows on both sides."""
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    train, test = next(splitter.split(clean, y, groups))
    return Split(
        X_train=clean.iloc[train],
        X_test=clean.iloc[test],
        y_train=y[train],
        y_test=y[test],
        groups_train=groups[train],
        train_rows=train,
        test_rows=test,
    )


@dataclass(frozen=True)
class Prepared:
    """The raw file, its profile, and the customer-disjoint split of its cleaned rows."""

    profile: Profile
    raw: pd.DataFrame
    split: Split

    def served(self, rows: np.ndarray) -> pd.DataFrame:
        """Those rows as the API receives them: raw single records, no customer history."""
        return self.raw.iloc[rows][self.profile.input_names]

    def customers(self, rows: np.ndarray) -> set[Any]:
        """The customers of those rows."""
        return set(self.raw.iloc[rows][self.profile.group_column])


@dataclass
class Fitted:
    """What fitting chose and made: the served Pipeline and everything needed to describe it."""

    pipeline: Pipeline
    chosen: str
    reason: str  # why that one: how the choice is made
    cv: dict[str, dict[str, Any]]
    served_oof: np.ndarray  # the chosen model's, on the training records as served
    threshold: float
    bands: RiskBands | None
    fairness: FairLending | None
    tuned: dict[str, Any]
    trials: list[dict[str, Any]]
    timings: dict[str, float] = field(default_factory=dict)


class Trainer:
    """Preparing the data and fitting the served Pipeline, for one training configuration."""

    def __init__(self, config: TrainConfig) -> None:
        self.config = config
        self.profile: Profile = config.profile
        self.preset = PRESETS[config.preset]
        self.timings: dict[str, float] = {}

    def _timed(self, name: str, start: float) -> None:
        self.timings[name] = round(time.monotonic() - start, 1)
        logger.info("%s took %.1f s", name, self.timings[name])

    def prepare(self) -> Prepared:
        """Load and clean the raw file; split it so that no customer is on both sides."""
        config, profile = self.config, self.profile
        start = time.monotonic()
        raw = load_raw(config.data_path, profile)
        y = labels(raw, profile).to_numpy()
        groups = raw[profile.group_column].to_numpy()
        clean = clean_dataset(raw, profile)
        split = split_by_customer(clean, y, groups, config.test_size, config.seed)
        self._timed("load_and_clean", start)
        return Prepared(profile, raw, split)

    def fit(self, data: Prepared) -> Fitted:
        """Tune LightGBM, compare every candidate by grouped CV, choose the model, set the
        threshold on served-path out-of-fold predictions, and fit the served Pipeline."""
        split, risk = data.split, self.profile.risk_index
        features = feature_pipeline(self.profile).fit(split.X_train)
        X_train = features.transform(split.X_train)
        tuned, trials = self._tune(X_train, split)
        models = self.candidates(tuned, list(X_train.columns))
        X_served = features.transform(data.served(split.train_rows))
        oof = self.compare(X_train, X_served, split.y_train, split.groups_train, models)
        learnt_oof = {name: learnt for name, (learnt, _) in oof.items()}
        cv = {name: self._cv_metrics(split.y_train, learnt) for name, learnt in learnt_oof.items()}
        chosen = min(self._shippable(learnt_oof, split), key=lambda name: cv[name]["log_loss"])
        served_oof = oof[chosen][1]
        threshold = self.threshold(split.y_train == risk, served_oof[:, risk])
        return Fitted(
            pipeline=self.fit_final(chosen, models, split, learnt_oof),
            chosen=chosen,
            reason=choice_reason(self.preset),
            cv=cv,
            served_oof=served_oof,
            threshold=threshold,
            bands=self._bands(served_oof[:, risk], threshold),
            fairness=self.protected_comparison(split, tuned),
            tuned=tuned,
            trials=trials,
            timings=self.timings,
        )

    def _shippable(self, oof: dict[str, np.ndarray], split: Split) -> list[str]:
        """The candidates that may be shipped: a profile with monotone constraints ships the
        stack only when its meta-model keeps them (``keeps_monotone``)."""
        if not self.profile.monotone:
            return list(SHIPPABLE)
        bases = [oof["lightgbm"], oof["catboost"]]
        if keeps_monotone(bases, split.y_train, self.profile.risk_index):
            return list(SHIPPABLE)
        logger.info("the stack's meta-model is not monotone in its bases: not shippable")
        return [name for name in SHIPPABLE if name != STACK]

    def _tune(self, X_train: pd.DataFrame, split: Split) -> tuple[dict[str, Any], list[Any]]:
        start = time.monotonic()
        best_and_trials = tune_lightgbm(
            X_train,
            split.y_train,
            split.groups_train,
            seconds=self.preset.tune_seconds,
            seed=self.config.seed,
            start_params=self.lightgbm_start(list(X_train.columns)),
        )
        self._timed("tuning", start)
        return best_and_trials

    def _cv_metrics(self, y: np.ndarray, proba: np.ndarray) -> dict[str, Any]:
        return classification_metrics(y, proba, self.profile.classes, self.profile.risk_index)

    def candidates(self, lightgbm_params: dict[str, Any], features: list[str]) -> dict[str, Any]:
        """The models compared under grouped cross-validation, for these features (Random
        Forest and XGBoost only when the preset compares them)."""
        seed, preset = self.config.seed, self.preset
        catboost_params = (
            {"iterations": preset.catboost_iterations}
            | self.profile.catboost_params
            | self._monotone(features, as_text=True)
        )
        models: dict[str, Any] = {
            "linear_baseline": linear_baseline(seed),
            "lightgbm": lightgbm(seed, **(self.lightgbm_start(features) | lightgbm_params)),
            "catboost": catboost(seed, **catboost_params),
        }
        if not preset.compares_other_models:
            return models
        return models | {
            "random_forest": random_forest(seed, preset.comparison_trees),
            "xgboost": xgboost(seed, preset.comparison_trees),
        }

    def lightgbm_start(self, features: list[str]) -> dict[str, Any]:
        """LightGBM's parameters before tuning: the preset's trees, then the profile's own,
        and its monotone constraints."""
        own = {"n_estimators": self.preset.lightgbm_trees} | self.profile.lightgbm_params
        return own | self._monotone(features)

    def _monotone(self, features: list[str], *, as_text: bool = False) -> dict[str, Any]:
        """The profile's monotone constraints (``Profile.monotone``) over these features, as
        LightGBM's list or CatBoost's text "(1,0,-1)" (a list would not survive cloning);
        nothing when the profile has none."""
        if not self.profile.monotone:
            return {}
        signs = [self.profile.monotone.get(name, 0) for name in features]
        text = "(" + ",".join(str(sign) for sign in signs) + ")"
        return {"monotone_constraints": text if as_text else signs}

    def compare(
        self,
        X: pd.DataFrame,
        served: pd.DataFrame,
        y: np.ndarray,
        groups: np.ndarray,
        models: dict[str, Any],
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Out-of-fold probabilities of every candidate and of the stack, on the training
        rows as learnt from and as served (see ``grouped_oof``)."""
        oof: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name, model in models.items():
            start = time.monotonic()
            oof[name] = grouped_oof(model, X, y, groups, self.preset.folds, served)
            self._timed(f"cv_{name}", start)
        oof[STACK] = stacked_oof([oof["lightgbm"], oof["catboost"]], y, groups, self.preset.folds)
        return oof

    def threshold(self, is_risk: np.ndarray, risk_oof: np.ndarray) -> float:
        """The decision threshold, by the profile's policy, on out-of-fold predictions."""
        if self.profile.cost_ratio is not None:
            return cost_threshold(is_risk, risk_oof, self.profile.cost_ratio)
        target = min(1.0, self.config.target_recall + self.config.recall_margin)
        return choose_threshold(is_risk, risk_oof, target)

    def _bands(self, risk_oof: np.ndarray, threshold: float) -> RiskBands | None:
        if not self.profile.banded:
            return None
        return RiskBands(**risk_bands(risk_oof, threshold))

    def protected_comparison(self, split: Split, tuned: dict[str, Any]) -> FairLending | None:
        """Test AUC of LightGBM without and with the inputs the shipped model must not read
        (None for a profile that has none)."""
        if not self.profile.not_model_inputs:
            return None
        aucs = {}
        for with_protected in (False, True):
            features = feature_pipeline(self.profile).set_params(
                features__with_protected=with_protected
            )
            names = list(features.fit(split.X_train).get_feature_names_out())
            pipeline = serving_pipeline(self.profile, self.candidates(tuned, names)["lightgbm"])
            pipeline.set_params(features__with_protected=with_protected)
            pipeline.fit(split.X_train, split.y_train)
            proba = pipeline.predict_proba(split.X_test)
            aucs[with_protected] = self._cv_metrics(split.y_test, proba)["risk_vs_rest_auc"]
        return FairLending(
            excluded=self.profile.not_model_inputs,
            test_auc_without=aucs[False],
            test_auc_with=aucs[True],
            model="the LightGBM candidate, same split",
        )

    def _fair(self, model: Any) -> Any:
        """The model, made unable to score an elderly applicant down for their age when the
        profile's model reads age (``ElderlyNotScoredDown``)."""
        age = self.profile.elderly_age_input
        if age is None:
            return model
        column = self.profile.input(age)
        return ElderlyNotScoredDown(
            model,
            age_feature=age,
            youngest=int(column.minimum or 0),
            oldest=int(column.maximum or ELDERLY_FROM),
            risk_index=self.profile.risk_index,
        )

    def fit_final(
        self, chosen: str, models: dict[str, Any], split: Split, oof: dict[str, np.ndarray]
    ) -> Pipeline:
        """The served Pipeline with the chosen model, fitted on all training customers (a
        stack reuses the comparison's out-of-fold predictions)."""
        start = time.monotonic()
        params: dict[str, Any] = {}
        if chosen == STACK:
            names = ["lightgbm", "catboost"]
            model = StackedEnsemble([(n, models[n]) for n in names], folds=self.preset.folds)
            params = {"model__groups": split.groups_train, "model__oof": {n: oof[n] for n in names}}
        else:
            model = models[chosen]
        pipeline = serving_pipeline(self.profile, self._fair(model))
        pipeline.fit(split.X_train, split.y_train, **params)
        self._timed("final_fit", start)
        return pipeline
