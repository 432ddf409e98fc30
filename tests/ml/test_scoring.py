"""Batch scoring says which values it could not read, and which model decided."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from credit_scoring.cli import app
from credit_scoring.ml.artifact import Artifact
from credit_scoring.ml.scoring import score_file

runner = CliRunner()


def damaged(raw_frame: pd.DataFrame) -> pd.DataFrame:
    """Six rows; row 1 unreadable in Age, row 2 with an impossible history text, row 3 with
    dirt tokens and NM only (documented markers of a missing value, not flagged)."""
    rows = raw_frame.drop(columns=["Credit_Score"]).iloc[:6].copy()
    rows.loc[rows.index[1], "Age"] = "banana"
    rows.loc[rows.index[2], "Credit_History_Age"] = "22 Years and 13 Months"
    rows.loc[rows.index[3], ["Occupation", "Payment_of_Min_Amount"]] = ["_______", "NM"]
    rows.loc[rows.index[4], "Age"] = ""
    return rows


def test_unread_values_are_flagged_per_row(
    artifact: Artifact, raw_frame: pd.DataFrame, tmp_path: Path
) -> None:
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    damaged(raw_frame).to_csv(source, index=False)
    summary = score_file(artifact, source, output, per_customer=False)
    scored = pd.read_csv(output, keep_default_na=False)
    assert scored["unread_fields"].tolist()[1:4] == ["Age", "Credit_History_Age", ""]
    assert summary.rows == 6 and summary.rows_with_unread == sum(scored["unread_fields"] != "")
    assert (scored["model_version"] == artifact.version).all()


def test_values_repaired_from_the_customers_other_months_are_not_flagged(
    artifact: Artifact, raw_frame: pd.DataFrame, tmp_path: Path
) -> None:
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    damaged(raw_frame).to_csv(source, index=False)
    score_file(artifact, source, output, per_customer=True)
    assert pd.read_csv(output, keep_default_na=False)["unread_fields"].tolist()[1] == ""


def test_cli_reports_the_flagged_rows(
    trained_dir: Path, raw_frame: pd.DataFrame, tmp_path: Path
) -> None:
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    damaged(raw_frame).to_csv(source, index=False)
    result = runner.invoke(
        app,
        [
            "score",
            *("--model", str(trained_dir), "--input", str(source), "--output", str(output)),
            "--no-per-customer",
        ],
    )
    assert result.exit_code == 0, result.output
    flagged = (pd.read_csv(output, keep_default_na=False)["unread_fields"] != "").sum()
    assert flagged >= 1
    assert f"{flagged} rows had values the model could not read" in result.output
