"""Spool segments shared by several processes: whoever loses a race for a segment skips it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from credit_scoring.service.audit import spool
from credit_scoring.service.audit.spool import claimed


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
