"""Dataset-level cleaning: make each customer's rows consistent before fitting.

Runs only on training data, where a customer's months are all at hand: a value
that disagrees with the customer's other months (an age of 8153 in one month,
an occupation token) is replaced from those months. The output holds canonical
values that the Pipeline's record-level cleaning passes through unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from credit_scoring.ml.transformers import RecordCleaner
from credit_scoring.profiles import Profile

CONSTANT_TOLERANCE = 1.0


class LabelError(ValueError):
    """Target values outside the profile's classes."""


def _customer_mode(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Each row's customer mode (most frequent non-missing value; ties: the smallest)."""
    frame = pd.DataFrame({"group": groups.to_numpy(), "value": values.to_numpy()}).dropna()
    counts = frame.groupby(["group", "value"], sort=True).size().reset_index(name="n")
    counts = counts.sort_values(["group", "n"], ascending=[True, False], kind="stable")
    mode = counts.drop_duplicates("group").set_index("group")["value"]
    return pd.Series(groups.map(mode).to_numpy(), index=values.index)


def _fix_constant(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Replace missing values, and numbers far from the customer's mode, by the mode."""
    mode = _customer_mode(values, groups)
    if pd.api.types.is_numeric_dtype(values.dtype):
        mode = mode.astype("float64")
        keep = values.notna() & ((values - mode).abs() <= CONSTANT_TOLERANCE)
    else:
        keep = pd.Series(False, index=values.index)
    return values.where(keep, mode)


def _fill_counter(values: pd.Series, groups: pd.Series, period: pd.Series) -> pd.Series:
    """Fill a per-period counter (+1 each month) from the customer's other months."""
    offset = (values - period).groupby(groups).transform("median")
    return values.fillna(offset + period)


def _group_codes(groups: pd.Series) -> pd.Series:
    """The customers as numbers (NaN for a row without one, which no group takes): grouped
    once here instead of hashing the ids again for every column."""
    codes = pd.factorize(groups)[0].astype("float64")
    codes[codes < 0] = np.nan
    return pd.Series(codes, index=groups.index)


def labels(raw: pd.DataFrame, profile: Profile) -> pd.Series:
    """Target as class codes (positions in ``profile.classes``, reached through
    ``profile.target_labels`` when the file codes them); errors name bad labels."""
    text = raw[profile.target].astype("string").str.strip()
    codes_of = {name: i for i, name in enumerate(profile.classes)}
    codes_of |= {raw_value: codes_of[name] for raw_value, name in profile.target_labels.items()}
    codes = text.map(codes_of)
    bad = text[codes.isna()]
    if len(bad):
        examples = ", ".join(repr(v) for v in bad.astype(object).unique()[:5])
        raise LabelError(
            f"{len(bad)} rows have a {profile.target} outside "
            f"{list(profile.target_labels or profile.classes)}: {examples}"
        )
    return codes.astype(int)


def clean_dataset(raw: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Canonical inputs with per-customer consistency applied (rows in input order)."""
    clean = RecordCleaner(profile).fit(raw).transform(raw)
    if profile.group_column is None:
        return clean
    groups = _group_codes(raw[profile.group_column])
    for name in profile.customer_constants:
        clean[name] = _fix_constant(clean[name], groups)
    if profile.period_column:
        order = {month: i for i, month in enumerate(profile.periods)}
        period = raw[profile.period_column].map(order).astype("float64")
        for name in profile.monthly_counters:
            clean[name] = _fill_counter(clean[name], groups, period)
    for name in profile.non_decreasing:
        clean[name] = clean[name].groupby(groups).ffill().groupby(groups).bfill()
    for name in profile.customer_median_fill:
        median = clean[name].groupby(groups).transform("median")
        fill = median.round() if profile.input(name).integer else median
        clean[name] = clean[name].fillna(fill)
    return clean
