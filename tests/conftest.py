"""Shared fixtures: small synthetic data and a tiny trained artifact, made once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from credit_scoring.profiles import credit_score_synthetic as synthetic
from credit_scoring.ml.artifact import Artifact, load_artifact, point_latest, sign_artifact
from credit_scoring.ml.scorer import Scorer
from credit_scoring.ml.training import TrainConfig
from credit_scoring.ml.training_run import train
from credit_scoring.dev.mlflow_server import LocalMlflow
from credit_scoring.dev.seaweed import LocalSeaweed, Ports
from credit_scoring.profiles import CARD_DEFAULT, Profile, get_profile
from tests.helpers import SIGNING_KEY, UCI_FILE, free_port


@pytest.fixture(scope="session")
def profile() -> Profile:
    return get_profile("credit_score")


@pytest.fixture(scope="session")
def generated() -> synthetic.SyntheticData:
    """16,000 rows (2,000 customers): enough for rates within a percent or so."""
    return synthetic.generate(rows=16_000, seed=7)


@pytest.fixture(scope="session")
def raw_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4,000-row synthetic raw file with its true-probability side file."""
    path = tmp_path_factory.mktemp("data") / "synthetic_train.csv"
    synthetic.write(synthetic.generate(rows=4_000, seed=11), str(path))
    return path


@pytest.fixture(scope="session")
def raw_frame(raw_file: Path) -> pd.DataFrame:
    return pd.read_csv(raw_file, dtype=str)


@pytest.fixture(scope="session")
def trained_dir(raw_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny-preset artifact trained on the 4,000-row file, with LightGBM's trees compiled
    (card_dir's are not: both forms are served and scored)."""
    root = tmp_path_factory.mktemp("models")
    config = TrainConfig(
        data_path=raw_file, models_root=root, preset="tiny", seed=1, compile_trees=True
    )
    directory = train(config)
    return sign_artifact(directory, SIGNING_KEY)


@pytest.fixture(scope="session")
def uci_file() -> Path:
    """The real UCI file beside the checkout (never copied into the project)."""
    if not UCI_FILE.is_file():
        pytest.skip(f"the UCI credit card file is not at {UCI_FILE}: card_default tests skipped")
    return UCI_FILE


@pytest.fixture(scope="session")
def uci_sample(uci_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 clients of the UCI file, for fast tests (kept in a temporary folder)."""
    path = tmp_path_factory.mktemp("uci") / "sample.csv"
    pd.read_csv(uci_file, dtype=str).sample(3_000, random_state=5).to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def card_dir(uci_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny-preset card_default artifact trained on the sample, signed."""
    root = tmp_path_factory.mktemp("card_models")
    config = TrainConfig(
        data_path=uci_sample, profile=CARD_DEFAULT, models_root=root, preset="tiny", seed=1
    )
    return sign_artifact(train(config), SIGNING_KEY)


@pytest.fixture(scope="session")
def both_models(
    trained_dir: Path, card_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A models folder holding both profiles' models, as `make run` and the image have."""
    root = tmp_path_factory.mktemp("both")
    for directory in (trained_dir, card_dir):
        target = root / directory.parent.name / directory.name
        shutil.copytree(directory, target)
        point_latest(target)
    return root


@pytest.fixture(scope="session")
def artifact(trained_dir: Path) -> Artifact:
    return load_artifact(trained_dir)


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSeaweed]:
    """A real SeaweedFS with its S3 API, shared by the audit tests (one bucket per test)."""
    server = LocalSeaweed(
        tmp_path_factory.mktemp("seaweed"), "test-access", "test-secret", Ports.free()
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def api_records(trained_dir: Path, raw_frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The training file's rows as API records (canonical values, null when missing),
    those the API takes (required fields present)."""
    scorer = Scorer(load_artifact(trained_dir))
    canonical = scorer.canonical_frame(raw_frame)
    required = [column.name for column in scorer.profile.inputs if column.required]
    canonical = canonical[canonical[required].notna().all(axis=1)]
    frame = canonical.astype(object).where(canonical.notna(), None)
    return [
        {k: list(v) if isinstance(v, tuple) else v for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMlflow]:
    """A real MLflow tracking server and registry (SQLite, artifacts in its own SeaweedFS),
    shared by the lifecycle tests; stopped, its workers and store with it, pass or fail."""
    server = LocalMlflow(tmp_path_factory.mktemp("mlflow"), free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()
