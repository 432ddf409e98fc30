"""Batch scoring says which values it could not read, and which model decided."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from credit_scoring.cli import app
from credit_scoring.ml.artifact import Artifact, load_artifact
from credit_scoring.ml.dataset_cleaning import clean_dataset
from credit_scoring.ml.scorer import Scorer
from credit_scoring.ml.scoring import customer_aligned, score_file
from credit_scoring.profiles import get_profile

runner = CliRunner()


def damaged(raw_frame: pd.DataFrame) -> pd.DataFrame:
    """Six rows; row 1 unreadable in Age, row 2 with an impossible history text and an
    unreadable age, row 3 with dirt tokens and NM only (documented markers of a missing
    value, not flagged)."""
    rows = raw_frame.drop(columns=["Credit_Score"]).iloc[:6].copy()
    rows.loc[rows.index[1], "Age"] = "banana"
    rows.loc[rows.index[2], ["Age", "Credit_History_Age"]] = ["4O", "22 Years and 13 Months"]
    rows.loc[rows.index[3], ["Occupation", "Payment_of_Min_Amount"]] = ["_______", "NM"]
    rows.loc[rows.index[4], "Age"] = ""
    return rows


def test_unread_values_are_flagged_per_row(
    artifact: Artifact, raw_frame: pd.DataFrame, tmp_path: Path
) -> None:
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    damaged(raw_frame).to_csv(source, index=False)
    summary = score_file(Scorer(artifact), source, output, per_customer=False)
    scored = pd.read_csv(output, keep_default_na=False)
    assert scored["unread_fields"].tolist()[1:4] == ["Age", "Age;Credit_History_Age", ""]
    assert summary.rows == 6 and summary.rows_with_unread == sum(scored["unread_fields"] != "")
    assert (scored["model_version"] == artifact.version).all()


def test_values_repaired_from_the_customers_other_months_are_not_flagged(
    artifact: Artifact, raw_frame: pd.DataFrame, tmp_path: Path
) -> None:
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    damaged(raw_frame).to_csv(source, index=False)
    score_file(Scorer(artifact), source, output, per_customer=True)
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


def test_score_file_keeps_order_and_columns(
    artifact: Artifact, raw_file: Path, raw_frame: pd.DataFrame, tmp_path: Path
) -> None:
    unlabelled = tmp_path / "unlabelled.csv"
    raw_frame.drop(columns=["Credit_Score"]).iloc[::-1].to_csv(unlabelled, index=False)
    output = tmp_path / "scored.csv"
    summary = score_file(Scorer(artifact), unlabelled, output, chunk_rows=700)
    scored = pd.read_csv(output, keep_default_na=False)
    assert summary.rows == len(raw_frame) == len(scored)
    assert list(scored.columns) == [
        "ID",
        "prediction",
        "credit_class",
        "proba_Poor",
        "proba_Standard",
        "proba_Good",
        "risk_probability",
        "decision",
        "outside_training_range",
        "unread_fields",
        "model_version",
    ]
    assert (scored["model_version"] == artifact.version).all()
    assert scored["ID"].tolist() == raw_frame["ID"].iloc[::-1].tolist()
    proba = scored[["proba_Poor", "proba_Standard", "proba_Good"]].to_numpy()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert (
        scored["credit_class"] == np.array(["Poor", "Standard", "Good"])[scored["prediction"]]
    ).all()
    denied = scored["risk_probability"] >= artifact.metadata.threshold
    assert (scored["decision"] == np.where(denied, "NEGADO", "APROVADO")).all()
    reversed_raw = raw_frame.iloc[::-1].reset_index(drop=True)
    expected = artifact.pipeline.predict_proba(
        clean_dataset(reversed_raw, get_profile("credit_score"))
    )
    np.testing.assert_allclose(proba, expected, atol=1e-6)


def test_per_record_scoring_and_customer_aligned_chunks(
    artifact: Artifact, raw_file: Path, raw_frame: pd.DataFrame, tmp_path: Path
) -> None:
    output = tmp_path / "per_record.csv"
    score_file(Scorer(artifact), raw_file, output, chunk_rows=999, per_customer=False)
    proba = pd.read_csv(output)[["proba_Poor", "proba_Standard", "proba_Good"]].to_numpy()
    names = artifact.pipeline[0].feature_names_in_
    np.testing.assert_allclose(proba, artifact.pipeline.predict_proba(raw_frame[names]), atol=1e-6)
    head = raw_frame.iloc[:200]
    chunks = [head.iloc[i : i + 13] for i in range(0, 200, 13)]
    aligned = list(customer_aligned(iter(chunks), "Customer_ID"))
    assert sum(len(chunk) for chunk in aligned) == 200
    assert pd.concat(aligned)["ID"].tolist() == raw_frame["ID"].iloc[:200].tolist()
    for before, after in zip(aligned, aligned[1:]):
        assert before["Customer_ID"].iloc[-1] != after["Customer_ID"].iloc[0]


def test_a_uci_copy_with_renamed_columns_scores_the_same(
    card_dir: Path, uci_sample: Path, tmp_path: Path
) -> None:
    clients = pd.read_csv(uci_sample, dtype=str).head(200)
    renamed = {"PAY_0": "PAY_1", "default.payment.next.month": "default payment next month"}
    clients.to_csv(tmp_path / "kaggle.csv", index=False)
    clients.rename(columns=renamed).to_csv(tmp_path / "uci.csv", index=False)
    artifact = load_artifact(card_dir)
    for name in ("kaggle", "uci"):
        score_file(Scorer(artifact), tmp_path / f"{name}.csv", tmp_path / f"{name}.out.csv")
    kaggle, uci = (pd.read_csv(tmp_path / f"{name}.out.csv") for name in ("kaggle", "uci"))
    assert len(uci) == 200 and uci["ID"].tolist() == clients["ID"].astype(int).tolist()
    pd.testing.assert_frame_equal(kaggle, uci)
