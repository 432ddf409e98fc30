"""The column kinds every profile shares, numbers and categories, and the pydantic pieces
a profile's own kinds build on. A kind reads a raw file's values (vectorised, for training
and batch scoring), a validated API field (one value, for the request path), and says what
the API accepts (a pydantic type with its JSON schema)."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

import annotated_types
import numpy as np
import pandas as pd
from pydantic import AllowInfNan, BeforeValidator

from credit_scoring.profiles.base import ColumnKind, InputColumn


# The one rule for a number sent as text, in every numeric field: ASCII digits, an optional
# sign and decimal point, and nothing else but ASCII spaces around (no "4_0", no other
# digits or spaces, which Python's own float() would take).
PLAIN_NUMBER = re.compile(r" *[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+) *")
PLAIN_NUMBER_RULE = (
    "expected a number: ASCII digits with an optional sign and decimal point (as text, "
    "spaces around allowed)"
)
MAX_NUMBER_TEXT = 40


def plain_number(value: Any) -> Any:
    """A JSON number as it is (booleans refused: JSON true/false is no number, though Python
    says it is); a text by the one rule, as a float; anything else for pydantic to refuse."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, str):
        if len(value) > MAX_NUMBER_TEXT or not PLAIN_NUMBER.fullmatch(value):
            raise ValueError(PLAIN_NUMBER_RULE)
        return float(value)
    return value


def limits(column: InputColumn) -> list[Any]:
    """The column's validity range as pydantic constraints (they reach the JSON schema)."""
    bounds: list[Any] = []
    if column.minimum is not None:
        bounds.append(annotated_types.Ge(column.minimum))
    if column.maximum is not None:
        bounds.append(annotated_types.Le(column.maximum))
    return bounds


def choices(name: str, values: tuple[str, ...]) -> type[Enum]:
    """A string enum of ``values`` (an enum in the JSON schema)."""
    return Enum(name, {value: value for value in values}, type=str)  # type: ignore[return-value]


REPEAT_SAMPLE = 1_000  # the values judged
FEW_TO_JUDGE = 64  # fewer values than this: read each (the API's records, small frames)


def repeats(values: pd.Series) -> bool:
    """Whether the values repeat enough, judged on the first REPEAT_SAMPLE, that reading
    each distinct one once beats reading them all: at most one distinct value in two."""
    sample = values.iloc[:REPEAT_SAMPLE]
    return len(sample) >= FEW_TO_JUDGE and 2 * sample.nunique(dropna=False) <= len(sample)


def read_per_distinct(
    values: pd.Series, read: Callable[[pd.Series], pd.Series], missing: Any
) -> pd.Series:
    """``read`` (a reading per value, in order) of each distinct value once, spread back
    over every row (a file repeats its values); ``missing`` where a value is missing."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    readings = read(pd.Series(distinct, dtype=values.dtype)).to_numpy()
    table = np.append(readings, np.asarray([missing], dtype=readings.dtype))  # code -1
    return pd.Series(table[codes], index=values.index, dtype=table.dtype)


def number_or_nan(value: Any, column: InputColumn) -> float:
    """A validated number as a float, NaN when absent or outside the validity range."""
    if value is None:
        return np.nan
    number = float(value)
    low = -np.inf if column.minimum is None else column.minimum
    high = np.inf if column.maximum is None else column.maximum
    return number if low <= number <= high else np.nan


class NumberKind(ColumnKind):
    """A number; raw text may carry a trailing ``_`` and the column's dirt tokens."""

    name = "number"
    ranged = True

    def parse(self, values: pd.Series, column: InputColumn) -> pd.Series:
        """Numbers from raw values: tokens and text missing, trailing `_` stripped. Text
        that repeats (a customer's months, small counts) is read once per distinct value."""
        if pd.api.types.is_numeric_dtype(values.dtype):
            return column.within_range(values.astype("float64"))
        if not repeats(values):
            return column.within_range(self._numbers(values, column))
        read = read_per_distinct(values, lambda texts: self._numbers(texts, column), np.nan)
        return column.within_range(read)

    @staticmethod
    def _numbers(values: pd.Series, column: InputColumn) -> pd.Series:
        """The numbers in text values (NaN where none)."""
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")  # the clean ones
        dirty = numbers.isna() & values.notna()
        if dirty.any():
            text = values[dirty].astype("string").str.strip()
            text = text.mask(text.isin(column.tokens)).str.rstrip("_")
            numbers[dirty] = pd.to_numeric(text, errors="coerce").astype("float64")
        return numbers

    def canonical(self, value: Any, column: InputColumn) -> float:
        """The number as a float (NaN when absent)."""
        return number_or_nan(value, column)

    def field_type(self, column: InputColumn) -> Any:
        """An int or a finite float within the validity range, as a JSON number or a text
        by the one rule (``plain_number``)."""
        if column.integer:
            return Annotated[int, *limits(column), BeforeValidator(plain_number)]
        return Annotated[float, AllowInfNan(False), *limits(column), BeforeValidator(plain_number)]


class CategoryKind(ColumnKind):
    """One of the column's categories; its unknown answers (and any other text) are missing."""

    name = "category"

    def parse(self, values: pd.Series, column: InputColumn) -> pd.Series:
        """Known categories kept (stripped); tokens and anything else missing. A file's
        column (few categories, repeated) is read once per distinct value."""
        if repeats(values):
            return read_per_distinct(values, lambda texts: self._canonicals(texts, column), None)
        raw = values.to_numpy(dtype=object)
        known = values.isin(column.categories).to_numpy()
        parsed = raw.copy()
        parsed[~known] = None
        other = ~known & values.notna().to_numpy()
        if other.any():  # stray spaces, or not a category at all
            parsed[other] = [self.canonical(value, column) for value in raw[other]]
        return pd.Series(parsed, index=values.index, dtype=object)

    def _canonicals(self, values: pd.Series, column: InputColumn) -> pd.Series:
        """Each value's category (None when not one), one by one."""
        return pd.Series([self.canonical(value, column) for value in values], dtype=object)

    def canonical(self, value: Any, column: InputColumn) -> str | None:
        """The category, or None when it is not one of the column's."""
        if isinstance(value, Enum):
            value = value.value
        if not isinstance(value, str):
            return None
        value = value.strip()
        return value if value in column.categories else None

    def field_type(self, column: InputColumn) -> Any:
        """An enum of the categories and the unknown answers."""
        return choices(column.name.replace("_", ""), column.categories + column.unknown_answers)

    def drift_values(self, values: np.ndarray, column: InputColumn) -> np.ndarray:
        """Each category's position among the column's categories (NaN when missing)."""
        position = {category: float(k) for k, category in enumerate(column.categories)}
        return np.asarray([position.get(value, np.nan) for value in values], dtype=np.float64)

    def drift_categories(self, column: InputColumn) -> tuple[str, ...]:
        """The column's categories."""
        return column.categories


NUMBER = NumberKind()
CATEGORY = CategoryKind()
