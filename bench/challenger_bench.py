"""The challenger's cost on the request path: ``Challenger.annotate`` of one decided record
(the seed example), as /predict runs it after the champion's decision and before the answer.
The challenger here is a second load of the served model: a challenger of the same kind."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from credit_scoring.ml.artifact import load_artifact
from credit_scoring.ml.scorer import Scorer, canonical_columns
from credit_scoring.profiles import Profile
from credit_scoring.service.challenger import Challenger
from credit_scoring.service.metrics import Metrics
from credit_scoring.service.schemas import record_model

from per_call import microseconds_per_call

CALLS, REPEATS = 2_000, 5


def annotate_cost(directory: Path, profile: Profile) -> dict[str, Any]:
    """Median microseconds per ``annotate`` of one record, over REPEATS runs of CALLS calls."""
    challenger = Challenger(
        Scorer(load_artifact(directory)), Metrics([], lambda: None, dict, lambda: True)
    )
    body = next(iter(profile.examples.values()))["data"]
    columns = canonical_columns([vars(record_model(profile).model_validate(body))], profile)
    record: dict[str, Any] = {"outputs": {"decision": "APROVADO"}}
    runs = microseconds_per_call(lambda: challenger.annotate(columns, [record]), CALLS, REPEATS)
    if "error" in record["challenger"]:
        raise RuntimeError(f"the challenger failed: {record['challenger']['error']}")
    cost = statistics.median(runs)
    print(f"  {profile.name}: {cost:.0f} µs per decided record")
    return {
        "microseconds_per_record": cost,
        "runs": runs,
        "command": f"Challenger.annotate of one {profile.name} record, {CALLS:,} calls, "
        f"median of {REPEATS}",
    }
