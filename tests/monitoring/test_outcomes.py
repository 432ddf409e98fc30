"""Outcome figures on feedback with a known answer, and approval by audited attribute."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from credit_scoring.monitoring.fairness import approval_by_group
from credit_scoring.monitoring.outcomes import outcomes_of, per_class, summary
from credit_scoring.monitoring.period import PeriodDecisions
from credit_scoring.profiles import CARD_DEFAULT, CREDIT_SCORE


def _decisions(profile: Any, answers: list[tuple[str, float, str]], inputs: Any) -> PeriodDecisions:
    """Decisions d0, d1, ... with (decision, risk probability, credit class)."""
    frame = pd.DataFrame(
        {
            "decision_id": [f"d{k}" for k in range(len(answers))],
            "day": "2026-11-02",
            "model_version": "v1",
            "credit_class": [c for _, _, c in answers],
            "decision": [d for d, _, _ in answers],
            "risk_probability": [p for _, p, _ in answers],
        }
    )
    return PeriodDecisions(profile, inputs, frame)


def _feedback(outcomes: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"match": "matched", "matched_decision_id": d, "actual_class": c, "time": "2027-01-01"}
        for d, c in outcomes.items()
    ]


def test_realised_and_expected_figures_by_hand() -> None:
    answers = [
        ("NEGADO", 0.8, "Poor"),
        ("NEGADO", 0.6, "Poor"),
        ("APROVADO", 0.3, "Standard"),
        ("APROVADO", 0.1, "Good"),
        ("APROVADO", 0.2, "Standard"),  # no outcome yet
    ]
    decisions = _decisions(CARD_DEFAULT, answers, {})
    feedback = _feedback({"d0": "default", "d1": "no_default", "d2": "default", "d3": "no_default"})
    figures = {row["figure"]: row for row in summary(outcomes_of(decisions, feedback))}
    assert figures["with an outcome"]["realised"] == 4
    assert figures["approval rate"]["realised"] == pytest.approx(3 / 5)
    assert figures["risk rate among all approved (expected only)"]["expected"] == pytest.approx(0.2)
    approved = figures["risk rate among approved with an outcome"]
    assert approved["realised"] == pytest.approx(1 / 2) and approved["expected"] == pytest.approx(
        0.2
    )
    recall = figures["risk-class recall"]  # defaults: d0 refused, d2 approved
    assert recall["realised"] == pytest.approx(1 / 2)
    assert recall["expected"] == pytest.approx((0.8 + 0.6) / (0.8 + 0.6 + 0.3 + 0.1))
    precision = figures["risk-class precision (of refusals)"]
    assert precision["realised"] == pytest.approx(1 / 2) and precision["expected"] == pytest.approx(
        0.7
    )
    assert figures["ROC AUC of the risk probability"]["realised"] == pytest.approx(0.75)


def test_the_latest_feedback_of_a_decision_counts_and_unmatched_is_left_out() -> None:
    decisions = _decisions(CREDIT_SCORE, [("NEGADO", 0.9, "Poor"), ("APROVADO", 0.1, "Good")], {})
    feedback = _feedback({"d0": "Good"}) + [
        {
            "match": "matched",
            "matched_decision_id": "d0",
            "actual_class": "Poor",
            "time": "2027-02-01",
        },
        {
            "match": "unmatched",
            "matched_decision_id": None,
            "actual_class": "Poor",
            "time": "2027-02-01",
        },
    ]
    frame = outcomes_of(decisions, feedback)
    assert frame["actual_class"].tolist()[:1] == ["Poor"] and pd.isna(frame["actual_class"][1])
    classes = per_class(frame, CREDIT_SCORE.classes)
    assert classes is not None
    poor = classes.set_index("class").loc["Poor"]
    assert poor["recall"] == 1.0 and poor["precision"] == 1.0 and poor["support"] == 1


def test_approval_by_group_flags_a_group_under_four_fifths() -> None:
    # 40 men approved at 75 %, 40 women at 50 %: ratio 0.667, flagged; ages all 30
    decisions_made = ["APROVADO"] * 30 + ["NEGADO"] * 10 + ["APROVADO"] * 20 + ["NEGADO"] * 20
    inputs = {
        "SEX": np.array([1.0] * 40 + [2.0] * 40),
        "MARRIAGE": np.array([1.0] * 80),
        "AGE": np.array([30.0] * 80),
    }
    decisions = _decisions(CARD_DEFAULT, [(d, 0.1, "Good") for d in decisions_made], inputs)
    table = approval_by_group(decisions).set_index(["attribute", "group"])
    assert table.loc[("SEX", "2"), "adverse_impact_ratio"] == pytest.approx(0.667)
    assert bool(table.loc[("SEX", "2"), "below_four_fifths"])
    assert not bool(table.loc[("SEX", "1"), "below_four_fifths"])
    assert table.loc[("AGE band", "25-34"), "decisions"] == 80
