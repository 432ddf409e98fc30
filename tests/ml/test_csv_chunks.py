"""The CSV reader of batch scoring reads as pandas reads text, in chunks of rows across
Arrow's blocks, and names a malformed row's line without its values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from credit_scoring.ml.csv_chunks import BLOCK_BYTES, MalformedCsv, csv_chunks
from credit_scoring.ml.raw_data import RawFormatError, iter_raw_chunks
from credit_scoring.profiles import get_profile

NAMES = ["ID", "amount", "note"]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([",".join(NAMES), *lines]) + "\n", encoding="utf-8")
    return path


def test_chunks_cross_arrow_blocks_and_type_each_chunk_alone(tmp_path: Path) -> None:
    padding = "x" * 200
    rows = 3 * BLOCK_BYTES // 200  # several blocks
    lines = [f"c{k},{k}.5,{padding}" for k in range(rows)]
    lines[-1] = f"c{rows - 1},12_,{padding}"  # text in the last chunk only
    chunks = list(csv_chunks(write(tmp_path / "a.csv", lines), NAMES, {"amount"}, 1_000))
    assert [len(chunk) for chunk in chunks] == [1_000] * (rows // 1_000) + [rows % 1_000]
    assert all(list(chunk.index) == list(range(len(chunk))) for chunk in chunks)
    assert all(chunk["amount"].dtype == np.float64 for chunk in chunks[:-1])
    assert chunks[-1]["amount"].map(type).eq(str).all()
    assert chunks[1]["amount"].iloc[0] == 1_000.5 and chunks[1]["ID"].iloc[0] == "c1000"


def test_missing_markers_read_as_pandas_reads_them(tmp_path: Path) -> None:
    lines = ["a,NA,null", "b,,_______", "c,nan,N/A", "d, 7 ,None"]
    path = write(tmp_path / "m.csv", lines)
    (chunk,) = list(csv_chunks(path, NAMES, {"amount"}, 100))
    expected = pd.read_csv(path, dtype=str)
    assert chunk.isna().equals(expected.isna())
    assert chunk["note"].iloc[1] == "_______" and chunk["amount"].iloc[3] == " 7 "


@pytest.mark.parametrize("fields", [2, 4])
def test_a_ragged_row_names_its_line_not_its_values(tmp_path: Path, fields: int) -> None:
    ragged = ",".join(["SECRET"] * fields)
    path = write(tmp_path / "r.csv", ["a,1,x", "b,2,y", ragged, "c,3,z"])
    with pytest.raises(MalformedCsv) as raised:
        list(csv_chunks(path, NAMES, {"amount"}, 100))
    assert str(raised.value) == f"Expected 3 fields in line 4, saw {fields}"


def test_text_that_is_not_utf8_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(",".join(NAMES).encode() + b"\na,1,Jos\xe9\n")
    with pytest.raises(MalformedCsv, match="UTF8"):
        list(csv_chunks(path, NAMES, {"amount"}, 100))


def test_the_cli_reader_refuses_a_ragged_row_in_one_line(tmp_path: Path) -> None:
    profile = get_profile("card_default")
    header = ",".join(profile.input_names)
    values = ",".join(["1"] * len(profile.input_names))
    path = tmp_path / "clients.csv"
    path.write_text(f"{header}\n{values}\n{values},1\n")
    with pytest.raises(RawFormatError, match=r"malformed CSV, Expected \d+ fields in line 3"):
        list(iter_raw_chunks(path, profile, chunk_rows=10))
