"""Score records and write their audit records: one plain function, run off the event loop."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from credit_scoring.service.audit.sink import AuditSink, utc_now
from credit_scoring.service.audit.spool import SpoolError
from credit_scoring.service.errors import AuditUnavailable
from credit_scoring.ml.decision import ScoredRecords
from credit_scoring.service.predictor import Predictor


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


def new_decision_id() -> str:
    """A decision's own id: made by the server, unique whatever request ids clients send."""
    return uuid.uuid4().hex


def decide_and_record(
    predictor: Predictor,
    sink: AuditSink | None,
    records: dict[int, BaseModel],
    context: RequestContext,
) -> Decided:
    """Score ``records`` (keyed by their position in the request), in that order; spool one
    audit record per decision, under its own decision id, before anyone sees it."""
    decided = Decided(predictor.score(list(records.values())), [new_decision_id() for _ in records])
    if sink is None:
        return decided
    latency_ms = round((time.perf_counter() - context.started) * 1000, 3)
    moment = utc_now()
    scored = decided.scored
    audit: list[dict[str, Any]] = [
        {
            "decision_id": decided.decision_ids[k],
            "request_id": context.request_id,
            "batch_index": position if context.batch else None,
            "time": moment,
            "profile": predictor.profile.name,
            "model_version": predictor.version,
            "client_id": context.client_id,
            "latency_ms": latency_ms,
            "inputs": record.model_dump(mode="json"),
            "outputs": predictor.item(scored, k) | {"decision_threshold": predictor.threshold},
        }
        for k, (position, record) in enumerate(records.items())
    ]
    try:
        sink.record_decisions(predictor.profile.name, audit)
    except SpoolError as error:
        raise AuditUnavailable(
            "The decision could not be recorded, so it is not returned; retry later."
        ) from error
    return decided
