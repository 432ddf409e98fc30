"""Score records and make their answers and audit records (the records then spooled by the
caller, or here for a caller off the event loop)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from credit_scoring.service.audit.records import (
    Decider,
    decision_records,
    new_decision_id,
)
from credit_scoring.service.audit.streams import Stream
from credit_scoring.service.audit.sink import AuditSink
from credit_scoring.service.challenger import Challenger
from credit_scoring.service.request_context import RequestContext
from credit_scoring.ml.decision import Decision, ScoredRecords
from credit_scoring.ml.scorer import Scorer, canonical_columns
from credit_scoring.profiles.transformer import Columns

NEGADO = Decision.NEGADO.value


def answer_item(scored: ScoredRecords, index: int, classes: tuple[str, ...]) -> dict[str, Any]:
    """The response fields of one scored record, with the compatibility fields."""
    shared = scored.item(index, classes)
    return shared | {
        "score": shared["risk_probability"],
        "label": int(shared["decision"] == Decision.NEGADO),
    }


@dataclass(frozen=True)
class Decided:
    """Scored records, each one's answer (with the id it is audited under) and audit record,
    built once, in the same order."""

    scored: ScoredRecords
    answers: list[dict[str, Any]]
    audit_records: list[dict[str, Any]]
    columns: Columns  # the records' canonical inputs, as the model read them


def decide(
    scorer: Scorer,
    records: dict[int, BaseModel],
    context: RequestContext,
    *,
    batch: bool,
    explain: bool = False,
    challenger: Challenger | None = None,
) -> Decided:
    """Score ``records`` (keyed by their position in the request), in that order, and make
    each decision's answer and audit record (``decided_from``)."""
    columns = record_columns(scorer, records)
    scored = scorer.score_columns(columns)
    return decided_from(
        scorer,
        records,
        columns,
        scored,
        context,
        batch=batch,
        explain=explain,
        challenger=challenger,
    )


def record_columns(scorer: Scorer, records: dict[int, BaseModel]) -> Columns:
    """Validated records as the scorer's canonical columns."""
    return canonical_columns([vars(record) for record in records.values()], scorer.profile)


def decided_from(
    scorer: Scorer,
    records: dict[int, BaseModel],
    columns: Columns,
    scored: ScoredRecords,
    context: RequestContext,
    *,
    batch: bool,
    explain: bool = False,
    challenger: Challenger | None = None,
) -> Decided:
    """Each scored record's answer and audit record, under its own decision id. A NEGADO
    answer carries its reasons, and with ``explain`` every answer carries them and those in
    favour. A ``challenger`` scores the records too, for the audit records alone."""
    inputs = [record.model_dump(mode="json") for record in records.values()]
    classes = scorer.profile.classes
    profile = scorer.profile.name
    answers = [
        answer_item(scored, k, classes)
        | {"decision_id": new_decision_id(profile, str(scored.decision[k]))}
        for k in range(len(records))
    ]
    _add_explanations(scorer, columns, scored, answers, inputs, explain)
    decider = Decider(
        profile=scorer.profile.name,
        model_version=scorer.version,
        threshold=scorer.threshold,
        client_id=context.client_id or "unknown",
        request_id=context.request_id,
        latency_ms=round((time.perf_counter() - context.started) * 1000, 3),
    )
    positioned = [(position if batch else None, sent) for position, sent in zip(records, inputs)]
    audit_records = decision_records(decider, positioned, answers)
    if challenger is not None:
        challenger.annotate(columns, audit_records)
    return Decided(scored, answers, audit_records, columns)


def _add_explanations(
    scorer: Scorer,
    columns: Columns,
    scored: ScoredRecords,
    answers: list[dict[str, Any]],
    inputs: list[dict[str, Any]],
    explain: bool,
) -> None:
    """The explanation of each NEGADO answer, or of every answer with ``explain``: an
    APROVADO nobody asked about costs nothing."""
    wanted = np.arange(len(answers)) if explain else np.flatnonzero(scored.decision == NEGADO)
    if not len(wanted):
        return
    explanations = scorer.explain({name: values[wanted] for name, values in columns.items()})
    for position, k in enumerate(wanted):
        answers[k]["explanation"] = (
            None
            if explanations is None
            else explanations.of(position, inputs[k], favourable=explain)
        )


def decide_and_record(
    scorer: Scorer,
    sink: AuditSink,
    records: dict[int, BaseModel],
    context: RequestContext,
    *,
    batch: bool,
    explain: bool = False,
    challenger: Challenger | None = None,
) -> Decided:
    """``decide``, then spool the audit records before anyone sees a decision (the sink
    raises AuditUnavailable when it cannot: no decision leaves without its record)."""
    decided = decide(scorer, records, context, batch=batch, explain=explain, challenger=challenger)
    sink.record(Stream.PREDICTIONS, scorer.profile.name, decided.audit_records)
    return decided
