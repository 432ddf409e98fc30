"""The Pipeline's transformers follow scikit-learn's rules.

``check_estimator`` feeds estimators random numeric arrays; these transformers read a
profile's named columns, so the checks that need no data run on them (parameters,
cloning, attributes set in ``__init__``), and the rest is tested here on real frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_set_params,
)

from credit_scoring.ml.transformers import InputColumnsError, RecordCleaner
from credit_scoring.profiles import CARD_DEFAULT, CREDIT_SCORE, Profile
from credit_scoring.profiles.card_default_features import CardDefaultFeatures
from credit_scoring.profiles.credit_score_features import CreditScoreFeatures


TRANSFORMERS = [
    (RecordCleaner, CREDIT_SCORE),
    (CreditScoreFeatures, CREDIT_SCORE),
    (RecordCleaner, CARD_DEFAULT),
    (CardDefaultFeatures, CARD_DEFAULT),
]


@pytest.mark.parametrize(("transformer", "owner"), TRANSFORMERS)
def test_init_only_stores_parameters_and_clone_works(transformer: type, owner: Profile) -> None:
    instance = transformer(profile=owner)
    assert instance.get_params()["profile"] is owner
    assert clone(instance).get_params()["profile"].name == owner.name
    name = transformer.__name__
    check_no_attributes_set_in_init(name, instance)
    check_get_params_invariance(name, instance)
    check_set_params(name, instance)


@pytest.mark.parametrize(("transformer", "owner"), TRANSFORMERS)
def test_an_unfitted_transformer_refuses_to_transform(transformer: type, owner: Profile) -> None:
    record = pd.DataFrame([{name: None for name in owner.input_names}])
    with pytest.raises(NotFittedError):
        transformer(owner).transform(record)
    with pytest.raises(NotFittedError):
        transformer(owner).get_feature_names_out()


def test_fit_learns_the_input_columns_from_x(profile: Profile, raw_frame: pd.DataFrame) -> None:
    cleaner = RecordCleaner(profile).fit(raw_frame)
    assert list(cleaner.feature_names_in_) == list(raw_frame.columns)
    assert cleaner.n_features_in_ == raw_frame.shape[1]
    with pytest.raises(InputColumnsError, match="Age"):
        RecordCleaner(profile).fit(raw_frame.drop(columns=["Age"]))


def test_fit_returns_self_and_names_match_output(profile: Profile, raw_frame: pd.DataFrame) -> None:
    cleaner = RecordCleaner(profile)
    assert cleaner.fit(raw_frame) is cleaner
    clean = cleaner.transform(raw_frame)
    assert list(clean.columns) == list(cleaner.get_feature_names_out())
    encoder = CreditScoreFeatures(profile)
    assert encoder.fit(clean) is encoder
    encoded = encoder.transform(clean)
    assert list(encoded.columns) == list(encoder.get_feature_names_out())
    assert list(encoder.feature_names_in_) == list(clean.columns)
    assert all(dtype == np.float64 for dtype in encoded.dtypes)


def test_encoding_of_categories_and_loans(profile: Profile) -> None:
    record = pd.DataFrame(
        [
            {
                "Credit_Mix": "Good",
                "Payment_of_Min_Amount": "Yes",
                "Occupation": None,
                "Payment_Behaviour": "High_spent_Large_value_payments",
                "Type_of_Loan": "Auto Loan, Auto Loan, and Payday Loan",
            }
        ]
    )
    for name in profile.input_names:
        if name not in record:
            record[name] = np.nan
    clean = RecordCleaner(profile).fit(record).transform(record)
    encoded = CreditScoreFeatures(profile).fit(clean).transform(clean)
    row = encoded.iloc[0]
    assert row["Credit_Mix"] == 2 and row["Payment_of_Min_Amount"] == 1
    assert np.isnan(row["Occupation"])
    assert row["Payment_Behaviour_high_spent"] == 1 and row["Payment_Behaviour_value_size"] == 2
    assert row["Type_of_Loan_count_Auto_Loan"] == 2 and row["Type_of_Loan_count_Payday_Loan"] == 1
    assert row["Type_of_Loan_count_Student_Loan"] == 0


def test_missing_input_columns_are_named(profile: Profile, raw_frame: pd.DataFrame) -> None:
    with pytest.raises(InputColumnsError, match="Age, Occupation"):
        RecordCleaner(profile).fit(raw_frame).transform(
            raw_frame.drop(columns=["Age", "Occupation"])
        )


def test_single_record_goes_through_the_same_code_as_a_batch(
    profile: Profile, raw_frame: pd.DataFrame
) -> None:
    cleaner = RecordCleaner(profile).fit(raw_frame)
    batch = cleaner.transform(raw_frame.iloc[:20])
    one_by_one = pd.concat([cleaner.transform(raw_frame.iloc[[i]]) for i in range(20)])
    pd.testing.assert_frame_equal(batch, one_by_one, check_dtype=False)
