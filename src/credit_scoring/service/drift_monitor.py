"""The inputs of recent decisions, per profile, and their drift against the model's training
inputs (``ml.drift``): cheap to feed on the request path (the request's canonical columns
kept by reference), computed when read (``GET /monitoring/drift``, ``/metrics``).

Each worker process keeps its own window of the decisions it made.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from datetime import datetime, timezone
from typing import Any

import numpy as np

from credit_scoring.ml.drift import LEVELS, input_column_drift
from credit_scoring.profiles.base import Profile
from credit_scoring.profiles.transformer import Columns


class InputWindow:
    """The canonical inputs of a profile's last ``size`` decided records: each request's
    columns kept as they are (no copy, no conversion: one append per request), joined
    when read."""

    def __init__(self, profile: Profile, reference: dict[str, dict[str, Any]], size: int) -> None:
        self.profile = profile
        self.reference = reference
        self.size = size
        self._columns = [column for column in profile.inputs if column.name in reference]
        self._chunks: deque[tuple[Columns, int, float]] = deque()  # columns, records, time
        self._held = 0  # records in the chunks (the oldest chunk's may partly be out)
        self._lock = threading.Lock()  # a batch adds from its worker thread

    def add(self, columns: Columns) -> None:
        """Keep these records' inputs (the oldest ones make room)."""
        count = len(next(iter(columns.values())))
        with self._lock:
            self._chunks.append((columns, count, time.time()))
            self._held += count
            while self._held - self._chunks[0][1] >= self.size:  # the oldest is wholly out
                self._held -= self._chunks.popleft()[1]

    def table(self) -> dict[str, Any]:
        """The window's size and time span, and each input's PSI, level and shares."""
        with self._lock:
            chunks, held = list(self._chunks), min(self._held, self.size)
        inputs = {
            column.name: input_column_drift(
                column, _last(chunks, column.name, held), self.reference[column.name]
            )
            for column in self._columns
            if held
        }
        times = [moment for _, _, moment in chunks]
        return {
            "window": {"records": held, "capacity": self.size} | _span(times),
            "levels": LEVELS,
            "inputs": inputs,
        }


def _last(chunks: list[tuple[Columns, int, float]], name: str, held: int) -> np.ndarray:
    """The last ``held`` values of one input across the chunks."""
    values: np.ndarray = np.concatenate([columns[name] for columns, _, _ in chunks])
    return values[len(values) - held :]


def _span(times: list[float]) -> dict[str, str | None]:
    """The first and last decision time in the window (ISO 8601, UTC)."""
    if not times:
        return {"from": None, "to": None}
    return {"from": _iso(min(times)), "to": _iso(max(times))}


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="seconds")
