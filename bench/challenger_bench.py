"""The challenger's cost on the request path: ``Challenger.annotate`` of one decided record
(the seed example), as /predict runs it after the champion's decision and before the answer.
The challenger here is a second load of the served model: a challenger of the same kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from credit_scoring.ml.artifact import load_artifact
from credit_scoring.ml.scorer import Scorer
from credit_scoring.profiles import Profile
from credit_scoring.service.challenger import Challenger
from credit_scoring.service.metrics import Metrics

from per_call import cost_per_record, seed_columns

CALLS, REPEATS = 2_000, 5


def annotate_cost(directory: Path, profile: Profile) -> dict[str, Any]:
    """Median microseconds per ``annotate`` of one record, over REPEATS runs of CALLS calls."""
    challenger = Challenger(
        Scorer(load_artifact(directory)), Metrics([], lambda: None, dict, lambda: True)
    )
    columns = seed_columns(profile)
    record: dict[str, Any] = {"outputs": {"decision": "APROVADO"}}
    what = f"Challenger.annotate of one {profile.name} record"
    result = cost_per_record(lambda: challenger.annotate(columns, [record]), what, CALLS, REPEATS)
    if "error" in record["challenger"]:
        raise RuntimeError(f"the challenger failed: {record['challenger']['error']}")
    print(f"  {profile.name}: {result['microseconds_per_record']:.0f} µs per decided record")
    return result
