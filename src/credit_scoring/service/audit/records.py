"""The audit log's own terms, in one place: where its objects go in the store, the records
it keeps, and the sink's status (its streams are in ``streams``)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from typing import Any

from credit_scoring.ml.decision import Decision


def partition(stream: str, profile: str, day: date) -> str:
    """The store prefix of a stream's objects of one profile and day."""
    return f"{stream}/profile={profile}/dt={day.isoformat()}/"


def object_key(stream: str, profile: str, created: datetime, instance: str, seq: int) -> str:
    """``<stream>/profile=<p>/dt=<date>/hour=<hh>/<instance>-<seq>.jsonl.gz``: a spool
    segment's object, filed under the time the segment was opened."""
    return (
        f"{partition(stream, profile, created.date())}hour={created:%H}/"
        f"{instance}-{seq:06d}.jsonl.gz"
    )


def new_record_id() -> str:
    """A record's own id (``feedback_id``): made by the server, unique whatever request ids
    clients send, so that the export never takes two records for one."""
    return uuid.uuid4().hex


DECISION_ID_SEPARATOR = "-"  # never in a profile's name
DECISION_CODES = {Decision.APROVADO: "a", Decision.NEGADO: "n"}


def new_decision_id(profile: str, decision: str) -> str:
    """A decision's own id, which names its profile and decision (``card_default-n-3f2a…``):
    feedback naming it is filed under that profile, whichever route it comes by, and counted
    by the decision it judges (the risk class's recall, online)."""
    code = DECISION_CODES[Decision(decision)]
    return DECISION_ID_SEPARATOR.join((profile, code, new_record_id()))


def decision_id_parts(decision_id: object) -> tuple[str | None, Decision | None]:
    """The profile and decision a decision id names; None and None for a text that names
    neither (a request id, or an id made before ids named them)."""
    parts = decision_id.split(DECISION_ID_SEPARATOR) if isinstance(decision_id, str) else []
    decisions = {code: decision for decision, code in DECISION_CODES.items()}
    if len(parts) != 3 or parts[1] not in decisions:
        return None, None
    return parts[0], decisions[parts[1]]


def utc_now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(timezone.utc).isoformat()


@dataclass(frozen=True)
class Decider:
    """Who decided for whom: the model, the client, the request, and when it started."""

    profile: str
    model_version: str
    threshold: float
    client_id: str
    request_id: str
    latency_ms: float


def decision_records(
    decider: Decider,
    inputs: list[tuple[int | None, dict[str, Any]]],
    answers: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """One audit record per decision: its id, the request and batch position (``None`` for a
    single record), the model, the client, the validated inputs and the answer (each answer
    carries its decision's ``decision_id``)."""
    moment = utc_now()
    return [
        {
            "decision_id": answer["decision_id"],
            "request_id": decider.request_id,
            "batch_index": position,
            "time": moment,
            "profile": decider.profile,
            "model_version": decider.model_version,
            "client_id": decider.client_id,
            "latency_ms": decider.latency_ms,
            "inputs": record,
            "outputs": {k: v for k, v in answer.items() if k != "decision_id"}
            | {"decision_threshold": decider.threshold},
        }
        for (position, record), answer in zip(inputs, answers)
    ]


def feedback_record(
    feedback: dict[str, Any], feedback_request_id: str, profile: str, client_id: str
) -> dict[str, Any]:
    """The audit record of a client's feedback on an earlier decision, under its own id
    (the feedback call's request id is kept beside it, for the logs)."""
    return feedback | {
        "feedback_id": new_record_id(),
        "feedback_request_id": feedback_request_id,
        "time": utc_now(),
        "profile": profile,
        "client_id": client_id,
    }


@dataclass(frozen=True)
class UploadStatus:
    """The uploader's part of the status (absent when uploads are disabled)."""

    uploaded_objects: int
    uploaded_records: int
    upload_failures: int
    uploader_alive: bool
    store_failing: bool
    last_upload_age_seconds: float | None


@dataclass(frozen=True)
class AuditStatus:
    """Whether decisions can be recorded and how far uploads lag, for /ready and /metrics."""

    spool_writable: bool
    backlog_bytes: int
    backlog_segments: int
    oldest_pending_age_seconds: float
    spool_error: str | None = None
    uploads: UploadStatus | None = None

    @property
    def uploader_stopped(self) -> bool:
        """True when uploads are enabled but their thread is no longer running."""
        return self.uploads is not None and not self.uploads.uploader_alive

    def as_dict(self) -> dict[str, Any]:
        """The status as /ready shows it."""
        shown = {k: v for k, v in asdict(self).items() if k not in ("uploads", "spool_error")}
        if self.spool_error is not None:
            shown["spool_error"] = self.spool_error
        if self.uploads is None:
            return shown | {"uploads": "disabled"}
        return shown | asdict(self.uploads)
