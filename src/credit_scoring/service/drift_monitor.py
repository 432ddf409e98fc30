"""The inputs of recent decisions, per profile, and their drift against the model's training
inputs (``ml.drift``): cheap to feed on the request path (each input's canonical value
stored in a ring buffer), computed when read (``GET /monitoring/drift``, ``/metrics``).

Each worker process keeps its own window of the decisions it made.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Any

import numpy as np

from credit_scoring.ml.drift import LEVELS, input_column_drift
from credit_scoring.profiles.base import Profile
from credit_scoring.profiles.transformer import Columns


class InputWindow:
    """The canonical inputs of a profile's last ``size`` decided records."""

    def __init__(self, profile: Profile, reference: dict[str, dict[str, Any]], size: int) -> None:
        self.profile = profile
        self.reference = reference
        self.size = size
        self._rings = {
            column.name: np.empty(size, dtype=np.float64 if column.kind.ranged else object)
            for column in profile.inputs
            if column.name in reference
        }
        self._times = np.zeros(size, dtype=np.float64)
        self._next = 0  # where the next record goes
        self._held = 0  # records in the window
        self._lock = threading.Lock()  # batches add from a worker thread

    def add(self, columns: Columns) -> None:
        """Keep these records' inputs (the oldest ones make room)."""
        count = len(next(iter(columns.values())))
        now = time.time()
        with self._lock:
            if count == 1:  # most requests: one store per input
                for name, ring in self._rings.items():
                    ring[self._next] = columns[name][0]
                self._times[self._next] = now
            else:
                kept = min(count, self.size)
                slots = (self._next + np.arange(kept)) % self.size
                for name, ring in self._rings.items():
                    ring[slots] = columns[name][count - kept :]
                self._times[slots] = now
            self._next = (self._next + min(count, self.size)) % self.size
            self._held = min(self._held + count, self.size)

    def table(self) -> dict[str, Any]:
        """The window's size and time span, and each input's PSI, level and shares."""
        with self._lock:
            held = self._held
            samples = {name: ring[:held].copy() for name, ring in self._rings.items()}
            times = self._times[:held].copy()
        inputs = {
            column.name: input_column_drift(
                column, samples[column.name], self.reference[column.name]
            )
            for column in self.profile.inputs
            if column.name in samples and held
        }
        return {
            "window": {"records": held, "capacity": self.size} | _span(times),
            "levels": LEVELS,
            "inputs": inputs,
        }


def _span(times: np.ndarray) -> dict[str, str | None]:
    """The first and last decision time in the window (ISO 8601, UTC)."""
    if not len(times):
        return {"from": None, "to": None}
    return {"from": _iso(float(times.min())), "to": _iso(float(times.max()))}


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="seconds")
