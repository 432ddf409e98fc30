"""The generator writes the Kaggle raw format: columns, tokens, structure, balance, labels."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from credit_scoring.profiles import credit_score_synthetic as synthetic
from credit_scoring.profiles import Profile
from credit_scoring.profiles import credit_score as cs


@pytest.fixture(scope="module")
def raw(
    generated: synthetic.SyntheticData, tmp_path_factory: pytest.TempPathFactory
) -> pd.DataFrame:
    """The generated frame as a reader of the CSV file sees it (all strings)."""
    path = tmp_path_factory.mktemp("gen") / "synthetic_train.csv"
    synthetic.write(generated, str(path))
    return pd.read_csv(path, dtype=str)


def share(mask: pd.Series) -> float:
    return float(mask.mean())


def assert_rate(observed: float, expected: float, rows: int = 16_000) -> None:
    """Within four binomial standard errors of the documented rate: a rate that halved or
    doubled fails (about 0.3 of a 1 % rate on 16,000 rows; 0.06 of a 20 % rate)."""
    tolerance = 4 * np.sqrt(expected * (1 - expected) / rows)
    assert abs(observed - expected) <= tolerance, f"{observed:.5f} vs {expected:.5f}"


def test_columns_and_order_match_the_kaggle_header(raw: pd.DataFrame) -> None:
    assert list(raw.columns) == list(cs.RAW_COLUMNS)
    assert len(raw) == 16_000


@pytest.mark.parametrize(
    ("column", "token", "rate"),
    [
        ("SSN", cs.SSN_TOKEN, 0.05572),
        ("Occupation", cs.OCCUPATION_TOKEN, 0.07062),
        ("Credit_Mix", cs.CREDIT_MIX_TOKEN, 0.20195),
        ("Changed_Credit_Limit", cs.CHANGED_LIMIT_TOKEN, 0.02091),
        ("Payment_of_Min_Amount", cs.MIN_AMOUNT_TOKEN, 0.12007),
        ("Payment_Behaviour", cs.BEHAVIOUR_TOKEN, 0.076),
        ("Amount_invested_monthly", cs.INVESTED_TOKEN, 0.04305 * (1 - 0.04479)),
        ("Age", "-500", 0.00886),
        ("Num_of_Loan", "-100", 0.03876),
    ],
)
def test_tokens_at_documented_rates(
    raw: pd.DataFrame, column: str, token: str, rate: float
) -> None:
    assert_rate(share(raw[column] == token), rate)


@pytest.mark.parametrize(
    ("column", "rate"),
    [
        ("Name", 0.09985 * 7 / 8),
        ("Monthly_Inhand_Salary", 0.15002),
        ("Num_of_Delayed_Payment", 0.07002),
        ("Num_Credit_Inquiries", 0.01965),
        ("Credit_History_Age", 0.0903),
        ("Amount_invested_monthly", 0.04479),
        ("Monthly_Balance", 0.012),
    ],
)
def test_missing_values_at_documented_rates(raw: pd.DataFrame, column: str, rate: float) -> None:
    assert_rate(share(raw[column].isna()), rate)


@pytest.mark.parametrize(
    ("column", "rate"),
    [("Age", 0.04939), ("Annual_Income", 0.0698), ("Outstanding_Debt", 0.01009)],
)
def test_trailing_underscores(raw: pd.DataFrame, column: str, rate: float) -> None:
    assert_rate(share(raw[column].str.endswith("_", na=False)), rate)


def test_absurd_values_exist(raw: pd.DataFrame) -> None:
    def numbers(column: str) -> pd.Series:
        return pd.to_numeric(raw[column].str.rstrip("_"), errors="coerce")

    assert_rate(share(numbers("Age") > 100), 0.0189)
    assert_rate(share(numbers("Num_Bank_Accounts") > 20), 0.01314)
    assert_rate(share(numbers("Num_Credit_Card") > 11), 0.02271)
    assert_rate(share(numbers("Interest_Rate") > 34), 0.02034)
    assert_rate(share(numbers("Num_of_Delayed_Payment") > 60), 0.00732)
    assert_rate(share(numbers("Num_Credit_Inquiries") > 50), 0.01634)
    assert numbers("Total_EMI_per_month").max() > 5000
    assert numbers("Annual_Income").max() > 200_000
    assert (raw["Monthly_Balance"] == cs.BALANCE_TOKEN).sum() <= 10


def test_value_formats(raw: pd.DataFrame) -> None:
    assert raw["ID"].iloc[0] == "0x1602" and raw["ID"].iloc[8] == "0x160e"
    assert raw["Customer_ID"].str.fullmatch(r"CUS_0x[0-9a-f]+").all()
    assert raw["SSN"].str.fullmatch(r"\d{3}-\d{2}-\d{4}|" + re.escape(cs.SSN_TOKEN)).all()
    history = raw["Credit_History_Age"].dropna()
    assert history.str.fullmatch(r"\d+ Years and \d+ Months").all()
    loans = raw["Type_of_Loan"].dropna()
    two = loans[loans.str.count(",") == 1]
    assert two.str.contains(", and ").all()


def test_eight_months_per_customer_in_file_order(raw: pd.DataFrame) -> None:
    counts = raw.groupby("Customer_ID").size()
    assert (counts == 8).all()
    months = raw["Month"].to_numpy().reshape(-1, 8)
    assert (months == np.array(cs.MONTHS)).all()


def test_customer_constants_and_counters(raw: pd.DataFrame) -> None:
    by_customer = raw.groupby("Customer_ID", sort=False)
    occupations = raw["Occupation"].where(raw["Occupation"] != cs.OCCUPATION_TOKEN)
    assert (occupations.groupby(raw["Customer_ID"]).nunique() <= 1).all()
    loan_missing = by_customer["Type_of_Loan"].agg(lambda s: s.isna().mean())
    assert set(loan_missing.unique()) <= {0.0, 1.0}
    months = raw["Credit_History_Age"].str.extract(r"(\d+) Years and (\d+) Months").astype(float)
    total = (months[0] * 12 + months[1]).to_numpy().reshape(-1, 8)
    steps = np.diff(total, axis=1)
    assert np.all((steps[~np.isnan(steps)]) == 1)
    behaviours = raw.groupby("Customer_ID")["Payment_Behaviour"].nunique()
    assert (behaviours > 1).mean() > 0.5


def test_class_balance_and_label_changes(raw: pd.DataFrame) -> None:
    balance = raw["Credit_Score"].value_counts(normalize=True)
    assert balance["Standard"] == pytest.approx(0.53, abs=0.03)
    assert balance["Poor"] == pytest.approx(0.29, abs=0.03)
    assert balance["Good"] == pytest.approx(0.18, abs=0.03)
    by_customer = raw.groupby("Customer_ID", sort=False)["Credit_Score"]
    changed = (by_customer.first() != by_customer.last()).mean()
    assert changed == pytest.approx(0.30, abs=0.06)


def test_relations_have_the_documented_direction(raw: pd.DataFrame) -> None:
    score = raw["Credit_Score"].map({"Poor": 0, "Standard": 1, "Good": 2})
    rate = pd.to_numeric(raw["Interest_Rate"]).where(lambda s: s <= 34)
    history = raw["Credit_History_Age"].str.extract(r"(\d+) Years").astype(float)[0]
    assert score.corr(rate, method="spearman") < -0.3
    assert score.corr(history, method="spearman") > 0.2
    bad_mix = raw["Credit_Mix"] == "Bad"
    assert (raw.loc[bad_mix, "Credit_Score"] == "Poor").mean() > 0.5


def test_true_probabilities_side_file(generated: synthetic.SyntheticData, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    side = synthetic.write(generated, str(path))
    true = pd.read_csv(side)
    assert list(true.columns) == ["proba_Poor", "proba_Standard", "proba_Good"]
    assert len(true) == len(generated.raw)
    np.testing.assert_allclose(true.sum(axis=1), 1.0, atol=1e-9)
    assert (true.to_numpy() >= 0).all()


def test_deterministic_for_a_seed(profile: Profile) -> None:
    first = synthetic.generate(rows=800, seed=5)
    again = synthetic.generate(rows=800, seed=5)
    other = synthetic.generate(rows=800, seed=6)
    pd.testing.assert_frame_equal(first.raw, again.raw)
    assert not first.raw.equals(other.raw)


def test_too_few_rows_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least 8"):
        synthetic.generate(rows=3)


def test_a_file_of_a_million_rows_has_customers_enough() -> None:
    """1,000,000 rows are 125,000 customers: more than Kaggle's id range holds (make bench
    scores such a file), each with its own id."""
    ids = synthetic._format_customers(np.random.default_rng(1), 125_000)["customer_id"]
    assert len(set(ids)) == 125_000
