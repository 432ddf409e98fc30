"""card_default's features: what credit analysts read in six months of card statements.

Month 1 is September 2005 (the most recent), month 6 April. SEX, MARRIAGE and AGE are never
read unless ``with_protected`` is set, which only the fair-lending comparison in training
does (to report what the model would have gained from them).
"""

from __future__ import annotations


import numpy as np

from credit_scoring.profiles.base import Profile
from credit_scoring.profiles.transformer import Columns, FeatureEncoder, float_matrix

PAY_STATUS = ("PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6")
BILLS = tuple(f"BILL_AMT{k}" for k in range(1, 7))
PAYMENTS = tuple(f"PAY_AMT{k}" for k in range(1, 7))
PROTECTED_INPUTS = ("SEX", "MARRIAGE", "AGE")
NO_DELAY = 6.0  # months_since_delay when no month shows a delay
MAX_PAYMENT_RATIO = 10.0

# Each derived feature in one line (the raw inputs pass through under their own names).
STATES = (
    ("paid_in_full", -1, "paid in full"),
    ("no_bill", -2, "no consumption"),
    ("revolving", 0, "minimum paid"),
)

DERIVED: dict[str, str] = {
    "education_level": "EDUCATION with the undocumented 0, 5 and 6 read as 4 (other/unknown)",
    **{
        f"months_late_{k}": f"months of payment delay in month {k} (PAY status, 0 when not late)"
        for k in range(1, 7)
    },
    **{
        f"{state}_{k}": f"1 when month {k}'s status is {code} ({meaning}), else 0"
        for state, code, meaning in STATES
        for k in range(1, 7)
    },
    **{
        f"utilisation_{k}": f"BILL_AMT{k} / LIMIT_BAL: share of the limit used" for k in range(1, 7)
    },
    "utilisation_max": "highest monthly utilisation of the six",
    "utilisation_mean": "mean monthly utilisation",
    "utilisation_trend": "utilisation in September minus utilisation in April",
    **{
        f"payment_ratio_{k}": f"PAY_AMT{k} / BILL_AMT{k + 1}: share of the previous bill paid "
        f"(capped at {MAX_PAYMENT_RATIO:g}; 1 when there was nothing to pay)"
        for k in range(1, 6)
    },
    "payment_ratio_mean": "mean share of the previous bill paid",
    "months_delayed": "months (of six) with a payment delay (status 1 or more)",
    "worst_delay": "longest delay in months over the six months",
    "months_since_delay": f"months since the most recent delay (0: September; {NO_DELAY:g}: none)",
    "months_paid_in_full": "months with status -1 (paid in full)",
    "months_without_bill": "months with status -2 (no consumption)",
    "months_revolving": "months with status 0 (minimum paid, the rest revolving)",
}

# The fields each derived feature is made from (a reason's field: ``FeatureEncoder.sources``).
DELAY_COUNTS = (
    "months_delayed",
    "worst_delay",
    "months_since_delay",
    "months_paid_in_full",
    "months_without_bill",
    "months_revolving",
)
SOURCES: dict[str, tuple[str, ...]] = {
    "education_level": ("EDUCATION",),
    **{f"months_late_{k + 1}": (PAY_STATUS[k],) for k in range(6)},
    **{f"{state}_{k + 1}": (PAY_STATUS[k],) for state, _, _ in STATES for k in range(6)},
    **{f"utilisation_{k + 1}": (BILLS[k], "LIMIT_BAL") for k in range(6)},
    "utilisation_max": (*BILLS, "LIMIT_BAL"),
    "utilisation_mean": (*BILLS, "LIMIT_BAL"),
    "utilisation_trend": (BILLS[0], BILLS[5], "LIMIT_BAL"),
    **{f"payment_ratio_{k + 1}": (PAYMENTS[k], BILLS[k + 1]) for k in range(5)},
    "payment_ratio_mean": (*PAYMENTS[:5], *BILLS[1:]),
    **{name: PAY_STATUS for name in DELAY_COUNTS},
}

# How the risk may move as each feature grows: never down with more delay, never up with
# more months paid in full, revolving or without a bill (each of those months is one not late).
# With these, one more month of delay never lowers a model's risk (LightGBM and CatBoost
# enforce them). Left out for that reason: the raw statuses (-2 < -1 < 0 are not in risk
# order) and a delay trend (more delay in an old month lowers it).
MONOTONE: dict[str, int] = {
    **{f"months_late_{k}": 1 for k in range(1, 7)},
    "months_delayed": 1,
    "worst_delay": 1,
    "months_since_delay": -1,
    "months_paid_in_full": -1,
    "months_without_bill": -1,
    "months_revolving": -1,
    **{f"{state}_{k}": -1 for state, _, _ in STATES for k in range(1, 7)},
}


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )


def _mean_of_rows(matrix: np.ndarray) -> np.ndarray:
    """``matrix.mean(axis=1)``, the same sum divided by the same count, without np.mean's
    few microseconds of bookkeeping (a sizeable share of one record's features)."""
    means: np.ndarray = matrix.sum(axis=1) / matrix.shape[1]
    return means


class CardDefaultFeatures(FeatureEncoder):
    """Raw statuses, bills and payments, plus utilisation, payment ratios, delay counts and
    recency, and trends (see ``DERIVED``)."""

    def __init__(self, profile: Profile, with_protected: bool = False) -> None:
        self.profile = profile
        self.with_protected = with_protected

    def _names(self) -> list[str]:
        protected = list(PROTECTED_INPUTS) if self.with_protected else []
        return ["LIMIT_BAL", *BILLS, *PAYMENTS, *DERIVED, *protected]

    def sources(self) -> dict[str, tuple[str, ...]]:
        """Each feature's fields: the raw inputs their own, the derived ones ``SOURCES``."""
        return super().sources() | SOURCES

    def encode(self, columns: Columns) -> dict[str, np.ndarray]:
        """The float feature columns (see ``DERIVED``)."""
        column = {
            name: np.asarray(columns[name], dtype="float64") for name in self.profile.input_names
        }
        limit = column["LIMIT_BAL"]
        status = float_matrix([column[name] for name in PAY_STATUS])
        bills = float_matrix([column[name] for name in BILLS])
        paid = float_matrix([column[name] for name in PAYMENTS])
        utilisation = bills / limit[:, None]
        owed = bills[:, 1:]
        ratios = np.where(owed <= 0, 1.0, np.minimum(_ratio(paid[:, :5], owed), MAX_PAYMENT_RATIO))
        late = np.maximum(status, 0.0)
        delayed = status >= 1
        education = column["EDUCATION"]
        features = {name: column[name] for name in ("LIMIT_BAL", *BILLS, *PAYMENTS)}
        known = (education == 1) | (education == 2) | (education == 3)  # np.isin, cheaper
        features["education_level"] = np.where(known, education, 4.0)
        features["education_level"][np.isnan(education)] = np.nan
        features |= {f"months_late_{k + 1}": late[:, k] for k in range(6)}
        for state, code, _ in STATES:
            flags = np.where(np.isnan(status), np.nan, (status == code).astype("float64"))
            features |= {f"{state}_{k + 1}": flags[:, k] for k in range(6)}
        features |= {f"utilisation_{k + 1}": utilisation[:, k] for k in range(6)}
        features["utilisation_max"] = utilisation.max(axis=1)
        features["utilisation_mean"] = _mean_of_rows(utilisation)
        features["utilisation_trend"] = utilisation[:, 0] - utilisation[:, 5]
        features |= {f"payment_ratio_{k + 1}": ratios[:, k] for k in range(5)}
        features["payment_ratio_mean"] = _mean_of_rows(ratios)
        features["months_delayed"] = delayed.sum(axis=1).astype("float64")
        features["worst_delay"] = np.maximum(status.max(axis=1), 0.0)
        features["months_since_delay"] = np.where(
            delayed.any(axis=1), delayed.argmax(axis=1), NO_DELAY
        ).astype("float64")
        features["months_paid_in_full"] = (status == -1).sum(axis=1).astype("float64")
        features["months_without_bill"] = (status == -2).sum(axis=1).astype("float64")
        features["months_revolving"] = (status == 0).sum(axis=1).astype("float64")
        if self.with_protected:
            features |= {name: column[name] for name in PROTECTED_INPUTS}
        return features
