"""Data drift: the training distributions stored in the artifact, and the population
stability index (PSI) of a sample of inputs against them.

Each input is binned the same way at training and in service (``bin_counts``): a number by
the deciles of its training values, a category by its categories, and in both a last bin
for a missing value. A category's canonical value is one of its categories or missing (an
unknown answer or unreadable text is missing), so no "other" bin is needed: a new kind of
answer shows up as a change in the missing share.

PSI = sum over bins of (current - reference) * ln(current / reference), both shares
floored at ``SHARE_FLOOR``; 0.10 is the usual "watch" level and 0.25 "act". On unchanged
data n * PSI is close to a chi-square with (bins - 1) degrees of freedom, so a small window
crosses a level by chance alone (with 100 inputs and 11 bins, 0.10 about half the time). A
level is therefore only called when the window holds at least ``minimum_window(level,
bins)`` inputs: the size at which unchanged data crosses it less than 1 % of the time
(about 300 inputs for "watch" and 120 for "act" with 11 bins).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from credit_scoring.profiles.base import InputColumn, Profile

BINS = 10
SHARE_FLOOR = 1e-4
LEVELS = {"watch": 0.10, "act": 0.25}
# The chi-square's 99.9th percentile (the standard normal's, 3.09, through Wilson and
# Hilferty): the approximation is loose on small windows, and by resampling (tests) this
# keeps chance crossings under 1 % where its 99th percentile let up to 3.4 % through.
FALSE_ALARM_Z = 3.09


def feature_reference(values: pd.Series) -> dict[str, Any]:
    """Decile bin edges (unique) and the training share in each bin, plus the missing share."""
    present = values.dropna().to_numpy(dtype=float)
    missing = float(values.isna().mean())
    if len(present) == 0:
        return {"edges": [], "shares": [], "missing_share": missing}
    edges = _deciles(present).tolist()
    counts = bin_counts(present, {"edges": edges})[:-1]  # the missing bin is kept apart here
    shares = counts / len(values)
    return {"edges": edges, "shares": shares.tolist(), "missing_share": missing}


def reference_distributions(features: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The reference of every encoded feature."""
    return {str(name): feature_reference(features[name]) for name in features.columns}


def _deciles(present: np.ndarray) -> np.ndarray:
    return np.unique(np.quantile(present, np.linspace(0, 1, BINS + 1)[1:-1]))


def input_reference(canonical: pd.DataFrame, profile: Profile) -> dict[str, dict[str, Any]]:
    """Per input, how its training values fall into its drift bins: ``edges`` (numbers) or
    ``categories``, and ``shares``, one per bin, the missing bin last."""
    references = {}
    for column in profile.inputs:
        values = column.kind.drift_values(canonical[column.name].to_numpy(), column)
        categories = column.kind.drift_categories(column)
        if categories is None:
            present = values[~np.isnan(values)]
            reference: dict[str, Any] = {
                "edges": _deciles(present).tolist() if len(present) else []
            }
        else:
            reference = {"categories": list(categories)}
        counts = bin_counts(values, reference)
        references[column.name] = reference | {"shares": (counts / len(values)).tolist()}
    return references


def bin_counts(values: np.ndarray, reference: dict[str, Any]) -> np.ndarray:
    """How many of ``values`` (an input's drift values) fall in each of its bins."""
    if "categories" in reference:
        bins = len(reference["categories"]) + 1
        index = np.where(np.isnan(values), bins - 1, values)
    else:
        edges = np.asarray(reference["edges"], dtype=np.float64)
        bins = len(edges) + 2
        index = np.where(np.isnan(values), bins - 1, np.searchsorted(edges, values, "right"))
    return np.bincount(index.astype(np.int64), minlength=bins)


def bin_labels(reference: dict[str, Any]) -> list[str]:
    """A readable name per bin: the category, or the range of numbers, and ``missing``."""
    if "categories" in reference:
        return [*reference["categories"], "missing"]
    edges = [f"{edge:g}" for edge in reference["edges"]]
    if not edges:
        return ["any", "missing"]
    inner = [f"{low} to <{high}" for low, high in zip(edges, edges[1:])]
    return [f"<{edges[0]}", *inner, f">={edges[-1]}", "missing"]


def psi(reference_shares: np.ndarray, counts: np.ndarray) -> float:
    """The population stability index of ``counts`` against the reference shares."""
    expected = np.maximum(np.asarray(reference_shares, dtype=np.float64), SHARE_FLOOR)
    actual = np.maximum(counts / max(int(counts.sum()), 1), SHARE_FLOOR)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def minimum_window(level: float, bins: int) -> int:
    """The fewest inputs for which unchanged data crosses ``level`` under 1 % of the time:
    a high percentile of the chi-square with ``bins - 1`` degrees of freedom (Wilson and
    Hilferty's approximation; ``FALSE_ALARM_Z``), over the level."""
    freedom = max(bins - 1, 1)
    spread = 2 / (9 * freedom)
    quantile = freedom * (1 - spread + FALSE_ALARM_Z * math.sqrt(spread)) ** 3
    return math.ceil(quantile / level)


def drift_level(value: float, window: int, bins: int) -> str:
    """``act``, ``watch`` or ``ok`` as the PSI says, or ``too_few`` when the window is too
    small to tell (below the watch level's minimum, and not enough for an act call)."""
    for name in ("act", "watch"):
        if value >= LEVELS[name] and window >= minimum_window(LEVELS[name], bins):
            return name
    return "ok" if window >= minimum_window(LEVELS["watch"], bins) else "too_few"


def used_bins(reference: dict[str, Any]) -> int:
    """The bins training values fell into (those that count as degrees of freedom)."""
    return int(np.count_nonzero(np.asarray(reference["shares"]) > 0))


def input_column_counts(
    column: InputColumn, values: np.ndarray, reference: dict[str, Any]
) -> np.ndarray:
    """How many of an input's canonical values fall in each of its drift bins."""
    return bin_counts(column.kind.drift_values(values, column), reference)


def input_column_drift(
    column: InputColumn, values: np.ndarray, reference: dict[str, Any]
) -> dict[str, Any]:
    """One input's row of the drift table for a sample of its canonical values."""
    return drift_row(input_column_counts(column, values, reference), reference)


def drift_row(counts: np.ndarray, reference: dict[str, Any]) -> dict[str, Any]:
    """One input's row of the drift table for its values' counts per bin."""
    records = int(counts.sum())
    value = psi(np.asarray(reference["shares"]), counts)
    bins = used_bins(reference)
    return {
        "psi": round(value, 6),
        "level": drift_level(value, records, bins),
        "bins": bins,
        "minimum_window": {name: minimum_window(level, bins) for name, level in LEVELS.items()},
        "bin_labels": bin_labels(reference),
        "reference_shares": [round(share, 6) for share in reference["shares"]],
        "current_shares": (counts / max(records, 1)).round(6).tolist(),
    }
