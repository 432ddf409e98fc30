"""A CSV file as pandas frames of a fixed number of rows, read by Arrow's streaming CSV reader
(on several threads): for a credit_score file about three times pandas' chunked reader,
which holds one thread and the GIL throughout.

It reads as pandas' reader reads with ``dtype=str``: every value text, and missing where the
field is empty or one of pandas' default markers of a missing value (``NA``, ``null``...).
The columns named numeric come as float64 in a chunk where every value is a number, and
stay text otherwise. A row with more or fewer fields than the header is malformed (pandas
pads a short row with missing values; here a short row is refused like a long one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from pyarrow import csv as arrow_csv

# pandas' default markers of a missing value (the documented `na_values` of `read_csv`)
MISSING_MARKERS = (
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
)  # fmt: skip
BLOCK_BYTES = 1 << 20  # Arrow's blocks: with 8 MB a credit_score file reads three times slower


class MalformedCsv(ValueError):
    """A row whose number of fields differs from the header's, or text that is not UTF-8."""


def csv_chunks(
    path: Path, names: list[str], numeric: set[str], chunk_rows: int
) -> Iterator[pd.DataFrame]:
    """The rows after the header (whose column names are ``names``), ``chunk_rows`` at a
    time, each chunk with a RangeIndex; MalformedCsv at the first malformed row."""
    ragged: list[arrow_csv.InvalidRow] = []

    def refuse(row: arrow_csv.InvalidRow) -> str:
        ragged.append(row)
        return "error"

    try:
        reader = arrow_csv.open_csv(path, **_options(names, refuse))
        for table in _tables(reader, reader.schema, chunk_rows):
            yield _frame(table, numeric)
    except pa.ArrowInvalid as error:  # at the opening too: it reads the first block
        raise MalformedCsv(_described(path, ragged, error)) from None


def _options(names: list[str], refuse: Callable[[arrow_csv.InvalidRow], str]) -> dict[str, Any]:
    """The reader's options: every column text, missing as pandas reads it, ragged rows
    handed to ``refuse``."""
    return {
        "read_options": arrow_csv.ReadOptions(
            column_names=names, skip_rows=1, block_size=BLOCK_BYTES
        ),
        "parse_options": arrow_csv.ParseOptions(invalid_row_handler=refuse),
        "convert_options": arrow_csv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=True,
            null_values=list(MISSING_MARKERS),
        ),
    }


def _tables(batches: Iterable[pa.RecordBatch], schema: pa.Schema, rows: int) -> Iterator[pa.Table]:
    """The batches re-cut into tables of ``rows`` rows (the last one shorter)."""
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        pending.append(batch)
        held += batch.num_rows
        while held >= rows:
            table = pa.Table.from_batches(pending, schema=schema)
            yield table.slice(0, rows)
            rest = table.slice(rows)
            pending, held = rest.to_batches(), rest.num_rows
    if held:
        yield pa.Table.from_batches(pending, schema=schema)


def _frame(table: pa.Table, numeric: set[str]) -> pd.DataFrame:
    """The table as a frame, its numeric columns as numbers where every value is one."""
    columns = [
        _numbers_if_all_are(column) if name in numeric else column
        for name, column in zip(table.column_names, table.columns)
    ]
    frame: pd.DataFrame = pa.table(columns, names=table.column_names).to_pandas()
    return frame


def _numbers_if_all_are(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column as float64 when every value it has is a number, else as it is."""
    try:
        return column.cast(pa.float64())
    except pa.ArrowInvalid:
        return column


def _described(path: Path, ragged: list[arrow_csv.InvalidRow], error: Exception) -> str:
    """What is malformed, naming the line of a ragged row but not its values."""
    if not ragged:
        return str(error).splitlines()[0][:200]
    row = ragged[0]
    where = _line_of(path, row.text)
    return f"Expected {row.expected_columns} fields{where}, saw {row.actual_columns}"


def _line_of(path: Path, text: str) -> str:
    """`` in line N`` of the first line that is ``text`` (empty when none is)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as lines:
        for number, line in enumerate(lines, start=1):
            if line.rstrip("\r\n") == text:
                return f" in line {number}"
    return ""
