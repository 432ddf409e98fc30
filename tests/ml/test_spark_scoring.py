"""The Spark path (``ml.spark_scoring``) on local[2]: the same answers as the pandas path,
row for row, for both profiles (credit_score cleaned per customer by a grouped pandas
function, card_default in Arrow batches); a malformed file said in one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from credit_scoring import spark_job
from credit_scoring.cli import app
from credit_scoring.ml.artifact import load_artifact
from credit_scoring.ml.raw_data import RawFormatError
from credit_scoring.ml.scorer import Scorer
from credit_scoring.ml.scoring import score_file
from credit_scoring.ml.spark_scoring import score_spark, spark_session

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = spark_session("local[2]")
    try:
        yield session
    finally:
        session.stop()


def _both_paths(
    spark: SparkSession, model: Path, source: Path, tmp: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    score_file(Scorer(load_artifact(model)), source, tmp / "pandas.csv")
    rows = score_spark(spark, model, str(source), str(tmp / "spark.parquet"))
    on_pandas = pd.read_csv(tmp / "pandas.csv", dtype={"ID": str}, keep_default_na=False)
    on_spark = pd.read_parquet(tmp / "spark.parquet")
    assert rows == len(on_pandas) == len(on_spark)
    return on_pandas.set_index("ID").sort_index(), on_spark.set_index("ID").sort_index()


def _assert_same(on_pandas: pd.DataFrame, on_spark: pd.DataFrame) -> None:
    assert list(on_spark.columns) == list(on_pandas.columns)
    assert (on_spark.index == on_pandas.index).all()
    for name in on_pandas.columns:
        if pd.api.types.is_float_dtype(on_spark[name]):
            gap = np.abs(on_spark[name].to_numpy() - on_pandas[name].to_numpy(dtype=float))
            assert gap.max() <= TOLERANCE, name
        else:
            assert (on_spark[name].astype(str) == on_pandas[name].astype(str)).all(), name


@pytest.mark.slow
def test_credit_score_on_spark_equals_the_pandas_path(
    spark: SparkSession, trained_dir: Path, raw_file: Path, tmp_path: Path
) -> None:
    _assert_same(*_both_paths(spark, trained_dir, raw_file, tmp_path))


@pytest.mark.slow
def test_card_default_on_spark_equals_the_pandas_path(
    spark: SparkSession, card_dir: Path, uci_sample: Path, tmp_path: Path
) -> None:
    _assert_same(*_both_paths(spark, card_dir, uci_sample, tmp_path))


def test_a_file_of_another_format_is_refused_in_one_line(
    spark: SparkSession, card_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(RawFormatError, match="missing columns: LIMIT_BAL"):
        score_spark(spark, card_dir, str(bad), str(tmp_path / "out"))


def test_the_cli_says_what_is_wrong_without_a_stack(card_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    arguments = ["score", "--engine", "spark", "--spark-master", "local[1]", "--model"]
    result = CliRunner().invoke(
        app, [*arguments, str(card_dir), "--input", str(bad), "--output", str(tmp_path / "o")]
    )
    assert result.exit_code == 2, result.output
    assert "missing columns" in result.output and "at org.apache" not in result.output


def test_the_spark_submit_entry_point_scores_a_file(
    spark: SparkSession, card_dir: Path, uci_sample: Path, tmp_path: Path
) -> None:
    """``spark_job.main`` as spark-submit runs it (the session it finds is this one)."""
    target = tmp_path / "scored"
    arguments = ["--model", str(card_dir), "--input", str(uci_sample), "--output", str(target)]
    assert spark_job.main(arguments) == 0
    assert len(pd.read_parquet(target)) == len(pd.read_csv(uci_sample))
    assert spark_job.main([*arguments[:3], str(tmp_path / "none.csv"), *arguments[4:]]) == 2
