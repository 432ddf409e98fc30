"""Durability awaited on the event loop: requests writing together share an fsync, none
returns before an fsync begun after its write, and a failed fsync fails every request it
was to cover."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from credit_scoring.service.audit import spool
from credit_scoring.service.audit.group_commit import LoopGroupCommit
from tests.helpers import small_spool


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A record sync (fdatasync) taking 10 ms; the list of the segment sizes each covered."""
    real_sync = spool.os.fdatasync
    sizes: list[int] = []

    def fdatasync(descriptor: int) -> None:
        size = os.fstat(descriptor).st_size
        time.sleep(0.01)
        real_sync(descriptor)
        sizes.append(size)

    monkeypatch.setattr(spool.os, "fdatasync", fdatasync)
    return sizes


async def _request(
    writer: spool.Spool, commit: LoopGroupCommit, k: int, synced: list[int]
) -> tuple[int, int]:
    """Write one record and wait for it; the record's end offset in the segment and how
    many bytes the last fsync had covered when the wait returned."""
    ticket = writer.write([{"decision_id": f"d{k}"}])
    written_through = writer._active.tell()  # type: ignore[union-attr]
    await asyncio.sleep(0)  # let the others write too, as concurrent requests do
    await commit.wait(ticket)
    return written_through, synced[-1] if synced else 0


async def _burst(
    writer: spool.Spool, commit: LoopGroupCommit, count: int, synced: list[int]
) -> list[object]:
    return await asyncio.gather(
        *(_request(writer, commit, k, synced) for k in range(count)), return_exceptions=True
    )


def test_a_burst_shares_fsyncs_and_each_returns_after_one_covering_its_write(
    tmp_path: Path, synced: list[int]
) -> None:
    writer = small_spool(tmp_path, fsync=True)
    commit = LoopGroupCommit(writer)
    outcomes = asyncio.run(_burst(writer, commit, 32, synced))
    commit.close()
    for outcome in outcomes:
        assert isinstance(outcome, tuple), outcome
        written_through, synced_through = outcome
        assert synced_through >= written_through  # on disk before the request returned
    assert 1 <= len(synced) <= 2  # one for the burst (two if it began mid-burst)
    writer.close()
    lines = next(tmp_path.glob("predictions-*.jsonl")).read_text().splitlines()
    assert sorted(lines) == sorted(f'{{"decision_id":"d{k}"}}' for k in range(32))


def test_writes_made_during_an_fsync_wait_for_the_next(tmp_path: Path, synced: list[int]) -> None:
    writer = small_spool(tmp_path, fsync=True)
    commit = LoopGroupCommit(writer)

    async def two_waves() -> list[object]:
        first = asyncio.ensure_future(_burst(writer, commit, 4, synced))
        await asyncio.sleep(0.003)  # the first wave's fsync is under way
        second = await _burst(writer, commit, 4, synced)
        return [*await first, *second]

    outcomes = asyncio.run(two_waves())
    commit.close()
    assert all(isinstance(o, tuple) and o[1] >= o[0] for o in outcomes), outcomes
    assert len(synced) == 2
    writer.close()


def test_a_failed_fsync_fails_every_request_it_was_to_cover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = small_spool(tmp_path, fsync=True)
    commit = LoopGroupCommit(writer)

    def failing_fsync(descriptor: int) -> None:
        time.sleep(0.01)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(spool.os, "fdatasync", failing_fsync)
    outcomes = asyncio.run(_burst(writer, commit, 8, []))
    commit.close()
    assert all(isinstance(o, spool.SpoolError) for o in outcomes), outcomes
    writer.close()


def test_without_fsync_a_wait_returns_at_once(tmp_path: Path, synced: list[int]) -> None:
    writer = small_spool(tmp_path, fsync=False)
    commit = LoopGroupCommit(writer)

    async def one() -> None:
        await commit.wait(writer.write([{"decision_id": "d"}]))

    asyncio.run(one())
    commit.close()
    assert synced == []
    writer.close()
