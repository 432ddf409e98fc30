"""The base of every transformer of a profile's records, by scikit-learn's rules: ``__init__``
only stores parameters, ``fit`` learns the input columns from X and returns self, learned
state ends in ``_``, ``transform`` refuses to run unfitted or without the columns it was
fitted on (other columns are ignored: records may carry more fields than the model reads)."""

from __future__ import annotations

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
