"""Clear errors for raw files that do not match the format."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from credit_scoring.ml.raw_data import (
    RawFormatError,
    default_training_file,
    iter_raw_chunks,
    load_raw,
)
from credit_scoring.profiles import Profile, get_profile
from credit_scoring.profiles.card_default import CARD_DEFAULT


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_real_file_loads(raw_file: Path, profile: Profile) -> None:
    frame = load_raw(raw_file, profile)
    assert frame.shape == (4000, 28)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: f.drop(columns=["Age", "SSN"]), "missing columns: Age, SSN"),
        (lambda f: f.assign(Extra=1), "unexpected columns: Extra"),
        (lambda f: f.drop(columns=["Credit_Score"]), "missing columns: Credit_Score"),
        (
            lambda f: f.rename(columns={"Annual_Income": "annual_income"}),
            "missing columns: Annual_Income; unexpected columns: annual_income",
        ),
    ],
)
def test_column_problems_are_named(
    raw_frame: pd.DataFrame, profile: Profile, tmp_path: Path, mutate: object, message: str
) -> None:
    path = tmp_path / "bad.csv"
    mutate(raw_frame.head(10)).to_csv(path, index=False)  # type: ignore[operator]
    with pytest.raises(RawFormatError, match=message):
        load_raw(path, profile)


def test_files_to_score_need_only_the_model_inputs(
    raw_frame: pd.DataFrame, profile: Profile, tmp_path: Path
) -> None:
    path = tmp_path / "inputs_only.csv"
    raw_frame.head(5)[profile.input_names].to_csv(path, index=False)
    chunks = list(iter_raw_chunks(path, profile, chunk_rows=2))
    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    with pytest.raises(RawFormatError, match="missing columns: ID"):
        load_raw(path, profile)


def test_a_saved_index_column_is_ignored(
    raw_frame: pd.DataFrame, profile: Profile, tmp_path: Path
) -> None:
    path = tmp_path / "resaved.csv"
    raw_frame.head(6).to_csv(path)  # with pandas' index, as some copies of the file have
    frame = load_raw(path, profile)
    assert list(frame.columns) == list(profile.raw_columns) and len(frame) == 6
    assert list(frame.index) == list(range(6))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "not a CSV file with a header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not a CSV file"),
    ],
)
def test_empty_or_binary_files(
    tmp_path: Path, profile: Profile, content: str | bytes, message: str
) -> None:
    with pytest.raises(RawFormatError, match=message):
        load_raw(write(tmp_path / "x.csv", content), profile)


def test_header_only_and_ragged_rows(
    raw_frame: pd.DataFrame, profile: Profile, tmp_path: Path
) -> None:
    header = ",".join(raw_frame.columns)
    with pytest.raises(RawFormatError, match="no rows"):
        load_raw(write(tmp_path / "h.csv", header + "\n"), profile)
    ragged = header + "\n" + ",".join(["1"] * 28) + "\n" + ",".join(["1"] * 31) + "\n"
    with pytest.raises(RawFormatError, match="malformed CSV.*Expected 28 fields"):
        load_raw(write(tmp_path / "r.csv", ragged), profile)


def test_missing_file(tmp_path: Path, profile: Profile) -> None:
    with pytest.raises(RawFormatError, match="no such file"):
        load_raw(tmp_path / "nope.csv", profile)


def test_real_file_is_preferred_over_synthetic(tmp_path: Path, profile: Profile) -> None:
    folder = tmp_path / "raw" / "credit_score"
    folder.mkdir(parents=True)
    assert default_training_file(profile, tmp_path).name == "synthetic_train.csv"
    (folder / "train.csv").write_text("x")
    assert default_training_file(profile, tmp_path).name == "train.csv"


def test_card_default_finds_its_file_or_says_where_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ../shared beside this folder
    card = get_profile("card_default")
    configured = tmp_path / "mine.csv"
    configured.write_text("ID\n")
    assert default_training_file(card, tmp_path, configured) == configured
    with pytest.raises(RawFormatError, match="download UCI_Credit_Card.csv"):
        default_training_file(card, tmp_path, tmp_path / "absent.csv")


def uci_rows(rows: int = 3) -> pd.DataFrame:
    """A few clients in the UCI format (Kaggle's names), from the profile's example."""
    record = {"ID": 1, **CARD_DEFAULT.examples["card"]["data"], CARD_DEFAULT.target: 0}
    return pd.DataFrame([record | {"ID": k + 1} for k in range(rows)])


def test_uci_copies_that_rename_columns_are_read_under_the_profiles_names(
    tmp_path: Path,
) -> None:
    frame = uci_rows()
    renamed = {"PAY_0": "PAY_1", CARD_DEFAULT.target: "default payment next month"}
    path = tmp_path / "uci_names.csv"
    frame.rename(columns=renamed).to_csv(path, index=False)
    loaded = load_raw(path, CARD_DEFAULT)
    assert list(loaded.columns) == list(CARD_DEFAULT.raw_columns)
    assert loaded["PAY_0"].tolist() == frame["PAY_0"].astype(str).tolist()
    chunk = next(iter_raw_chunks(path, CARD_DEFAULT, chunk_rows=10))
    assert "PAY_0" in chunk.columns and "PAY_1" not in chunk.columns


def test_a_column_under_both_its_names_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "both.csv"
    uci_rows().assign(PAY_1=0).to_csv(path, index=False)
    with pytest.raises(RawFormatError, match=r"given twice.*PAY_0 \(also as PAY_1\)"):
        iter_raw_chunks(path, CARD_DEFAULT, chunk_rows=10).__next__()


def test_a_column_of_numbers_with_text_far_down_reads_without_a_warning(tmp_path: Path) -> None:
    rows = 60_000  # past the parser's internal blocks: text there used to mix the types
    frame = pd.DataFrame({name: [1] * rows for name in CARD_DEFAULT.input_names})
    frame["LIMIT_BAL"] = frame["LIMIT_BAL"].astype(object)
    frame.loc[rows - 10, "LIMIT_BAL"] = "20000_"
    path = tmp_path / "clients.csv"
    frame.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' DtypeWarning would fail the read
        (chunk,) = list(iter_raw_chunks(path, CARD_DEFAULT, chunk_rows=rows))
    assert chunk["LIMIT_BAL"].map(type).eq(str).all()  # the whole chunk's column as text
