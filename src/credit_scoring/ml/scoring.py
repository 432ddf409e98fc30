"""Batch scoring of raw-format files, streamed in chunks through the scorer (``ml.scorer``).

When a file carries the customer and month columns (as the Kaggle files do), each
customer's rows are first made consistent with the same dataset-level cleaning that
training used (an age of 8153 in one month is replaced from the other months). Chunks are
cut at customer boundaries so that a customer is never split; a customer whose rows are
not contiguous in the file is cleaned within each contiguous run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv

from credit_scoring.ml.dataset_cleaning import clean_dataset
from credit_scoring.ml.raw_data import RawFormatError, iter_raw_chunks
from credit_scoring.ml.scorer import Scorer, frame_columns
from credit_scoring.profiles import Profile

logger = logging.getLogger(__name__)

KEY_COLUMN = "ID"
CHUNK_ROWS = 50_000  # rows read, scored and written at a time: what bounds the memory


@dataclass
class ScoringSummary:
    """What a scoring run did: rows scored, and rows with values the model could not read."""

    rows: int = 0
    rows_with_unread: int = 0


def can_clean_per_customer(columns: list[str], profile: Profile) -> bool:
    """Whether rows can be grouped by customer and ordered by period."""
    needed = [profile.group_column, profile.period_column]
    return all(name is not None and name in columns for name in needed)


def customer_aligned(chunks: Iterator[pd.DataFrame], group: str) -> Iterator[pd.DataFrame]:
    """Re-cut chunks so that no run of one customer's rows straddles two chunks."""
    carry: pd.DataFrame | None = None
    for chunk in chunks:
        frame = chunk if carry is None else pd.concat([carry, chunk], ignore_index=True)
        customers = frame[group].to_numpy()
        cut = len(frame)
        while cut > 0 and customers[cut - 1] == customers[-1]:
            cut -= 1
        if cut > 0:
            yield frame.iloc[:cut].reset_index(drop=True)
        carry = frame.iloc[cut:].reset_index(drop=True)
    if carry is not None and len(carry):
        yield carry


def unread_fields(raw: pd.DataFrame, canonical: pd.DataFrame, profile: Profile) -> pd.Series:
    """Per row, the inputs the model read as missing although the file had a value there
    (unreadable text like ``Age=banana``, or an impossible value), ``;``-joined.

    Blanks and the documented markers of a missing value (tokens, NM) are not flagged.
    """
    flagged = np.full(len(raw), "", dtype=object)
    for column in profile.inputs:
        # Only a row the model read as missing can have lost a value: look at those alone.
        missing = np.flatnonzero(canonical[column.name].isna().to_numpy())
        given = raw[column.name].iloc[missing]
        present = given.notna().to_numpy()
        text = given[present].astype("string").str.strip()
        markers = column.tokens + column.unknown_answers
        lost = missing[present][((text != "") & ~text.isin(markers)).to_numpy()]
        so_far = flagged[lost]
        flagged[lost] = np.where(so_far == "", column.name, so_far + ";" + column.name)
    return pd.Series(flagged, index=raw.index, dtype=object)


class NoExplanations(RuntimeError):
    """The model cannot be explained (``Scorer.explains`` says why)."""


def score_frame(
    scorer: Scorer, raw: pd.DataFrame, *, per_customer: bool = False, explain: bool = False
) -> pd.DataFrame:
    """Outputs for each row of a raw frame, in its order, with the fields it could not read
    and, with ``explain``, the reasons against each (``Explanations.columns``)."""
    profile = scorer.profile
    # The record cleaning, once (the dataset cleaning applies it, and its output is
    # canonical): its output is both what the model reads and what tells which values it
    # could not read.
    canonical = clean_dataset(raw, profile) if per_customer else scorer.canonical_frame(raw)
    decisions = scorer.score_canonical(canonical)
    out = pd.DataFrame(index=raw.index)
    if KEY_COLUMN in raw.columns:
        out[KEY_COLUMN] = raw[KEY_COLUMN]
    for name, values in decisions.columns(profile.classes).items():
        out[name] = values
    out["unread_fields"] = unread_fields(raw, canonical, profile)
    out["model_version"] = scorer.version
    if explain:
        explanations = scorer.explain(frame_columns(canonical))
        if explanations is None:
            raise NoExplanations(f"{scorer.version} cannot be explained: {scorer.explains}")
        for name, values in explanations.columns().items():
            out[name] = values
    return out


def _chunks(
    profile: Profile, source: Path, chunk_rows: int, per_customer: bool
) -> tuple[Iterator[pd.DataFrame], bool]:
    """The file's chunks, cut at customer boundaries when it is to be cleaned per customer;
    and whether it is (asked for, and the file has the customer and month columns)."""
    chunks = iter_raw_chunks(source, profile, chunk_rows)
    first = next(chunks, None)
    grouped = (
        per_customer and first is not None and can_clean_per_customer(list(first.columns), profile)
    )
    stream: Iterator[pd.DataFrame] = chain([first] if first is not None else [], chunks)
    if grouped and profile.group_column is not None:
        stream = customer_aligned(stream, profile.group_column)
    return stream, grouped


def score_file(
    scorer: Scorer,
    source: Path,
    target: Path,
    *,
    chunk_rows: int = CHUNK_ROWS,
    per_customer: bool = True,
    explain: bool = False,
) -> ScoringSummary:
    """Score a raw CSV into ``target`` chunk by chunk (written by Arrow's CSV writer, six
    times pandas' speed: text quoted, floats to their shortest form); return how many rows,
    and how many had values the model could not read.

    ``per_customer`` applies the per-customer cleaning when the file allows it; without
    it (or without customer and month columns) every row is scored on its own. ``explain``
    adds each row's reasons (``score_frame``).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    stream, grouped = _chunks(scorer.profile, source, chunk_rows, per_customer)
    summary = ScoringSummary()
    with target.open("wb") as handle:
        writer: csv.CSVWriter | None = None
        schema: pa.Schema | None = None  # the first chunk's column types, kept by the others
        for chunk in stream:
            scored = score_frame(scorer, chunk, per_customer=grouped, explain=explain)
            table = pa.Table.from_pandas(scored, preserve_index=False)
            if writer is None or schema is None:
                schema = table.schema
                writer = csv.CSVWriter(handle, schema)
            writer.write_table(table.cast(schema))
            summary.rows += len(chunk)
            summary.rows_with_unread += int((scored["unread_fields"] != "").sum())
        if writer is not None:
            writer.close()
    if summary.rows == 0:
        raise RawFormatError(f"{source}: the file has a header but no rows")
    logger.info(
        "scored %d rows from %s into %s (%s)",
        summary.rows,
        source,
        target,
        "per-customer cleaning" if grouped else "each row on its own",
    )
    return summary
