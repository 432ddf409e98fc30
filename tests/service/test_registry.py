"""The MLflow registry, real server: publish registers a signed model that passed its gate
(tags, alias challenger) and refuses one that did not; promote moves champion and says
what it replaced; the service serves models:/credit_score@champion beside @challenger,
verified like a bucket's model, and names the registry versions and run in /model."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import httpx
import pytest
from mlflow import MlflowClient
from typer.testing import CliRunner, Result

from credit_scoring.cli import app
from credit_scoring.dev.mlflow_server import LocalMlflow
from credit_scoring.ml.artifact import ArtifactError, read_metadata, sign_artifact
from credit_scoring.service.app import load_scorer
from credit_scoring.service.model_registry import RegistryError, fetch_registered
from tests.helpers import HEADERS, SIGNING_KEY, LiveServer, live_env, make_settings, passing

pytestmark = pytest.mark.mlflow
runner = CliRunner(env={"CREDIT_MODEL_SIGNING_KEY": SIGNING_KEY})


def _gated_copy(trained_dir: Path, folder: Path, seed: int) -> Path:
    """A copy of the tiny model, its metadata meeting every rule and its version its own."""
    metadata = passing(json.loads((trained_dir / "metadata.json").read_text()))
    metadata["version"] = f"{metadata['version']}-{seed}"
    copy = folder / "credit_score" / metadata["version"]
    shutil.copytree(trained_dir, copy)
    (copy / "metadata.json").write_text(json.dumps(metadata))
    return sign_artifact(copy, SIGNING_KEY)


def _publish(model: Path, uri: str) -> str:
    """Register ``model`` through the CLI; the version it got."""
    result = runner.invoke(
        app, ["model", "publish", str(model), "--registry", "--tracking-uri", uri]
    )
    assert result.exit_code == 0, result.output
    found = re.search(r"registered credit_score version (\d+)", result.output)
    assert found is not None, result.output
    return found.group(1)


@pytest.fixture(scope="module")
def registered(
    trained_dir: Path, mlflow_server: LocalMlflow, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Two gated models registered, by registry version; the second promoted champion."""
    folder = tmp_path_factory.mktemp("gated")
    models = [_gated_copy(trained_dir, folder, seed) for seed in (1, 2)]
    versions = {_publish(model, mlflow_server.uri): model for model in models}
    return versions


def test_publish_registers_with_the_tags_and_alias_challenger(
    registered: dict[str, Path], mlflow_server: LocalMlflow
) -> None:
    client = MlflowClient(mlflow_server.uri)
    last = max(registered, key=int)
    model = registered[last]
    metadata = read_metadata(model)
    version = client.get_model_version("credit_score", last)
    assert version.tags["model_version"] == metadata.version
    assert version.tags["sha256"] == metadata.model_sha256
    assert version.tags["signature"] == (model / "metadata.json.sig").read_text().strip()
    assert version.tags["quality_gate"] == "passed"
    assert version.tags["quality_gate.risk_auc_on_test"].startswith("Poor-vs-rest ROC AUC")
    assert client.get_model_version_by_alias("credit_score", "challenger").version == last


def test_a_model_is_registered_once(
    registered: dict[str, Path], mlflow_server: LocalMlflow
) -> None:
    model = next(iter(registered.values()))
    again = runner.invoke(
        app, ["model", "publish", str(model), "--registry", "--tracking-uri", mlflow_server.uri]
    )
    assert again.exit_code == 2 and "already registered as credit_score version" in again.output


def test_a_model_that_fails_its_gate_is_never_registered(
    trained_dir: Path, registered: dict[str, Path], mlflow_server: LocalMlflow
) -> None:
    client = MlflowClient(mlflow_server.uri)
    before = len(client.search_model_versions("name = 'credit_score'"))
    result = runner.invoke(
        app,
        ["model", "publish", str(trained_dir), "--registry", "--tracking-uri", mlflow_server.uri],
    )
    assert result.exit_code == 2 and "did not pass its quality gate" in result.output
    assert "real_training_data: trained on synthetic data" in result.output
    assert len(client.search_model_versions("name = 'credit_score'")) == before


def test_promote_moves_champion_and_says_what_it_replaced(
    registered: dict[str, Path], mlflow_server: LocalMlflow
) -> None:
    first, second = sorted(registered, key=int)
    said = [_promote(version, mlflow_server.uri) for version in (first, second)]
    assert all(result.exit_code == 0 for result in said), said[-1].output
    assert (
        f"credit_score version {second} is champion (replacing version {first})" in said[1].output
    )
    client = MlflowClient(mlflow_server.uri)
    assert client.get_model_version_by_alias("credit_score", "champion").version == second
    again = _promote(second, mlflow_server.uri)
    assert (
        f"credit_score version {second} is champion (already champion: nothing changed)"
        in again.output
    )
    unknown = _promote("999", mlflow_server.uri)
    assert unknown.exit_code == 2 and "no registered version 999" in unknown.output


def _promote(version: str, uri: str) -> Result:
    return runner.invoke(app, ["model", "promote", "credit_score", version, "--tracking-uri", uri])


def test_the_service_serves_the_champion_and_names_it(
    registered: dict[str, Path],
    mlflow_server: LocalMlflow,
    english: dict[str, object],
    tmp_path: Path,
) -> None:
    challenger, champion = sorted(registered, key=int)
    assert _promote(champion, mlflow_server.uri).exit_code == 0
    MlflowClient(mlflow_server.uri).set_registered_model_alias(
        "credit_score", "challenger", challenger
    )
    env = live_env(
        tmp_path / "models",
        CREDIT_MODEL_URI="models:/credit_score@champion",
        CREDIT_CHALLENGER_URI="models:/credit_score@challenger",
        CREDIT_CHALLENGER_PATH=str(tmp_path / "challengers"),
        CREDIT_MLFLOW_TRACKING_URI=mlflow_server.uri,
    )
    server = LiveServer(env, tmp_path)
    try:
        described = httpx.get(f"{server.url}/v1/credit_score/model", headers=HEADERS).json()
        answer = httpx.post(f"{server.url}/predict", json=english, headers=HEADERS)
    finally:
        log = server.stop()
    assert "fetched models:/credit_score@champion" in log
    assert described["version"] == read_metadata(registered[champion]).version
    registry = described["registry"]
    assert registry["name"] == "credit_score" and registry["version"] == champion
    assert "champion" in registry["aliases"] and registry["run_id"]
    assert answer.status_code == 200 and answer.json()["decision"] in {"APROVADO", "NEGADO"}
    shadow = described["challenger"]
    assert shadow["version"] == read_metadata(registered[challenger]).version
    assert shadow["registry"]["version"] == challenger


def test_a_tampered_registered_artifact_is_refused(
    registered: dict[str, Path], mlflow_server: LocalMlflow, tmp_path: Path
) -> None:
    version = min(registered, key=int)
    client = MlflowClient(mlflow_server.uri)
    source = client.get_model_version("credit_score", version)
    tampered = tmp_path / "model.joblib"
    tampered.write_bytes((registered[version] / "model.joblib").read_bytes() + b"x")
    folder = source.source.split("/artifacts/", 1)[1]
    client.log_artifact(source.run_id, str(tampered), folder)  # overwrites it in the store
    fetched = fetch_registered(
        f"models:/credit_score/{version}", tmp_path / "models", mlflow_server.uri
    )
    with pytest.raises(ArtifactError, match="does not match metadata"):
        load_scorer(make_settings(tmp_path / "models"), "credit_score", fetched)


def test_a_registry_uri_naming_nothing_is_a_clear_error(
    mlflow_server: LocalMlflow, tmp_path: Path
) -> None:
    with pytest.raises(RegistryError, match="alias nobody not found"):
        fetch_registered("models:/credit_score@nobody", tmp_path, mlflow_server.uri)
    with pytest.raises(RegistryError, match="needs an MLflow server"):
        fetch_registered("models:/credit_score@champion", tmp_path, None)


def test_a_registered_model_that_fails_its_gate_is_refused_at_fetch(
    trained_dir: Path, mlflow_server: LocalMlflow, tmp_path: Path
) -> None:
    """Registered around `model publish` (straight through MLflow's client): the service
    re-evaluates the gate and refuses it before it starts."""
    client = MlflowClient(mlflow_server.uri)
    run = client.create_run(client.create_experiment("sneaked-in"))
    client.log_artifacts(run.info.run_id, str(trained_dir), "sneaked")
    client.create_registered_model("sneaked_in")
    source = f"{run.info.artifact_uri}/sneaked"
    version = client.create_model_version("sneaked_in", source, run_id=run.info.run_id)
    with pytest.raises(RegistryError, match="did not pass its quality gate.*real_training_data"):
        fetch_registered(f"models:/sneaked_in/{version.version}", tmp_path, mlflow_server.uri)
