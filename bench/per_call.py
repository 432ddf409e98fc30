"""Microseconds per call of something on the request path, timed in process on one decided
record: the profile's first seed example."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from credit_scoring.ml.scorer import canonical_columns
from credit_scoring.profiles import Profile
from credit_scoring.profiles.transformer import Columns
from credit_scoring.service.schemas import record_model


def seed_columns(profile: Profile) -> Columns:
    """The canonical columns of the profile's first seed example, as /predict makes them."""
    body = next(iter(profile.examples.values()))["data"]
    return canonical_columns([vars(record_model(profile).model_validate(body))], profile)


def cost_per_record(
    call: Callable[[], object], what: str, calls: int, repeats: int
) -> dict[str, Any]:
    """The median microseconds per call over ``repeats`` runs of ``calls`` calls, each run's,
    and what was timed."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        runs.append((time.perf_counter() - started) / calls * 1e6)
    return {
        "microseconds_per_record": statistics.median(runs),
        "runs": runs,
        "command": f"{what}, {calls:,} calls, median of {repeats}",
    }
