"""API-key authentication (hashed keys, constant-time comparison) and per-client rate limits."""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol


def hash_key(key: str) -> str:
    """The sha256 hex digest under which a key is configured (keys are random tokens)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyRing:
    """Configured clients; resolves a presented key to its client id."""

    def __init__(self, hashed_keys: dict[str, str]) -> None:
        self._hashes = [(client, digest.lower()) for client, digest in hashed_keys.items()]

    def client_for(self, key: str | None) -> str | None:
        """The client id owning ``key``, comparing against every hash in constant time."""
        if not key:
            return None
        presented = hash_key(key)
        owner = None
        for client, digest in self._hashes:
            if hmac.compare_digest(presented, digest):
                owner = client
        return owner


@dataclass
class Bucket:
    """A client's token bucket: tokens left, and when they were last counted."""

    tokens: float
    updated: float


class BucketStore(Protocol):
    """Where the buckets live: this process, or a file every worker shares."""

    def holding(self, client: str, fresh: Bucket) -> AbstractContextManager[Bucket]:
        """The client's bucket (``fresh`` when it has none), under the store's lock; its
        changes are kept when the block ends."""


class MemoryBuckets:
    """Buckets of one process."""

    def __init__(self) -> None:
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    @contextmanager
    def holding(self, client: str, fresh: Bucket) -> Iterator[Bucket]:
        """The client's bucket, under the lock."""
        with self._lock:
            yield self._buckets.setdefault(client, fresh)


@dataclass
class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, bursting up to the same number.
    With several workers, ``buckets`` is one file they share (``service.shared_buckets``),
    so the limit holds for the instance, not for each worker."""

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    buckets: BucketStore = field(default_factory=MemoryBuckets)

    def retry_after(self, client: str) -> int:
        """0 when the request may pass (and is counted), else seconds to wait."""
        with self._refilled(client) as bucket:
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return max(1, math.ceil((1 - bucket.tokens) / (self.per_minute / 60.0)))

    def charge(self, client: str, requests: int) -> None:
        """Count ``requests`` more against ``client`` after the fact (a batch's refused
        records): its next requests wait until the bucket has refilled."""
        with self._refilled(client) as bucket:
            bucket.tokens = max(-float(self.per_minute), bucket.tokens - requests)

    @contextmanager
    def _refilled(self, client: str) -> Iterator[Bucket]:
        now = self.clock()
        with self.buckets.holding(client, Bucket(float(self.per_minute), now)) as bucket:
            rate = self.per_minute / 60.0
            bucket.tokens = min(self.per_minute, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            yield bucket
