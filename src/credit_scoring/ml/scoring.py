"""Batch scoring of raw-format files, streamed in chunks through the artifact's Pipeline."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from credit_scoring.ml.artifact import Artifact
from credit_scoring.ml.decision import decide
from credit_scoring.ml.raw_data import RawFormatError, iter_raw_chunks
from credit_scoring.profiles import get_profile

logger = logging.getLogger(__name__)

KEY_COLUMN = "ID"


def score_frame(
    artifact: Artifact, raw: pd.DataFrame, threshold: float | None = None
) -> pd.DataFrame:
    """Outputs for each row of a raw frame, in its order."""
    profile = get_profile(artifact.metadata["profile"])
    proba = artifact.pipeline.predict_proba(raw[profile.input_names])
    chosen = artifact.metadata["threshold"] if threshold is None else threshold
    decisions = decide(proba, profile.classes, profile.risk_index, chosen)
    out = pd.DataFrame(index=raw.index)
    if KEY_COLUMN in raw.columns:
        out[KEY_COLUMN] = raw[KEY_COLUMN]
    out["prediction"] = decisions.prediction
    out["credit_class"] = decisions.credit_class
    for index, name in enumerate(profile.classes):
        out[f"proba_{name}"] = proba[:, index]
    out["risk_probability"] = decisions.risk_probability
    out["decision"] = decisions.decision
    return out


def score_file(artifact: Artifact, source: Path, target: Path, *, chunk_rows: int = 50_000) -> int:
    """Score a raw CSV into ``target`` chunk by chunk; return the number of rows."""
    profile = get_profile(artifact.metadata["profile"])
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with target.open("w", newline="") as handle:
        for chunk in iter_raw_chunks(source, profile, chunk_rows):
            score_frame(artifact, chunk).to_csv(handle, index=False, header=rows == 0)
            rows += len(chunk)
    if rows == 0:
        raise RawFormatError(f"{source}: the file has a header but no rows")
    logger.info("scored %d rows from %s into %s", rows, source, target)
    return rows
