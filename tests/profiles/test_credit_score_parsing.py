"""credit_score's own raw formats: credit history text and loan lists."""

from __future__ import annotations

import pandas as pd

from credit_scoring.ml.parsing import parse_column
from credit_scoring.profiles import Profile
from credit_scoring.profiles.credit_score_parsing import format_loan_list, loan_items
from tests.helpers import parse


def test_credit_history_age_from_text_or_months(profile: Profile) -> None:
    raw = [
        "22 Years and 1 Months",
        "0 Years and 1 Months",
        "33 Years and 8 Months",
        "200",
        None,
        "soon",
        "22 Years and 13 Months",
    ]
    assert parse(profile, "Credit_History_Age", raw) == [265, 1, 404, 200, None, None, None]


def test_loan_lists_from_kaggle_text_and_json(profile: Profile) -> None:
    types = profile.input("Type_of_Loan").categories
    assert loan_items("Personal Loan, and Student Loan", types) == ["Personal Loan", "Student Loan"]
    assert loan_items("Auto Loan, Auto Loan, and Not Specified", types) == [
        "Auto Loan",
        "Auto Loan",
        "Not Specified",
    ]
    assert loan_items('["Auto Loan", "Payday Loan"]', types) == ["Auto Loan", "Payday Loan"]
    assert loan_items(["Mortgage Loan"], types) == ["Mortgage Loan"]
    assert loan_items(None, types) is None
    assert format_loan_list(["A", "B"]) == "A, and B"
    assert format_loan_list(["A", "B", "C"]) == "A, B, and C"


def test_a_loan_list_is_parsed_once_into_the_form_the_features_count(profile: Profile) -> None:
    column = profile.input("Type_of_Loan")
    sent = pd.Series(["Auto Loan, Auto Loan, and Payday Loan", ("Auto Loan", "Payday Loan"), None])
    parsed = parse_column(sent, column, profile)
    assert parsed.iloc[0] == ("Auto Loan", "Auto Loan", "Payday Loan")
    assert parsed.iloc[1] == ("Auto Loan", "Payday Loan") and parsed.iloc[2] is None
