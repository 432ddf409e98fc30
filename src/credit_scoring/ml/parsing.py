"""Record-level parsing of raw values: one function per column kind.

Every function maps a raw Series (strings as in the Kaggle file, numbers, or
values already parsed) to canonical values; dirt tokens, unparseable text and
impossible values become missing. Parsing canonical values again is a no-op,
so dataset-level cleaning can hand its output to the same Pipeline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from credit_scoring.profiles.base import ColumnKind, InputColumn

_HISTORY_TEXT = re.compile(r"^\s*(\d+)\s+Years?\s+and\s+(\d+)\s+Months?\s*$", re.IGNORECASE)
MAX_MONTH_IN_YEAR = 11


def _as_text(values: pd.Series) -> pd.Series:
    """Values as stripped strings, missing kept missing."""
    return values.astype("string").str.strip()


def _within_range(numbers: pd.Series, column: InputColumn) -> pd.Series:
    """Numbers outside the column's valid range become NaN (numpy: cheap for one row too)."""
    array = numbers.to_numpy(dtype="float64", na_value=np.nan)
    low = -np.inf if column.minimum is None else column.minimum
    high = np.inf if column.maximum is None else column.maximum
    with np.errstate(invalid="ignore"):
        valid = (array >= low) & (array <= high)
    return pd.Series(np.where(valid, array, np.nan), index=numbers.index)


def parse_number(values: pd.Series, column: InputColumn) -> pd.Series:
    """Numbers from raw values: tokens and text missing, trailing `_` stripped."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype("float64")
    else:
        text = _as_text(values)
        text = text.mask(text.isin(column.tokens)).str.rstrip("_")
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    return _within_range(numbers, column)


def history_text_months(text: str) -> int | None:
    """Months in "22 Years and 1 Months"; None when the text has another shape.

    Raises ValueError for a month count over 11 ("22 Years and 13 Months").
    """
    match = _HISTORY_TEXT.match(text)
    if match is None:
        return None
    if int(match[2]) > MAX_MONTH_IN_YEAR:
        raise ValueError(f"the months in {text.strip()!r} must be 0 to {MAX_MONTH_IN_YEAR}")
    return int(match[1]) * 12 + int(match[2])


def parse_history_age(values: pd.Series, column: InputColumn) -> pd.Series:
    """Months of credit history from a number or "22 Years and 1 Months"."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        return _within_range(values.astype("float64"), column)
    text = _as_text(values)
    parts = text.str.extract(_HISTORY_TEXT)
    months_part = pd.to_numeric(parts[1], errors="coerce")
    from_text = pd.to_numeric(parts[0], errors="coerce") * 12 + months_part.where(
        months_part <= MAX_MONTH_IN_YEAR
    )
    months = pd.to_numeric(text, errors="coerce").fillna(from_text).astype("float64")
    return _within_range(months, column)


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


def split_loan_text(text: str) -> list[str]:
    """Items of Kaggle's loan list text ("A, B, and C"), in time linear in the text's length
    (no regular expression to backtrack over long runs of spaces)."""
    items: list[str] = []
    for part in text.split(","):
        words: list[str] = []
        for word in part.split():
            if word == "and":
                items.append(" ".join(words))
                words = []
            else:
                words.append(word)
        items.append(" ".join(words))
    return [item for item in items if item]


def loan_items(value: object, loan_types: Iterable[str]) -> list[str] | None:
    """The loan types in one raw value (Kaggle text list or JSON list); None if unknown."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (list, tuple)):
        items = [str(item).strip() for item in value]
    else:
        text = str(value).strip()
        if text.startswith("["):
            try:
                decoded = json.loads(text)
            except (json.JSONDecodeError, RecursionError):
                return None
            items = [str(item).strip() for item in decoded]
        else:
            items = split_loan_text(text)
    allowed = set(loan_types)
    return [item for item in items if item in allowed]


def format_loan_list(items: list[str]) -> str:
    """Kaggle's spelling of a loan list: 'A, B, and C' (even for two items)."""
    if len(items) < 2:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + ", and " + items[-1]


def parse_loan_list(values: pd.Series, column: InputColumn) -> pd.Series:
    """Canonical Kaggle-format loan lists; missing when absent or unreadable."""
    cache: dict[object, object] = {}

    def canonical(value: object) -> object:
        key = value if isinstance(value, (str, float, type(None))) else repr(value)
        if key not in cache:
            items = loan_items(value, column.categories)
            cache[key] = None if items is None else format_loan_list(items)
        return cache[key]

    return values.astype(object).map(canonical)


_PARSERS = {
    ColumnKind.NUMBER: parse_number,
    ColumnKind.HISTORY_AGE: parse_history_age,
    ColumnKind.CATEGORY: parse_category,
    ColumnKind.LOAN_LIST: parse_loan_list,
}


def parse_column(values: pd.Series, column: InputColumn) -> pd.Series:
    """Canonical values of one input column."""
    return _PARSERS[column.kind](values, column)
