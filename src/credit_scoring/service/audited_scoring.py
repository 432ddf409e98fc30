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
from credit_scoring.ml.decision import Decision, ScoredRecords
from credit_scoring.ml.scorer import Scorer


@dataclass(frozen=True)
class RequestContext:
    """Who asked, under which id, since when."""

    request_id: str
    client_id: str
    started: float
    batch: bool


@dataclass(frozen=True)
class Decided:
    """Scored records and the id each decision is audited under, in the same order."""

    scored: ScoredRecords
    decision_ids: list[str]


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
) -> Decided:
    """Score ``records`` (keyed by their position in the request), in that order; spool one
    audit record per decision, under its own decision id, before anyone sees it (the sink
    raises AuditUnavailable when it cannot: no decision leaves without its record)."""
    values = [vars(record) for record in records.values()]
    decided = Decided(scorer.score_records(values), [new_record_id() for _ in records])
    decider = Decider(
        profile=scorer.profile.name,
        model_version=scorer.version,
        threshold=scorer.threshold,
        client_id=context.client_id,
        request_id=context.request_id,
        latency_ms=round((time.perf_counter() - context.started) * 1000, 3),
    )
    inputs = [
        (position if context.batch else None, record.model_dump(mode="json"))
        for position, record in records.items()
    ]
    classes = scorer.profile.classes
    outputs = [answer_item(decided.scored, k, classes) for k in range(len(records))]
    sink.record(
        Stream.PREDICTIONS,
        decider.profile,
        decision_records(decider, inputs, outputs, decided.decision_ids),
    )
    return decided
