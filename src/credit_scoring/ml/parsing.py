"""Record-level parsing of raw values, the shared kinds (numbers and categories); a profile
brings the parsers of its own kinds (``Profile.parsers``).

Every function maps a raw Series (strings as in a raw file, numbers, or values already
parsed) to canonical values; dirt tokens, unparseable text and impossible values become
missing. Parsing canonical values again is a no-op, so dataset-level cleaning can hand its
output to the same Pipeline.
"""

from __future__ import annotations

import pandas as pd

from credit_scoring.profiles.base import ColumnKind, InputColumn, Parser, Profile


def _as_text(values: pd.Series) -> pd.Series:
    """Values as stripped strings, missing kept missing."""
    return values.astype("string").str.strip()


def parse_number(values: pd.Series, column: InputColumn) -> pd.Series:
    """Numbers from raw values: tokens and text missing, trailing `_` stripped."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype("float64")
    else:
        text = _as_text(values)
        text = text.mask(text.isin(column.tokens)).str.rstrip("_")
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    return column.within_range(numbers)


def parse_category(values: pd.Series, column: InputColumn) -> pd.Series:
    """Known categories kept; tokens and anything else missing."""
    known = set(column.categories)
    return pd.Series(
        [
            value.strip() if isinstance(value, str) and value.strip() in known else None
            for value in values.to_numpy(dtype=object)
        ],
        index=values.index,
        dtype=object,
    )


_SHARED_PARSERS: dict[ColumnKind, Parser] = {
    ColumnKind.NUMBER: parse_number,
    ColumnKind.CATEGORY: parse_category,
}


def parse_column(values: pd.Series, column: InputColumn, profile: Profile) -> pd.Series:
    """Canonical values of one input column: by the profile's own parser for its kind, else
    the shared one."""
    parser = profile.parsers.get(column.kind) or _SHARED_PARSERS[column.kind]
    return parser(values, column)
