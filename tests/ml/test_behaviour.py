"""Behavioural tests of the served Pipeline of each profile (after Made-With-ML's): what must
not move a decision (invariance), which way more delinquency must move it (direction), and
decisions no model may get wrong (minimum functionality).

card_default's models are monotone in delays by construction, so its direction test holds
every probability to it. credit_score's three-class models cannot be (a monotone class score
is not a monotone class probability, and CatBoost has no multiclass constraints): its test
asks that no refusal become an approval and that the average risk grow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from credit_scoring.ml.artifact import Artifact, load_artifact

Change = dict[str, object]


def risk(artifact: Artifact, records: pd.DataFrame) -> np.ndarray:
    """P(risk class) of raw records, each scored on its own (no customer history), with
    every column of the file: the Pipeline must ignore those that are not its inputs."""
    proba: np.ndarray = artifact.pipeline.predict_proba(records)[:, artifact.profile.risk_index]
    return proba


def refused(artifact: Artifact, records: pd.DataFrame) -> np.ndarray:
    """Whether each record is NEGADO at the artifact's threshold."""
    return risk(artifact, records) >= artifact.metadata.threshold


@pytest.fixture(scope="module")
def card(card_dir: Path) -> Artifact:
    return load_artifact(card_dir)


@pytest.fixture(scope="module")
def card_records(uci_sample: Path) -> pd.DataFrame:
    return pd.read_csv(uci_sample, dtype=str).head(1_500)


@pytest.fixture(scope="module")
def credit_records(raw_frame: pd.DataFrame) -> pd.DataFrame:
    return raw_frame.head(1_500)


def test_who_the_applicant_is_changes_nothing(
    artifact: Artifact, credit_records: pd.DataFrame
) -> None:
    before = risk(artifact, credit_records)
    renamed = credit_records.assign(
        Name="Someone Else", SSN="000-00-0000", ID="0x1", Customer_ID="CUS_0x1", Month="May"
    )
    np.testing.assert_array_equal(risk(artifact, renamed), before)


@pytest.mark.parametrize(
    "change", [{"SEX": "1"}, {"SEX": "2"}, {"MARRIAGE": "1"}, {"MARRIAGE": "3"}, {"AGE": "70"}]
)
def test_sex_marital_status_and_age_change_nothing_for_card_default(
    card: Artifact, card_records: pd.DataFrame, change: Change
) -> None:
    before = risk(card, card_records)
    np.testing.assert_array_equal(risk(card, card_records.assign(**change)), before)


def numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.rstrip("_"), errors="coerce")


def more_delay(records: pd.DataFrame, column: str, months: float) -> pd.DataFrame:
    """The records with ``months`` more of ``column`` where it is readable."""
    value = numbers(records[column])
    delayed = (value + months).astype("Int64").astype("string")
    return records.assign(**{column: delayed.where(value.notna(), records[column])})


def assert_never_less_refused(
    artifact: Artifact, before: pd.DataFrame, after: pd.DataFrame
) -> None:
    """No applicant refused before is approved after; on average the risk grew."""
    was, now = refused(artifact, before), refused(artifact, after)
    assert not (was & ~now).any(), f"{int((was & ~now).sum())} refusals became approvals"
    assert risk(artifact, after).mean() > risk(artifact, before).mean()


@pytest.mark.parametrize(
    ("column", "months"), [("Num_of_Delayed_Payment", 5), ("Delay_from_due_date", 20)]
)
def test_more_delayed_payments_never_turn_a_refusal_into_an_approval(
    artifact: Artifact, credit_records: pd.DataFrame, column: str, months: float
) -> None:
    assert_never_less_refused(artifact, credit_records, more_delay(credit_records, column, months))


@pytest.mark.parametrize("month", ["PAY_0", "PAY_3", "PAY_6"])
def test_a_longer_card_delay_never_lowers_the_risk(
    card: Artifact, card_records: pd.DataFrame, month: str
) -> None:
    """card_default's models are monotone in every delay (``card_default_features.
    MONOTONE``): this holds for each probability, not only for decisions."""
    status = pd.to_numeric(card_records[month])
    later = np.where(status >= 1, status + 1, 1).clip(max=9)  # paid or revolving: now late
    after = card_records.assign(**{month: later.astype(str)})
    growth = risk(card, after) - risk(card, card_records)
    assert (growth >= -1e-12).all(), f"{int((growth < -1e-12).sum())} risks fell"
    assert_never_less_refused(card, card_records, after)


OBVIOUSLY_BAD_CREDIT: Change = {
    "Num_of_Delayed_Payment": "25",
    "Delay_from_due_date": "55",
    "Outstanding_Debt": "4900",
    "Interest_Rate": "33",
    "Num_of_Loan": "9",
    "Credit_Mix": "Bad",
    "Payment_of_Min_Amount": "Yes",
    "Credit_History_Age": "1 Years and 0 Months",
    "Num_Credit_Inquiries": "16",
}
OBVIOUSLY_GOOD_CREDIT: Change = {
    "Num_of_Delayed_Payment": "0",
    "Delay_from_due_date": "0",
    "Outstanding_Debt": "100",
    "Interest_Rate": "3",
    "Num_of_Loan": "0",
    "Type_of_Loan": None,
    "Credit_Mix": "Good",
    "Payment_of_Min_Amount": "No",
    "Credit_History_Age": "30 Years and 0 Months",
    "Num_Credit_Inquiries": "0",
}


@pytest.mark.parametrize(
    ("change", "denied"), [(OBVIOUSLY_BAD_CREDIT, True), (OBVIOUSLY_GOOD_CREDIT, False)]
)
def test_obvious_credit_score_applicants_are_decided_as_anyone_would(
    artifact: Artifact, credit_records: pd.DataFrame, change: Change, denied: bool
) -> None:
    assert (refused(artifact, credit_records.head(50).assign(**change)) == denied).all()


def card_client(status: int, bill: int, payment: int, limit: int) -> Change:
    """A card client with the same status, bill and payment in all six months."""
    months = range(1, 7)
    return {
        "LIMIT_BAL": str(limit),
        **{name: str(status) for name in ("PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6")},
        **{f"BILL_AMT{k}": str(bill) for k in months},
        **{f"PAY_AMT{k}": str(payment) for k in months},
    }


@pytest.mark.parametrize(
    ("change", "denied"),
    [
        (card_client(status=3, bill=49_000, payment=0, limit=50_000), True),
        (card_client(status=-1, bill=2_000, payment=2_000, limit=500_000), False),
    ],
)
def test_obvious_card_clients_are_decided_as_anyone_would(
    card: Artifact, card_records: pd.DataFrame, change: Change, denied: bool
) -> None:
    assert (refused(card, card_records.head(50).assign(**change)) == denied).all()


@pytest.mark.parametrize("age", ["62", "75", "90"])
def test_credit_score_never_refuses_an_applicant_for_being_62_or_older(
    artifact: Artifact, credit_records: pd.DataFrame, age: str
) -> None:
    """Regulation B (12 CFR 1002.6(b)(2)): an empirically derived system may use age, but
    an applicant 62 or older may not be scored down for it (``ElderlyNotScoredDown``)."""
    before = risk(artifact, credit_records)
    after = risk(artifact, credit_records.assign(Age=age))
    assert (after <= before + 1e-12).all(), f"{int((after > before).sum())} scored down"
