"""A bad day for the audit uploader: unexpected errors, a full disk, a dead thread."""

from __future__ import annotations

import errno
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.service.app import create_app
from credit_scoring.dev.seaweed import LocalSeaweed
from credit_scoring.service.audit.records import UploadStatus
from credit_scoring.service.audit.streams import Stream
from credit_scoring.service.audit.sink import AuditSink
from credit_scoring.service.audit.spool import READY_SUFFIX, SpoolError
from tests.helpers import HEADERS, audit_settings, make_settings, small_spool


def wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.1)


def uploads(sink: AuditSink) -> UploadStatus:
    """The sink's upload status (uploads are enabled in these tests)."""
    status = sink.status().uploads
    assert status is not None
    return status


def test_the_uploader_outlives_an_unexpected_error(
    trained_dir: Path, seaweed: LocalSeaweed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finishing a segment fails with PermissionError (the spool directory briefly read-only):
    the uploader reports it, keeps the segment, and uploads it once the directory recovers."""
    name = f"audit-{uuid.uuid4().hex[:10]}"
    settings = audit_settings(trained_dir, seaweed, name, audit_upload_interval_seconds=0.1)
    sink = AuditSink(settings, seaweed.store(name), ["credit_score"])
    real_rename = Path.rename

    def read_only_rename(path: Path, target: Any) -> Any:
        if str(target).endswith(READY_SUFFIX):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_rename(path, target)

    monkeypatch.setattr(Path, "rename", read_only_rename)
    sink.start()
    try:
        sink.record(
            Stream.PREDICTIONS,
            "credit_score",
            [{"decision_id": "d1", "time": "2026-11-23T00:00:00+00:00"}],
        )
        wait_until(lambda: uploads(sink).upload_failures >= 2)
        stalled = sink.status()
        assert uploads(sink).uploader_alive and uploads(sink).store_failing, stalled
        assert stalled.oldest_pending_age_seconds >= 0 and stalled.backlog_bytes > 0
        monkeypatch.setattr(Path, "rename", real_rename)
        wait_until(lambda: uploads(sink).uploaded_records == 1)
        recovered = sink.status()
        assert not uploads(sink).store_failing and recovered.backlog_bytes == 0, recovered
        assert recovered.oldest_pending_age_seconds == 0
    finally:
        sink.stop(2)


class FullDiskFile:
    """A freshly opened file on a full disk: every write fails."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "ab")

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def test_a_refused_write_leaves_no_empty_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = small_spool(tmp_path, "test", fsync=True)
    monkeypatch.setattr(Path, "open", lambda path, mode="r": FullDiskFile(path))
    with pytest.raises(SpoolError, match="No space left"):
        spool.append([{"decision_id": "d1"}])
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
    spool.append([{"decision_id": "d2"}])
    spool.close()
    (segment,) = tmp_path.iterdir()
    assert segment.suffix == READY_SUFFIX and b"d2" in segment.read_bytes()


def test_a_dead_upload_thread_makes_the_service_unready(
    trained_dir: Path, seaweed: LocalSeaweed
) -> None:
    name = f"audit-{uuid.uuid4().hex[:10]}"
    settings = audit_settings(trained_dir, seaweed, name)
    with TestClient(create_app(settings)) as client:
        assert client.get("/ready").status_code == 200
        uploader = client.app.state.service.audit.uploader  # type: ignore[attr-defined]
        uploader._stop.set()
        wait_until(lambda: not uploader.alive())
        ready = client.get("/ready", headers=HEADERS)
        assert ready.status_code == 503 and ready.json()["audit"]["uploader_alive"] is False
        assert "credit_audit_uploader_up 0.0" in client.get("/metrics").text


def test_oldest_pending_age_is_a_metric(trained_dir: Path, english: Any) -> None:
    settings = make_settings(trained_dir)
    with TestClient(create_app(settings)) as client:
        assert "credit_audit_oldest_pending_seconds 0.0" in client.get("/metrics").text
        assert client.post("/predict", json=english, headers=HEADERS).status_code == 200
        time.sleep(1.1)
        metrics = client.get("/metrics").text
    (line,) = [m for m in metrics.splitlines() if m.startswith("credit_audit_oldest_pending")]
    assert float(line.split()[1]) >= 1.0, line


def test_segments_are_finished_by_age_even_with_uploads_off(
    trained_dir: Path, english: Any
) -> None:
    """With CREDIT_AUDIT_UPLOAD=false nothing ships the segments, yet each is finished when
    due (here after 0.5 s), not left to grow until shutdown."""
    settings = make_settings(
        trained_dir, audit_segment_max_seconds=0.5, audit_upload_interval_seconds=0.2
    )
    spool = settings.audit_spool_dir / "credit_score"
    with TestClient(create_app(settings)) as client:
        assert client.post("/predict", json=english, headers=HEADERS).status_code == 200
        wait_until(lambda: any(spool.glob(f"predictions-*{READY_SUFFIX}")), seconds=5)
        assert client.post("/predict", json=english, headers=HEADERS).status_code == 200
        wait_until(lambda: len(list(spool.glob(f"predictions-*{READY_SUFFIX}"))) == 2, seconds=5)
