"""Check that a refactoring changed no behaviour: train each profile with fixed seeds, score
the same raw rows, and compare the probabilities of two such snapshots.

    python scripts/same_probabilities.py snapshot OUT --credit-score-data A.csv \
        --card-default-data B.csv --rows 10000
    python scripts/same_probabilities.py compare OLD NEW --tolerance 1e-9

A snapshot writes, per profile, the model (``OUT/models``) and ``OUT/<profile>.csv``: the
probabilities of the first ``--rows`` rows of a scoring file, each scored on its own as the
API scores it. Run it from the checkout whose code is to be measured (``PYTHONPATH``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

PROFILES = ("credit_score", "card_default")


def _cli(*arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "credit_scoring.cli", *arguments], check=True)


def snapshot(out: Path, data: dict[str, Path], scoring: dict[str, Path], rows: int) -> None:
    """Train each profile (quick preset, seed 42) and score ``rows`` rows of its file."""
    out.mkdir(parents=True, exist_ok=True)
    for profile in PROFILES:
        sample = out / f"{profile}-input.csv"
        pd.read_csv(scoring[profile], nrows=rows, dtype=str).to_csv(sample, index=False)
        common = ["--profile", profile]
        _cli(
            "train",
            *common,
            "--data",
            str(data[profile]),
            "--preset",
            "quick",
            "--seed",
            "42",
            "--models-root",
            str(out / "models"),
        )
        _cli(
            "score",
            *common,
            "--input",
            str(sample),
            "--output",
            str(out / f"{profile}.csv"),
            "--model",
            str(out / "models" / profile),
            "--no-per-customer",
        )


def compare(old: Path, new: Path, tolerance: float) -> bool:
    """Whether every probability of ``new`` is within ``tolerance`` of ``old``'s."""
    same = True
    for profile in PROFILES:
        missing = [
            str(d / f"{profile}.csv") for d in (old, new) if not (d / f"{profile}.csv").is_file()
        ]
        if missing:
            print(f"{profile}: no {' or '.join(missing)} (an unfinished snapshot?)")
            return False
        before, after = pd.read_csv(old / f"{profile}.csv"), pd.read_csv(new / f"{profile}.csv")
        columns = [c for c in before.columns if c.startswith("proba_")]
        gap = float(np.max(np.abs(before[columns].to_numpy() - after[columns].to_numpy())))
        decisions = int((before["decision"] != after["decision"]).sum())
        print(
            f"{profile}: {len(before)} rows, largest probability gap {gap:.3g}, "
            f"{decisions} decisions differ"
        )
        same = same and gap <= tolerance and decisions == 0 and len(before) == len(after)
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("snapshot")
    take.add_argument("out", type=Path)
    take.add_argument("--credit-score-data", type=Path, required=True)
    take.add_argument("--card-default-data", type=Path, required=True)
    take.add_argument("--credit-score-input", type=Path, help="rows to score (default: data)")
    take.add_argument("--card-default-input", type=Path, help="rows to score (default: data)")
    take.add_argument("--rows", type=int, default=10_000)
    check = commands.add_parser("compare")
    check.add_argument("old", type=Path)
    check.add_argument("new", type=Path)
    check.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args()
    if args.command == "compare":
        return 0 if compare(args.old, args.new, args.tolerance) else 1
    data = {"credit_score": args.credit_score_data, "card_default": args.card_default_data}
    scoring = {
        "credit_score": args.credit_score_input or args.credit_score_data,
        "card_default": args.card_default_input or args.card_default_data,
    }
    snapshot(args.out, data, scoring, args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
