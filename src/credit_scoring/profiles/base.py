"""What every dataset profile declares: its columns, target, classes and risk class."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


class ColumnKind(ABC):
    """How one kind of input is read: from a file's raw values (``parse``, vectorised), from
    a validated API field (``canonical``, one value), and what the API accepts for it
    (``field_type``: a pydantic type carrying its JSON schema). Numbers and categories are
    shared (``profiles.kinds``); a profile registers its own kinds by using them."""

    name: str = ""
    ranged: bool = False  # whether its values have validity and training ranges

    @abstractmethod
    def parse(self, values: pd.Series, column: InputColumn) -> pd.Series:
        """Canonical values of a raw column; unreadable ones missing."""

    @abstractmethod
    def canonical(self, value: Any, column: InputColumn) -> Any:
        """The canonical value of one validated API field (what ``parse`` makes of it)."""

    @abstractmethod
    def field_type(self, column: InputColumn) -> Any:
        """The pydantic type of the API field (with its JSON schema)."""

    def drift_values(self, values: np.ndarray, column: InputColumn) -> np.ndarray:
        """Canonical values as the numbers the drift monitor bins (``ml.drift``), NaN for a
        missing one: a number itself; a kind with ``drift_categories``, the category's
        position."""
        return np.asarray(values, dtype=np.float64)

    def drift_categories(self, column: InputColumn) -> tuple[str, ...] | None:
        """The categories drift is counted by, or None for a number (binned by deciles)."""
        return None

    def __repr__(self) -> str:
        return f"ColumnKind({self.name!r})"

    def __reduce__(self) -> str:
        """Pickled by reference (a model's columns keep the one instance): each kind is the
        constant named ``name.upper()`` in the module of its class."""
        return self.name.upper()


@dataclass(frozen=True)
class InputColumn:
    """One model input: its raw name, alias, kind, validity range and categories.

    The single source of truth for both the record-level cleaning (values outside the
    validity range ``[minimum, maximum]`` or among ``tokens`` become missing) and the API
    schema (the same range rejects a request with a 422); the range the model was trained
    on is the artifact's (``outside_training_range``). ``unknown_answers`` are answers
    that mean "not known" (Kaggle's NM, a form's "Not Informed"): the API accepts them and
    the Pipeline reads them as missing, as it reads them in files. ``required`` inputs must
    be sent to the API; the others may be omitted or null because the model was trained
    with them missing. ``label`` is the field's name for people, in English and Portuguese.
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
    label: Label | None = None

    def within_range(self, numbers: pd.Series) -> pd.Series:
        """Numbers outside the valid range become NaN (numpy: cheap for one row too)."""
        array = numbers.to_numpy(dtype="float64", na_value=np.nan)
        low = -np.inf if self.minimum is None else self.minimum
        high = np.inf if self.maximum is None else self.maximum
        with np.errstate(invalid="ignore"):
            valid = (array >= low) & (array <= high)
        return pd.Series(np.where(valid, array, np.nan), index=numbers.index)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a client may send it under: its own, then its alias."""
        return (self.name, self.alias) if self.alias else (self.name,)


@dataclass(frozen=True)
class Label:
    """A field's name for people, in the two languages of the service's users."""

    en: str
    pt: str


@dataclass(frozen=True)
class Reasons:
    """What a field says to the applicant as a reason for a decision: ``raises`` when it
    pushed the risk up (a reason against), ``lowers`` when it pushed it down (in favour)."""

    raises: Label
    lowers: Label


def neutral_reasons(label: Label) -> Reasons:
    """The messages of a field whose value alone does not tell which way it pushes."""
    return Reasons(
        Label(f"{label.en}: counts against the application", f"{label.pt}: pesa contra"),
        Label(f"{label.en}: counts in favour of the application", f"{label.pt}: pesa a favor"),
    )


RISK_BANDS: tuple[str, ...] = ("Poor", "Standard", "Good")


@dataclass(frozen=True, eq=False, repr=False)
class Profile:
    """A credit dataset and its contract.

    ``features`` builds the profile's own feature transformer (scikit-learn, given the
    profile): the shared ``ml`` code knows no column of any profile. ``classes`` are the
    model's outcomes; a two-outcome profile answers with a risk band of ``RISK_BANDS``
    cut from the risk probability. ``target_labels`` maps raw target values to classes
    (when the file does not spell the class names). ``not_model_inputs`` are accepted
    from clients but never reach the model (protected attributes), with the reason.
    ``cost_ratio`` sets the decision policy: the threshold of lowest expected cost when a
    missed risk case costs that many refused others; None: a target recall of the risk class.
    ``lightgbm_params`` and ``catboost_params`` are the profile's own model parameters
    (LightGBM's tuning may change them; a preset's tree counts give way to them).
    ``monotone`` maps features to the direction the risk must move as they grow (+1 up, -1
    down; a binary profile's LightGBM and CatBoost enforce it).
    ``elderly_age_input`` names the input the model reads as the applicant's age, if any:
    an applicant 62 or older is then scored at their most favourable age (Regulation B).
    ``age_input`` names the applicant's age, model input or not: monitoring audits approval
    rates by age band (and by each of ``not_model_inputs``).
    ``target_alias`` is another name files give the target (an input's is ``InputColumn.alias``).
    ``data_files`` are other places its training file may be (after ``data/raw/<profile>/
    train.csv``); ``data_hint`` tells a user without one where to get it (a profile without a
    hint has a synthetic generator instead). ``data_ceiling`` states how well any model can
    do on the profile's data, as measured, for the report to print beside the model's score.
    ``reasons`` are each model input's messages when it is a reason for a decision (a field
    without its own: ``neutral_reasons`` of its label).
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
    target_labels: dict[str, str] = field(default_factory=dict)
    not_model_inputs: dict[str, str] = field(default_factory=dict)
    cost_ratio: float | None = None
    lightgbm_params: dict[str, Any] = field(default_factory=dict)
    catboost_params: dict[str, Any] = field(default_factory=dict)
    elderly_age_input: str | None = None
    age_input: str | None = None  # the applicant's age, model input or not: audited in bands
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
    data_ceiling: str | None = None
    reasons: dict[str, Reasons] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Profile({self.name!r})"

    @property
    def input_names(self) -> list[str]:
        """Names of the model inputs, in canonical order."""
        return [column.name for column in self.inputs]

    @cached_property
    def client_names(self) -> frozenset[str]:
        """Every name a client may send the inputs under (aliases included)."""
        return frozenset(name for column in self.inputs for name in column.names)

    @cached_property
    def other_name(self) -> dict[str, str]:
        """Each input's name mapped to its alias and each alias to its name."""
        pairs = [(column.name, column.alias) for column in self.inputs if column.alias]
        return dict(pairs) | {alias: name for name, alias in pairs}

    @cached_property
    def required_names(self) -> frozenset[str]:
        """The names (and aliases) of the inputs a client must send."""
        return frozenset(name for column in self.inputs if column.required for name in column.names)

    @property
    def column_aliases(self) -> dict[str, str]:
        """Other names that files give raw columns (inputs' aliases and ``target_alias``),
        each mapped to the column's own name."""
        aliases = {column.alias: column.name for column in self.inputs if column.alias}
        if self.target_alias:
            aliases[self.target_alias] = self.target
        return aliases

    def reasons_of(self, name: str) -> Reasons:
        """The reason messages of the input called ``name``."""
        found = self.reasons.get(name)
        if found is not None:
            return found
        label = self.input(name).label
        return neutral_reasons(label or Label(name, name))

    @cached_property
    def model_input_names(self) -> list[str]:
        """The inputs the model reads (not the ``not_model_inputs``), in canonical order."""
        return [name for name in self.input_names if name not in self.not_model_inputs]

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
