"""`credit-scoring drift-report` on a real store: a deliberately shifted period (older
applicants) flags Age and nothing else; an unchanged one flags nothing; the HTML embeds
its plots."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from credit_scoring.cli import app
from credit_scoring.dev.seaweed import LocalSeaweed
from credit_scoring.ml.artifact import load_artifact
from credit_scoring.ml.scorer import Scorer
from credit_scoring.service.audit.records import object_key

UNCHANGED, SHIFTED, CHALLENGED = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)
STRICTER = 0.2  # the challenger: the same model refusing from a lower risk probability
BUCKET = "drift-report"


def _audit_records(scorer: Scorer, inputs: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    """Decision records as the service writes them (the fields the report reads)."""
    scored = scorer.score_records(inputs)
    classes = scorer.profile.classes
    return [
        {
            "decision_id": f"credit_score-{day:%m%d}{k:06d}",
            "request_id": f"request-{day:%m%d}{k:06d}",
            "client_id": "seed-client",
            "time": f"{day.isoformat()}T12:00:00+00:00",
            "model_version": scorer.version,
            "inputs": record,
            "outputs": scored.item(k, classes),
        }
        for k, record in enumerate(inputs)
    ]


def _challenged(trained_dir: Path, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records of a day with a challenger in the shadows: the same model at a stricter
    threshold, failing on every hundredth decision."""
    champion = Scorer(load_artifact(trained_dir))
    challenger = Scorer(load_artifact(trained_dir), STRICTER)
    said = challenger.score_records(inputs)
    records = _audit_records(champion, inputs, CHALLENGED)
    for k, record in enumerate(records):
        item = said.item(k, challenger.profile.classes)
        shadow = {key: item[key] for key in ("probabilities", "risk_probability", "decision")}
        failed = {"error": "RuntimeError"}
        record["challenger"] = {"model_version": "challenger-1"} | (
            failed if k % 100 == 0 else shadow
        )
    return records


def _feedback(decisions: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    """Feedback on every other decision: the class the model answered, and Poor for every
    tenth of those whatever it answered."""
    return [
        {
            "decision_id": record["decision_id"],
            "request_id": None,
            "actual_class": "Poor" if k % 10 == 0 else record["outputs"]["credit_class"],
            "feedback_id": f"feedback-{k}",
            "time": f"{day.isoformat()}T13:00:00+00:00",
            "profile": "credit_score",
            "client_id": "seed-client",
        }
        for k, record in enumerate(decisions[::2])
    ]


def _upload(
    seaweed: LocalSeaweed, records: list[dict[str, Any]], day: date, stream: str = "predictions"
) -> None:
    created = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)
    body = gzip.compress(b"\n".join(json.dumps(r).encode() for r in records))
    key = object_key(stream, "credit_score", created, "task-test", 1)
    assert seaweed.store(BUCKET).put_new(key, body, "application/gzip")


@pytest.fixture(scope="module")
def periods(
    seaweed: LocalSeaweed, trained_dir: Path, api_records: list[dict[str, Any]]
) -> dict[str, str]:
    """Two days in the store: one like the training data, one with applicants 25 years older."""
    seaweed.store(BUCKET).ensure_bucket()
    scorer = Scorer(load_artifact(trained_dir))
    sample = api_records[:1_500]
    older = [r | {"Age": min(float(r["Age"]) + 25, 95)} for r in sample]
    _upload(seaweed, _audit_records(scorer, sample, UNCHANGED), UNCHANGED)
    shifted = _audit_records(scorer, older, SHIFTED)
    _upload(seaweed, shifted, SHIFTED)
    _upload(seaweed, _feedback(shifted, SHIFTED), SHIFTED, stream="feedback")
    _upload(seaweed, _challenged(trained_dir, sample), CHALLENGED)
    return {
        "CREDIT_S3_ENDPOINT_URL": seaweed.endpoint,
        "CREDIT_S3_BUCKET": BUCKET,
        "CREDIT_S3_ACCESS_KEY_ID": seaweed.access_key,
        "CREDIT_S3_SECRET_ACCESS_KEY": seaweed.secret_key,
    }


def _report(env: dict[str, str], model: Path, day: date, output: Path) -> str:
    arguments = ["drift-report", "--profile", "credit_score", "--from", str(day), "--to", str(day)]
    result = CliRunner(env=env).invoke(
        app, arguments + ["--model", str(model), "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_a_shifted_period_flags_the_shifted_input_only(
    periods: dict[str, str], trained_dir: Path, tmp_path: Path
) -> None:
    output = tmp_path / "shifted.html"
    printed = _report(periods, trained_dir, SHIFTED, output)
    assert "1,500 decisions; drifted: Age " in printed and "(act)" in printed
    assert printed.count("(act)") + printed.count("(watch)") == 1
    page = output.read_text()
    # PSI bars, Age's shares, the mix, the calibration on outcomes
    assert page.count("data:image/png;base64,") == 4
    assert "Age: training vs this period" in page
    assert "Outcomes: realised beside expected" in page and "<td>with an outcome</td>" in page
    assert "<td class='num'>750</td>" in page  # every other decision of 1,500 has feedback
    assert "Fair lending: approval by audited attribute" in page and "Age band" in page


def test_an_unchanged_period_flags_nothing(
    periods: dict[str, str], trained_dir: Path, tmp_path: Path
) -> None:
    printed = _report(periods, trained_dir, UNCHANGED, tmp_path / "same.html")
    assert "drifted: none" in printed


def test_a_period_without_decisions_is_a_clear_error(
    periods: dict[str, str], trained_dir: Path, tmp_path: Path
) -> None:
    arguments = ["drift-report", "--from", "2020-01-01", "--to", "2020-01-02"]
    result = CliRunner(env=periods).invoke(app, arguments + ["--model", str(trained_dir)])
    assert result.exit_code != 0 and "no credit_score decisions" in result.output
    assert "Traceback" not in result.output


def test_the_period_table_reads_the_records_as_the_service_did(
    trained_dir: Path, api_records: list[dict[str, Any]]
) -> None:
    from credit_scoring.monitoring.period import PeriodDecisions

    scorer = Scorer(load_artifact(trained_dir))
    decisions = PeriodDecisions.of(
        _audit_records(scorer, api_records[:10], UNCHANGED), scorer.profile
    )
    assert len(decisions) == 10
    assert list(pd.unique(decisions.answers["day"])) == [UNCHANGED.isoformat()]


def test_a_challenged_period_compares_both_models(
    periods: dict[str, str], trained_dir: Path, api_records: list[dict[str, Any]], tmp_path: Path
) -> None:
    output = tmp_path / "challenged.html"
    printed = _report(periods, trained_dir, CHALLENGED, output)
    records = _challenged(trained_dir, api_records[:1_500])
    scored = [record for record in records if "decision" in record["challenger"]]
    agreed = sum(r["challenger"]["decision"] == r["outputs"]["decision"] for r in scored)
    assert 0 < agreed < len(scored) == 1_485
    said = f"challenger challenger-1: agrees on {agreed / len(scored):.1%} of 1,485 decisions"
    assert said in printed and "; 15 failures)" in printed
    page = output.read_text()
    assert "<h2>Challenger in the shadows</h2>" in page
    for model, decision in (
        ("champion", lambda r: r["outputs"]),
        ("challenger", lambda r: r["challenger"]),
    ):
        rate = sum(decision(r)["decision"] == "APROVADO" for r in scored) / len(scored)
        assert f"<td>{model} approval rate</td><td class='num'>{rate:,.3f}</td>" in page
    assert "champion approves, challenger refuses" in page
