"""Spool segments shared by several processes: whoever loses a race for a segment skips it."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from credit_scoring.service.audit import spool
from credit_scoring.service.audit.spool import claimed
from tests.helpers import small_spool


@pytest.mark.parametrize("other_process", ["uploaded and removed it", "renamed it"])
def test_a_segment_taken_while_we_waited_for_its_lock_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_process: str
) -> None:
    path = tmp_path / "predictions-20261122T000000-a-000001.part"
    path.write_bytes(b'{"request_id": "r1"}\n')
    real_flock = spool.fcntl.flock

    def lock_after_the_other_process(handle: Any, flags: int) -> None:
        if other_process == "renamed it":
            path.rename(path.with_suffix(".jsonl"))
        else:
            path.unlink()
        real_flock(handle, flags)

    monkeypatch.setattr(spool.fcntl, "flock", lock_after_the_other_process)
    with claimed(path) as handle:
        assert handle is None


def test_an_unheld_segment_is_claimed(tmp_path: Path) -> None:
    path = tmp_path / "predictions-20261122T000000-a-000001.jsonl"
    path.write_bytes(b"{}\n")
    with claimed(path) as handle:
        assert handle is not None and handle.read() == b"{}\n"


@pytest.mark.parametrize("recovery", ["before our lock", "while we try to lock"])
def test_a_segment_recovered_before_its_writer_locked_it_loses_no_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recovery: str
) -> None:
    """Another task's crash recovery may find our new segment in the instant between its
    creation and our lock, take it for a dead task's, and remove it (it is empty). Our
    records must not go into the removed file."""
    writer, other_task = small_spool(tmp_path, "task-a"), small_spool(tmp_path, "task-b")
    real_flock = spool.fcntl.flock
    raced: list[int] = []

    def recovery_races_our_lock(handle: Any, flags: int) -> None:
        if raced:  # only the writer's first lock is raced
            return real_flock(handle, flags)
        raced.append(1)
        if recovery == "before our lock":
            raced[0] = other_task.recover_orphans()
            return real_flock(handle, flags)
        with claimed(Path(handle.name)):  # the recovery holds it ...
            try:
                return real_flock(handle, flags)
            finally:
                Path(handle.name).unlink()  # ... and removes it, being empty

    monkeypatch.setattr(spool.fcntl, "flock", recovery_races_our_lock)
    writer.append([{"decision_id": "d1"}])
    monkeypatch.undo()
    writer.close()
    assert raced == [1]  # the race did happen: the new, still unlocked segment was taken
    segments = list(tmp_path.glob("predictions-*"))
    assert [path.read_bytes() for path in segments] == [b'{"decision_id":"d1"}\n'], segments


def _append_concurrently(writer: spool.Spool, count: int) -> list[str]:
    """``count`` threads append one record each at once; what each got ("ok" or the error)."""
    outcomes: list[str] = [""] * count
    start = threading.Barrier(count)

    def one(k: int) -> None:
        start.wait()
        try:
            writer.append([{"decision_id": f"d{k}"}])
            outcomes[k] = "ok"
        except spool.SpoolError as error:
            outcomes[k] = str(error)

    threads = [threading.Thread(target=one, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_appends_share_fsyncs_and_each_waits_for_one_after_its_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = small_spool(tmp_path, "task-a", fsync=True)
    real_sync = spool.os.fdatasync
    synced_sizes: list[int] = []

    def slow_sync(descriptor: int) -> None:
        time.sleep(0.01)  # a disk flush: the others queue meanwhile
        real_sync(descriptor)
        synced_sizes.append(os.fstat(descriptor).st_size)

    monkeypatch.setattr(spool.os, "fdatasync", slow_sync)
    assert _append_concurrently(writer, 32) == ["ok"] * 32
    assert 1 <= len(synced_sizes) < 32  # shared, not one each
    (segment,) = tmp_path.glob("predictions-*.part")
    assert synced_sizes[-1] == segment.stat().st_size  # the last fsync covered every write
    writer.close()
    lines = next(tmp_path.glob("predictions-*.jsonl")).read_text().splitlines()
    assert sorted(lines) == sorted(f'{{"decision_id":"d{k}"}}' for k in range(32))


def test_a_new_segment_s_name_is_synced_with_its_first_record_off_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = small_spool(tmp_path, "task-a", fsync=True)
    synced: list[str] = []
    real_fsync, real_sync = spool.os.fsync, spool.os.fdatasync

    def fsync(descriptor: int) -> None:
        synced.append("directory" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file")
        real_fsync(descriptor)

    def fdatasync(descriptor: int) -> None:
        synced.append("record")
        real_sync(descriptor)

    monkeypatch.setattr(spool.os, "fsync", fsync)
    monkeypatch.setattr(spool.os, "fdatasync", fdatasync)
    ticket = writer.write([{"decision_id": "d1"}])  # as on the event loop: no sync there
    assert synced == []
    writer.make_durable(ticket)  # its fsync thread: the new segment's name, then the data
    writer.append([{"decision_id": "d2"}])
    writer.close()
    assert synced == ["directory", "record", "record"]


def test_when_an_fsync_fails_no_append_it_covered_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = small_spool(tmp_path, "task-a", fsync=True)

    def failing_sync(descriptor: int) -> None:
        time.sleep(0.01)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(spool.os, "fdatasync", failing_sync)
    outcomes = _append_concurrently(writer, 16)
    assert all("audit spool unavailable" in outcome for outcome in outcomes), outcomes
