"""How high can card_default's ROC AUC go on this data? The evidence behind the README's
"Not met: 0.80", measured on every client of a UCI file, not one split:

    python scripts/card_default_ceiling.py ../shared/data/uci_default/UCI_Credit_Card.csv

1. Repeated stratified 5-fold CV (out-of-fold AUC, mean of the repeats) of the profile's
   LightGBM and CatBoost, on the raw inputs and on the profile's features, and of their
   blend (the mean of the two models' ranks).
2. A learning curve: LightGBM on the profile's features trained on growing shares of each
   training fold, scored on the fold left out; ``AUC(n) = a + b / sqrt(n)`` fitted to it
   says what more clients like these would give (``a``: the limit with unlimited clients).

Sex, marital status and age are left out, as in the shipped model. About 1.5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from catboost import CatBoostClassifier
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from credit_scoring.profiles.card_default import CARD_DEFAULT

Model = Callable[[], Any]
REPEATS = (0, 1)
SHARES = (0.25, 0.5, 0.75, 1.0)
UCI_CLIENTS = 30_000  # the whole published data set


def _models() -> dict[str, Model]:
    lightgbm = CARD_DEFAULT.lightgbm_params
    catboost = CARD_DEFAULT.catboost_params
    return {
        "LightGBM": lambda: lgb.LGBMClassifier(**lightgbm, verbose=-1),
        "CatBoost": lambda: CatBoostClassifier(
            **catboost, verbose=0, thread_count=2, allow_writing_files=False
        ),
    }


def _folds(y: np.ndarray, seed: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    yield from StratifiedKFold(5, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)


def _out_of_fold(make: Model, X: pd.DataFrame, y: np.ndarray, seed: int) -> np.ndarray:
    scores = np.zeros(len(y))
    for train, test in _folds(y, seed):
        model = make().fit(X.iloc[train], y[train])
        scores[test] = model.predict_proba(X.iloc[test])[:, 1]
    return scores


def cross_validation(inputs: dict[str, pd.DataFrame], y: np.ndarray) -> None:
    """Print the repeated CV AUC of each model and of their blend, on each input set."""
    print("| inputs | model | out-of-fold ROC AUC |\n| --- | --- | --- |")
    for name, X in inputs.items():
        aucs: dict[str, list[float]] = {}
        for seed in REPEATS:
            scores = {model: _out_of_fold(make, X, y, seed) for model, make in _models().items()}
            scores["blend (mean rank)"] = sum(rankdata(s) for s in scores.values())
            for model, score in scores.items():
                aucs.setdefault(model, []).append(roc_auc_score(y, score))
        for model, values in aucs.items():
            print(f"| {name} | {model} | {np.mean(values):.4f} |", flush=True)


def learning_curve(X: pd.DataFrame, y: np.ndarray) -> None:
    """Print the held-out AUC against the training size, and its fitted limit."""
    make = _models()["LightGBM"]
    sizes, aucs = [], []
    print("\n| training clients | held-out ROC AUC (mean, sd over folds) |\n| --- | --- |")
    for share in SHARES:
        fold_aucs = []
        for seed in REPEATS:
            for train, test in _folds(y, seed):
                rows = np.random.default_rng(seed).permutation(train)[: int(len(train) * share)]
                model = make().fit(X.iloc[rows], y[rows])
                fold_aucs.append(roc_auc_score(y[test], model.predict_proba(X.iloc[test])[:, 1]))
        sizes.append(int(len(y) * 0.8 * share))
        aucs.append(float(np.mean(fold_aucs)))
        print(f"| {sizes[-1]:,} | {aucs[-1]:.4f} ({np.std(fold_aucs):.4f}) |", flush=True)
    slope, limit = np.polyfit(1 / np.sqrt(sizes), aucs, 1)
    print(
        f"\nAUC(n) = {limit:.4f} {slope:+.3f} / sqrt(n): {limit + slope / np.sqrt(UCI_CLIENTS):.4f}"
        f" with all {UCI_CLIENTS:,} UCI clients, {limit:.4f} with unlimited clients"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a file in the UCI format (UCI_Credit_Card.csv)")
    frame = pd.read_csv(parser.parse_args().data)
    y = frame[CARD_DEFAULT.target].to_numpy()
    raw = frame[[n for n in CARD_DEFAULT.input_names if n not in CARD_DEFAULT.not_model_inputs]]
    features = CARD_DEFAULT.features(CARD_DEFAULT).fit(frame).transform(frame)
    print(f"{len(y):,} clients, {y.mean():.1%} defaults\n")
    cross_validation({"raw inputs": raw, "profile features": features}, y)
    learning_curve(features, y)


if __name__ == "__main__":
    main()
