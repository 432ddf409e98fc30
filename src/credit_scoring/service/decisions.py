"""Score records and write their audit records: one plain function, run off the event loop."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from credit_scoring.service.audit.sink import AuditSink, utc_now
from credit_scoring.service.audit.spool import SpoolError
from credit_scoring.service.errors import AuditUnavailable
from credit_scoring.service.predictor import Predictor, Scored


@dataclass(frozen=True)
class RequestContext:
    """Who asked, under which id, since when."""

    request_id: str
    client_id: str
    started: float
    batch: bool


def decision_id(context: RequestContext, index: int) -> str:
    """The id a decision is audited under: the request id, or ``<request id>/<index>``."""
    return f"{context.request_id}/{index}" if context.batch else context.request_id


def decide_and_record(
    predictor: Predictor,
    sink: AuditSink | None,
    records: dict[int, BaseModel],
    context: RequestContext,
) -> Scored:
    """Score ``records`` (keyed by their position in the request), in that order; spool one
    audit record per decision before anyone sees it."""
    scored = predictor.score(list(records.values()))
    if sink is None:
        return scored
    latency_ms = round((time.perf_counter() - context.started) * 1000, 3)
    moment = utc_now()
    audit: list[dict[str, Any]] = [
        {
            "request_id": decision_id(context, position),
            "http_request_id": context.request_id,
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
        sink.record_decisions(audit)
    except SpoolError as error:
        raise AuditUnavailable(
            "The decision could not be recorded, so it is not returned; retry later."
        ) from error
    return scored
