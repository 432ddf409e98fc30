"""credit_score's features: numbers as they are, categories as positions, Payment_Behaviour
split in two, and a loan list as one count per loan type."""

from __future__ import annotations

import re
from functools import cache, partial

import numpy as np

from credit_scoring.profiles.credit_score_kinds import LOAN_LIST
from credit_scoring.profiles.kinds import CATEGORY
from credit_scoring.profiles.transformer import Columns, FeatureEncoder, per_distinct


BEHAVIOUR_PARTS = ("high_spent", "value_size")


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
                names += [f"{column.name}_{part}" for part in BEHAVIOUR_PARTS]
            else:
                names.append(column.name)
        return names

    def sources(self) -> dict[str, tuple[str, ...]]:
        """Each feature's field: a loan type's count is the loan list's, both parts of
        Payment_Behaviour are its own, the other features are their fields."""
        found: dict[str, tuple[str, ...]] = {}
        for column in self.profile.inputs:
            if column.kind is LOAN_LIST:
                found |= {
                    loan_feature_name(column.name, k): (column.name,) for k in column.categories
                }
            elif column.name == "Payment_Behaviour":
                found |= {f"{column.name}_{part}": (column.name,) for part in BEHAVIOUR_PARTS}
            else:
                found[column.name] = (column.name,)
        return found

    def encode(self, columns: Columns) -> dict[str, np.ndarray]:
        """The float feature columns: numpy, and Python lookups once per distinct value."""
        features: dict[str, np.ndarray] = {}
        for column in self.profile.inputs:
            values = columns[column.name]
            if column.kind is LOAN_LIST:
                loans = column.categories
                counts = per_distinct(values, partial(_loan_counts, loans), len(loans))
                for k, loan in enumerate(column.categories):
                    features[loan_feature_name(column.name, loan)] = counts[:, k]
            elif column.name == "Payment_Behaviour":
                parts = per_distinct(values, _behaviour_parts, 2)
                features["Payment_Behaviour_high_spent"] = parts[:, 0]
                features["Payment_Behaviour_value_size"] = parts[:, 1]
            elif column.kind is CATEGORY:
                position = partial(
                    _position, {c: float(i) for i, c in enumerate(column.categories)}
                )
                features[column.name] = per_distinct(values, position, 1)[:, 0]
            else:
                features[column.name] = np.asarray(values, dtype="float64")
        return features


@cache
def loan_feature_name(column: str, loan: str) -> str:
    """Feature name of one loan type's count, safe for every model library."""
    return f"{column}_count_" + loan.replace(" ", "_").replace("-", "_")


def _loan_counts(loans: tuple[str, ...], items: object) -> tuple[float, ...]:
    """How many loans of each type a canonical loan list holds; NaN each when unknown."""
    if not isinstance(items, tuple):
        return (np.nan,) * len(loans)
    return tuple(float(items.count(loan)) for loan in loans)


def _position(positions: dict[str, float], value: object) -> tuple[float]:
    """A category's position in its column's list; NaN when missing or unknown."""
    return (positions.get(value, np.nan) if isinstance(value, str) else np.nan,)


_VALUE_SIZES = {"Small": 0.0, "Medium": 1.0, "Large": 2.0}


def _behaviour_parts(value: object) -> tuple[float, float]:
    """(1.0 if High_spent else 0.0, payment size 0/1/2) of a Payment_Behaviour; NaN if unknown."""
    if not isinstance(value, str):
        return np.nan, np.nan
    match = re.fullmatch(r"(High|Low)_spent_(Small|Medium|Large)_value_payments", value)
    if match is None:
        return np.nan, np.nan
    return float(match[1] == "High"), _VALUE_SIZES[match[2]]
