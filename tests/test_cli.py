"""The credit-scoring command line, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from credit_scoring.cli import app
from credit_scoring.profiles import CREDIT_SCORE, PROFILE_NAMES, PROFILES

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


def test_score_explain_adds_each_rows_reasons(
    trained_dir: Path, raw_file: Path, tmp_path: Path
) -> None:
    output = tmp_path / "explained.csv"
    arguments = ["score", "--model", str(trained_dir), "--input", str(raw_file)]
    result = runner.invoke(app, [*arguments, "--output", str(output), "--explain"])
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(output, keep_default_na=False)
    parts = [f"reason_{k}_contribution" for k in range(1, 5)]
    assert {"risk_log_odds", "base_value", "reason_1", *parts} <= set(scored.columns)
    listed = scored[scored["reason_1"] != ""]
    assert len(listed) > len(scored) / 2
    assert set(listed["reason_1"]) <= set(CREDIT_SCORE.model_input_names)
    strength = listed[parts[0]].astype(float)
    following = pd.to_numeric(listed[parts[1]], errors="coerce").fillna(0.0)
    assert (strength > 0).all() and (strength >= following).all()


def test_train_rejects_an_unknown_preset(raw_file: Path) -> None:
    result = runner.invoke(app, ["train", "--data", str(raw_file), "--preset", "huge"])
    assert result.exit_code == 2 and "unknown preset" in result.output


def test_the_profile_names_are_the_profiles() -> None:
    """The command line names the profiles without loading them: the two lists agree."""
    assert PROFILE_NAMES == tuple(PROFILES)


def test_the_command_line_starts_without_the_model_libraries() -> None:
    """`credit-scoring probe` (the image's health check, every 15 s) and serve's supervising
    process import the CLI: it must not pull pandas, scikit-learn or the boosters."""
    heavy = ["pandas", "sklearn", "scipy", "lightgbm", "catboost", "fastapi"]
    check = (
        "import sys, credit_scoring.cli, credit_scoring.service.workers;"
        f"print(','.join(sorted(set({heavy!r}) & set(sys.modules))))"
    )
    loaded = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == ""
