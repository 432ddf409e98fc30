"""Reading the audit log back: the records of a period, each decision once."""

from __future__ import annotations

import gzip
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from credit_scoring.service.audit.store import ObjectStore

ID_FIELD = {"predictions": "request_id", "feedback": "feedback_id"}


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def read_records(
    store: ObjectStore, stream: str, profile: str, start: date, end: date
) -> list[dict[str, Any]]:
    """Records whose own time falls in [start, end] (UTC), duplicates removed by id."""
    if end < start:
        raise ValueError("--to is before --from")
    # A segment is filed under the hour it was opened, so a record just after midnight
    # can sit in the previous day's partition: read one day more, filter on record time.
    seen: set[str] = set()
    records: list[dict[str, Any]] = []
    for day in _days(start - timedelta(days=1), end):
        for key in sorted(store.keys(f"{stream}/profile={profile}/dt={day.isoformat()}/")):
            for line in gzip.decompress(store.get(key)).splitlines():
                record = json.loads(line)
                record_id = str(record[ID_FIELD[stream]])
                if record_id in seen or not start <= date.fromisoformat(record["time"][:10]) <= end:
                    continue
                seen.add(record_id)
                records.append(record)
    return sorted(records, key=lambda record: str(record["time"]))


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
