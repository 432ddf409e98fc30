"""API-key authentication (hashed keys, constant-time comparison) and per-client rate limits."""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


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
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, bursting up to the same number."""

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, client: str) -> int:
        """0 when the request may pass (and is counted), else seconds to wait."""
        rate = self.per_minute / 60.0
        with self._lock:
            bucket = self._refilled(client)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return max(1, math.ceil((1 - bucket.tokens) / rate))

    def charge(self, client: str, requests: int) -> None:
        """Count ``requests`` more against ``client`` after the fact (a batch's refused
        records): its next requests wait until the bucket has refilled."""
        with self._lock:
            bucket = self._refilled(client)
            bucket.tokens = max(-float(self.per_minute), bucket.tokens - requests)

    def _refilled(self, client: str) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.setdefault(client, _Bucket(float(self.per_minute), now))
        rate = self.per_minute / 60.0
        bucket.tokens = min(self.per_minute, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        return bucket
