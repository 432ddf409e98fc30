"""What reading its bases' centred log-probabilities costs the stack, against the floored
log-probabilities it read before reasons (issue L): the same bases' grouped out-of-fold
predictions, stacked both ways under the same grouped folds, scored by log loss and macro
F1 (each class the most probable one). Per profile, on the file training reads:

    python scripts/compare_stack_inputs.py credit_score \
        data/raw/credit_score/synthetic_train.csv
    python scripts/compare_stack_inputs.py card_default \
        ../shared/data/uci_default/UCI_Credit_Card.csv

The bases are the preset's (``--preset``, default quick); about a minute per profile.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, log_loss
from sklearn.model_selection import GroupKFold

from credit_scoring.ml.cross_validation import grouped_oof
from credit_scoring.ml.models import feature_pipeline
from credit_scoring.ml.stacking import meta_features, meta_model
from credit_scoring.ml.training import TrainConfig, Trainer
from credit_scoring.profiles import get_profile

MetaFeatures = Callable[[list[np.ndarray]], np.ndarray]


def floored_logs(base_probabilities: list[np.ndarray]) -> np.ndarray:
    """The meta-model's inputs before issue L: log-probabilities floored at 1e-6."""
    return np.hstack([np.log(np.clip(p, 1e-6, 1.0)) for p in base_probabilities])


def stacked(
    bases: list[np.ndarray], y: np.ndarray, groups: np.ndarray, folds: int, inputs: MetaFeatures
) -> np.ndarray:
    """Out-of-fold probabilities of the meta-model over ``inputs`` of the bases."""
    X = inputs(bases)
    proba = np.zeros_like(bases[0])
    for train, test in GroupKFold(n_splits=folds).split(X, y, groups):
        proba[test] = meta_model().fit(X[train], y[train]).predict_proba(X[test])
    return proba


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile")
    parser.add_argument("data", type=Path)
    parser.add_argument("--preset", default="quick")
    arguments = parser.parse_args()
    config = TrainConfig(arguments.data, get_profile(arguments.profile), preset=arguments.preset)
    trainer = Trainer(config)
    split = trainer.prepare().split
    X = feature_pipeline(config.profile).fit(split.X_train).transform(split.X_train)
    models = trainer.candidates({}, list(X.columns))
    y, groups, folds = split.y_train, split.groups_train, trainer.preset.folds
    bases = [grouped_oof(models[name], X, y, groups, folds)[0] for name in ("lightgbm", "catboost")]
    print(f"{config.profile.name}: {len(y)} training rows, {folds} grouped folds")
    for name, inputs in (("floored log-probabilities", floored_logs), ("centred", meta_features)):
        proba = stacked(bases, y, groups, folds, inputs)
        macro_f1 = f1_score(y, proba.argmax(axis=1), average="macro")
        print(f"  {name:26s} log loss {log_loss(y, proba):.5f}  macro F1 {macro_f1:.5f}")


if __name__ == "__main__":
    main()
