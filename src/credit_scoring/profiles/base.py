"""What every dataset profile declares: its columns, target, classes and risk class."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class ColumnKind(str, Enum):
    """How a model input is parsed from its raw form."""

    NUMBER = "number"
    CATEGORY = "category"
    LOAN_LIST = "loan_list"
    HISTORY_AGE = "history_age"


@dataclass(frozen=True)
class InputColumn:
    """One model input: its raw name, alias, kind, valid range and categories.

    The single source of truth for both the record-level cleaning (values outside
    ``[minimum, maximum]`` or among ``tokens`` become missing) and the API schema
    (the same range rejects a request with a 422). ``unknown_answers`` are answers
    that mean "not known" (Kaggle's NM, "not mentioned"): the API accepts them and
    the Pipeline reads them as missing, as it reads them in files. ``required``
    inputs must be sent to the API; the others may be omitted or null because the
    model was trained with them missing.
    """

    name: str
    kind: ColumnKind
    description: str
    alias: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    categories: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    unknown_answers: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Profile:
    """A credit dataset and its contract."""

    name: str
    raw_columns: tuple[str, ...]
    inputs: tuple[InputColumn, ...]
    target: str
    classes: tuple[str, ...]
    risk_class: str
    group_column: str | None
    description: str
    period_column: str | None = None
    periods: tuple[str, ...] = ()
    customer_constants: tuple[str, ...] = ()
    monthly_counters: tuple[str, ...] = ()
    non_decreasing: tuple[str, ...] = ()
    customer_median_fill: tuple[str, ...] = ()
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def input_names(self) -> list[str]:
        """Names of the model inputs, in canonical order."""
        return [column.name for column in self.inputs]

    def input(self, name: str) -> InputColumn:
        """The input column called ``name``."""
        for column in self.inputs:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def risk_index(self) -> int:
        """Position of the risk class in ``classes`` (its prediction code)."""
        return self.classes.index(self.risk_class)
