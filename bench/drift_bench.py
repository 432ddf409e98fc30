"""The drift monitor's cost on the request path: one decided record's inputs into its
profile's window (``InputWindow.add``), as `/predict` does it after each decision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from credit_scoring.ml.artifact import load_artifact
from credit_scoring.profiles import Profile
from credit_scoring.service.drift_monitor import InputWindow

from per_call import cost_per_record, seed_columns

CALLS, REPEATS = 20_000, 5


def add_cost(directory: Path, profile: Profile) -> dict[str, Any]:
    """Median microseconds per ``add`` of one record (the seed example), over REPEATS runs
    of CALLS calls into a full-size window."""
    reference = load_artifact(directory).metadata.input_reference
    if reference is None:
        return {"skipped": "the model has no input reference (trained before drift monitoring)"}
    columns = seed_columns(profile)
    window = InputWindow(profile, reference, 10_000)
    what = f"InputWindow.add of one {profile.name} record"
    result = cost_per_record(lambda: window.add(columns), what, CALLS, REPEATS)
    print(f"  {profile.name}: {result['microseconds_per_record']:.2f} µs per record")
    return result
