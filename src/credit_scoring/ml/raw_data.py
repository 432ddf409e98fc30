"""Reading raw data files, with clear errors for files that do not match the profile."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from credit_scoring.profiles import Profile

logger = logging.getLogger(__name__)

SYNTHETIC_NAME = "synthetic_train.csv"
REAL_NAME = "train.csv"


class RawFormatError(ValueError):
    """A raw file that does not match its profile's format."""


def _read_header(path: Path) -> list[str]:
    if not path.is_file():
        raise RawFormatError(f"{path}: no such file")
    try:
        header = pd.read_csv(path, nrows=0)
    except (pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise RawFormatError(f"{path}: not a CSV file with a header row ({error})") from None
    return [str(name) for name in header.columns]


def check_header(
    columns: list[str], profile: Profile, *, require_target: bool, source: str
) -> None:
    """Raise RawFormatError naming missing, unexpected or misplaced columns."""
    expected = list(profile.raw_columns)
    optional = set() if require_target else {profile.target}
    missing = [name for name in expected if name not in columns and name not in optional]
    unexpected = [name for name in columns if name not in expected]
    problems = []
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if unexpected:
        problems.append(f"unexpected columns: {', '.join(unexpected)}")
    if len(set(columns)) != len(columns):
        problems.append("duplicated column names")
    if problems:
        raise RawFormatError(
            f"{source} does not match the {profile.name} raw format "
            f"({len(expected)} columns: {', '.join(expected)}): " + "; ".join(problems)
        )


def _read(path: Path, **options: object) -> pd.DataFrame | Iterator[pd.DataFrame]:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=True, **options)  # type: ignore
    except pd.errors.ParserError as error:
        raise RawFormatError(f"{path}: malformed CSV, {error}") from None


def load_raw(path: str | Path, profile: Profile, *, require_target: bool = True) -> pd.DataFrame:
    """The whole raw file as strings (missing cells as NaN), checked against the profile."""
    path = Path(path)
    check_header(_read_header(path), profile, require_target=require_target, source=str(path))
    frame = _read(path)
    assert isinstance(frame, pd.DataFrame)
    if frame.empty:
        raise RawFormatError(f"{path}: the file has a header but no rows")
    logger.info("read %d rows from %s", len(frame), path)
    return frame


def iter_raw_chunks(path: str | Path, profile: Profile, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Chunks of a raw file (target optional), checked against the profile."""
    path = Path(path)
    check_header(_read_header(path), profile, require_target=False, source=str(path))
    reader = _read(path, chunksize=chunk_rows)
    assert not isinstance(reader, pd.DataFrame)
    try:
        yield from reader
    except pd.errors.ParserError as error:
        raise RawFormatError(f"{path}: malformed CSV, {error}") from None


def default_training_file(profile: Profile, data_dir: str | Path = "data") -> Path:
    """The real file when present, else the synthetic one (real data always wins)."""
    folder = Path(data_dir) / "raw" / profile.name
    real = folder / REAL_NAME
    return real if real.is_file() else folder / SYNTHETIC_NAME
