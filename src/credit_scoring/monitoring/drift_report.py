"""The drift report of a period: one self-contained HTML file (plots embedded) with each
input's PSI against the model's training inputs, the training and period distributions of
the inputs that drifted, and the credit class and decision mix per day."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from credit_scoring.ml.artifact_metadata import ArtifactMetadata
from credit_scoring.ml.drift import LEVELS
from credit_scoring.monitoring import plots
from credit_scoring.monitoring.challenger import (
    agreement,
    disagreements_by_band,
    realised_side_by_side,
)
from credit_scoring.monitoring.fairness import FOUR_FIFTHS, MIN_GROUP, approval_by_group
from credit_scoring.monitoring.outcomes import (
    calibration,
    coverage_by_day,
    outcomes_of,
    per_class,
    summary,
)
from credit_scoring.monitoring.period import PeriodDecisions

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 62rem; color: #222 }
table { border-collapse: collapse; margin: 1rem 0 } td, th { padding: .25rem .6rem;
border-bottom: 1px solid #ddd; text-align: left } .num { text-align: right }
.act { color: #c0392b; font-weight: bold } .watch { color: #e67e22; font-weight: bold }
.too_few { color: #7f8c8d } img { max-width: 100% }
"""


@dataclass(frozen=True)
class ReportPeriod:
    """What the report covers, against which model, and the feedback received on its
    decisions so far (matched by ``service.audit.export.match_feedback``)."""

    first: date
    last: date
    metadata: ArtifactMetadata
    feedback: list[dict[str, Any]] = field(default_factory=list)


def write_drift_report(
    decisions: PeriodDecisions, period: ReportPeriod, output: Path
) -> list[dict[str, Any]]:
    """Write the report to ``output``; return its drift table."""
    reference = period.metadata.input_reference
    if reference is None:
        raise ValueError(
            f"the model {period.metadata.version} has no reference of its training inputs "
            "(trained before drift monitoring): retrain it, or pass --model with a newer one"
        )
    drift = decisions.drift(reference)
    parts = [_header(decisions, period), _drift_section(drift), _drifted_section(drift)]
    parts.append(_mix_section(decisions))
    outcomes = outcomes_of(decisions, period.feedback)
    parts.append(_outcomes_section(outcomes, decisions))
    parts.append(_challenger_section(outcomes))
    parts.append(_fairness_section(approval_by_group(decisions)))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(_page(decisions.profile.name, "\n".join(parts)))
    return drift


def _page(profile: str, body: str) -> str:
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Drift report: {html.escape(profile)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _image(png: bytes, alt: str) -> str:
    encoded = base64.b64encode(png).decode()
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{encoded}'>"


def _header(decisions: PeriodDecisions, period: ReportPeriod) -> str:
    served = ", ".join(sorted(decisions.answers["model_version"].unique()))
    return (
        f"<h1>Drift report: {html.escape(decisions.profile.name)}</h1>"
        f"<p>{len(decisions):,} decisions from {period.first} to {period.last} (UTC), "
        f"made by {html.escape(served)}. Compared with the training inputs of "
        f"{html.escape(period.metadata.version)}. PSI levels: watch from "
        f"{LEVELS['watch']}, act from {LEVELS['act']}; a level is only called on enough "
        f"decisions that unchanged data would cross it under 1 % of the time.</p>"
    )


def _drift_section(drift: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(row['input'])}</td><td class='num'>{row['psi']:.4f}</td>"
        f"<td class='{row['level']}'>{row['level']}</td><td class='num'>{row['bins']}</td></tr>"
        for row in drift
    )
    return (
        "<h2>Population stability index per input</h2>"
        + _image(plots.psi_bars(drift), "PSI per input")
        + f"<table><tr><th>input</th><th>PSI</th><th>level</th><th>bins</th></tr>{rows}</table>"
    )


def drifted(drift: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows at the watch level or above."""
    return [row for row in drift if row["level"] in ("watch", "act")]


def _drifted_section(drift: list[dict[str, Any]]) -> str:
    if not drifted(drift):
        return "<h2>Inputs that drifted</h2><p>None at the watch level or above.</p>"
    images = [
        _image(
            plots.shares(
                row["input"], row["bin_labels"], row["reference_shares"], row["current_shares"]
            ),
            f"{row['input']}: training vs this period",
        )
        for row in drifted(drift)
    ]
    return "<h2>Inputs that drifted: training vs this period</h2>" + "".join(images)


def _mix_section(decisions: PeriodDecisions) -> str:
    classes, outcomes = decisions.mix()
    table = classes.join(outcomes).round(3).to_html(classes="mix", border=0)
    return (
        "<h2>Credit class and decision mix per day</h2>"
        + _image(plots.mix_over_time(classes, outcomes), "mix per day")
        + table
    )


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:,.3f}" if isinstance(value, float) else f"{value:,}"


def _outcomes_section(frame: pd.DataFrame, decisions: PeriodDecisions) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(row['figure'])}</td><td class='num'>{_figure(row['realised'])}"
        f"</td><td class='num'>{_figure(row['expected'])}</td></tr>"
        for row in summary(frame)
    )
    parts = [
        "<h2>Outcomes: realised beside expected</h2>",
        "<p>Feedback received so far on this period's decisions. <em>Expected</em> is what "
        "the model's own probability of the risk class predicts for the same decisions: "
        "realised figures leaving it are the first sign of concept drift.</p>",
        f"<table><tr><th>figure</th><th>realised</th><th>expected</th></tr>{rows}</table>",
        "<h3>Decisions with an outcome, per day</h3>",
        coverage_by_day(frame).to_html(border=0),
    ]
    classes = per_class(frame, decisions.profile.classes)
    if classes is not None:
        parts += ["<h3>Per credit class</h3>", classes.round(3).to_html(index=False, border=0)]
    table = calibration(frame)
    if len(table):
        parts += [_image(plots.calibration(table), "calibration"), table.round(3).to_html(border=0)]
    return "".join(parts)


def _challenger_section(frame: pd.DataFrame) -> str:
    if frame["challenger_version"].isna().all():
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td class='num'>"
        f"{html.escape(value) if isinstance(value, str) else _figure(value)}</td></tr>"
        for name, value in agreement(frame).items()
    )
    parts = [
        "<h2>Challenger in the shadows</h2>",
        "<p>The challenger scored every decision beside the model that decided; it answered "
        "none. Disagreements by band of the deciding model's risk probability:</p>",
        f"<table>{rows}</table>",
        disagreements_by_band(frame).to_html(border=0),
    ]
    realised = realised_side_by_side(frame)
    if realised is not None:
        parts += [
            "<h3>Realised on the same decisions with an outcome</h3>",
            realised.round(3).to_html(index=False, border=0),
        ]
    return "".join(parts)


def _fairness_section(table: pd.DataFrame) -> str:
    if table.empty:
        return ""
    return (
        "<h2>Fair lending: approval by audited attribute</h2>"
        f"<p>None of these attributes is a model input except age where the profile reads it. "
        f"Adverse impact ratio: a group's approval rate over the best-approved group's; "
        f"groups of {MIN_GROUP} decisions or more under {FOUR_FIFTHS} are flagged "
        f"(the four-fifths rule).</p>" + table.round(3).to_html(index=False, border=0)
    )
