"""The audit sink the routes use: records for decisions and feedback, spooled then shipped."""

from __future__ import annotations

import socket
import time
import uuid
from typing import Any

from credit_scoring.service.audit.group_commit import LoopGroupCommit
from credit_scoring.service.audit.records import AuditStatus, UploadStatus
from credit_scoring.service.audit.streams import Stream
from credit_scoring.service.audit.spool import Spool, SpoolError
from credit_scoring.service.object_store import ObjectStore
from credit_scoring.service.audit.uploader import Uploader
from credit_scoring.service.errors import AuditUnavailable
from credit_scoring.service.settings import Settings


def instance_id(settings: Settings) -> str:
    """This process's name in segment and object names (unique across restarts)."""
    base = settings.instance_id or socket.gethostname()
    safe = "".join(c if c.isalnum() else "_" for c in base)[:40]
    return f"{safe}_{uuid.uuid4().hex[:8]}"


def _unavailable(stream: Stream) -> AuditUnavailable:
    return AuditUnavailable(
        f"The {stream.value} could not be recorded, so nothing is returned; retry later."
    )


class AuditSink:
    """Spools for each profile's predictions and feedback (``<spool dir>/<profile>/``), and the
    uploader that empties them into the profile's partition of the store."""

    def __init__(self, settings: Settings, store: ObjectStore | None, profiles: list[str]) -> None:
        instance = instance_id(settings)
        common: dict[str, Any] = {
            "segment_max_bytes": settings.audit_segment_max_bytes,
            "segment_max_seconds": settings.audit_segment_max_seconds,
            "max_bytes": settings.audit_spool_max_bytes,
            "fsync": settings.audit_fsync,
        }
        self.spools = {
            (stream, profile): Spool(
                settings.audit_spool_dir / profile, stream.value, instance, **common
            )
            for stream in Stream
            for profile in profiles
        }
        self.group_commits = {key: LoopGroupCommit(spool) for key, spool in self.spools.items()}
        self.uploader = Uploader(
            [(profile, spool) for (_, profile), spool in self.spools.items()],
            store,
            interval_seconds=settings.audit_upload_interval_seconds,
        )

    def start(self) -> None:
        """Begin shipping (recovering a crash's leftovers first)."""
        self.uploader.start()

    def stop(self, flush_seconds: float) -> None:
        """Finish the active segments and upload what can be uploaded in time."""
        for group_commit in self.group_commits.values():
            group_commit.close()
        for spool in self.spools.values():
            spool.close()
        self.uploader.stop(flush_seconds)

    def record(self, stream: Stream, profile: str, records: list[dict[str, Any]]) -> None:
        """Durably spool ``records``, or raise AuditUnavailable: what cannot be recorded
        must not be answered."""
        try:
            self.spools[(stream, profile)].append(records)
        except SpoolError as error:
            raise _unavailable(stream) from error

    async def record_on_loop(
        self, stream: Stream, profile: str, records: list[dict[str, Any]]
    ) -> None:
        """``record`` for a few records, from the event loop: written there (microseconds),
        then awaited until an fsync shared with the other requests of the moment covers
        them."""
        try:
            ticket = self.spools[(stream, profile)].write(records)
            await self.group_commits[(stream, profile)].wait(ticket)
        except SpoolError as error:
            raise _unavailable(stream) from error

    def _oldest_pending_age(self) -> float:
        """Seconds since the oldest record not yet uploaded was spooled (at most: its
        segment's opening); 0 when nothing waits."""
        opened = [s.oldest_pending() for s in self.spools.values()]
        oldest = min((moment for moment in opened if moment is not None), default=None)
        if oldest is None:
            return 0.0
        return round(max(0.0, time.time() - oldest.timestamp()), 1)

    def status(self) -> AuditStatus:
        """Backlog, failures and last success, for /ready and monitoring."""
        writable = all(spool.writable() for spool in self.spools.values())
        errors = [s.last_error for s in self.spools.values() if s.last_error]
        return AuditStatus(
            spool_writable=writable,
            backlog_bytes=sum(spool.backlog_bytes() for spool in self.spools.values()),
            backlog_segments=sum(len(s.ready_segments()) for s in self.spools.values()),
            oldest_pending_age_seconds=self._oldest_pending_age(),
            spool_error=errors[0] if errors and not writable else None,
            uploads=self._upload_status(),
        )

    def _upload_status(self) -> UploadStatus | None:
        if self.uploader.store is None:
            return None
        stats = self.uploader.stats
        with stats.lock:
            return UploadStatus(
                uploaded_objects=stats.uploaded_objects,
                uploaded_records=stats.uploaded_records,
                upload_failures=stats.upload_failures,
                uploader_alive=self.uploader.alive(),
                store_failing=stats.consecutive_failures > 0,
                last_upload_age_seconds=(
                    None
                    if stats.last_success is None
                    else round(time.time() - stats.last_success, 1)
                ),
            )
