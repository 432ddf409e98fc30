"""Append-only JSON-lines segments on local disk: the durable half of the audit log.

A record is appended (and, with ``fsync``, forced to disk) before the response that
carries its decision is sent. Appends that arrive together share one fsync (group commit):
each waits until an fsync begun after its write has returned, so no answer leaves before
its record is on disk, and a burst of requests pays for one disk flush, not one each. The
active segment ``*.part`` is held under an
exclusive ``flock`` by the process writing it; a ``*.part`` nobody holds was left by a
crash and is finalised (a torn last line dropped) by whoever finds it. Finished
segments (``*.jsonl``) wait for the uploader.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from credit_scoring.json_bytes import json_bytes

logger = logging.getLogger(__name__)

ACTIVE_SUFFIX = ".part"
BACKLOG_REFRESH_SECONDS = 1.0
READY_SUFFIX = ".jsonl"


class SpoolError(RuntimeError):
    """A record could not be made durable; no decision may be returned."""


@dataclass(frozen=True)
class SegmentName:
    """``<stream>-<UTC creation time>-<instance>-<seq>``: unique, and it carries the time."""

    stream: str
    created: datetime
    instance: str
    seq: int

    def stem(self) -> str:
        return f"{self.stream}-{self.created:%Y%m%dT%H%M%S}-{self.instance}-{self.seq:06d}"

    @classmethod
    def parse(cls, path: Path) -> SegmentName:
        stream, created, rest = path.name.split(".")[0].split("-", 2)
        instance, seq = rest.rsplit("-", 1)
        moment = datetime.strptime(created, "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
        return cls(stream, moment, instance, int(seq))


def _still_at(path: Path, handle: IO[bytes]) -> bool:
    """Whether the open file is still the one at ``path`` (not renamed or removed since)."""
    try:
        return path.stat().st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        return False


def _sync_directory(directory: Path) -> None:
    """Force the directory's entries to disk: a new segment's name survives a power cut."""
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def claimed(path: Path) -> Iterator[IO[bytes] | None]:
    """Open ``path`` under an exclusive non-blocking flock; None if gone or held elsewhere.

    Several processes (tasks sharing one spool on a network file system) may race for
    the same segment: whoever locks it second finds it moved or removed and skips it.
    """
    try:
        handle = path.open("rb+")
    except FileNotFoundError:
        yield None
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        yield None
        return
    try:
        yield handle if _still_at(path, handle) else None
    finally:
        handle.close()


class Spool:
    """One stream's segments in one directory, shared safely by several processes."""

    def __init__(
        self,
        directory: Path,
        stream: str,
        instance: str,
        *,
        segment_max_bytes: int,
        segment_max_seconds: float,
        max_bytes: int,
        fsync: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.stream = stream
        self.instance = instance
        self.segment_max_bytes = segment_max_bytes
        self.segment_max_seconds = segment_max_seconds
        self.max_bytes = max_bytes
        self.fsync = fsync
        self.clock = clock
        self._lock = threading.Lock()  # the active segment and its writes
        self._sync_lock = threading.Lock()  # one fsync at a time; taken before _lock
        self._written = 0  # appends written so far (each one's ticket)
        self._synced = 0  # appends known to be on disk
        self._failed_through = 0  # appends whose fsync failed: their requests fail too
        self._active: IO[bytes] | None = None
        self._active_path: Path | None = None
        self._name_unsynced: IO[bytes] | None = None  # the active segment, name not on disk
        self._opened_at = 0.0
        self._seq = 0
        self._backlog_checked_at = -BACKLOG_REFRESH_SECONDS
        self._backlog_estimate = 0
        self.last_error: str | None = None

    def _open_segment(self, attempts: int = 3) -> None:
        """Create a new active segment and lock it; it is ours only if, once locked, it is
        still at its name. In the instant before the lock, another task's crash recovery
        may take the new, empty file for a dead task's and remove it: records written to
        it then would be lost, so we start another segment instead."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for _ in range(attempts):
            self._seq += 1
            created = datetime.fromtimestamp(self.clock(), timezone.utc)
            name = SegmentName(self.stream, created, self.instance, self._seq)
            path = self.directory / (name.stem() + ACTIVE_SUFFIX)
            handle = path.open("xb")  # never another process's file
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # the recovery holds it for now: it will remove it
                handle.close()
                continue
            if _still_at(path, handle):
                self._active, self._active_path, self._opened_at = handle, path, self.clock()
                self._name_unsynced = handle  # synced by the first force, off the event loop
                return
            handle.close()
        raise OSError(f"no new segment stayed ours in {attempts} attempts")

    def append(self, records: list[dict[str, Any]]) -> None:
        """Make ``records`` durable, or raise SpoolError (disk full, unwritable, over size)."""
        ticket = self.write(records)
        if self.fsync:
            self.make_durable(ticket)

    def write(self, records: list[dict[str, Any]]) -> int:
        """Write ``records`` to the active segment, not yet forced to disk; the write's
        ticket for ``make_durable``. Raises SpoolError as ``append`` does."""
        data = b"".join(json_bytes(record) + b"\n" for record in records)
        with self._lock:
            try:
                if self._spooled_estimate() + len(data) > self.max_bytes:
                    raise SpoolError(
                        f"the spool holds over {self.max_bytes} bytes not yet uploaded"
                    )
                if self._active is None:
                    self._open_segment()
                assert self._active is not None
                self._active.write(data)
                self._active.flush()
                self._backlog_estimate += len(data)
                self.last_error = None
                self._written += 1
                return self._written
            except (OSError, SpoolError) as error:
                self.last_error = str(error)
                self._abandon_active()
                raise SpoolError(f"audit spool unavailable: {error}") from error

    def make_durable(self, ticket: int) -> None:
        """Return once the write ``ticket`` is on disk: covered by an fsync that began after
        it (another caller's, or one made here for every write so far)."""
        with self._sync_lock:
            if ticket <= self._synced:
                return
            if ticket <= self._failed_through:
                raise SpoolError("audit spool unavailable: its segment could not be synced")
            with self._lock:
                handle, target = self._active, self._written
            try:
                if handle is None:  # abandoned after a failed write: never synced
                    raise OSError("the segment was abandoned")
                self._force(handle)
            except (OSError, ValueError) as error:
                with self._lock:
                    self.last_error = str(error)
                    self._failed_through = max(self._failed_through, target)
                    if self._active is handle:
                        self._abandon_active()
                raise SpoolError(f"audit spool unavailable: {error}") from error
            self._synced = target

    def _force(self, handle: IO[bytes]) -> None:
        """Put the segment's writes on disk: a new segment's name first, once (its directory
        fsynced), then its data and size (``fdatasync``: the name needs no second sync)."""
        if self._name_unsynced is handle:
            _sync_directory(self.directory)
            self._name_unsynced = None
        getattr(os, "fdatasync", os.fsync)(handle.fileno())  # macOS has fsync only

    def _spooled_estimate(self) -> int:
        """Backlog size for the size cap, read from disk at most once a second.

        During a store outage the spool holds hundreds of segments; listing them on
        every request would put that I/O on the request path.
        """
        now = time.monotonic()
        if now - self._backlog_checked_at >= BACKLOG_REFRESH_SECONDS:
            self._backlog_estimate = self.backlog_bytes()
            self._backlog_checked_at = now
        return self._backlog_estimate

    def _abandon_active(self) -> None:
        """After a failed write, start afresh: an empty segment is removed, one holding
        records is left to crash recovery (which takes it, since it is no longer ours)."""
        handle, path = self._active, self._active_path
        self._active, self._active_path = None, None
        self._failed_through = self._written  # its writes not yet synced never will be
        if handle is None or path is None:
            return
        try:
            if os.fstat(handle.fileno()).st_size == 0:
                path.unlink()
        except OSError:
            pass
        try:
            handle.close()
        except OSError:
            pass

    def rotate(self, force: bool = False) -> None:
        """Finish the active segment when it is full, old enough, or ``force``d (its writes
        made durable first, no fsync of it in flight)."""
        with self._sync_lock, self._lock:
            if self._active is None or self._active_path is None:
                return
            size = self._active.tell()
            due = size >= self.segment_max_bytes or (
                self.clock() - self._opened_at >= self.segment_max_seconds
            )
            if size == 0 or not (due or force):
                return
            if self.fsync and self._synced < self._written:
                try:
                    self._force(self._active)
                except OSError as error:
                    self.last_error = str(error)
                    self._abandon_active()
                    return
                self._synced = self._written
            # Renamed while still held: if the rename fails, the segment stays active.
            self._active_path.rename(self._active_path.with_suffix(READY_SUFFIX))
            self._active.close()
            self._active, self._active_path = None, None

    def recover_orphans(self) -> int:
        """Finish segments left active by a dead process; return how many."""
        recovered = 0
        for path in sorted(self.directory.glob(f"{self.stream}-*{ACTIVE_SUFFIX}")):
            if path == self._active_path:
                continue
            with claimed(path) as handle:
                if handle is None:
                    continue
                content = handle.read()
                complete = content[: content.rfind(b"\n") + 1]
                if len(complete) < len(content):
                    logger.warning("dropping a torn last line in %s", path.name)
                    handle.seek(0)
                    handle.truncate()
                    handle.write(complete)
                    handle.flush()
                    os.fsync(handle.fileno())
                if complete:
                    path.rename(path.with_suffix(READY_SUFFIX))
                else:
                    path.unlink()
                recovered += 1
        return recovered

    def ready_segments(self) -> list[Path]:
        """Finished segments waiting for upload, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"{self.stream}-*{READY_SUFFIX}"))

    def oldest_pending(self) -> datetime | None:
        """When the oldest segment not yet uploaded (active one included) was opened."""
        if not self.directory.is_dir():
            return None
        created = [
            SegmentName.parse(path).created
            for path in self.directory.glob(f"{self.stream}-*")
            if path.suffix in (ACTIVE_SUFFIX, READY_SUFFIX)
        ]
        return min(created, default=None)

    def backlog_bytes(self) -> int:
        """Bytes in this stream's segments not yet uploaded (active one included)."""
        if not self.directory.is_dir():
            return 0
        total = 0
        for path in self.directory.glob(f"{self.stream}-*"):
            try:
                total += path.stat().st_size
            except FileNotFoundError:
                continue
        return total

    def writable(self) -> bool:
        """Probe the directory with a small synced write (what /ready reports)."""
        probe = self.directory / f".probe-{self.instance}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with probe.open("wb") as handle:
                handle.write(b"ok")
                os.fsync(handle.fileno())
            probe.unlink()
        except OSError as error:
            self.last_error = str(error)
            return False
        return True

    def close(self) -> None:
        """Finish the active segment (called at shutdown)."""
        self.rotate(force=True)
