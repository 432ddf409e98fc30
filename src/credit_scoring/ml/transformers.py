"""The shared first step of every serving Pipeline: record cleaning by the profile's columns.

Feature encoding is each profile's own (``Profile.features``). Transformers follow
scikit-learn's conventions: ``__init__`` only stores parameters, ``fit`` returns self,
learned state ends in ``_``, and ``get_feature_names_out`` is defined.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from credit_scoring.ml.parsing import parse_column
from credit_scoring.profiles.base import Profile


class InputColumnsError(ValueError):
    """The frame handed to the Pipeline lacks some of the profile's inputs."""


class RecordCleaner(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Parse one raw record at a time into canonical values (see ``ml.parsing``)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    def fit(self, X: pd.DataFrame, y: Any = None) -> RecordCleaner:
        """Remember the input columns; nothing is learned from the data."""
        self.feature_names_in_ = np.asarray(self.profile.input_names, dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Canonical values of every input column, in the profile's order."""
        profile = self.profile
        missing = [name for name in profile.input_names if name not in X.columns]
        if missing:
            raise InputColumnsError(f"missing input columns: {', '.join(missing)}")
        return pd.DataFrame(
            {
                column.name: parse_column(X[column.name], column, profile)
                for column in profile.inputs
            },
            index=X.index,
        )

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The profile's input names."""
        return np.asarray(self.profile.input_names, dtype=object)
