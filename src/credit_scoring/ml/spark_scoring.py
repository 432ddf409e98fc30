"""Batch scoring on Spark: the same artifact and the same code as the pandas path
(``ml.scoring.score_frame``), for files larger than one machine.

The artifact's folder is shipped to the executors once (``SparkContext.addFile``) and
loaded there with its checksums (and signature, given the key) verified, once per Python
worker. A file with customer and month columns is cleaned per customer by a grouped pandas
function over buckets of the customer column (every row of a customer in the same bucket,
in file order, as the pandas path cleans a customer whose rows are contiguous); any other
file is scored in Arrow batches (``mapInPandas``). The output is Parquet with the pandas
path's columns, one file per input split. pyspark is the ``spark`` dependency group's,
never the service image's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from pyspark import SparkFiles
from pyspark.errors import PySparkException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from credit_scoring.ml.artifact import load_artifact, read_metadata, resolve
from credit_scoring.ml.raw_data import RawFormatError, check_header
from credit_scoring.ml.scorer import Scorer
from credit_scoring.ml.scoring import KEY_COLUMN, can_clean_per_customer, score_frame
from credit_scoring.profiles import Profile, get_profile

ROW = "_row"  # the input's order, kept while a customer's rows are grouped
BUCKET = "_customers"  # the group of customers (by a hash of the id) a row is cleaned in
# Groups per input split (or per core, if more): one group is one pandas frame of whole
# customers, and one call of score_frame; a group per customer costs a call per 8 rows.
BUCKETS_PER_SPLIT = 4
_SCORERS: dict[str, Scorer] = {}  # per Python worker: the artifact loaded once


def spark_session(master: str = "local[*]", log_level: str = "OFF") -> SparkSession:
    """A session for scoring: Arrow batches between the JVM and pandas; on this machine
    (``local``), Python workers run this interpreter (the one with the package). Spark's own
    log is off by default: a failure reaches the user as one line (``--verbose``: WARN)."""
    builder = (
        SparkSession.builder.master(master)
        .appName("credit-scoring score")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.log.level", log_level)
    )
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return builder.getOrCreate()


def _scorer(folder: str, signing_key: str | None) -> Scorer:
    """The shipped artifact, loaded (checksums verified) once per worker."""
    if folder not in _SCORERS:
        _SCORERS[folder] = Scorer(load_artifact(SparkFiles.get(folder), signing_key))
    return _SCORERS[folder]


def read_raw(spark: SparkSession, source: str, profile: Profile) -> DataFrame:
    """The raw file as text columns (aliases under their own names), its header checked as
    the pandas path checks it."""
    try:
        frame = spark.read.csv(source, header=True, mode="FAILFAST", enforceSchema=False)
        columns = frame.columns
    except PySparkException as error:
        raise RawFormatError(f"{source}: {_first_line(error)}") from None
    own = [profile.column_aliases.get(name, name) for name in columns]
    check_header(own, profile, required=profile.input_names, source=source)
    # What scoring reads, not the target: Spark reads a dotted name (card_default's) as a path.
    kept = [KEY_COLUMN, profile.group_column, profile.period_column, *profile.input_names]
    wanted = [name for name in own if name in kept]
    return frame.toDF(*[name.replace(".", "_") for name in own]).select(*wanted)


def _first_line(error: Exception) -> str:
    """What a user needs of a Spark error: its first line, not the JVM's stack."""
    return str(error).strip().splitlines()[0][:300]


def score_spark(
    spark: SparkSession,
    model: str | Path,
    source: str,
    target: str,
    *,
    per_customer: bool = True,
    signing_key: str | None = None,
) -> int:
    """Score ``source`` into Parquet at ``target``; return the rows scored."""
    directory = resolve(model)
    profile = get_profile(read_metadata(directory).profile)
    raw = read_raw(spark, source, profile)
    grouped = per_customer and can_clean_per_customer(raw.columns, profile)
    spark.sparkContext.addFile(str(directory), recursive=True)
    folder = directory.name
    schema = _output_schema(spark, raw, Scorer(load_artifact(directory, signing_key)))
    scored = _scored(raw, profile, folder, signing_key, schema, grouped)
    try:
        scored.write.mode("overwrite").parquet(target)
        return int(spark.read.parquet(target).count())
    except PySparkException as error:
        raise RawFormatError(f"{source}: malformed CSV, {_first_line(error)}") from None


def _output_schema(spark: SparkSession, raw: DataFrame, scorer: Scorer) -> StructType:
    """The pandas path's output columns and types, from scoring a few rows on the driver."""
    sample = score_frame(scorer, raw.limit(20).toPandas())
    return spark.createDataFrame(sample).schema


def _scored(
    raw: DataFrame,
    profile: Profile,
    folder: str,
    signing_key: str | None,
    schema: StructType,
    grouped: bool,
) -> DataFrame:
    if not grouped:

        def batches(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            scorer = _scorer(folder, signing_key)
            for frame in frames:
                yield score_frame(scorer, frame.reset_index(drop=True))

        return raw.mapInPandas(batches, schema)

    def customers(rows: pd.DataFrame) -> pd.DataFrame:
        ordered = rows.sort_values(ROW).drop(columns=[ROW, BUCKET]).reset_index(drop=True)
        return score_frame(_scorer(folder, signing_key), ordered, per_customer=True)

    buckets = BUCKETS_PER_SPLIT * max(raw.rdd.getNumPartitions(), _parallelism(raw))
    bucket = F.pmod(F.hash(str(profile.group_column)), F.lit(buckets))
    with_order = raw.withColumn(ROW, F.monotonically_increasing_id()).withColumn(BUCKET, bucket)
    return with_order.groupBy(BUCKET).applyInPandas(customers, schema)


def _parallelism(frame: DataFrame) -> int:
    return int(frame.sparkSession.sparkContext.defaultParallelism)
