"""The audit sink the routes use: records for decisions and feedback, spooled then shipped."""

from __future__ import annotations

import socket
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from credit_scoring.service.audit.spool import Spool
from credit_scoring.service.audit.store import ObjectStore
from credit_scoring.service.audit.uploader import Uploader
from credit_scoring.service.settings import Settings

PREDICTIONS = "predictions"
FEEDBACK = "feedback"


def instance_id(settings: Settings) -> str:
    """This process's name in segment and object names (unique across restarts)."""
    base = settings.instance_id or socket.gethostname()
    safe = "".join(c if c.isalnum() else "_" for c in base)[:40]
    return f"{safe}_{uuid.uuid4().hex[:8]}"


def utc_now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(timezone.utc).isoformat()


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
            (stream, profile): Spool(settings.audit_spool_dir / profile, stream, instance, **common)
            for stream in (PREDICTIONS, FEEDBACK)
            for profile in profiles
        }
        self.uploader = (
            Uploader(
                [(profile, spool) for (_, profile), spool in self.spools.items()],
                store,
                interval_seconds=settings.audit_upload_interval_seconds,
            )
            if store is not None
            else None
        )

    def start(self) -> None:
        """Begin shipping (recovering a crash's leftovers first)."""
        if self.uploader is not None:
            self.uploader.start()

    def stop(self, flush_seconds: float) -> None:
        """Finish the active segments and upload what can be uploaded in time."""
        for spool in self.spools.values():
            spool.close()
        if self.uploader is not None:
            self.uploader.stop(flush_seconds)

    def record_decisions(self, profile: str, records: list[dict[str, Any]]) -> None:
        """Durably spool decision records (raises SpoolError if that is impossible)."""
        self.spools[(PREDICTIONS, profile)].append(records)

    def record_feedback(self, profile: str, record: dict[str, Any]) -> None:
        """Durably spool one ground-truth record."""
        self.spools[(FEEDBACK, profile)].append([record])

    def _oldest_pending_age(self) -> float:
        """Seconds since the oldest record not yet uploaded was spooled (at most: its
        segment's opening); 0 when nothing waits."""
        opened = [s.oldest_pending() for s in self.spools.values()]
        oldest = min((moment for moment in opened if moment is not None), default=None)
        if oldest is None:
            return 0.0
        return round(max(0.0, time.time() - oldest.timestamp()), 1)

    def status(self) -> dict[str, Any]:
        """Backlog, failures and last success, for /ready and monitoring."""
        spooled = sum(spool.backlog_bytes() for spool in self.spools.values())
        writable = all(spool.writable() for spool in self.spools.values())
        errors = [s.last_error for s in self.spools.values() if s.last_error]
        status: dict[str, Any] = {
            "spool_writable": writable,
            "backlog_bytes": spooled,
            "backlog_segments": sum(len(s.ready_segments()) for s in self.spools.values()),
            "oldest_pending_age_seconds": self._oldest_pending_age(),
        }
        if errors and not writable:
            status["spool_error"] = errors[0]
        if self.uploader is None:
            status["uploads"] = "disabled"
            return status
        stats = self.uploader.stats
        with stats.lock:
            status |= {
                "uploaded_objects": stats.uploaded_objects,
                "uploaded_records": stats.uploaded_records,
                "upload_failures": stats.upload_failures,
                "uploader_alive": self.uploader.alive(),
                "store_failing": stats.consecutive_failures > 0,
                "last_upload_age_seconds": (
                    None
                    if stats.last_success is None
                    else round(time.time() - stats.last_success, 1)
                ),
            }
        return status
