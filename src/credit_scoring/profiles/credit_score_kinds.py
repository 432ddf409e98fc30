"""credit_score's own column kinds: the credit history as months or "22 Years and 1 Months",
and the loan list as Kaggle's text ("A, B, and C") or a JSON list. Each reads a raw file's
values, a validated API field, and says what the API accepts (see ``profiles.kinds``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BeforeValidator, WithJsonSchema

from credit_scoring.profiles.base import ColumnKind, InputColumn
from credit_scoring.profiles.kinds import (
    PLAIN_NUMBER,
    choices,
    limits,
    number_or_nan,
    plain_number,
    read_per_distinct,
)

_HISTORY_TEXT = re.compile(r"^ *([0-9]+) +Years? +and +([0-9]+) +Months? *$", re.IGNORECASE)
MAX_MONTH_IN_YEAR = 11
MAX_LOAN_TEXT_CHARS = 1_000
MAX_LOAN_ITEMS = 20  # Num_of_Loan's maximum: a loan list names each loan at most once


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


def _months(text: str) -> float:
    """Months in a raw value: a number, or "22 Years and 1 Months"; NaN when neither."""
    try:
        return float(text)
    except ValueError:
        pass
    match = _HISTORY_TEXT.match(text)
    if match is None or int(match[2]) > MAX_MONTH_IN_YEAR:
        return np.nan
    return float(int(match[1]) * 12 + int(match[2]))


def _months_of(texts: pd.Series) -> pd.Series:
    """``_months`` of each raw value."""
    return pd.Series([_months(str(text)) for text in texts], dtype="float64")


def _history_months(value: Any) -> Any:
    """Months from a number (as every numeric field reads one: ``plain_number``) or text
    like "22 Years and 1 Months" (API field)."""
    if isinstance(value, str):
        months = history_text_months(value)
        if months is not None:
            return months
        if not PLAIN_NUMBER.fullmatch(value):
            raise ValueError('expected months or text like "22 Years and 1 Months"')
    return plain_number(value)


class HistoryAgeKind(ColumnKind):
    """Months of credit history, sent as a number or as "22 Years and 1 Months"."""

    name = "history_age"
    ranged = True

    def parse(self, values: pd.Series, column: InputColumn) -> pd.Series:
        """Months of credit history from a number or "22 Years and 1 Months"."""
        if pd.api.types.is_numeric_dtype(values.dtype):
            return column.within_range(values.astype("float64"))
        months = read_per_distinct(values, _months_of, np.nan)
        return column.within_range(months)

    def canonical(self, value: Any, column: InputColumn) -> float:
        """The validated months as a float (NaN when absent)."""
        return number_or_nan(value, column)

    def field_type(self, column: InputColumn) -> Any:
        """Whole months within the validity range, or the text form."""
        schema = {
            "anyOf": [
                {"type": "integer", "minimum": column.minimum, "maximum": column.maximum},
                {
                    "type": "string",
                    "pattern": r"^([0-9]|[1-4][0-9]) Years and ([0-9]|1[01]) Months$",
                },
            ],
            "x-entry": "years-and-months",  # a form asks for years and months
        }
        return Annotated[
            int, *limits(column), BeforeValidator(_history_months), WithJsonSchema(schema)
        ]


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


def loan_items(value: object, column: InputColumn) -> list[str] | None:
    """The loan types in one raw value (Kaggle text list or JSON list); None if unknown
    (absent, unreadable, or one of the column's unknown answers, such as a form's "Two or
    More Types of Loan": several loans of types not given)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (list, tuple)):
        items = [str(getattr(item, "value", item)).strip() for item in value]
    else:
        text = str(value).strip()
        if text in column.unknown_answers:
            return None
        if text.startswith("["):
            try:
                decoded = json.loads(text)
            except (json.JSONDecodeError, RecursionError):
                return None
            items = [str(item).strip() for item in decoded]
        else:
            items = split_loan_text(text)
    return [item for item in items if item in column.categories]


def format_loan_list(items: Iterable[str]) -> str:
    """Kaggle's spelling of a loan list: 'A, B, and C' (even for two items)."""
    items = list(items)
    if len(items) < 2:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _decoded_loan_text(value: str) -> Any:
    """The items of a Kaggle text list, or the decoded JSON of a JSON-encoded list."""
    if value.strip().startswith("["):
        try:
            return json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            raise ValueError("not a valid JSON list of loan types") from None
    items = split_loan_text(value)
    if not items:
        raise ValueError("an empty loan list; send null or [] when there are no loans")
    return items


class LoanListKind(ColumnKind):
    """The loan types held: a tuple of known types, in order, repeats kept (the form the
    features count from); missing when absent, unreadable or an unknown answer."""

    name = "loan_list"

    def parse(self, values: pd.Series, column: InputColumn) -> pd.Series:
        """Canonical loan lists; a file's text is parsed once per distinct value."""
        objects = values.astype(object)
        try:
            return read_per_distinct(objects, lambda texts: self._lists(texts, column), None)
        except TypeError:  # unhashable values (lists): one by one
            return objects.map(lambda value: self.canonical(value, column))

    def _lists(self, values: pd.Series, column: InputColumn) -> pd.Series:
        """Each value's loan list, one by one (element by element: tuples stay values)."""
        lists = np.empty(len(values), dtype=object)
        for index, value in enumerate(values):
            lists[index] = self.canonical(value, column)
        return pd.Series(lists, dtype=object)

    def canonical(self, value: Any, column: InputColumn) -> tuple[str, ...] | None:
        """The loan types as a tuple, None when unknown."""
        items = loan_items(value, column)
        return None if items is None else tuple(items)

    def drift_values(self, values: np.ndarray, column: InputColumn) -> np.ndarray:
        """The number of loans in each list (NaN when unknown)."""
        counts = [len(v) if isinstance(v, tuple) else np.nan for v in values]
        return np.asarray(counts, dtype=np.float64)

    def field_type(self, column: InputColumn) -> Any:
        """A JSON list of loan types, Kaggle's text list, or an unknown answer; bounded."""
        one = "(" + "|".join(re.escape(loan) for loan in column.categories) + ")"
        schema = {
            "anyOf": [
                {
                    "type": "array",
                    "maxItems": MAX_LOAN_ITEMS,
                    "items": {"type": "string", "enum": list(column.categories)},
                },
                {
                    "type": "string",
                    "maxLength": MAX_LOAN_TEXT_CHARS,
                    "pattern": f"^{one}(, {one})*(, and {one})?$",
                },
                *({"type": "string", "const": answer} for answer in column.unknown_answers),
            ]
        }
        validator = BeforeValidator(lambda value: _loan_list(value, column))
        loan_type: Any = choices("LoanType", column.categories)
        return Annotated[list[loan_type] | None, validator, WithJsonSchema(schema)]


def _loan_list(value: Any, column: InputColumn) -> Any:
    """A Kaggle text list or a JSON list (or JSON-encoded list) of loan types, as a list;
    None for an unknown answer.

    Bounded before any parsing: at most MAX_LOAN_TEXT_CHARS characters and MAX_LOAN_ITEMS
    items, so that no request can make parsing slow or its audit record large.
    """
    if value is None or (isinstance(value, str) and value.strip() in column.unknown_answers):
        return None
    if isinstance(value, str) and len(value) > MAX_LOAN_TEXT_CHARS:
        raise ValueError(f"a loan list has at most {MAX_LOAN_TEXT_CHARS} characters")
    if isinstance(value, str):
        value = _decoded_loan_text(value)
    if not isinstance(value, list):
        raise ValueError("expected a list of loan types or the Kaggle text list")
    if len(value) > MAX_LOAN_ITEMS:
        raise ValueError(f"a loan list has at most {MAX_LOAN_ITEMS} items")
    return value


HISTORY_AGE = HistoryAgeKind()
LOAN_LIST = LoanListKind()
