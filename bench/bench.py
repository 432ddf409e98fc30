"""`make bench`: measure the DESIGN §10 budgets on this machine, in one run.

For every profile with a LATEST model (under src/models, or BENCH_MODELS): the service's
start-up; then, one after the other on loopback and on the same artifacts, the service as
shipped, a plain FastAPI + pandas + Pipeline server and a hello-world FastAPI floor, each
driven by wrk at concurrency 1 and 32 with each seed body after a warm-up (medians of several
runs); batch scoring in process; `credit-scoring score` on a 1M-row file (pandas, and Spark
local[2] beside it); the drift window's and a challenger's cost per decided record. Prints
the tables and writes the figures as JSON (data/processed/bench.json). Exits 1 when a figure
is invalid (a load had non-2xx answers or socket errors), 2 when the bench could not run.

A smoke run: BENCH_SECONDS=2 BENCH_WARMUP=1 BENCH_RUNS=1 BENCH_CLI_ROWS=20000 make bench
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from credit_scoring.ml.artifact import ArtifactError, models_under
from credit_scoring.profiles import PROFILES, get_profile

from batch_bench import in_process
from drift_bench import add_cost
from bench_options import ROOT, Options, parse_options
from bodies import write_bodies
from budgets import (
    Figure,
    batch_figures,
    challenger_figures,
    drift_figures,
    explanation_figures,
    figures_json,
    latency_figures,
    print_report,
    ratio_figures,
    server_figures,
)
from challenger_bench import annotate_cost
from cli_bench import cli_bench
from http_bench import ServerRun, http_bench
from servers import BenchError
from wrk_runner import wrk_binary


def served_artifacts(options: Options) -> dict[str, Path]:
    """Each chosen profile's LATEST version directory; a line for each one without."""
    wanted = options.profiles or tuple(PROFILES)
    try:
        found = models_under(options.models, list(PROFILES))
    except ArtifactError as error:
        raise BenchError(f"no model under {options.models}: {error}") from None
    for name in wanted:
        if name not in found:
            where = options.models / name
            print(f"{name}: skipped, no model under {where} (make train-quick PROFILE={name})")
    artifacts = {name: found[name] for name in wanted if name in found}
    if not artifacts:
        raise BenchError(f"no model to measure under {options.models}: run make train-quick")
    return artifacts


def measure(options: Options) -> dict[str, Any]:
    """Every figure, in the order: HTTP (start-up, service, plain, floor), batch, CLI."""
    artifacts = served_artifacts(options)
    for name, directory in artifacts.items():
        print(f"{name}: {directory}")
    profiles = [get_profile(name) for name in artifacts]
    bodies = write_bodies(profiles, options.cache / "bodies")
    starts, runs = http_bench(options.models, artifacts, bodies, options)
    print("batch in process", flush=True)
    batch = {p.name: in_process(artifacts[p.name], p, options) for p in profiles}
    print("credit-scoring score", flush=True)
    cli = {p.name: cli_bench(p, artifacts[p.name], options) for p in profiles}
    print("drift monitor", flush=True)
    drift = {p.name: add_cost(artifacts[p.name], p) for p in profiles}
    print("challenger in the shadows", flush=True)
    challenger = {p.name: annotate_cost(artifacts[p.name], p) for p in profiles}
    return {
        "artifacts": artifacts,
        "starts": starts,
        "runs": runs,
        "batch": batch,
        "cli": cli,
        "drift": drift,
        "challenger": challenger,
    }


def figures_of(measured: dict[str, Any]) -> list[Figure]:
    """The budgets' figures of a measurement."""
    runs: dict[str, ServerRun] = measured["runs"]
    starts: list[float] = measured["starts"]
    return [
        *latency_figures(runs["service"]),
        *explanation_figures(runs["service"]),
        *ratio_figures(runs),
        *server_figures(starts, statistics.median(starts), runs["service"]),
        *batch_figures(measured["batch"], measured["cli"]),
        *drift_figures(measured["drift"]),
        *challenger_figures(measured["challenger"]),
    ]


def git_commit() -> str:
    """The checkout's commit, with + when the tree has changes."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    return git("rev-parse", "--short", "HEAD").strip() + (
        "+" if git("status", "--porcelain") else ""
    )


def report_json(
    options: Options, measured: dict[str, Any], figures: list[Figure]
) -> dict[str, Any]:
    """Everything measured, with the conditions it was measured in."""
    return {
        "measured_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load": os.getloadavg(),
        },
        "commit": git_commit(),
        "options": {key: str(value) for key, value in asdict(options).items()},
        "artifacts": {name: str(path) for name, path in measured["artifacts"].items()},
        "figures": figures_json(figures),
        "start_seconds": measured["starts"],
        "servers": {name: run.as_json() for name, run in measured["runs"].items()},
        "batch_in_process": measured["batch"],
        "cli": measured["cli"],
        "drift_monitor": measured["drift"],
        "challenger": measured["challenger"],
    }


def main() -> int:
    """Run the bench; the exit status says whether its figures can be trusted."""
    options = parse_options()
    os.chdir(ROOT)  # the profiles' data files are relative to the checkout
    try:
        wrk_binary()
        measured = measure(options)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    figures = figures_of(measured)
    print_report(figures, measured["runs"])
    options.json_path.parent.mkdir(parents=True, exist_ok=True)
    options.json_path.write_text(json.dumps(report_json(options, measured, figures), indent=2))
    print(f"figures written to {options.json_path}")
    invalid = [figure.what for figure in figures if "INVALID" in figure.note]
    if invalid:
        print(
            f"invalid figures (failed answers or runs too short): {', '.join(invalid)}",
            file=sys.stderr,
        )
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
