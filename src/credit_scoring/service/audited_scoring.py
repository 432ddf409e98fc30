"""Score records and write their audit records: one plain function, run off the event loop."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from credit_scoring.service.audit.records import (
    Decider,
    Stream,
    decision_records,
    new_record_id,
)
from credit_scoring.service.audit.sink import AuditSink
from credit_scoring.service.request_context import RequestContext
from credit_scoring.ml.decision import Decision, ScoredRecords
from credit_scoring.ml.scorer import Scorer


@dataclass(frozen=True)
class Decided:
    """Scored records and each one's answer (with the id it is audited under), built once
    for the audit record and the response, in the same order."""

    scored: ScoredRecords
    answers: list[dict[str, Any]]


def answer_item(scored: ScoredRecords, index: int, classes: tuple[str, ...]) -> dict[str, Any]:
    """The response fields of one scored record, with the compatibility fields."""
    shared = scored.item(index, classes)
    return shared | {
        "score": shared["risk_probability"],
        "label": int(shared["decision"] == Decision.NEGADO),
    }


def decide_and_record(
    scorer: Scorer,
    sink: AuditSink,
    records: dict[int, BaseModel],
    context: RequestContext,
    *,
    batch: bool,
) -> Decided:
    """Score ``records`` (keyed by their position in the request), in that order; spool one
    audit record per decision, under its own decision id, before anyone sees it (the sink
    raises AuditUnavailable when it cannot: no decision leaves without its record)."""
    values = [vars(record) for record in records.values()]
    scored = scorer.score_records(values)
    classes = scorer.profile.classes
    answers = [
        answer_item(scored, k, classes) | {"decision_id": new_record_id()}
        for k in range(len(records))
    ]
    decider = Decider(
        profile=scorer.profile.name,
        model_version=scorer.version,
        threshold=scorer.threshold,
        client_id=context.client_id or "unknown",
        request_id=context.request_id,
        latency_ms=round((time.perf_counter() - context.started) * 1000, 3),
    )
    inputs = [
        (position if batch else None, record.model_dump(mode="json"))
        for position, record in records.items()
    ]
    sink.record(Stream.PREDICTIONS, decider.profile, decision_records(decider, inputs, answers))
    return Decided(scored, answers)
