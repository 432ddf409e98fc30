"""The inputs of recent decisions, per profile, and their drift against the model's training
inputs (``ml.drift``): cheap to feed on the request path (the request's canonical columns
kept by reference), computed when read (``GET /monitoring/drift``, ``/metrics``).

Each worker process keeps its own window of the decisions it made; with several workers
they share their windows' counts per bin through their shared folder (``DriftUpkeep``), so
that any worker answers for all of them.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from itertools import islice
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from credit_scoring.ml.drift import LEVELS, drift_row, input_column_counts
from credit_scoring.profiles.base import Profile
from credit_scoring.profiles.transformer import Columns


class _Chunk(NamedTuple):  # a tuple: made on every request, three times cheaper than a dataclass
    """Consecutive decided records' inputs, and when the first and last were decided."""

    columns: Columns
    records: int
    first: float
    last: float


class InputWindow:
    """The canonical inputs of a profile's last ``size`` decided records: each request's
    columns kept as they are (no copy, no conversion: one append per request), joined into
    one chunk now and then off the request path (``compact``: arrays of values instead of a
    dictionary of one-value arrays per request, 10,000 records in about 3 MB, not 36)."""

    def __init__(self, profile: Profile, reference: dict[str, dict[str, Any]], size: int) -> None:
        self.profile = profile
        self.reference = reference
        self.size = size
        self._columns = [column for column in profile.inputs if column.name in reference]
        self._chunks: deque[_Chunk] = deque()
        self._held = 0  # records in the chunks (the oldest chunk's may partly be out)
        self._loose = 0  # chunks at the end not yet joined
        self._lock = threading.Lock()  # a batch adds from its worker thread

    def add(self, columns: Columns) -> None:
        """Keep these records' inputs (the oldest ones make room)."""
        count = len(next(iter(columns.values())))
        now = time.time()
        with self._lock:
            self._chunks.append(_Chunk(columns, count, now, now))
            self._held += count
            self._loose += 1
            while self._held - self._chunks[0].records >= self.size:  # wholly out
                self._held -= self._chunks.popleft().records
                self._loose = min(self._loose, len(self._chunks))

    def compact(self) -> None:
        """Join the chunks added since the last call into one. The joining (milliseconds for
        a few thousand chunks) runs outside the lock: requests that add meanwhile never wait
        for it."""
        with self._lock:
            if self._loose < 2:
                return
            loose = list(islice(self._chunks, len(self._chunks) - self._loose, None))
        names = [column.name for column in self._columns]
        columns = {name: np.concatenate([c.columns[name] for c in loose]) for name in names}
        records = sum(c.records for c in loose)
        joined = _Chunk(columns, records, loose[0].first, loose[-1].last)
        with self._lock:
            chunks = list(self._chunks)
            start = len(chunks) - self._loose  # those added meanwhile are loose too
            present = chunks[start : start + len(loose)]
            if len(present) < len(loose) or not all(a is b for a, b in zip(present, loose)):
                return  # some were pushed out meanwhile: the next call joins the rest
            self._chunks = deque(chunks[:start] + [joined] + chunks[start + len(loose) :])
            self._loose -= len(loose)

    def counts(self) -> WindowCounts:
        """This window's records, time span and counts per bin of each input."""
        with self._lock:
            chunks, held = list(self._chunks), min(self._held, self.size)
        counts = {
            column.name: input_column_counts(
                column, _last(chunks, column.name, held), self.reference[column.name]
            )
            for column in self._columns
        }
        first = min((chunk.first for chunk in chunks), default=None)
        last = max((chunk.last for chunk in chunks), default=None)
        return WindowCounts(held, first, last, counts)

    def table(self, others: list[WindowCounts] | None = None) -> dict[str, Any]:
        """The window's size and time span, and each input's PSI, level and shares; with
        ``others``, those of every worker's window together."""
        window = self.counts()
        for other in others or []:
            window = window.merged(other)
        inputs = {
            name: drift_row(counts, self.reference[name])
            for name, counts in window.counts.items()
            if window.records
        }
        span = {"from": _iso(window.first), "to": _iso(window.last)}
        workers = 1 + len(others or [])
        return {
            "window": {"records": window.records, "workers": workers} | span,
            "levels": LEVELS,
            "inputs": inputs,
        }


@dataclass(frozen=True)
class WindowCounts:
    """A window reduced to what drift needs: its records, their time span, and each
    input's counts per bin (what workers share: a few hundred numbers)."""

    records: int
    first: float | None
    last: float | None
    counts: dict[str, np.ndarray]

    def merged(self, other: WindowCounts) -> WindowCounts:
        """Both windows as one."""
        firsts = [t for t in (self.first, other.first) if t is not None]
        lasts = [t for t in (self.last, other.last) if t is not None]
        counts = {name: values + other.counts.get(name, 0) for name, values in self.counts.items()}
        return WindowCounts(
            self.records + other.records,
            min(firsts, default=None),
            max(lasts, default=None),
            counts,
        )

    def to_json(self) -> str:
        """The counts as JSON."""
        counts = {name: values.tolist() for name, values in self.counts.items()}
        return json.dumps(vars(self) | {"counts": counts})

    @classmethod
    def from_json(cls, text: str) -> WindowCounts:
        """The counts from ``to_json``."""
        loaded = json.loads(text)
        counts = {name: np.asarray(values) for name, values in loaded.pop("counts").items()}
        return cls(**loaded, counts=counts)


class DriftUpkeep:
    """A thread that keeps the windows small (``compact`` every COMPACT_SECONDS) and, with
    several workers, shares them through the workers' shared folder: each worker writes its
    windows' counts there every PUBLISH_SECONDS, and a read adds the other workers' recent
    ones to its own."""

    COMPACT_SECONDS = 2.0
    PUBLISH_SECONDS = 5.0
    STALE_SECONDS = 30.0  # a worker gone since is left out

    def __init__(self, windows: dict[str, InputWindow], folder: Path | None) -> None:
        self.windows = windows
        self.folder = folder
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="drift-upkeep", daemon=True)

    def start(self) -> None:
        """Compact, and publish, from now on."""
        self._thread.start()

    def stop(self) -> None:
        """Stop (the last counts published age out)."""
        self._stop.set()
        self._thread.join(timeout=self.PUBLISH_SECONDS)

    def _run(self) -> None:
        published = time.monotonic()
        while not self._stop.wait(self.COMPACT_SECONDS):
            for window in self.windows.values():
                window.compact()
            if self.folder is not None and time.monotonic() - published >= self.PUBLISH_SECONDS:
                self.publish(self.folder)
                published = time.monotonic()

    def publish(self, folder: Path) -> None:
        """Write this worker's counts of each profile (atomically: a reader sees whole files)."""
        for profile, window in self.windows.items():
            path = _counts_file(folder, profile, os.getpid())
            temporary = path.with_suffix(".tmp")
            temporary.write_text(window.counts().to_json())
            temporary.replace(path)

    def others(self, profile: str) -> list[WindowCounts]:
        """The other workers' recent counts of a profile (none with a single worker)."""
        if self.folder is None:
            return []
        found = []
        for path in self.folder.glob(f"drift-{profile}-*.json"):
            if path == _counts_file(self.folder, profile, os.getpid()):
                continue
            try:
                if time.time() - path.stat().st_mtime <= self.STALE_SECONDS:
                    found.append(WindowCounts.from_json(path.read_text()))
            except (OSError, ValueError):  # replaced or removed meanwhile: skip it this time
                continue
        return found


def _counts_file(folder: Path, profile: str, pid: int) -> Path:
    return folder / f"drift-{profile}-{pid}.json"


def _last(chunks: list[_Chunk], name: str, held: int) -> np.ndarray:
    """The last ``held`` values of one input across the chunks."""
    if not chunks:
        return np.empty(0)
    values: np.ndarray = np.concatenate([chunk.columns[name] for chunk in chunks])
    return values[len(values) - held :]


def _iso(moment: float | None) -> str | None:
    """A time as ISO 8601, UTC (None stays None)."""
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="seconds")
