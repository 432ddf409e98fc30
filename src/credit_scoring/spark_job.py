"""What ``spark-submit`` runs on a cluster: the Spark batch path of ``credit-scoring score``.

    spark-submit --master yarn src/credit_scoring/spark_job.py \\
        --model /mnt/models/credit_score/<version> --input s3a://bucket/portfolio.csv \\
        --output s3a://bucket/scored/

The executors need the package and its requirements installed (see the README: EMR and
Databricks); the model folder must be readable by the driver, which ships it to them.
"""

from __future__ import annotations

import argparse
import os
import sys

from credit_scoring.ml.artifact import ArtifactError
from credit_scoring.ml.raw_data import RawFormatError
from credit_scoring.ml.spark_scoring import score_spark
from pyspark.sql import SparkSession


def main(argv: list[str] | None = None) -> int:
    """Score ``--input`` into Parquet at ``--output`` on the cluster's session."""
    parser = argparse.ArgumentParser(description="Score a raw file on Spark.")
    parser.add_argument("--model", required=True, help="the model's version folder")
    parser.add_argument("--input", required=True, help="a raw-format CSV (s3a://, hdfs://, ...)")
    parser.add_argument("--output", required=True, help="where the Parquet goes")
    parser.add_argument("--no-per-customer", action="store_true", help="score rows alone")
    arguments = parser.parse_args(argv)
    spark = SparkSession.builder.appName("credit-scoring score").getOrCreate()
    try:
        rows = score_spark(
            spark,
            arguments.model,
            arguments.input,
            arguments.output,
            per_customer=not arguments.no_per_customer,
            signing_key=os.environ.get("CREDIT_MODEL_SIGNING_KEY"),
        )
    except (ArtifactError, RawFormatError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"scored {rows} rows into {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
