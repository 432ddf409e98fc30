"""The credit-scoring command line, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from credit_scoring.cli import app

runner = CliRunner()


def test_data_writes_the_file_and_side_file(tmp_path: Path) -> None:
    output = tmp_path / "synthetic_train.csv"
    result = runner.invoke(app, ["data", "--rows", "80", "--seed", "1", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(output)) == 80
    assert (tmp_path / "synthetic_train.true_proba.csv").is_file()


def test_score_runs_and_reports_bad_input(
    trained_dir: Path, raw_file: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out.csv"
    ok = runner.invoke(
        app,
        ["score", "--model", str(trained_dir), "--input", str(raw_file), "--output", str(output)],
    )
    assert ok.exit_code == 0, ok.output
    assert "scored 4000 rows" in ok.output
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    failed = runner.invoke(
        app, ["score", "--model", str(trained_dir), "--input", str(bad), "--output", str(output)]
    )
    assert failed.exit_code == 2
    assert "missing columns: Age, Annual_Income" in failed.output
    assert "unexpected columns: a, b" in failed.output


def test_train_rejects_an_unknown_preset(raw_file: Path) -> None:
    result = runner.invoke(app, ["train", "--data", str(raw_file), "--preset", "huge"])
    assert result.exit_code == 2 and "unknown preset" in result.output
