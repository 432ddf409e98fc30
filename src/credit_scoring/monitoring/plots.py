"""The drift report's plots, each returned as PNG bytes (the report embeds them)."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from credit_scoring.ml.drift import LEVELS  # noqa: E402

LEVEL_COLOURS = {"act": "#c0392b", "watch": "#e67e22", "ok": "#27ae60", "too_few": "#95a5a6"}


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()


def psi_bars(drift: list[dict[str, Any]]) -> bytes:
    """Each input's PSI as a bar coloured by its level, with the watch and act lines."""
    ranked = drift[::-1]  # the highest at the top
    figure, axes = plt.subplots(figsize=(8, 0.28 * len(ranked) + 1.5))
    colours = [LEVEL_COLOURS[row["level"]] for row in ranked]
    axes.barh([row["input"] for row in ranked], [row["psi"] for row in ranked], color=colours)
    for name, level in LEVELS.items():
        axes.axvline(level, color=LEVEL_COLOURS[name], linestyle="--", label=f"{name} ({level})")
    axes.set_xlabel("population stability index (period vs training)")
    axes.set_title("Data drift per input")
    axes.legend(loc="lower right")
    return _png(figure)


def shares(name: str, labels: list[str], reference: list[float], current: list[float]) -> bytes:
    """One input's share per bin, training beside the period."""
    positions = np.arange(len(labels))
    figure, axes = plt.subplots(figsize=(8, 3.2))
    axes.bar(positions - 0.2, reference, width=0.4, label="training", color="#7f8c8d")
    axes.bar(positions + 0.2, current, width=0.4, label="this period", color="#2980b9")
    axes.set_xticks(positions, labels, rotation=35, ha="right", fontsize=8)
    axes.set_ylabel("share of records")
    axes.set_title(f"{name}: training vs this period")
    axes.legend()
    return _png(figure)


def mix_over_time(classes: pd.DataFrame, decisions: pd.DataFrame) -> bytes:
    """Per day, the share of each credit class and of each decision."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4), sharex=True)
    for frame, axes, title in ((classes, left, "credit class"), (decisions, right, "decision")):
        for column in frame.columns:
            axes.plot(frame.index, frame[column], marker="o", label=column)
        axes.set_ylim(0, 1)
        axes.set_title(f"Share of each {title}, per day")
        axes.tick_params(axis="x", rotation=35, labelsize=8)
        axes.legend(fontsize=8)
    return _png(figure)


def calibration(table: pd.DataFrame) -> bytes:
    """Realised risk rate against the mean predicted probability, per probability bin."""
    figure, axes = plt.subplots(figsize=(4.8, 4.2))
    axes.plot([0, 1], [0, 1], linestyle=":", color="#7f8c8d", label="perfectly calibrated")
    axes.plot(table["predicted"], table["realised"], marker="o", label="decisions with an outcome")
    axes.set_xlabel("predicted probability of the risk class")
    axes.set_ylabel("realised share of the risk class")
    axes.set_title("Calibration on outcomes")
    axes.legend(fontsize=8)
    return _png(figure)
