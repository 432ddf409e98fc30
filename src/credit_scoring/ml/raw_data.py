"""Reading raw data files, with clear errors for files that do not match the profile."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from credit_scoring.ml.csv_chunks import MalformedCsv, csv_chunks
from credit_scoring.profiles import Profile
from credit_scoring.profiles.base import truth_file

logger = logging.getLogger(__name__)

SYNTHETIC_NAME = "synthetic_train.csv"
REAL_NAME = "train.csv"


class RawFormatError(ValueError):
    """A raw file that does not match its profile's format."""


SAVED_INDEX_NAMES = ("", "Unnamed: 0")


def _read_header(path: Path) -> list[str]:
    if not path.is_file():
        raise RawFormatError(f"{path}: no such file")
    try:
        header = pd.read_csv(path, nrows=0)
    except (pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise RawFormatError(f"{path}: not a CSV file with a header row ({error})") from None
    return [str(name) for name in header.columns]


def _has_saved_index(columns: list[str]) -> bool:
    """A first column left by ``DataFrame.to_csv`` with its index (some copies have one)."""
    return bool(columns) and columns[0] in SAVED_INDEX_NAMES


def check_header(columns: list[str], profile: Profile, *, required: list[str], source: str) -> None:
    """Raise RawFormatError naming missing and unexpected columns."""
    missing = [name for name in required if name not in columns]
    unexpected = [name for name in columns if name not in profile.raw_columns]
    problems = []
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if unexpected:
        problems.append(f"unexpected columns: {', '.join(unexpected)}")
    if problems:
        raise RawFormatError(
            f"{source} does not match the {profile.name} raw format "
            f"({len(profile.raw_columns)} columns: {', '.join(profile.raw_columns)}): "
            + "; ".join(problems)
        )


def _under_own_names(columns: list[str], profile: Profile, source: str) -> list[str]:
    """The header with aliased columns (PAY_1) under their own names (PAY_0); a column
    given under both is refused."""
    aliases = profile.column_aliases
    twice = [
        f"{own} (also as {alias})" for alias, own in aliases.items() if {alias, own} <= {*columns}
    ]
    if twice:
        raise RawFormatError(
            f"{source}: columns given twice, under both their names: {', '.join(twice)}"
        )
    return [aliases.get(name, name) for name in columns]


def _checked_columns(path: Path, profile: Profile, required: list[str]) -> list[str]:
    """Check the header; return it as the file has it (``_has_saved_index`` tells whether
    its first column is a saved row index, ignored)."""
    header = _read_header(path)
    columns = header
    if _has_saved_index(header):
        logger.info("%s: ignoring its first column, a saved row index", path)
        columns = header[1:]
    columns = _under_own_names(columns, profile, str(path))
    check_header(columns, profile, required=required, source=str(path))
    return header


def _malformed(path: Path, error: Exception) -> RawFormatError:
    return RawFormatError(f"{path}: malformed CSV, {error}")


def load_raw(path: str | Path, profile: Profile) -> pd.DataFrame:
    """A whole training file (all raw columns, target included) as strings, NaN where empty."""
    path = Path(path)
    saved_index = _has_saved_index(_checked_columns(path, profile, list(profile.raw_columns)))
    try:
        frame = pd.read_csv(path, dtype=str, index_col=0 if saved_index else None)
    except pd.errors.ParserError as error:
        raise _malformed(path, error) from None
    frame = frame.reset_index(drop=True).rename(columns=profile.column_aliases)
    if frame.empty:
        raise RawFormatError(f"{path}: the file has a header but no rows")
    logger.info("read %d rows from %s", len(frame), path)
    return frame


def iter_raw_chunks(path: str | Path, profile: Profile, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Chunks of a file to score: the model inputs are required, other raw columns optional.
    A numeric input comes as numbers when every value of the chunk is one (Arrow reads them
    far faster than the record cleaning reads text), as text otherwise (``ml.csv_chunks``)."""
    path = Path(path)
    names = _checked_columns(path, profile, profile.input_names)
    saved_index = _has_saved_index(names)
    aliases = profile.column_aliases
    numeric = {column.name for column in profile.inputs if column.kind.ranged}
    numeric_names = {name for name in names if aliases.get(name, name) in numeric}
    try:
        for chunk in csv_chunks(path, names, numeric_names, chunk_rows):
            chunk = chunk.drop(columns=names[0]) if saved_index else chunk
            yield chunk.rename(columns=aliases)
    except MalformedCsv as error:
        raise _malformed(path, error) from None


def default_training_file(
    profile: Profile, data_dir: str | Path = "data", configured: Path | None = None
) -> Path:
    """The file to train on: ``configured`` (a setting), else the real file in
    ``data/raw/<profile>/``, else the profile's other known places, else the synthetic file
    (real data always wins). A profile without a generator and without data: RawFormatError
    telling where to get it."""
    folder = Path(data_dir) / "raw" / profile.name
    candidates = [folder / REAL_NAME, *(Path(name) for name in profile.data_files)]
    if configured is not None:
        candidates.insert(0, configured)
    found = next((path for path in candidates if path.is_file()), None)
    if found is not None:
        return found
    if profile.data_hint:
        raise RawFormatError(f"no {profile.name} training data: {profile.data_hint}")
    return folder / SYNTHETIC_NAME


def first_rows(path: Path, rows: int, profile: Profile, folder: Path) -> Path:
    """At most the file's first ``rows`` rows, without the last customer when the cut may
    have split their months, written into ``folder`` with the same rows of a synthetic file's
    true probabilities (``truth_file``); the file itself when ``rows`` is 0."""
    if rows <= 0:
        return Path(path)
    frame = pd.read_csv(path, dtype=str, nrows=rows, keep_default_na=False)
    group = profile.group_column
    if group in frame.columns and len(frame) == rows:
        complete = frame[group] != frame[group].iloc[-1]
        frame = frame[complete] if complete.any() else frame
    folder.mkdir(parents=True, exist_ok=True)
    sample = folder / Path(path).name
    frame.to_csv(sample, index=False)
    truth = truth_file(path)
    if truth.is_file():
        pd.read_csv(truth, nrows=len(frame)).to_csv(truth_file(sample), index=False)
    return sample
