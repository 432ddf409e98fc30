"""Training: clean, split by customer, compare models, pick a threshold, save the artifact."""

from __future__ import annotations

import logging
import platform
import subprocess
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupShuffleSplit

from credit_scoring.ml import report
from credit_scoring.ml.artifact import point_latest, save_artifact, sha256_of
from credit_scoring.ml.dataset_cleaning import clean_dataset, labels
from credit_scoring.ml.drift_reference import reference_distributions
from credit_scoring.ml.evaluation import (
    choose_threshold,
    classification_metrics,
    cost_threshold,
    full_metrics,
    risk_bands,
)
from credit_scoring.ml.importance import feature_importance
from credit_scoring.ml.models import (
    catboost,
    lightgbm,
    linear_baseline,
    random_forest,
    serving_pipeline,
    xgboost,
)
from credit_scoring.ml.quality_gate import evaluate_gate, gate_summary
from credit_scoring.ml.raw_data import load_raw
from credit_scoring.profiles.credit_score_synthetic import true_proba_path
from credit_scoring.ml.cross_validation import grouped_oof
from credit_scoring.ml.stacking import StackedEnsemble, stacked_oof
from credit_scoring.ml.tuning import tune_lightgbm
from credit_scoring.profiles import CREDIT_SCORE, Profile

logger = logging.getLogger(__name__)

STACK = "stack_lightgbm_catboost"
SHIPPABLE = ("lightgbm", "catboost", STACK)


@dataclass(frozen=True)
class Preset:
    """How much search a training run may afford."""

    folds: int
    tune_seconds: float
    catboost_iterations: int
    lightgbm_trees: int
    comparison_trees: int  # Random Forest's and XGBoost's (compared, never shipped)


PRESETS: dict[str, Preset] = {
    "full": Preset(5, 240, catboost_iterations=500, lightgbm_trees=400, comparison_trees=300),
    "quick": Preset(3, 0, catboost_iterations=200, lightgbm_trees=200, comparison_trees=150),
    "tiny": Preset(3, 0, catboost_iterations=40, lightgbm_trees=40, comparison_trees=20),
}


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
    extra_metadata: dict[str, Any] = field(default_factory=dict)


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


def _version(profile: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{profile}-{stamp}-{_git_commit()[:7]}"


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "nogit00"


def _library_versions() -> dict[str, str]:
    names = ["scikit-learn", "lightgbm", "catboost", "pandas", "numpy", "joblib"]
    return {name: package_metadata.version(name) for name in names} | {
        "python": platform.python_version()
    }


class Trainer:
    """One training run: holds the data and the intermediate results between steps."""

    def __init__(self, config: TrainConfig) -> None:
        self.config = config
        self.profile: Profile = config.profile
        self.preset = PRESETS[config.preset]
        self.timings: dict[str, float] = {}
        self.bands: dict[str, Any] | None = None
        self.fairness: dict[str, Any] | None = None

    def _timed(self, name: str, start: float) -> None:
        self.timings[name] = round(time.monotonic() - start, 1)
        logger.info("%s took %.1f s", name, self.timings[name])

    def candidates(self, lightgbm_params: dict[str, Any]) -> dict[str, Any]:
        """The models compared under grouped cross-validation."""
        seed, preset = self.config.seed, self.preset
        params = self.lightgbm_start() | lightgbm_params
        return {
            "linear_baseline": linear_baseline(seed),
            "lightgbm": lightgbm(seed, **params),
            "catboost": catboost(
                seed, **({"iterations": preset.catboost_iterations} | self.profile.catboost_params)
            ),
            "random_forest": random_forest(seed, preset.comparison_trees),
            "xgboost": xgboost(seed, preset.comparison_trees),
        }

    def lightgbm_start(self) -> dict[str, Any]:
        """LightGBM's parameters before tuning: the preset's trees, then the profile's own."""
        return {"n_estimators": self.preset.lightgbm_trees} | self.profile.lightgbm_params

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

    def threshold_policy(self) -> dict[str, Any]:
        """How the threshold was chosen, for the metadata and the report."""
        chosen_on = (
            "out-of-fold predictions of the training customers' records as the API receives "
            "them (single raw records, no customer history)"
        )
        if self.profile.cost_ratio is not None:
            return {"cost_ratio": self.profile.cost_ratio, "chosen_on": chosen_on}
        return {
            "target_recall": self.config.target_recall,
            "margin": self.config.recall_margin,
            "chosen_on": chosen_on,
        }

    def protected_comparison(self, split: Split, tuned: dict[str, Any]) -> dict[str, Any]:
        """Test AUC of LightGBM without and with the inputs the shipped model must not read."""
        aucs = {}
        for label, with_protected in (("without", False), ("with", True)):
            features = serving_pipeline(self.profile, None)[:-1]
            features.steps[-1][1].set_params(with_protected=with_protected)
            X_train = features.fit(split.X_train).transform(split.X_train)
            model = self.candidates(tuned)["lightgbm"].fit(X_train, split.y_train)
            proba = np.asarray(model.predict_proba(features.transform(split.X_test)))
            risk = self.profile.risk_index
            aucs[label] = classification_metrics(split.y_test, proba, self.profile.classes, risk)[
                "risk_vs_rest_auc"
            ]
        return {
            "excluded": self.profile.not_model_inputs,
            "test_auc_without": aucs["without"],
            "test_auc_with": aucs["with"],
            "model": "the LightGBM candidate, same split",
        }

    def fit_final(
        self,
        chosen: str,
        models: dict[str, Any],
        X: pd.DataFrame,
        y: np.ndarray,
        oof: dict[str, np.ndarray],
    ) -> Any:
        """The chosen model refitted on all training customers."""
        start = time.monotonic()
        if chosen == STACK:
            names = ["lightgbm", "catboost"]
            stack = StackedEnsemble([(n, models[n]) for n in names], folds=self.preset.folds)
            model = stack.fit(X, y, groups=None, oof={n: oof[n] for n in names})
        else:
            model = models[chosen].fit(X, y)
        self._timed("final_fit", start)
        return model

    def run(self) -> Path:
        """Train, evaluate, and save the artifact; return its version directory."""
        config, profile = self.config, self.profile
        start = time.monotonic()
        raw = load_raw(config.data_path, profile)
        y = labels(raw, profile).to_numpy()
        groups = raw[profile.group_column].to_numpy()
        clean = clean_dataset(raw, profile)
        split = split_by_customer(clean, y, groups, config.test_size, config.seed)
        self._timed("load_and_clean", start)

        features = serving_pipeline(profile, None)
        encode = features[:-1].fit(split.X_train)
        X_train = encode.transform(split.X_train)

        start = time.monotonic()
        tuned, trials = tune_lightgbm(
            X_train,
            split.y_train,
            split.groups_train,
            seconds=self.preset.tune_seconds,
            seed=config.seed,
            start_params=self.lightgbm_start(),
        )
        self._timed("tuning", start)
        models = self.candidates(tuned)
        # The training rows as the API receives them: single raw records, no customer history.
        X_served = encode.transform(raw.iloc[split.train_rows][profile.input_names])
        oof = self.compare(X_train, X_served, split.y_train, split.groups_train, models)
        cv = {
            name: classification_metrics(split.y_train, learnt, profile.classes, profile.risk_index)
            for name, (learnt, _) in oof.items()
        }
        chosen = min(SHIPPABLE, key=lambda name: cv[name]["log_loss"])
        served_oof = oof[chosen][1]
        is_risk, risk_served = (
            split.y_train == profile.risk_index,
            served_oof[:, profile.risk_index],
        )
        threshold = self.threshold(is_risk, risk_served)
        self.bands = risk_bands(risk_served, threshold) if profile.banded else None
        if profile.not_model_inputs:
            self.fairness = self.protected_comparison(split, tuned)
        learnt_oof = {name: learnt for name, (learnt, _) in oof.items()}
        model = self.fit_final(chosen, models, X_train, split.y_train, learnt_oof)
        pipeline = serving_pipeline(profile, model)
        pipeline.steps[:-1] = encode.steps
        return self._evaluate_and_save(
            pipeline, raw, split, threshold, chosen, cv, served_oof, tuned, trials
        )

    def _evaluate_and_save(
        self,
        pipeline: Any,
        raw: pd.DataFrame,
        split: Split,
        threshold: float,
        chosen: str,
        cv: dict[str, Any],
        chosen_oof: np.ndarray,
        tuned: dict[str, Any],
        trials: list[dict[str, Any]],
    ) -> Path:
        config, profile = self.config, self.profile
        classes, risk = profile.classes, profile.risk_index
        proba = pipeline.predict_proba(split.X_test)
        raw_test = raw.iloc[split.test_rows][profile.input_names]
        metrics: dict[str, Any] = {
            "split": {
                "train_customers": int(len(np.unique(split.groups_train))),
                "test_customers": int(raw.iloc[split.test_rows][profile.group_column].nunique()),
                "train_rows": int(len(split.y_train)),
                "test_rows": int(len(split.y_test)),
                "folds": self.preset.folds,
                "customer_overlap": int(
                    len(
                        set(split.groups_train)
                        & set(raw.iloc[split.test_rows][profile.group_column])
                    )
                ),
            },
            "cross_validation": cv,
            "oof_decision": full_metrics(split.y_train, chosen_oof, classes, risk, threshold)[
                "decision"
            ],
            "test": full_metrics(split.y_test, proba, classes, risk, threshold),
            "test_raw_records": full_metrics(
                split.y_test, pipeline.predict_proba(raw_test), classes, risk, threshold
            ),
        }
        ceiling = self._bayes_ceiling(split.test_rows, split.y_test, threshold)
        if ceiling is not None:
            metrics["bayes_ceiling"] = ceiling
        metadata = self._metadata(pipeline, split, threshold, chosen, metrics, tuned, trials)
        metadata["quality_gate"] = gate_summary(evaluate_gate(metadata))
        directory = config.models_root / profile.name / str(metadata["version"])
        directory.mkdir(parents=True, exist_ok=True)
        plots = {
            "confusion matrix": report.plot_confusion(
                metrics["test"]["confusion_matrix"], classes, directory / "confusion_matrix.png"
            ),
            "ROC": report.plot_roc(split.y_test, proba, classes, directory / "roc.png"),
            "calibration": report.plot_calibration(
                split.y_test, proba, classes, directory / "calibration.png"
            ),
            "feature importance": report.plot_importance(
                metadata["feature_importance"], directory / "feature_importance.png"
            ),
        }
        report.write_report(metadata, plots, directory / "report.md")
        save_artifact(pipeline, metadata, directory)
        point_latest(directory)
        logger.info("saved %s", directory)
        return directory

    def _bayes_ceiling(
        self, rows: np.ndarray, y: np.ndarray, threshold: float
    ) -> dict[str, Any] | None:
        side = Path(str(true_proba_path(self.config.data_path)))
        if not side.is_file():
            return None
        true = pd.read_csv(side).to_numpy()[rows]
        return full_metrics(y, true, self.profile.classes, self.profile.risk_index, threshold)

    def _metadata(
        self,
        pipeline: Any,
        split: Split,
        threshold: float,
        chosen: str,
        metrics: dict[str, Any],
        tuned: dict[str, Any],
        trials: list[dict[str, Any]],
    ) -> dict[str, Any]:
        config, profile = self.config, self.profile
        synthetic = Path(str(true_proba_path(config.data_path))).is_file()
        encoded = pipeline[:-1].transform(split.X_train)
        return {
            "version": _version(profile.name),
            "profile": profile.name,
            "created_at": datetime.now(timezone.utc).isoformat(),
            "git_commit": _git_commit(),
            "training_data": {
                "kind": "synthetic" if synthetic else "real",
                "path": str(config.data_path),
                "sha256": sha256_of(Path(config.data_path)),
                "rows": int(len(split.y_train) + len(split.y_test)),
            },
            "libraries": _library_versions(),
            "inputs": [
                {k: v for k, v in asdict(column).items() if v not in (None, (), False)}
                for column in profile.inputs
            ],
            "features": list(pipeline[:-1].get_feature_names_out()),
            "classes": list(profile.classes),
            "risk_class": profile.risk_class,
            "threshold": threshold,
            "threshold_policy": self.threshold_policy(),
            "risk_bands": self.bands,
            "fair_lending": self.fairness,
            "model": {
                "chosen": chosen,
                "reason": "lowest out-of-fold log loss among LightGBM, CatBoost and their stack "
                "under grouped cross-validation; the linear model is the baseline they must "
                "beat; Random Forest and XGBoost are compared, never shipped",
                "preset": config.preset,
                "lightgbm_params": tuned,
                "tuning_trials": trials,
                "seed": config.seed,
            },
            "metrics": metrics,
            "feature_importance": feature_importance(pipeline[-1], list(encoded.columns)),
            "reference": reference_distributions(encoded),
            "timings_seconds": self.timings,
        } | config.extra_metadata


def train(config: TrainConfig) -> Path:
    """Run one training and return the saved version directory."""
    directory: Path = Trainer(config).run()
    return directory
