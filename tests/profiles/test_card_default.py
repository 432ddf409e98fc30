"""card_default's data dictionary and features, on records in the UCI format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from credit_scoring.ml.models import feature_pipeline
from credit_scoring.profiles import CARD_DEFAULT
from tests.helpers import parse

CLIENT = {
    "LIMIT_BAL": "100000",
    "SEX": "2",
    "EDUCATION": "5",
    "MARRIAGE": "0",
    "AGE": "35",
    **{name: "0" for name in ("PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6")},
    **{f"BILL_AMT{k}": str(10_000 * k) for k in range(1, 7)},
    **{f"PAY_AMT{k}": "5000" for k in range(1, 7)},
}


@pytest.mark.parametrize(
    ("column", "sent", "read"),
    [
        ("EDUCATION", ["0", "4", "5", "6", "7"], [0, 4, 5, 6, None]),
        ("MARRIAGE", ["0", "3", "4"], [0, 3, None]),
        ("PAY_0", ["-2", "-1", "0", "9", "-3", "10"], [-2, -1, 0, 9, None, None]),
        ("LIMIT_BAL", ["0", "50000", "20000000"], [None, 50_000, None]),
        ("AGE", ["17", "35", "101"], [None, 35, None]),
    ],
)
def test_documented_and_undocumented_codes_are_read_impossible_ones_are_not(
    column: str, sent: list[object], read: list[object]
) -> None:
    assert parse(CARD_DEFAULT, column, sent) == read


def encoded(changes: dict[str, str]) -> pd.Series:
    record = pd.DataFrame([CLIENT | changes])
    return feature_pipeline(CARD_DEFAULT).fit(record).transform(record).iloc[0]


def test_features_credit_analysts_read() -> None:
    row = encoded({"PAY_0": "2", "PAY_3": "1", "PAY_5": "-1"})
    assert row["utilisation_1"] == pytest.approx(0.1) and row["utilisation_6"] == 0.6
    assert row["utilisation_trend"] == pytest.approx(0.1 - 0.6)
    assert row["payment_ratio_1"] == pytest.approx(5000 / 20_000)
    assert row["months_delayed"] == 2 and row["worst_delay"] == 2
    assert row["months_since_delay"] == 0 and row["months_paid_in_full"] == 1
    assert row["months_late_1"] == 2 and row["months_late_5"] == 0 and row["months_revolving"] == 3
    assert not {"PAY_0", "PAY_2"} & set(row.index)  # statuses enter as months late and counts
    assert row["education_level"] == 4  # the undocumented 5, read as other or unknown
    assert not {"SEX", "MARRIAGE", "AGE"} & set(row.index)


def test_nothing_to_pay_is_a_payment_ratio_of_one_and_no_delay_is_six_months_ago() -> None:
    row = encoded({f"BILL_AMT{k}": "0" for k in range(1, 7)})
    assert row["payment_ratio_mean"] == 1 and row["months_since_delay"] == 6
    assert np.isnan(encoded({"LIMIT_BAL": "-5"})["utilisation_1"])


def test_the_report_prints_the_datas_ceiling_beside_the_score(card_dir: Path) -> None:
    report = (card_dir / "report.md").read_text()
    section = report.split("## The data's ceiling", 1)[1].split("##", 1)[0]
    assert "Test ROC AUC of the risk class" in section and "about 0.786" in section
