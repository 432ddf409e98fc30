"""Dataset-level (per-customer) cleaning and label reading."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from credit_scoring.ml.dataset_cleaning import LabelError, clean_dataset, labels
from credit_scoring.profiles import Profile
from credit_scoring.profiles import credit_score as cs


def one_customer(raw_frame: pd.DataFrame) -> pd.DataFrame:
    customer = raw_frame.iloc[:8].copy()
    customer["Age"] = ["37", "38", "38", "8153", "38_", "-500", "38", "38"]
    customer["Occupation"] = [
        "_______",
        "Lawyer",
        "Lawyer",
        "Lawyer",
        "Lawyer",
        "Lawyer",
        "Lawyer",
        "Lawyer",
    ]
    customer["Interest_Rate"] = ["12", "12", "5318", "12", "12", "12", "12", "12"]
    customer["Credit_History_Age"] = [
        "22 Years and 1 Months",
        None,
        "22 Years and 3 Months",
        "22 Years and 4 Months",
        "22 Years and 5 Months",
        "22 Years and 6 Months",
        "22 Years and 7 Months",
        None,
    ]
    customer["Num_Credit_Inquiries"] = ["4.0", None, "4.0", "1196.0", "5.0", "5.0", "5.0", "6.0"]
    return customer


def test_customer_outliers_replaced_and_gaps_filled(
    profile: Profile, raw_frame: pd.DataFrame
) -> None:
    clean = clean_dataset(one_customer(raw_frame), profile)
    assert clean["Age"].tolist() == [37, 38, 38, 38, 38, 38, 38, 38]
    assert (clean["Occupation"] == "Lawyer").all()
    assert (clean["Interest_Rate"] == 12).all()
    assert clean["Credit_History_Age"].tolist() == list(range(265, 273))
    assert clean["Num_Credit_Inquiries"].tolist() == [4, 4, 4, 4, 5, 5, 5, 6]


def test_output_has_no_token_and_is_a_fixed_point_of_record_cleaning(
    profile: Profile, raw_frame: pd.DataFrame
) -> None:
    clean = clean_dataset(raw_frame, profile)
    assert len(clean) == len(raw_frame) and (clean.index == raw_frame.index).all()
    for token in (cs.OCCUPATION_TOKEN, cs.MIN_AMOUNT_TOKEN, cs.BEHAVIOUR_TOKEN):
        assert not (clean == token).any().any()
    assert clean["Age"].between(14, 100).all()
    again = clean_dataset(pd.concat([raw_frame[["Customer_ID", "Month"]], clean], axis=1), profile)
    pd.testing.assert_frame_equal(clean, again, check_dtype=False)


def test_labels_to_codes_and_bad_labels_named(profile: Profile, raw_frame: pd.DataFrame) -> None:
    codes = labels(raw_frame, profile)
    assert set(np.unique(codes)) == {0, 1, 2}
    broken = raw_frame.iloc[:3].copy()
    broken["Credit_Score"] = ["Poor", "Excellent", None]
    with pytest.raises(LabelError, match="2 rows .*'Excellent'"):
        labels(broken, profile)
