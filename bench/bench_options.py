"""The options of `make bench`: command-line flags, each defaulting to an environment variable
(so ``BENCH_SECONDS=2 BENCH_RUNS=1 make bench`` is a quick smoke run), else the measuring
defaults."""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Options:
    """What to measure and for how long."""

    seconds: float
    warmup: float
    runs: int
    threads: int
    models: Path
    profiles: tuple[str, ...]
    cli_rows: int
    batch_rows: int
    seed: int
    cache: Path
    json_path: Path


# flag, environment variable, type, default, help
FLAGS: list[tuple[str, str, type, object, str]] = [
    ("--seconds", "BENCH_SECONDS", float, 10.0, "seconds of each measured wrk run"),
    ("--warmup", "BENCH_WARMUP", float, 5.0, "seconds of the uncounted wrk warm-up"),
    ("--runs", "BENCH_RUNS", int, 3, "runs per figure (the median is reported)"),
    ("--threads", "BENCH_WRK_THREADS", int, 2, "wrk threads at concurrency > 1"),
    ("--models", "BENCH_MODELS", Path, ROOT / "src" / "models", "folder of <profile>/LATEST"),
    ("--profiles", "BENCH_PROFILES", str, "", "comma-separated profiles (default: all)"),
    ("--cli-rows", "BENCH_CLI_ROWS", int, 1_000_000, "rows of the file the CLI scores"),
    ("--batch-rows", "BENCH_BATCH_ROWS", int, 100_000, "rows scored in process"),
    ("--seed", "BENCH_SEED", int, 1, "seed of the generated CLI file"),
    (
        "--cache",
        "BENCH_CACHE",
        Path,
        Path(tempfile.gettempdir()) / "credit-scoring-bench",
        "where the generated CLI files are kept between runs",
    ),
    ("--json", "BENCH_JSON", Path, ROOT / "data" / "processed" / "bench.json", "JSON output"),
]


def parse_options(argv: list[str] | None = None) -> Options:
    """The options from ``argv`` (default: sys.argv), the environment and the defaults."""
    parser = argparse.ArgumentParser(description="Measure the DESIGN §10 budgets.")
    for flag, variable, kind, default, text in FLAGS:
        parser.add_argument(
            flag,
            type=kind,
            default=kind(os.environ.get(variable, default)),
            help=f"{text} (env {variable}, default {default})",
        )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.seconds <= 0 or args.cli_rows < 8 or args.batch_rows < 1:
        parser.error("runs >= 1, seconds > 0, cli-rows >= 8 and batch-rows >= 1, please")
    return Options(
        seconds=args.seconds,
        warmup=args.warmup,
        runs=args.runs,
        threads=args.threads,
        models=args.models.resolve(),
        profiles=tuple(name for name in args.profiles.split(",") if name),
        cli_rows=args.cli_rows,
        batch_rows=args.batch_rows,
        seed=args.seed,
        cache=args.cache.resolve(),
        json_path=args.json.resolve(),
    )
