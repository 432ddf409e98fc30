"""Batch scoring in process: raw rows, read from the profile's training file by the CLI's
reader (``iter_raw_chunks``: numeric inputs as numbers where a chunk's values all are, text
otherwise), to decisions through the scorer the API and the CLI use
(``Scorer.score_canonical(Scorer.canonical_frame(raw))``)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from credit_scoring.ml.artifact import load_artifact
from credit_scoring.ml.raw_data import default_training_file, iter_raw_chunks
from credit_scoring.ml.scorer import Scorer, check_examples, frame_columns
from credit_scoring.ml.scoring import CHUNK_ROWS
from credit_scoring.profiles import Profile
from credit_scoring.service.settings import Settings

from bench_options import ROOT, Options

WARMUP_ROWS = 1_000


def training_file(profile: Profile) -> Path:
    """The profile's training file as `credit-scoring train` finds it (CREDIT_TRAINING_DATA,
    data/raw/<profile>/, the profile's other places, the synthetic file)."""
    configured = Settings().training_data.get(profile.name)
    return default_training_file(profile, ROOT / "data", configured=configured)


def tiled(frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    """The frame repeated until it has at least ``rows`` rows (itself when it has them)."""
    copies = -(-rows // len(frame))
    return frame if copies <= 1 else pd.concat([frame] * copies, ignore_index=True)


def in_process(directory: Path, profile: Profile, options: Options) -> dict[str, Any]:
    """Rows per second from raw rows to decisions, median of ``options.runs`` runs on at
    least ``options.batch_rows`` rows, after a warm-up; the scorer checked on the examples as
    the service checks it (which may turn its fast path off, and says so)."""
    scorer = Scorer(load_artifact(directory))
    check_examples(scorer)
    source = training_file(profile)
    raw = tiled(
        pd.concat(iter_raw_chunks(source, profile, CHUNK_ROWS), ignore_index=True),
        options.batch_rows,
    )
    scorer.score_canonical(scorer.canonical_frame(raw.iloc[:WARMUP_ROWS]))
    seconds = _timed(lambda: scorer.score_canonical(scorer.canonical_frame(raw)), options.runs)
    rate = len(raw) / statistics.median(seconds)
    features = scorer.feature_matrix(frame_columns(scorer.canonical_frame(raw)))
    model_seconds = _timed(lambda: scorer.model_step(features), options.runs)
    model_rate = len(raw) / statistics.median(model_seconds)
    print(
        f"  {profile.name}: {len(raw):,} rows, {rate:,.0f} rows/s ({scorer.fast_path}); "
        f"the model step alone {model_rate:,.0f} rows/s"
    )
    return {
        "rows": len(raw),
        "source": str(source),
        "seconds": seconds,
        "rows_per_second": rate,
        "model_step_seconds": model_seconds,
        "model_step_rows_per_second": model_rate,
        "fast_path": scorer.fast_path,
        "command": f"Scorer.score_canonical(Scorer.canonical_frame(raw)), {len(raw):,} rows of "
        f"{source.name}, read as the CLI reads it",
        "model_step_command": f"Scorer.model_step(features) on the same {len(raw):,} rows' "
        "feature matrix: the trees, the stack and the elderly rule, nothing else",
    }


def _timed(work: Callable[[], object], runs: int) -> list[float]:
    """Seconds of each of ``runs`` calls of ``work``."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds
