"""Record-level cleaning of every dirt token and impossible value in RAW_FORMAT.md."""

from __future__ import annotations


import pandas as pd
import pytest

from credit_scoring.profiles import Profile
from credit_scoring.profiles.kinds import repeats
from tests.helpers import parse


NUMBER_CASES = [
    (
        "Age",
        ["28", "28_", "-500", "8698", "4808_", "56", None],
        [28, 28, None, None, None, 56, None],
    ),
    ("Annual_Income", ["34847.84_", "10909427.0", "7005.93"], [34847.84, None, 7005.93]),
    ("Num_Bank_Accounts", ["1798", "-1", "6"], [None, None, 6]),
    ("Num_Credit_Card", ["1385", "11", "12"], [None, 11, None]),
    ("Interest_Rate", ["5797", "101", "59", "34", "1"], [None, None, 59, 34, 1]),
    ("Num_of_Loan", ["-100", "3_", "1464", "0"], [None, 3, None, 0]),
    ("Num_of_Delayed_Payment", ["-3", "8_", "4397", None, "19"], [None, 8, None, None, 19]),
    (
        "Changed_Credit_Limit",
        ["_", "4.710000000000001", "-6.49"],
        [None, 4.710000000000001, -6.49],
    ),
    ("Num_Credit_Inquiries", ["2597.0", "4.0", None], [None, 4.0, None]),
    ("Outstanding_Debt", ["1328.93_", "0.23"], [1328.93, 0.23]),
    ("Total_EMI_per_month", ["82331.0", "0.0", "27.442089"], [None, 0.0, 27.442089]),
    (
        "Amount_invested_monthly",
        ["__10000__", "80.41529543900253", None],
        [None, 80.41529543900253, None],
    ),
    (
        "Monthly_Balance",
        ["__-333333333333333333333333333__", "312.49408867943663"],
        [None, 312.49408867943663],
    ),
    ("Delay_from_due_date", ["-5", "67", "-6"], [-5, 67, None]),
]


@pytest.mark.parametrize(("column", "raw", "expected"), NUMBER_CASES)
def test_numbers_strip_underscores_and_drop_tokens_and_impossible_values(
    profile: Profile, column: str, raw: list[object], expected: list[object]
) -> None:
    assert parse(profile, column, raw) == expected


@pytest.mark.parametrize(("column", "raw", "expected"), NUMBER_CASES)
def test_repeated_text_is_read_once_per_value_with_the_same_numbers(
    profile: Profile, column: str, raw: list[object], expected: list[object]
) -> None:
    copies = 100  # a file's column: enough values, each repeated (read once per value)
    assert repeats(pd.Series(raw * copies, dtype=object))
    assert parse(profile, column, raw * copies) == expected * copies


@pytest.mark.parametrize(
    ("column", "raw", "expected"),
    [
        (
            "Occupation",
            ["_______", "Lawyer", "Media_Manager", "Pilot"],
            [None, "Lawyer", "Media_Manager", None],
        ),
        ("Credit_Mix", ["_", "Good", "Bad", "Standard"], [None, "Good", "Bad", "Standard"]),
        ("Payment_of_Min_Amount", ["NM", "Yes", "No"], [None, "Yes", "No"]),
        (
            "Payment_Behaviour",
            ["!@9#%8", "Low_spent_Small_value_payments"],
            [None, "Low_spent_Small_value_payments"],
        ),
    ],
)
def test_category_tokens_become_missing(
    profile: Profile, column: str, raw: list[object], expected: list[object]
) -> None:
    assert parse(profile, column, raw) == expected
    copies = 100  # a file's column, read once per distinct value: the same answers
    assert parse(profile, column, raw * copies) == expected * copies


def test_numeric_series_pass_through_and_are_range_checked(profile: Profile) -> None:
    age = profile.input("Age")
    parsed = age.kind.parse(pd.Series([30.0, 8153.0, float("nan")]), age)
    assert parsed.iloc[0] == 30 and parsed.iloc[1:].isna().all()


def test_parsing_canonical_values_again_changes_nothing(
    profile: Profile, raw_frame: pd.DataFrame
) -> None:
    for column in profile.inputs:
        once = column.kind.parse(raw_frame[column.name], column)
        twice = column.kind.parse(once, column)
        pd.testing.assert_series_equal(once, twice, check_dtype=False, obj=column.name)
