"""Training tracked in a real MLflow server: the run holds the parameters, every metric of
the report, the gate rule by rule, the data's sha256, the plots and the artifact folder; its
id lands in metadata.json and the report links it; tuning trials are nested runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow import MlflowClient
from typer.testing import CliRunner

from credit_scoring.cli import app
from credit_scoring.dev.mlflow_server import LocalMlflow
from credit_scoring.ml.artifact import read_metadata
from credit_scoring.ml.tracking import log_training, tracked_training
from tests.helpers import SIGNING_KEY

pytestmark = pytest.mark.mlflow


@pytest.fixture(scope="module")
def tracked_dir(
    raw_file: Path, mlflow_server: LocalMlflow, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A tiny model trained by the CLI with --tracking-uri."""
    root = tmp_path_factory.mktemp("tracked")
    command = ["train", "--data", str(raw_file), "--preset", "tiny", "--models-root", str(root)]
    result = CliRunner(env={"CREDIT_MODEL_SIGNING_KEY": SIGNING_KEY}).invoke(
        app, [*command, "--tracking-uri", mlflow_server.uri]
    )
    assert result.exit_code == 0, result.output
    assert "tracked:  http://127.0.0.1" in result.output
    return next((root / "credit_score").glob("credit_score-*"))


def test_the_run_holds_what_the_model_was_made_of(
    tracked_dir: Path, mlflow_server: LocalMlflow
) -> None:
    metadata = read_metadata(tracked_dir)
    assert metadata.tracking is not None and metadata.tracking.tracking_uri == mlflow_server.uri
    run = MlflowClient(mlflow_server.uri).get_run(metadata.tracking.run_id)
    assert run.info.status == "FINISHED" and run.info.run_name == metadata.version
    params, metrics, tags = run.data.params, run.data.metrics, run.data.tags
    assert params["preset"] == "tiny" and params["chosen_model"] == metadata.model.chosen
    assert float(params["threshold"]) == pytest.approx(metadata.threshold)
    chosen = metadata.model.chosen
    cv_loss = metadata.metrics.cross_validation[chosen]["log_loss"]
    assert metrics[f"cv.{chosen}.log_loss"] == pytest.approx(cv_loss)
    recall = metadata.metrics.test["decision"]["risk_recall"]
    assert metrics["test.decision.risk_recall"] == pytest.approx(recall)
    assert tags["training_data.sha256"] == metadata.training_data.sha256
    assert tags["model_sha256"] == metadata.model_sha256
    assert tags["quality_gate"] == "failed"  # synthetic data: never a credit model
    assert tags["quality_gate.real_training_data"] == "trained on synthetic data"
    assert metrics["quality_gate.real_training_data"] == 0.0
    assert metrics["quality_gate.risk_auc_on_test"] == 1.0


def test_the_run_holds_the_plots_and_the_artifact_folder(
    tracked_dir: Path, mlflow_server: LocalMlflow
) -> None:
    metadata = read_metadata(tracked_dir)
    assert metadata.tracking is not None
    client = MlflowClient(mlflow_server.uri)
    run_id = metadata.tracking.run_id
    plots = {Path(item.path).name for item in client.list_artifacts(run_id, "plots")}
    assert plots == {path.name for path in tracked_dir.glob("*.png")} and "roc.png" in plots
    folder = {Path(item.path).name for item in client.list_artifacts(run_id, "model")}
    assert {"model.joblib", "metadata.json", "metadata.json.sig", "report.md"} <= folder
    downloaded = Path(client.download_artifacts(run_id, "model/model.joblib"))
    assert downloaded.read_bytes() == (tracked_dir / "model.joblib").read_bytes()
    report = (tracked_dir / "report.md").read_text()
    assert f"- Tracked in MLflow: {metadata.tracking.url}" in report
    assert metadata.tracking.url.endswith(
        f"/#/experiments/{metadata.tracking.experiment_id}/runs/{run_id}"
    )


def test_tuning_trials_are_nested_runs(tracked_dir: Path, mlflow_server: LocalMlflow) -> None:
    metadata = read_metadata(tracked_dir)
    trials = [
        {"params": {"num_leaves": 15}, "log_loss": 0.52},
        {"params": {"num_leaves": 63}, "log_loss": 0.49},
    ]
    tuned = metadata.model_copy(
        update={"model": metadata.model.model_copy(update={"tuning_trials": trials})}
    )
    with tracked_training(mlflow_server.uri, "credit_score") as run:
        assert run is not None
        log_training(tracked_dir, tuned)
    client = MlflowClient(mlflow_server.uri)
    nested = client.search_runs(
        [run.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{run.run_id}'"
    )
    said = sorted(
        (item.data.params["num_leaves"], item.data.metrics["cv_log_loss"]) for item in nested
    )
    assert said == [("15", 0.52), ("63", 0.49)]


def test_without_a_tracking_uri_nothing_is_tracked(trained_dir: Path) -> None:
    assert read_metadata(trained_dir).tracking is None
    assert "MLflow" not in (trained_dir / "report.md").read_text()


def test_a_training_that_fails_ends_its_run_failed(mlflow_server: LocalMlflow) -> None:
    with pytest.raises(ValueError, match="broken"):
        with tracked_training(mlflow_server.uri, "credit_score") as run:
            assert run is not None
            raise ValueError("broken")
    assert MlflowClient(mlflow_server.uri).get_run(run.run_id).info.status == "FAILED"


def test_the_cli_says_when_the_tracking_server_cannot_be_reached(
    raw_file: Path, tmp_path: Path
) -> None:
    command = ["train", "--data", str(raw_file), "--preset", "tiny", "--models-root", str(tmp_path)]
    result = CliRunner().invoke(app, [*command, "--tracking-uri", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "MLflow" in result.output and "Traceback" not in result.output
