"""credit_score's features: numbers as they are, categories as positions, Payment_Behaviour
split in two, and a loan list as one count per loan type."""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from credit_scoring.profiles.credit_score_kinds import LOAN_LIST
from credit_scoring.profiles.kinds import CATEGORY
from credit_scoring.profiles.transformer import Columns, FeatureEncoder


class CreditScoreFeatures(FeatureEncoder):
    """Turn canonical records into a float matrix the models read.

    Numbers pass through; each category becomes its position in the profile's
    category list (ordinal where the order means something, as for Credit_Mix);
    Payment_Behaviour is split into spending level and payment size; a loan list
    becomes one count per loan type. Missing stays NaN for the models to route.
    """

    def _names(self) -> list[str]:
        names: list[str] = []
        for column in self.profile.inputs:
            if column.kind is LOAN_LIST:
                names += [loan_feature_name(column.name, loan) for loan in column.categories]
            elif column.name == "Payment_Behaviour":
                names += ["Payment_Behaviour_high_spent", "Payment_Behaviour_value_size"]
            else:
                names.append(column.name)
        return names

    def encode(self, columns: Columns) -> dict[str, np.ndarray]:
        """The float feature columns: plain numpy and Python lookups, no pandas."""
        features: dict[str, np.ndarray] = {}
        for column in self.profile.inputs:
            values = np.asarray(columns[column.name], dtype=object)
            if column.kind is LOAN_LIST:
                lists = [value if isinstance(value, tuple) else None for value in values]
                for loan in column.categories:
                    features[loan_feature_name(column.name, loan)] = np.array(
                        [np.nan if items is None else items.count(loan) for items in lists],
                        dtype="float64",
                    )
            elif column.name == "Payment_Behaviour":
                parts = [_behaviour_parts(value) for value in values]
                features["Payment_Behaviour_high_spent"] = np.array(
                    [high for high, _ in parts], dtype="float64"
                )
                features["Payment_Behaviour_value_size"] = np.array(
                    [size for _, size in parts], dtype="float64"
                )
            elif column.kind is CATEGORY:
                positions = {category: float(i) for i, category in enumerate(column.categories)}
                features[column.name] = np.array(
                    [positions.get(value, np.nan) for value in values], dtype="float64"
                )
            else:
                features[column.name] = np.asarray(columns[column.name], dtype="float64")
        return features


@cache
def loan_feature_name(column: str, loan: str) -> str:
    """Feature name of one loan type's count, safe for every model library."""
    return f"{column}_count_" + loan.replace(" ", "_").replace("-", "_")


_VALUE_SIZES = {"Small": 0.0, "Medium": 1.0, "Large": 2.0}


def _behaviour_parts(value: object) -> tuple[float, float]:
    """(1.0 if High_spent else 0.0, payment size 0/1/2) of a Payment_Behaviour; NaN if unknown."""
    if not isinstance(value, str):
        return np.nan, np.nan
    match = re.fullmatch(r"(High|Low)_spent_(Small|Medium|Large)_value_payments", value)
    if match is None:
        return np.nan, np.nan
    return float(match[1] == "High"), _VALUE_SIZES[match[2]]
