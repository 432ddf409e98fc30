"""credit_score's own column kinds: credit history text and loan lists."""

from __future__ import annotations

import pandas as pd

from credit_scoring.profiles import Profile
from credit_scoring.profiles.credit_score_kinds import format_loan_list, loan_items
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
    column = profile.input("Type_of_Loan")
    assert loan_items("Personal Loan, and Student Loan", column) == [
        "Personal Loan",
        "Student Loan",
    ]
    assert loan_items("Auto Loan, Auto Loan, and Not Specified", column) == [
        "Auto Loan",
        "Auto Loan",
        "Not Specified",
    ]
    assert loan_items('["Auto Loan", "Payday Loan"]', column) == ["Auto Loan", "Payday Loan"]
    assert loan_items(["Mortgage Loan"], column) == ["Mortgage Loan"]
    assert loan_items(None, column) is None
    assert format_loan_list(["A", "B"]) == "A, and B"
    assert format_loan_list(["A", "B", "C"]) == "A, B, and C"


def test_a_loan_list_is_parsed_once_into_the_form_the_features_count(profile: Profile) -> None:
    column = profile.input("Type_of_Loan")
    sent = pd.Series(["Auto Loan, Auto Loan, and Payday Loan", ("Auto Loan", "Payday Loan"), None])
    parsed = column.kind.parse(sent, column)
    assert parsed.iloc[0] == ("Auto Loan", "Auto Loan", "Payday Loan")
    assert parsed.iloc[1] == ("Auto Loan", "Payday Loan") and parsed.iloc[2] is None


def test_a_forms_unknown_loan_answers_are_unknown_not_no_loans(profile: Profile) -> None:
    """ "Two or More Types of Loan" (the Portuguese client's form) names several loans of
    types not given: the list is unknown (every per-type count missing), never zero loans."""
    column = profile.input("Type_of_Loan")
    sent = pd.Series(["Two or More Types of Loan", "Not Informed", "Auto Loan"])
    parsed = column.kind.parse(sent, column)
    assert parsed.iloc[0] is None and parsed.iloc[1] is None
    assert parsed.iloc[2] == ("Auto Loan",)
    assert column.kind.canonical("Two or More Types of Loan", column) is None
