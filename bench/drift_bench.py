"""The drift monitor's cost on the request path: one decided record's inputs into its
profile's window (``InputWindow.add``), as `/predict` does it after each decision."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from credit_scoring.ml.artifact import load_artifact
from credit_scoring.ml.scorer import canonical_columns
from credit_scoring.profiles import Profile
from credit_scoring.service.drift_monitor import InputWindow
from credit_scoring.service.schemas import record_model

from per_call import microseconds_per_call

CALLS, REPEATS = 20_000, 5


def add_cost(directory: Path, profile: Profile) -> dict[str, Any]:
    """Median microseconds per ``add`` of one record (the seed example), over REPEATS runs
    of CALLS calls into a full-size window."""
    reference = load_artifact(directory).metadata.input_reference
    if reference is None:
        return {"skipped": "the model has no input reference (trained before drift monitoring)"}
    body = next(iter(profile.examples.values()))["data"]
    record = vars(record_model(profile).model_validate(body))
    columns = canonical_columns([record], profile)
    window = InputWindow(profile, reference, 10_000)
    runs = microseconds_per_call(lambda: window.add(columns), CALLS, REPEATS)
    cost = statistics.median(runs)
    print(f"  {profile.name}: {cost:.2f} µs per record")
    return {
        "microseconds_per_record": cost,
        "runs": runs,
        "command": f"InputWindow.add of one {profile.name} record, {CALLS:,} calls, "
        f"median of {REPEATS}",
    }
