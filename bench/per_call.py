"""Microseconds per call of something on the request path, timed in process."""

from __future__ import annotations

import time
from collections.abc import Callable


def microseconds_per_call(call: Callable[[], object], calls: int, repeats: int) -> list[float]:
    """Per run of ``calls`` calls, the microseconds one call took on average; ``repeats`` runs."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        runs.append((time.perf_counter() - started) / calls * 1e6)
    return runs
