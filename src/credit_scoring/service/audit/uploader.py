"""Ship finished spool segments to the object store: gzip JSON Lines, never rewritten."""

from __future__ import annotations

import gzip
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from credit_scoring.service.audit.records import object_key
from credit_scoring.service.audit.spool import SegmentName, Spool, claimed
from credit_scoring.service.object_store import ObjectStore, StoreError

logger = logging.getLogger(__name__)


def segment_key(profile: str, segment: Path) -> str:
    """The object key of a finished spool segment (``records.object_key``)."""
    name = SegmentName.parse(segment)
    return object_key(name.stream, profile, name.created, name.instance, name.seq)


@dataclass
class UploadStats:
    """What monitoring reads: uploads, failures, and the last success."""

    uploaded_objects: int = 0
    uploaded_records: int = 0
    upload_failures: int = 0
    consecutive_failures: int = 0
    last_success: float | None = None
    last_error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class Uploader:
    """A background thread that finishes due segments (by size or age) and uploads the
    finished ones, backing off while the store is down. Without a store (uploads off) it
    still finishes them: segments stay bounded, ready for whoever ships them."""

    def __init__(
        self,
        spools: list[tuple[str, Spool]],
        store: ObjectStore | None,
        *,
        interval_seconds: float = 2.0,
        max_backoff_seconds: float = 60.0,
    ) -> None:
        self.spools = spools
        self.store = store
        self.interval_seconds = interval_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.stats = UploadStats()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-uploader", daemon=True)

    def start(self) -> None:
        """Recover what a crash left behind, then upload in the background."""
        for _, spool in self.spools:
            recovered = spool.recover_orphans()
            if recovered:
                logger.info("recovered %d audit segments left by a crash", recovered)
        self._thread.start()

    def _delay(self) -> float:
        failures = self.stats.consecutive_failures
        if failures == 0:
            return self.interval_seconds
        return float(min(self.max_backoff_seconds, self.interval_seconds * 2 ** min(failures, 10)))

    def _run(self) -> None:
        while not self._stop.wait(self._delay()):
            try:
                self.upload_pending()
            except Exception as error:  # noqa: BLE001 - the uploader must outlive any error
                self._failed(f"{type(error).__name__}: {error}")
                logger.exception("audit upload round failed; will retry")

    def _failed(self, reason: str) -> None:
        with self.stats.lock:
            self.stats.upload_failures += 1
            self.stats.consecutive_failures += 1
            self.stats.last_error = reason

    def alive(self) -> bool:
        """False once the thread has ended (it ends only when stopped)."""
        return self._thread.is_alive()

    def upload_pending(self, *, force_rotate: bool = False) -> bool:
        """Rotate due segments and upload every finished one; False if the store failed."""
        for profile, spool in self.spools:
            spool.rotate(force=force_rotate)
            spool.recover_orphans()
            if self.store is None:
                continue
            for segment in spool.ready_segments():
                if not self._upload(self.store, profile, segment):
                    return False
        return True

    def _upload(self, store: ObjectStore, profile: str, segment: Path) -> bool:
        with claimed(segment) as handle:
            if handle is None:
                return True
            content = handle.read()
            key = segment_key(profile, segment)
            try:
                store.put_new(key, gzip.compress(content), "application/x-ndjson")
            except StoreError as error:
                reason = str(error)
                self._failed(reason)
                logger.warning("audit upload failed (%s); will retry", reason)
                return False
            segment.unlink()
        with self.stats.lock:
            self.stats.uploaded_objects += 1
            self.stats.uploaded_records += content.count(b"\n")
            self.stats.consecutive_failures = 0
            self.stats.last_success = time.time()
        return True

    def stop(self, flush_seconds: float = 10.0) -> None:
        """Stop the thread, then flush: rotate and upload until done or out of time."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=flush_seconds)
        deadline = time.monotonic() + flush_seconds
        while time.monotonic() < deadline:
            if self.upload_pending(force_rotate=True):
                return
            time.sleep(0.5)
        logger.warning("audit records left in the spool at shutdown; they go up at next start")
