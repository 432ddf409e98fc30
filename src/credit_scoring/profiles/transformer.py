"""The base of every transformer of a profile's records, by scikit-learn's rules: ``__init__``
only stores parameters, ``fit`` learns the input columns from X and returns self, learned
state ends in ``_``, ``transform`` refuses to run unfitted or without the columns it was
fitted on (other columns are ignored: records may carry more fields than the model reads)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from credit_scoring.profiles.base import Profile


class InputColumnsError(ValueError):
    """The frame handed to the Pipeline lacks some of the columns it needs."""


def _require(columns: Any, X: pd.DataFrame) -> None:
    missing = [str(name) for name in columns if name not in X.columns]
    if missing:
        raise InputColumnsError(f"missing input columns: {', '.join(missing)}")


class ProfileTransformer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Stateless apart from the input columns; subclasses define ``_transform`` and
    ``_names`` (the output columns)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    def fit(self, X: pd.DataFrame, y: Any = None) -> ProfileTransformer:
        """Learn the input columns (which must hold the profile's inputs); nothing else."""
        _require(self.profile.input_names, X)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """The transformed frame, once fitted, of a frame with the fitted columns."""
        check_is_fitted(self, "feature_names_in_")
        _require(self.feature_names_in_, X)
        return self._transform(X)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns."""
        check_is_fitted(self, "feature_names_in_")
        return np.asarray(self._names(), dtype=object)

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        raise NotImplementedError

    def _names(self) -> list[str]:
        raise NotImplementedError


Columns = Mapping[str, np.ndarray]  # canonical values by input name, one array per column
FEW_VALUES = 64  # up to this many, a value at a time; beyond, once per distinct value


def per_distinct(
    values: np.ndarray, function: Callable[[Any], Sequence[float]], width: int
) -> np.ndarray:
    """``function`` (a row of ``width`` floats) of each value, as a matrix; for many values,
    computed once per distinct value (a file repeats few) and spread back."""
    if len(values) <= FEW_VALUES:
        rows = [function(value) for value in values]
        return np.asarray(rows, dtype="float64").reshape(len(values), width)
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    rows = [function(value) for value in distinct] + [function(None)]  # code -1: missing
    table = np.asarray(rows, dtype="float64").reshape(len(rows), width)
    spread: np.ndarray = table[codes]
    return spread


def float_matrix(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Equal-length columns side by side as a C-ordered float matrix: each column written
    whole into a row of the transpose, then one transposing copy (half the time of writing
    the columns into the strided matrix for many rows, a quarter less for one; for one row
    also half of ``np.column_stack``, which makes each column 2-D first)."""
    transposed = np.empty((len(columns), len(columns[0])), dtype=np.float64)
    for index, column in enumerate(columns):
        transposed[index] = column
    return np.ascontiguousarray(transposed.T)


class FeatureEncoder(ProfileTransformer):
    """A profile's features: ``encode`` maps canonical columns to float feature columns in
    plain numpy, so that one implementation serves a whole file (through ``transform``, as a
    Pipeline step) and one API record (through ``matrix``, with no DataFrame)."""

    def encode(self, columns: Columns) -> dict[str, np.ndarray]:
        """The feature columns, by name, of canonical input columns."""
        raise NotImplementedError

    def sources(self) -> dict[str, tuple[str, ...]]:
        """The input fields each feature is made from (an input passed through: itself).
        Reasons add a feature's contribution to its fields, shared equally among several."""
        inputs = set(self.profile.input_names)
        return {name: (name,) for name in self._output_names() if name in inputs}

    def matrix(self, columns: Columns) -> np.ndarray:
        """The features as a float matrix, one row per record, columns in output order."""
        check_is_fitted(self, "feature_names_in_")
        encoded = self.encode(columns)
        return float_matrix([encoded[name] for name in self._output_names()])

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        columns = {name: X[name].to_numpy() for name in self.profile.input_names}
        encoded = self.encode(columns)
        return pd.DataFrame({name: encoded[name] for name in self._output_names()}, index=X.index)

    def _output_names(self) -> list[str]:
        """``_names()``, worked out once per fitted encoder."""
        names: list[str] | None = getattr(self, "output_names_", None)
        if names is None:
            names = self.output_names_ = self._names()
        return names
