"""Synthetic data in the exact raw format of the Kaggle credit-score train.csv.

Customers get a latent risk; their clean feature values follow the documented
per-customer structure (RAW_FORMAT.md §2.1) and directions (§5). Each row's
label is drawn from class probabilities that are a function of that row's clean
values; those true probabilities are returned too, so the Bayes ceiling of any
model can be computed. Dirt is injected afterwards at the documented rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from credit_scoring.profiles.credit_score_kinds import format_loan_list
from credit_scoring.profiles import credit_score as cs
from credit_scoring.profiles.base import truth_file

MONTHS_PER_CUSTOMER = len(cs.MONTHS)
TARGET_POOR_SHARE = 0.29
TARGET_GOOD_SHARE = 0.178
SHARPNESS = 1.4

_FIRST = [
    "Aaron",
    "Rick",
    "Jason",
    "Sarah",
    "Harriet",
    "Sinead",
    "Patrick",
    "Laurence",
    "Nadia",
    "Charlie",
    "Soyoung",
    "Matthias",
    "Terry",
    "Douwe",
    "Margaret",
    "Jonathan",
    "Lucy",
    "Tom",
]
_LAST = [
    "Maashoh",
    "Rothacker",
    "Lange",
    "Zhu",
    "McLeod",
    "Carew",
    "Werr",
    "Frost",
    "Blamont",
    "Kim",
    "Wade",
    "Miedema",
    "Stempel",
    "Selyukh",
    "Shen",
    "McBride",
    "Nguyen",
    "Latulf",
]


@dataclass(frozen=True)
class SyntheticData:
    """A raw-format frame and the true class probabilities of its rows."""

    raw: pd.DataFrame
    true_proba: pd.DataFrame


def _mix(rng: np.random.Generator, latent: np.ndarray, rho: float) -> np.ndarray:
    """A standard normal variable correlated ``rho`` with ``latent``."""
    noise: np.ndarray = rng.standard_normal(latent.shape)
    mixed: np.ndarray = rho * latent + np.sqrt(1 - rho**2) * noise
    return mixed


def _per_row(values: np.ndarray) -> np.ndarray:
    """Repeat customer-level values for each of their months."""
    return np.repeat(values, MONTHS_PER_CUSTOMER)


def _clean_customers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Customer-constant clean values (one per customer)."""
    risk = rng.standard_normal(n)
    income = np.clip(np.exp(10.52 + 0.97 * _mix(rng, risk, -0.3)), 7005.93, 179987.28).round(2)
    loans = np.clip(np.round(3.5 + 2.6 * _mix(rng, risk, 0.55)), 0, 9).astype(int)
    mix_score = _mix(rng, risk, 0.8)
    return {
        "risk": risk,
        "age": np.clip(np.round(33.3 + 10.8 * _mix(rng, risk, -0.25)), 14, 56),
        "birthday_month": rng.integers(0, 12, n),
        "occupation": rng.choice(cs.OCCUPATIONS, n),
        "income": income,
        "salary": income / 12 * rng.uniform(0.85, 1.0, n),
        "bank": np.clip(np.round(5.4 + 2.6 * _mix(rng, risk, 0.6)), 0, 11),
        "cards": np.clip(np.round(5.5 + 2.1 * _mix(rng, risk, 0.6)), 0, 11),
        "rate": np.clip(np.round(14.5 + 8.7 * _mix(rng, risk, 0.65)), 1, 34),
        "loans": loans,
        "delay": np.clip(21 + 13 * _mix(rng, risk, 0.6), 0, 62),
        "delayed": np.clip(np.round(13 + 6 * _mix(rng, risk, 0.55)), 0, 25),
        "limit": np.clip(10.4 + 6.5 * _mix(rng, risk, 0.3), -6.49, 36.97).round(2),
        "inquiries": np.clip(np.round(5.5 + 3.6 * _mix(rng, risk, 0.6)), 0, 17),
        "mix": np.where(mix_score > 0.713, "Bad", np.where(mix_score < -0.51, "Good", "Standard")),
        "debt": np.clip(np.exp(7.05 + 0.8 * _mix(rng, risk, 0.6)), 0.23, 4998.07).round(2),
        "history": np.clip(np.round(221 + 95 * _mix(rng, risk, -0.55)), 1, 396),
        "min_payment": np.where(_mix(rng, risk, 0.6) > -0.24, "Yes", "No"),
        "emi": np.where(
            loans > 0, np.clip(loans * np.exp(rng.normal(3.0, 0.8, n)), 0, 1779.1), 0.0
        ),
    }


def _clean_rows(rng: np.random.Generator, c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-row clean values: constants repeated, monthly values varying."""
    rows = len(c["risk"]) * MONTHS_PER_CUSTOMER
    month = np.tile(np.arange(MONTHS_PER_CUSTOMER), len(c["risk"]))
    birthday = _per_row(c["birthday_month"])
    delay_jump = np.where(rng.random(rows) < 0.6, 0, rng.integers(-3, 6, rows))
    delayed_jump = np.where(rng.random(rows) < 0.5, 0, rng.integers(-2, 3, rows))
    limit_jump = np.where(rng.random(rows) < 0.15, rng.integers(-6, 9, rows), 0)
    steps = (rng.random(rows) < 0.12).reshape(-1, MONTHS_PER_CUSTOMER).cumsum(axis=1).ravel()
    salary = _per_row(c["salary"])
    invested = np.clip(salary * rng.uniform(0.02, 0.09, rows), 0, 1977.33)
    spare = np.maximum(salary - _per_row(c["emi"]) - invested, 0)
    high_spent = rng.random(rows) < 1 / (1 + (37000 / _per_row(c["income"])) ** 1.2)
    size = rng.choice(["Small", "Medium", "Large"], rows, p=[0.45, 0.33, 0.22])
    return {
        "month": month,
        "age": _per_row(c["age"]) + ((birthday > 0) & (birthday <= month)),
        "delay": np.clip(np.round(_per_row(c["delay"]) + delay_jump), -5, 67),
        "delayed": np.clip(_per_row(c["delayed"]) + delayed_jump, 0, 28),
        "limit": _per_row(c["limit"]) + limit_jump,
        "inquiries": np.minimum(_per_row(c["inquiries"]) + steps, 17),
        "history": np.minimum(_per_row(c["history"]) + month, 404),
        "utilization": np.clip(rng.normal(32.3, 5.1, rows), 20, 50),
        "invested": invested,
        "balance": np.clip(
            spare * rng.uniform(0.06, 0.2, rows) + np.abs(rng.normal(0, 30, rows)), 0.0077, 1602.04
        ),
        "behaviour": np.char.add(
            np.char.add(np.where(high_spent, "High_spent_", "Low_spent_"), size), "_value_payments"
        ),
    }


def _z(values: np.ndarray, mean: float, std: float) -> np.ndarray:
    return (values - mean) / std


def risk_score(c: dict[str, np.ndarray], r: dict[str, np.ndarray]) -> np.ndarray:
    """The latent risk of each row from its clean values (higher = riskier).

    Mostly additive with the documented directions, plus threshold effects (few
    cards, long delays) and the documented Credit_Mix x income interaction (§5.1),
    so that tree ensembles have something a linear model cannot capture.
    """
    cards = _per_row(c["cards"])
    mix = _per_row(c["mix"])
    score: np.ndarray = (
        0.55 * _z(_per_row(c["rate"]), 14.5, 8.7)
        + 0.40 * _z(r["delay"], 21, 13)
        + 0.25 * (r["delay"] > 30)
        + 0.45 * _z(np.log(_per_row(c["debt"])), 7.05, 0.8)
        + 0.35 * _z(r["inquiries"], 6, 3.6)
        + 0.30 * _z(_per_row(c["bank"]), 5.4, 2.6)
        + 0.25 * _z(cards, 5.5, 2.1)
        - 0.8 * (cards <= 2)
        - 0.35 * _z(r["history"], 221, 95)
        + 0.25 * _z(r["delayed"], 13, 6)
        + 0.25 * _z(_per_row(c["loans"]), 3.5, 2.6)
        + 0.6 * (mix == "Bad")
        - 0.6 * (mix == "Good")
        + 0.3 * (_per_row(c["min_payment"]) == "Yes")
        - 0.15 * _z(np.log(_per_row(c["income"])), 10.52, 0.97)
        - 0.35 * (mix == "Standard") * _z(np.log(_per_row(c["income"])), 10.52, 0.97)
        - 0.10 * _z(r["balance"], 400, 214)
        + 0.08 * _z(r["limit"], 10.4, 6.5)
        - 0.08 * _z(r["age"], 33.3, 10.8)
    )
    return score


def _cutpoint(score: np.ndarray, share: float, sign: float) -> float:
    """Cut-point c with mean(sigmoid(sign * SHARPNESS * (score - c))) == share."""
    low, high = -20.0, 20.0
    for _ in range(60):
        middle = (low + high) / 2
        mean = np.mean(1 / (1 + np.exp(-sign * SHARPNESS * (score - middle))))
        if (mean > share) == (sign > 0):
            low = middle
        else:
            high = middle
    return (low + high) / 2


def class_probabilities(score: np.ndarray) -> np.ndarray:
    """Ordinal-logistic probabilities of Poor, Standard, Good at the target shares."""
    poor_cut = _cutpoint(score, TARGET_POOR_SHARE, 1.0)
    good_cut = _cutpoint(score, TARGET_GOOD_SHARE, -1.0)
    poor = 1 / (1 + np.exp(-SHARPNESS * (score - poor_cut)))
    good = 1 / (1 + np.exp(SHARPNESS * (score - good_cut)))
    return np.column_stack([poor, 1 - poor - good, good])


def _format_customers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Identifiers, names and SSNs in the raw file's spelling."""
    # Kaggle's ids run 0x3ee..0xc7a6; a larger file (over 50,000 customers) needs more
    numbers = rng.choice(np.arange(1006, max(51_000, 1006 + 2 * n)), size=n, replace=False)
    single = rng.random(n) < 0.5
    first = rng.choice(_FIRST, n)
    last = rng.choice(_LAST, n)
    letters = rng.choice(list("abcdefghijklmnopqrstuvwxyz"), n)
    names = np.where(
        single,
        np.char.add(last, letters),
        np.char.add(np.char.add(np.char.add(first, " "), last), letters),
    )
    ssn = rng.integers(0, 1_000_000_000, n)
    return {
        "customer_id": np.array([f"CUS_0x{v:x}" for v in numbers], dtype=object),
        "name": names.astype(object),
        "ssn": np.array(
            [f"{v // 1_000_000:03d}-{v // 10_000 % 100:02d}-{v % 10_000:04d}" for v in ssn],
            dtype=object,
        ),
    }


def _loan_lists(rng: np.random.Generator, loans: np.ndarray) -> np.ndarray:
    """Kaggle-spelled loan lists per customer (missing for customers without loans)."""
    lists = [format_loan_list(list(rng.choice(cs.LOAN_TYPES, k))) if k else np.nan for k in loans]
    return np.array(lists, dtype=object)


def _where(mask: np.ndarray, dirty: object, clean: np.ndarray) -> np.ndarray:
    out = clean.astype(object).copy()
    out[mask] = dirty if np.isscalar(dirty) else np.asarray(dirty, dtype=object)[mask]
    return out


def _huge(rng: np.random.Generator, rows: int, low: float, high: float) -> np.ndarray:
    """Log-uniform integers in [low, high]: the injected impossible values."""
    return np.floor(np.exp(rng.uniform(np.log(low), np.log(high), rows)))


def _texts(values: np.ndarray, fmt: str = "{!r}") -> np.ndarray:
    return np.array([fmt.format(float(v)) for v in values], dtype=object)


def _underscored(rng: np.random.Generator, text: np.ndarray, rate: float) -> np.ndarray:
    """Append the trailing `_` corruption to about ``rate`` of the values."""
    mask = rng.random(len(text)) < rate
    out = text.copy()
    out[mask] = np.char.add(text[mask].astype(str), "_")
    return out


def _ints_as_text(values: np.ndarray) -> np.ndarray:
    return np.array([str(int(v)) for v in values], dtype=object)


def generate(rows: int = 100_000, seed: int = 42) -> SyntheticData:
    """Generate ``rows`` raw-format rows (8 per customer) and their true probabilities."""
    if rows < MONTHS_PER_CUSTOMER:
        raise ValueError(f"rows must be at least {MONTHS_PER_CUSTOMER} (one customer)")
    rng = np.random.default_rng(seed)
    n = rows // MONTHS_PER_CUSTOMER
    c = _clean_customers(rng, n)
    r = _clean_rows(rng, c)
    proba = class_probabilities(risk_score(c, r))
    draw = rng.random(len(proba))
    labels = np.where(
        draw < proba[:, 0], "Poor", np.where(draw < proba[:, 0] + proba[:, 1], "Standard", "Good")
    )
    raw = _dirty_frame(rng, c, r, labels)
    true = pd.DataFrame(proba, columns=[f"proba_{k}" for k in ("Poor", "Standard", "Good")])
    return SyntheticData(raw=raw, true_proba=true)


def _dirty_frame(
    rng: np.random.Generator, c: dict[str, np.ndarray], r: dict[str, np.ndarray], labels: np.ndarray
) -> pd.DataFrame:
    """Assemble the raw file and inject the documented dirt at the documented rates."""
    rows = len(labels)
    ident = _format_customers(rng, len(c["risk"]))
    position = np.repeat(np.arange(len(c["risk"])), MONTHS_PER_CUSTOMER)

    def p(rate: float) -> np.ndarray:
        """A row mask hitting about ``rate`` of the rows."""
        return rng.random(rows) < rate

    age = _ints_as_text(r["age"])
    age = _where(p(0.0189), _ints_as_text(_huge(rng, rows, 101, 8698)), age)
    age = _underscored(rng, age, 0.04939)
    age = _where(p(0.00886), "-500", age)

    income = _texts(_per_row(c["income"]))
    income = _where(p(0.007), _texts(_huge(rng, rows, 200_001, 24_198_062)), income)
    loans = _ints_as_text(_per_row(c["loans"]))
    loans = _where(p(0.00469), _ints_as_text(_huge(rng, rows, 21, 1496)), loans)
    loans = _underscored(rng, loans, 0.04785)
    loans = _where(p(0.03876), "-100", loans)
    delayed = _ints_as_text(r["delayed"])
    delayed = _where(p(0.00644), _ints_as_text(-rng.integers(1, 4, rows)), delayed)
    delayed = _where(p(0.00732), _ints_as_text(_huge(rng, rows, 61, 4397)), delayed)
    delayed = _where(p(0.07002), np.nan, _underscored(rng, delayed, 0.02744))
    inquiries = np.where(p(0.01634), _huge(rng, rows, 51, 2597), r["inquiries"])
    history = np.array(
        [f"{int(m) // 12} Years and {int(m) % 12} Months" for m in r["history"]], dtype=object
    )
    emi = np.where(p(0.045), _huge(rng, rows, 5001, 82331), _per_row(c["emi"]))
    names = _per_row(ident["name"])
    names_missing = p(0.09985) & (r["month"] > 0)

    frame = {
        "ID": [f"0x{0x1602 + 12 * k + m:x}" for k, m in zip(position, r["month"])],
        "Customer_ID": _per_row(ident["customer_id"]),
        "Month": np.array(cs.MONTHS, dtype=object)[r["month"]],
        "Name": _where(names_missing, np.nan, names),
        "Age": age,
        "SSN": _where(p(0.05572), cs.SSN_TOKEN, _per_row(ident["ssn"])),
        "Occupation": _where(p(0.07062), cs.OCCUPATION_TOKEN, _per_row(c["occupation"])),
        "Annual_Income": _underscored(rng, income, 0.0698),
        "Monthly_Inhand_Salary": np.where(p(0.15002), np.nan, _per_row(c["salary"])),
        "Num_Bank_Accounts": np.where(
            p(0.00021), -1, np.where(p(0.01314), _huge(rng, rows, 21, 1798), _per_row(c["bank"]))
        ).astype(int),
        "Num_Credit_Card": np.where(
            p(0.02271), _huge(rng, rows, 12, 1499), _per_row(c["cards"])
        ).astype(int),
        "Interest_Rate": np.where(
            p(0.02012),
            _huge(rng, rows, 101, 5797),
            np.where(p(0.00022), rng.integers(59, 101, rows), _per_row(c["rate"])),
        ).astype(int),
        "Num_of_Loan": loans,
        "Type_of_Loan": _per_row(_loan_lists(rng, c["loans"])),
        "Delay_from_due_date": r["delay"].astype(int),
        "Num_of_Delayed_Payment": delayed,
        "Changed_Credit_Limit": _where(p(0.02091), cs.CHANGED_LIMIT_TOKEN, _texts(r["limit"])),
        "Num_Credit_Inquiries": np.where(p(0.01965), np.nan, inquiries),
        "Credit_Mix": _where(p(0.20195), cs.CREDIT_MIX_TOKEN, _per_row(c["mix"])),
        "Outstanding_Debt": _underscored(rng, _texts(_per_row(c["debt"])), 0.01009),
        "Credit_Utilization_Ratio": r["utilization"],
        "Credit_History_Age": _where(p(0.0903), np.nan, history),
        "Payment_of_Min_Amount": _where(
            p(0.12007), cs.MIN_AMOUNT_TOKEN, _per_row(c["min_payment"])
        ),
        "Total_EMI_per_month": emi,
        "Amount_invested_monthly": _where(
            p(0.04479), np.nan, _where(p(0.04305), cs.INVESTED_TOKEN, _texts(r["invested"]))
        ),
        "Payment_Behaviour": _where(p(0.076), cs.BEHAVIOUR_TOKEN, r["behaviour"]),
        "Monthly_Balance": _where(
            p(0.012), np.nan, _where(p(0.00009), cs.BALANCE_TOKEN, _texts(r["balance"]))
        ),
        "Credit_Score": labels,
    }
    return pd.DataFrame(frame, columns=list(cs.RAW_COLUMNS))


def write(data: SyntheticData, output: str) -> str:
    """Write the raw CSV and its true-probability side file; return the side file's path."""
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    data.raw.to_csv(path, index=False)
    side = truth_file(path)
    data.true_proba.to_csv(side, index=False)
    return str(side)
