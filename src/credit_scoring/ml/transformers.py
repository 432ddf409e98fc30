"""scikit-learn transformers of the serving Pipeline: record cleaning and feature encoding.

Both follow scikit-learn's conventions: ``__init__`` only stores parameters,
``fit`` returns self, learned state ends in ``_``, and
``get_feature_names_out`` is defined.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from credit_scoring.ml.parsing import parse_column
from credit_scoring.profiles import ColumnKind, get_profile


class InputColumnsError(ValueError):
    """The frame handed to the Pipeline lacks some of the profile's inputs."""


class RecordCleaner(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Parse one raw record at a time into canonical values (see ``ml.parsing``)."""

    def __init__(self, profile: str = "credit_score") -> None:
        self.profile = profile

    def fit(self, X: pd.DataFrame, y: Any = None) -> RecordCleaner:
        """Remember the input columns; nothing is learned from the data."""
        self.feature_names_in_ = np.asarray(get_profile(self.profile).input_names, dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Canonical values of every input column, in the profile's order."""
        profile = get_profile(self.profile)
        missing = [name for name in profile.input_names if name not in X.columns]
        if missing:
            raise InputColumnsError(f"missing input columns: {', '.join(missing)}")
        return pd.DataFrame(
            {column.name: parse_column(X[column.name], column) for column in profile.inputs},
            index=X.index,
        )

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The profile's input names."""
        return np.asarray(get_profile(self.profile).input_names, dtype=object)


class FeatureEncoder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Turn canonical records into a float matrix the models read.

    Numbers pass through; each category becomes its position in the profile's
    category list (ordinal where the order means something, as for Credit_Mix);
    Payment_Behaviour is split into spending level and payment size; a loan list
    becomes one count per loan type. Missing stays NaN for the models to route.
    """

    def __init__(self, profile: str = "credit_score") -> None:
        self.profile = profile

    def fit(self, X: pd.DataFrame, y: Any = None) -> FeatureEncoder:
        """Fix the output columns from the profile."""
        self.feature_names_out_ = np.asarray(self._names(), dtype=object)
        self.n_features_in_ = len(get_profile(self.profile).inputs)
        return self

    def _names(self) -> list[str]:
        names: list[str] = []
        for column in get_profile(self.profile).inputs:
            if column.kind is ColumnKind.LOAN_LIST:
                names += [loan_feature_name(column.name, loan) for loan in column.categories]
            elif column.name == "Payment_Behaviour":
                names += ["Payment_Behaviour_high_spent", "Payment_Behaviour_value_size"]
            else:
                names.append(column.name)
        return names

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """The float feature matrix, as a DataFrame with named columns."""
        features: dict[str, pd.Series] = {}
        for column in get_profile(self.profile).inputs:
            values = X[column.name]
            if column.kind is ColumnKind.LOAN_LIST:
                text = values.astype("string")
                for loan in column.categories:
                    count = text.str.count(loan).astype("float64")
                    features[loan_feature_name(column.name, loan)] = count
            elif column.name == "Payment_Behaviour":
                text = values.astype("string")
                features["Payment_Behaviour_high_spent"] = _flag(text, "High_spent")
                size = text.str.extract(r"_(Small|Medium|Large)_value", expand=False)
                codes = size.map({"Small": 0.0, "Medium": 1.0, "Large": 2.0})
                features["Payment_Behaviour_value_size"] = codes.astype("float64")
            elif column.kind is ColumnKind.CATEGORY:
                positions = {category: float(i) for i, category in enumerate(column.categories)}
                features[column.name] = values.map(positions).astype("float64")
            else:
                features[column.name] = values.astype("float64")
        return pd.DataFrame(features, index=X.index)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the encoded features."""
        return np.asarray(self._names(), dtype=object)


def loan_feature_name(column: str, loan: str) -> str:
    """Feature name of one loan type's count, safe for every model library."""
    return f"{column}_count_" + loan.replace(" ", "_").replace("-", "_")


def _flag(text: pd.Series, prefix: str) -> pd.Series:
    """1.0 where text starts with prefix, 0.0 where it does not, NaN where missing."""
    return text.str.startswith(prefix).astype("float64")
