"""The fast path computes what the joblib Pipeline computes: to 1e-6, on 10,000 raw rows of
each profile (dirt, missing values and applicants of 62 or more included), for each model
form the training may ship (LightGBM, CatBoost, their stack; inside the elderly rule where
the profile reads age; LightGBM's trees compiled or not), through both ways in (raw rows and
validated API records)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from catboost import CatBoostClassifier
from sklearn.pipeline import Pipeline

from credit_scoring.ml.artifact import Artifact
from credit_scoring.ml.boosters import FEW_ROWS, CatBoostTrees
from credit_scoring.ml.dataset_cleaning import labels
from credit_scoring.ml.fair_lending import ElderlyNotScoredDown
from credit_scoring.ml.compiled_trees import compile_lightgbm
from credit_scoring.ml.fast_model import lightgbm_in, representative_ages, risk_log_odds
from credit_scoring.ml.models import catboost, lightgbm, serving_pipeline
from credit_scoring.ml.scorer import Scorer, check_examples, frame_columns
from credit_scoring.ml.stacking import StackedEnsemble
from credit_scoring.profiles import CARD_DEFAULT, CREDIT_SCORE, Profile
from credit_scoring.profiles import credit_score_synthetic as synthetic
from credit_scoring.service.schemas import record_model
from tests.helpers import unsaved_artifact

ROWS = 10_000
TOLERANCE = 1e-6
# each model form the training may ship, and, where it has LightGBM, with its trees compiled
FORMS = [(form, False) for form in ("lightgbm", "catboost", "stack")] + [
    ("lightgbm", True),
    ("stack", True),
]


def _model(form: str, profile: Profile) -> Any:
    """A small model of the given form, wrapped in the elderly rule when the profile's model
    reads age (as training wraps it)."""
    classic = {"loss_function": "Logloss"} if profile.banded else {}
    bases = {
        "lightgbm": lightgbm(3, n_estimators=30, n_jobs=1),
        "catboost": catboost(3, iterations=30, thread_count=1, **classic),
    }
    model = StackedEnsemble(list(bases.items()), folds=3) if form == "stack" else bases[form]
    if profile.elderly_age_input is None:
        return model
    return ElderlyNotScoredDown(model, profile.elderly_age_input, 14, 100, profile.risk_index)


def _scorer(pipeline: Pipeline, profile: Profile, compiled_into: Path | None = None) -> Scorer:
    """A scorer of a fitted Pipeline (its metadata holds what the scorer reads), with
    LightGBM's trees compiled into ``compiled_into`` when given."""
    lightgbm = lightgbm_in(pipeline[-1])
    compiled = None
    if compiled_into is not None and lightgbm is not None:
        compiled = compile_lightgbm(lightgbm.booster_.model_to_string(), compiled_into)
    scorer = Scorer(unsaved_artifact(pipeline, profile, compiled, compiled_into or Path(".")))
    assert scorer.fast is not None, scorer.fast_path
    assert scorer.fast_path.endswith("compiled") == (compiled is not None), scorer.fast_path
    return scorer


@pytest.fixture(scope="module")
def credit_rows() -> pd.DataFrame:
    """10,000 synthetic raw rows as read from a file, with blanks, and a tenth of the
    applicants aged 62 to 100."""
    text = synthetic.generate(rows=ROWS, seed=23).raw.to_csv(index=False)
    raw = pd.read_csv(io.StringIO(text), dtype=str)
    rng = np.random.default_rng(5)
    elderly = rng.random(ROWS) < 0.1
    raw.loc[elderly, "Age"] = rng.integers(62, 101, int(elderly.sum())).astype(str)
    return _with_blanks(raw, CREDIT_SCORE, rng)


def _with_blanks(raw: pd.DataFrame, profile: Profile, rng: np.random.Generator) -> pd.DataFrame:
    """Five percent of the input cells blank (missing)."""
    raw = raw.copy()
    for name in profile.input_names:
        raw.loc[rng.random(len(raw)) < 0.05, name] = np.nan
    return raw


@pytest.fixture(scope="module")
def card_rows(uci_file: Path) -> pd.DataFrame:
    """10,000 real UCI clients, with blanks."""
    raw = pd.read_csv(uci_file, dtype=str).sample(ROWS, random_state=9)
    return _with_blanks(raw.reset_index(drop=True), CARD_DEFAULT, np.random.default_rng(6))


def _fitted(form: str, profile: Profile, raw: pd.DataFrame) -> Pipeline:
    train = raw.iloc[: ROWS // 2]
    pipeline = serving_pipeline(profile, _model(form, profile))
    extra = {"model__groups": train[profile.group_column].to_numpy()} if form == "stack" else {}
    return pipeline.fit(train[profile.input_names], labels(train, profile).to_numpy(), **extra)


def _records(canonical: pd.DataFrame) -> list[dict[str, Any]]:
    """Canonical rows as the API's validated records hold them (None for missing)."""
    frame = canonical.astype(object).where(canonical.notna(), None)
    return frame.to_dict(orient="records")


def _check_parity(
    pipeline: Pipeline, profile: Profile, raw: pd.DataFrame, compiled_into: Path | None
) -> None:
    scorer = _scorer(pipeline, profile, compiled_into)
    reference = pipeline.predict_proba(raw[profile.input_names])
    canonical = scorer.canonical_frame(raw)
    from_rows = scorer.score_canonical(canonical).proba
    from_records = scorer.score_records(_records(canonical)).proba
    assert np.abs(from_rows - reference).max() <= TOLERANCE
    assert np.abs(from_records - reference).max() <= TOLERANCE
    one = scorer.score_records(_records(canonical.iloc[:1])).proba
    assert np.abs(one - reference[:1]).max() <= TOLERANCE
    _check_explanations_add_up(scorer, canonical, reference)


def _check_explanations_add_up(scorer: Scorer, canonical: pd.DataFrame, proba: np.ndarray) -> None:
    """The reasons' base value plus every field's contribution is the risk log-odds of the
    probabilities served (the elderly's at the age chosen for them), row by row."""
    explained = scorer.explain({name: canonical[name].to_numpy() for name in canonical})
    assert explained is not None, scorer.explains
    total = explained.base + explained.contributions.sum(axis=1)
    quantity = risk_log_odds(proba, scorer.profile.risk_index)
    assert np.abs(total - quantity).max() <= TOLERANCE


@pytest.mark.slow
@pytest.mark.parametrize("form,compiled", FORMS)
def test_credit_score_fast_path_matches_the_pipeline(
    form: str, compiled: bool, credit_rows: pd.DataFrame, tmp_path: Path
) -> None:
    pipeline = _fitted(form, CREDIT_SCORE, credit_rows)
    _check_parity(pipeline, CREDIT_SCORE, credit_rows, tmp_path if compiled else None)
    assert (pd.to_numeric(credit_rows["Age"], errors="coerce") >= 62).sum() > 500


@pytest.mark.slow
@pytest.mark.parametrize("form,compiled", FORMS)
def test_card_default_fast_path_matches_the_pipeline(
    form: str, compiled: bool, card_rows: pd.DataFrame, tmp_path: Path
) -> None:
    pipeline = _fitted(form, CARD_DEFAULT, card_rows)
    _check_parity(pipeline, CARD_DEFAULT, card_rows, tmp_path if compiled else None)


def test_the_trained_artifact_scores_its_examples_on_the_fast_path(artifact: Artifact) -> None:
    scorer = Scorer(artifact)
    check_examples(scorer)
    assert scorer.fast is not None and scorer.fast_path == "native boosters, LightGBM compiled"


def test_validated_api_bodies_score_as_the_pipeline_reads_their_raw_form(
    artifact: Artifact,
) -> None:
    scorer, profile = Scorer(artifact), artifact.profile
    for body in profile.examples.values():
        record = record_model(profile).model_validate(body["data"])
        served = scorer.score_records([vars(record)]).proba
        raw = pd.DataFrame([body["data"]]).rename(columns=profile.column_aliases)
        raw = raw.reindex(columns=profile.input_names)  # an optional field left out: blank
        assert np.abs(served - artifact.pipeline.predict_proba(raw)).max() <= TOLERANCE


def test_one_age_per_interval_between_split_points() -> None:
    ages = representative_ages(np.array([30.5, 45.0, 45.5, 99.0]), 14, 100)
    # 14..30 | 31..45 | 46..99 (45.5 < 46 <= 99) | 100
    assert ages.tolist() == [14.0, 31.0, 46.0, 100.0]


def test_values_outside_the_training_range_are_named(artifact: Artifact) -> None:
    scorer = Scorer(artifact)
    low, high = artifact.metadata.training_ranges["Interest_Rate"]
    record = record_model(artifact.profile).model_validate(
        artifact.profile.examples["english"]["data"] | {"Interest_Rate": 100}
    )
    assert high < 100
    scored = scorer.score_records([vars(record)])
    assert scored.outside(0) == ["Interest_Rate"]
    inside = scorer.score_records([vars(record) | {"Interest_Rate": (low + high) / 2}])
    assert inside.outside(0) == []


@pytest.mark.parametrize("nan_mode", ["Min", "Max"])
def test_catboost_trees_read_missing_values_as_catboost_does(nan_mode: str) -> None:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(600, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    X[rng.random(X.shape) < 0.3] = np.nan  # Max: a missing value is above every border
    model = CatBoostClassifier(iterations=40, depth=4, nan_mode=nan_mode, verbose=False)
    model.fit(X, y)
    trees = CatBoostTrees(model)
    rows = X[:FEW_ROWS]  # the numpy evaluation (CatBoost itself scores more rows)
    np.testing.assert_allclose(trees.proba(rows), model.predict_proba(rows), rtol=0, atol=1e-9)


def test_the_model_step_alone_scores_as_the_scorer_on_both_paths(artifact: Artifact) -> None:
    scorer, profile = Scorer(artifact), artifact.profile
    aliases = profile.column_aliases
    raw = pd.DataFrame(
        [
            {aliases.get(k, k): v for k, v in body["data"].items()}
            for body in profile.examples.values()
        ]
    ).reindex(columns=profile.input_names)
    columns = frame_columns(scorer.canonical_frame(raw))
    served = scorer.proba(columns)
    features = scorer.feature_matrix(columns)
    assert np.abs(scorer.model_step(features) - served).max() <= TOLERANCE
    scorer.fast = None  # the Pipeline's last step instead of the native boosters
    assert np.abs(scorer.model_step(features) - served).max() <= TOLERANCE
