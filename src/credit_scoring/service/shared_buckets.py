"""Rate-limit buckets every worker process of one instance shares: a fixed table of slots in
a memory-mapped file, each read and written under an exclusive ``flock`` of the file (a
few microseconds). The monotonic clock is the machine's, the same in every worker.

A slot holds a client's key hash, tokens and last update. A client's slot is found by
probing from its hash; when every probed slot belongs to others, the one idle longest is
taken over (after a minute idle a bucket is full again, so nothing is lost unless more
clients than ``SLOTS`` are active within a minute).
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from credit_scoring.service.auth import Bucket

SLOT = struct.Struct("<Qdd")  # key hash (0: empty), tokens, updated
SLOTS = 16_384
PROBES = 32


class SharedBuckets:
    """The buckets in ``path`` (created, zeroed, when missing)."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        size = SLOT.size * SLOTS
        with self._locked():
            if os.fstat(self._fd).st_size < size:
                os.ftruncate(self._fd, size)
        self._map = mmap.mmap(self._fd, size)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    @contextmanager
    def holding(self, client: str, fresh: Bucket) -> Iterator[Bucket]:
        """The client's bucket, the file locked until the block ends and writes it back."""
        key = _key(client)
        with self._locked():
            offset, bucket = self._find(key, fresh)
            yield bucket
            SLOT.pack_into(self._map, offset, key, bucket.tokens, bucket.updated)

    def _find(self, key: int, fresh: Bucket) -> tuple[int, Bucket]:
        """The client's slot and bucket; an empty slot, or the longest idle, when none."""
        idlest, idlest_since = -1, float("inf")
        for probe in range(PROBES):
            offset = ((key + probe) % SLOTS) * SLOT.size
            owner, tokens, updated = SLOT.unpack_from(self._map, offset)
            if owner == key:
                return offset, Bucket(tokens, updated)
            if owner == 0:
                return offset, fresh
            if updated < idlest_since:
                idlest, idlest_since = offset, updated
        return idlest, fresh


def _key(client: str) -> int:
    """A client's 64-bit slot key (never 0, the empty slot's)."""
    digest = int.from_bytes(hashlib.blake2b(client.encode(), digest_size=8).digest(), "little")
    return digest or 1
