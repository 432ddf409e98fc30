"""Reading the audit log back: the records of a period, each decision once, and feedback
matched to the decisions of the client that sent it."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from credit_scoring.service.audit.records import partition
from credit_scoring.service.audit.streams import Stream
from credit_scoring.service.object_store import ObjectStore


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def read_records(
    store: ObjectStore, stream: Stream, profile: str, start: date, end: date
) -> list[dict[str, Any]]:
    """Records whose own time falls in [start, end] (UTC); a record uploaded twice (a retried
    upload) appears once, by its own id, so no two decisions are ever merged."""
    if end < start:
        raise ValueError("--to is before --from")
    # A segment is filed under the hour it was opened, so a record just after midnight
    # can sit in the previous day's partition: read one day more, filter on record time.
    seen: set[str] = set()
    records: list[dict[str, Any]] = []
    for day in _days(start - timedelta(days=1), end):
        for key in sorted(store.keys(partition(stream.value, profile, day))):
            for line in gzip.decompress(store.get(key)).splitlines():
                record = json.loads(line)
                record_id = str(record[stream.id_field])
                if record_id in seen or not start <= date.fromisoformat(record["time"][:10]) <= end:
                    continue
                seen.add(record_id)
                records.append(record)
    return sorted(records, key=lambda record: str(record["time"]))


def match_feedback(
    feedback: list[dict[str, Any]], decisions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each feedback record with ``match`` and ``matched_decision_id``: it matches a decision of
    the same client only, by decision id, or by request id when that names one decision
    ("ambiguous" when it names several, "unmatched" when none of the client's)."""
    owned = {(d["client_id"], d["decision_id"]) for d in decisions}
    by_request: dict[tuple[str, str], list[str]] = defaultdict(list)
    for decision in decisions:
        by_request[(decision["client_id"], decision["request_id"])].append(decision["decision_id"])
    matched = []
    for record in feedback:
        client, decision_id = record["client_id"], record.get("decision_id")
        if decision_id:
            found = [decision_id] if (client, decision_id) in owned else []
        else:
            found = by_request.get((client, str(record.get("request_id"))), [])
        match = "matched" if len(found) == 1 else ("ambiguous" if found else "unmatched")
        matched.append(
            record
            | {"match": match, "matched_decision_id": found[0] if match == "matched" else None}
        )
    return matched


def period_records(
    store: ObjectStore,
    stream: Stream,
    profile: str,
    period: tuple[date, date],
    decisions_since: date,
) -> list[dict[str, Any]]:
    """The records of a period; feedback matched to the decisions made since decisions_since."""
    records = read_records(store, stream, profile, *period)
    if stream is not Stream.FEEDBACK:
        return records
    return match_feedback(
        records, read_records(store, Stream.PREDICTIONS, profile, decisions_since, period[1])
    )


def write_table(records: list[dict[str, Any]], output: Path) -> int:
    """Flatten records (inputs.*, outputs.*) into Parquet or CSV by the file's suffix."""
    frame = pd.json_normalize(records) if records else pd.DataFrame()
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix == ".parquet":
        frame.to_parquet(output, index=False)
    elif output.suffix == ".csv":
        frame.to_csv(output, index=False)
    else:
        raise ValueError(f"{output}: choose a .parquet or .csv output")
    return len(frame)
