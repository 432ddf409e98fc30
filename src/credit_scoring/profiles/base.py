"""What every dataset profile declares: its columns, target, classes and risk class."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


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

    def within_range(self, numbers: pd.Series) -> pd.Series:
        """Numbers outside the valid range become NaN (numpy: cheap for one row too)."""
        array = numbers.to_numpy(dtype="float64", na_value=np.nan)
        low = -np.inf if self.minimum is None else self.minimum
        high = np.inf if self.maximum is None else self.maximum
        with np.errstate(invalid="ignore"):
            valid = (array >= low) & (array <= high)
        return pd.Series(np.where(valid, array, np.nan), index=numbers.index)


Parser = Callable[[pd.Series, InputColumn], pd.Series]


RISK_BANDS: tuple[str, ...] = ("Poor", "Standard", "Good")


@dataclass(frozen=True, eq=False, repr=False)
class Profile:
    """A credit dataset and its contract.

    ``features`` builds the profile's own feature transformer (scikit-learn, given the
    profile): the shared ``ml`` code knows no column of any profile. ``classes`` are the
    model's outcomes; a two-outcome profile answers with a risk band of ``RISK_BANDS``
    cut from the risk probability. ``target_labels`` maps raw target values to classes
    (when the file does not spell the class names). ``parsers`` parse the profile's own
    column kinds (numbers and categories have shared parsers). ``not_model_inputs`` are accepted
    from clients but never reach the model (protected attributes), with the reason.
    ``cost_ratio`` sets the decision policy: the threshold of lowest expected cost when a
    missed risk case costs that many refused others; None: a target recall of the risk class.
    ``lightgbm_params`` and ``catboost_params`` are the profile's own model parameters
    (LightGBM's tuning may change them; a preset's tree counts give way to them).
    ``monotone`` maps features to the direction the risk must move as they grow (+1 up, -1
    down; a binary profile's LightGBM and CatBoost enforce it).
    ``elderly_age_input`` names the input the model reads as the applicant's age, if any:
    an applicant 62 or older is then scored at their most favourable age (Regulation B).
    ``target_alias`` is another name files give the target (an input's is ``InputColumn.alias``).
    ``data_files`` are other places its training file may be (after ``data/raw/<profile>/
    train.csv``); ``data_hint`` tells a user without one where to get it (a profile without a
    hint has a synthetic generator instead).
    """

    name: str
    raw_columns: tuple[str, ...]
    inputs: tuple[InputColumn, ...]
    target: str
    classes: tuple[str, ...]
    risk_class: str
    group_column: str | None
    description: str
    features: Callable[[Profile], Any]
    parsers: dict[ColumnKind, Parser] = field(default_factory=dict)
    target_labels: dict[str, str] = field(default_factory=dict)
    not_model_inputs: dict[str, str] = field(default_factory=dict)
    cost_ratio: float | None = None
    lightgbm_params: dict[str, Any] = field(default_factory=dict)
    catboost_params: dict[str, Any] = field(default_factory=dict)
    elderly_age_input: str | None = None
    monotone: dict[str, int] = field(default_factory=dict)
    data_files: tuple[str, ...] = ()
    data_hint: str = ""
    period_column: str | None = None
    periods: tuple[str, ...] = ()
    customer_constants: tuple[str, ...] = ()
    monthly_counters: tuple[str, ...] = ()
    non_decreasing: tuple[str, ...] = ()
    customer_median_fill: tuple[str, ...] = ()
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)
    target_alias: str | None = None

    def __repr__(self) -> str:
        return f"Profile({self.name!r})"

    @property
    def input_names(self) -> list[str]:
        """Names of the model inputs, in canonical order."""
        return [column.name for column in self.inputs]

    @property
    def column_aliases(self) -> dict[str, str]:
        """Other names that files give raw columns (inputs' aliases and ``target_alias``),
        each mapped to the column's own name."""
        aliases = {column.alias: column.name for column in self.inputs if column.alias}
        if self.target_alias:
            aliases[self.target_alias] = self.target
        return aliases

    def input(self, name: str) -> InputColumn:
        """The input column called ``name``."""
        for column in self.inputs:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def banded(self) -> bool:
        """True when the answer's class is a risk band, not the model's own class."""
        return len(self.classes) == 2

    @property
    def risk_index(self) -> int:
        """Position of the risk class in ``classes`` (its prediction code)."""
        return self.classes.index(self.risk_class)


def truth_file(raw_path: str | Path) -> Path:
    """Where a synthetic raw file's generator writes the true class probabilities of its
    rows (``<name>.true_proba.csv`` beside it): a file with one is synthetic."""
    path = Path(raw_path)
    return path.with_name(path.stem + ".true_proba.csv")
