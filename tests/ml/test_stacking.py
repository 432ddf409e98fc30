"""The stack: one meta-model for the cross-validated and the shipped stack, and
scikit-learn's own estimator checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import check_estimator

from credit_scoring.ml.dataset_cleaning import labels
from credit_scoring.ml.models import catboost, feature_pipeline, lightgbm
from credit_scoring.ml.stacking import (
    StackedEnsemble,
    keeps_monotone,
    meta_features,
    meta_model,
    stacked_oof,
)
from credit_scoring.profiles import Profile


def small_stack() -> StackedEnsemble:
    bases = [
        ("logistic", LogisticRegression(max_iter=500)),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]
    return StackedEnsemble(bases, folds=3)


def test_the_stack_passes_scikit_learns_estimator_checks() -> None:
    failures = [
        f"{result['check_name']}: {result['exception']}"
        for result in check_estimator(small_stack(), on_fail=None)
        if result["status"] == "failed"
    ]
    assert failures == []


def test_the_shipped_stack_is_the_cross_validated_one() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, 600)
    base_oof = [(rng.dirichlet(np.ones(3), 600),) * 2 for _ in range(2)]
    groups = np.arange(600) // 4
    learnt, _ = stacked_oof(base_oof, y, groups, folds=3)
    assert learnt.shape == (600, 3) and np.allclose(learnt.sum(axis=1), 1)
    oof = {"logistic": base_oof[0][0], "tree": base_oof[1][0]}

    X = pd.DataFrame(rng.normal(size=(600, 4)))
    shipped = small_stack().fit(X, y, groups=groups, oof=oof).final_estimator_
    expected = meta_model().fit(meta_features([oof["logistic"], oof["tree"]]), y)
    np.testing.assert_allclose(shipped.coef_, expected.coef_)


def test_stacked_ensemble_fits_with_its_own_grouped_folds(
    profile: Profile, raw_frame: pd.DataFrame
) -> None:
    y = labels(raw_frame, profile).to_numpy()
    features = feature_pipeline(profile).fit(raw_frame)
    X = features.transform(raw_frame)
    bases = [("lightgbm", lightgbm(0, n_estimators=20)), ("catboost", catboost(0, iterations=20))]
    stack = StackedEnsemble(bases, folds=3).fit(X, y, groups=raw_frame["Customer_ID"].to_numpy())
    proba = stack.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert len(stack.estimators_) == 2 and list(stack.classes_) == [0, 1, 2]
    assert (stack.predict(X) == proba.argmax(axis=1)).all()


def test_a_stack_is_monotone_only_when_its_meta_model_rises_with_every_base_risk() -> None:
    rng = np.random.default_rng(4)
    risk = rng.random(4000) * 0.9 + 0.05
    y = (rng.random(4000) < risk).astype(int)
    log_odds = np.log(risk / (1 - risk))

    def base(noise: float) -> np.ndarray:
        p = 1 / (1 + np.exp(-(log_odds + rng.normal(0, noise, 4000))))
        return np.column_stack([1 - p, p])

    assert keeps_monotone([base(0.3), base(0.6)], y, risk_index=1)
    reversed_base = np.column_stack([risk, 1 - risk])  # its "risk" falls as the risk rises
    assert not keeps_monotone([base(0.3), reversed_base], y, risk_index=1)
    assert not keeps_monotone([np.full((4000, 3), 1 / 3)], y, risk_index=0)
