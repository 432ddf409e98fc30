"""credit_score's own raw formats: credit history as "22 Years and 1 Months", and the loan
list as Kaggle's text ("A, B, and C") or a JSON list. Parsers take a raw Series and a column
and return canonical values, unreadable ones missing (see ``ml.parsing`` for the shared ones).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from credit_scoring.profiles.base import InputColumn

_HISTORY_TEXT = re.compile(r"^\s*(\d+)\s+Years?\s+and\s+(\d+)\s+Months?\s*$", re.IGNORECASE)
MAX_MONTH_IN_YEAR = 11


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
        return column.within_range(values.astype("float64"))
    text = values.astype("string").str.strip()
    parts = text.str.extract(_HISTORY_TEXT)
    months_part = pd.to_numeric(parts[1], errors="coerce")
    from_text = pd.to_numeric(parts[0], errors="coerce") * 12 + months_part.where(
        months_part <= MAX_MONTH_IN_YEAR
    )
    months = pd.to_numeric(text, errors="coerce").fillna(from_text).astype("float64")
    return column.within_range(months)


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
    """Canonical loan lists: a tuple of the known loan types, in order, repeats kept (the
    form the features count from); missing when absent or unreadable. A tuple or list (the
    API's already-parsed form) is read as it is, text (a file's) is parsed once."""
    cache: dict[object, object] = {}

    def canonical(value: object) -> object:
        key = value if isinstance(value, (str, float, tuple, type(None))) else repr(value)
        if key not in cache:
            items = loan_items(value, column.categories)
            cache[key] = None if items is None else tuple(items)
        return cache[key]

    return values.astype(object).map(canonical)
