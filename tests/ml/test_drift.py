"""The PSI against hand-computed values, near 0 on data drawn from the reference and high on
a shifted sample; the minimum windows keep chance crossings of a level under about 1 %."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from credit_scoring.ml.drift import (
    LEVELS,
    bin_counts,
    drift_level,
    input_reference,
    minimum_window,
    psi,
)
from credit_scoring.profiles import CARD_DEFAULT, CREDIT_SCORE

NUMERIC = {"edges": [10.0, 20.0], "shares": [0.25, 0.5, 0.25, 0.0]}
CATEGORY = {"categories": ["a", "b"], "shares": [0.5, 0.4, 0.1]}


def test_numbers_fall_in_decile_bins_and_missing_in_the_last() -> None:
    values = np.array([5.0, 10.0, 15.0, 20.0, 25.0, np.nan])
    # side "right": an edge value belongs to the bin above it
    assert bin_counts(values, NUMERIC).tolist() == [1, 2, 2, 1]
    assert bin_counts(np.array([0.0, 1.0, np.nan, 1.0]), CATEGORY).tolist() == [1, 2, 1]


def test_psi_against_a_hand_computation() -> None:
    counts = np.array([10, 60, 30, 0])
    actual, expected = [0.1, 0.6, 0.3, 1e-4], [0.25, 0.5, 0.25, 1e-4]
    by_hand = sum((a - e) * math.log(a / e) for a, e in zip(actual, expected))
    assert psi(np.array(NUMERIC["shares"]), counts) == pytest.approx(by_hand, abs=1e-12)
    assert by_hand == pytest.approx(0.1648, abs=1e-4)
    assert psi(np.array(NUMERIC["shares"]), np.array([25, 50, 25, 0])) == pytest.approx(0.0)


def test_psi_is_near_zero_on_the_reference_and_high_on_a_shifted_sample() -> None:
    rng = np.random.default_rng(0)
    training = pd.DataFrame({"AGE": rng.normal(40, 10, 50_000)})
    training = training.reindex(columns=CARD_DEFAULT.input_names).fillna(1.0)
    reference = input_reference(training, CARD_DEFAULT)["AGE"]
    same = bin_counts(rng.normal(40, 10, 5_000), reference)
    shifted = bin_counts(rng.normal(48, 10, 5_000), reference)
    assert psi(np.array(reference["shares"]), same) < 0.01
    assert psi(np.array(reference["shares"]), shifted) > LEVELS["act"]


def test_categories_and_loan_lists_have_their_own_drift_values() -> None:
    occupation = CREDIT_SCORE.input("Occupation")
    values = np.array([occupation.categories[2], None], dtype=object)
    assert np.array_equal(
        occupation.kind.drift_values(values, occupation), [2.0, np.nan], equal_nan=True
    )
    loans = CREDIT_SCORE.input("Type_of_Loan")
    lists = np.empty(3, dtype=object)
    lists[:] = [("Auto Loan", "Payday Loan"), (), None]
    assert np.array_equal(loans.kind.drift_values(lists, loans), [2, 0, np.nan], equal_nan=True)


@pytest.mark.parametrize("level", LEVELS.values())
@pytest.mark.parametrize("bins", [3, 11, 13])
def test_at_the_minimum_window_unchanged_data_rarely_crosses_a_level(
    level: float, bins: int
) -> None:
    shares = np.r_[np.full(bins - 1, 0.9 / (bins - 1)), 0.1]
    window = minimum_window(level, bins)
    rng = np.random.default_rng(1)
    values = [psi(shares, rng.multinomial(window, shares)) for _ in range(4_000)]
    assert np.mean(np.asarray(values) >= level) < 0.01


def test_a_small_window_crosses_the_watch_level_by_chance() -> None:
    shares = np.full(11, 1 / 11)
    rng = np.random.default_rng(2)
    small = [psi(shares, rng.multinomial(100, shares)) for _ in range(1_000)]
    assert 0.3 < np.mean(np.asarray(small) >= LEVELS["watch"]) < 0.7  # why a minimum is needed


def test_a_level_is_called_only_on_a_window_large_enough_for_it() -> None:
    watch, act = minimum_window(LEVELS["watch"], 11), minimum_window(LEVELS["act"], 11)
    assert act < watch
    assert drift_level(0.3, act - 1, 11) == "too_few"
    assert drift_level(0.3, act, 11) == "act"
    assert drift_level(0.12, act, 11) == "too_few"
    assert drift_level(0.12, watch, 11) == "watch"
    assert drift_level(0.05, watch, 11) == "ok"
