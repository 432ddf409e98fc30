"""Outcomes: feedback joined to the decisions it names, and what the model expected of the
same decisions (concept drift shows as realised figures leaving the expected ones, long
before enough labels exist to measure a recall well).

Each figure is computed on the decisions with an outcome, beside the figure the model's own
probability of the risk class expected for those same decisions; the expected risk rate
among all approved decisions of the period (labelled or not) comes first, as the earliest
sign.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from credit_scoring.ml.decision import Decision
from credit_scoring.monitoring.period import PeriodDecisions
from credit_scoring.profiles.base import RISK_BANDS

APPROVED, DENIED = Decision.APROVADO.value, Decision.NEGADO.value
CALIBRATION_BINS = 10


def outcomes_of(decisions: PeriodDecisions, feedback: list[dict[str, Any]]) -> pd.DataFrame:
    """The period's decisions with ``actual_class`` where matched feedback gives one (the
    latest feedback of a decision counts) and ``actual_risk`` (1 when it is the risk class)."""
    matched = [f for f in feedback if f.get("match") == "matched"]
    latest = {f["matched_decision_id"]: f["actual_class"] for f in sorted(matched, key=_time)}
    frame = decisions.answers.copy()
    frame["actual_class"] = frame["decision_id"].map(latest)
    risk = decisions.profile.risk_class
    frame["actual_risk"] = np.where(
        frame["actual_class"].isna(), np.nan, (frame["actual_class"] == risk).astype(float)
    )
    return frame


def _time(record: dict[str, Any]) -> str:
    return str(record["time"])


def summary(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Realised figures beside expected ones: coverage, risk rate among the approved,
    recall and precision of the risk class, and the AUC on the decisions with an outcome."""
    labelled = frame[frame["actual_risk"].notna()]
    approved = frame["decision"] == APPROVED
    known_approved = labelled[labelled["decision"] == APPROVED]
    known_denied = labelled[labelled["decision"] == DENIED]
    risky = labelled["actual_risk"] == 1
    expected_recall = _ratio(
        labelled.loc[labelled["decision"] == DENIED, "risk_probability"].sum(),
        labelled["risk_probability"].sum(),
    )
    rows = [
        ("decisions", len(frame), None),
        ("with an outcome", len(labelled), None),
        ("approval rate", float(approved.mean()) if len(frame) else None, None),
        ("risk rate among all approved (expected only)", None, _mean(frame[approved])),
        ("risk rate among approved with an outcome", _rate(known_approved), _mean(known_approved)),
        ("risk-class recall", _recall(labelled, risky), expected_recall),
        ("risk-class precision (of refusals)", _rate(known_denied), _mean(known_denied)),
        ("ROC AUC of the risk probability", _auc(labelled), None),
    ]
    return [{"figure": name, "realised": real, "expected": exp} for name, real, exp in rows]


def _recall(labelled: pd.DataFrame, risky: pd.Series) -> float | None:
    refused = labelled["decision"] == DENIED
    return _ratio(float((refused & risky).sum()), float(risky.sum()))


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator / denominator) if denominator else None


def _rate(frame: pd.DataFrame) -> float | None:
    return float(frame["actual_risk"].mean()) if len(frame) else None


def _mean(frame: pd.DataFrame) -> float | None:
    return float(frame["risk_probability"].mean()) if len(frame) else None


def _auc(labelled: pd.DataFrame) -> float | None:
    if labelled["actual_risk"].nunique() < 2:
        return None
    return float(roc_auc_score(labelled["actual_risk"], labelled["risk_probability"]))


def per_class(frame: pd.DataFrame, classes: tuple[str, ...]) -> pd.DataFrame | None:
    """Recall and precision of each credit class answered, against the actual class (a
    profile whose outcomes are its credit classes: credit_score)."""
    labelled = frame[frame["actual_class"].isin(classes)]
    if labelled.empty or set(classes) != set(RISK_BANDS):
        return None
    rows = []
    for name in classes:
        answered, actual = labelled["credit_class"] == name, labelled["actual_class"] == name
        rows.append(
            {
                "class": name,
                "recall": _ratio(float((answered & actual).sum()), float(actual.sum())),
                "precision": _ratio(float((answered & actual).sum()), float(answered.sum())),
                "support": int(actual.sum()),
            }
        )
    return pd.DataFrame(rows)


def coverage_by_day(frame: pd.DataFrame) -> pd.DataFrame:
    """Per day: decisions, those with an outcome, and the share."""
    by_day = frame.groupby("day").agg(
        decisions=("decision_id", "size"), with_outcome=("actual_risk", "count")
    )
    by_day["share"] = (by_day["with_outcome"] / by_day["decisions"]).round(3)
    return by_day


def calibration(frame: pd.DataFrame) -> pd.DataFrame:
    """Decisions with an outcome in bins of the risk probability: mean predicted, realised."""
    labelled = frame[frame["actual_risk"].notna()]
    edges = np.linspace(0, 1, CALIBRATION_BINS + 1).tolist()
    bins = pd.cut(labelled["risk_probability"], edges, include_lowest=True)
    grouped = labelled.groupby(bins, observed=True).agg(
        predicted=("risk_probability", "mean"),
        realised=("actual_risk", "mean"),
        decisions=("actual_risk", "size"),
    )
    return grouped
