"""Drive a server's POST /predict with wrk: an uncounted warm-up, then several runs; the
figures are the runs' medians. bench/wrk_post.lua posts the body with the bench's key and
prints each run's figures as one JSON line."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench_options import ROOT, Options
from servers import KEY, BenchError

LUA = Path(__file__).resolve().with_name("wrk_post.lua")
MARK = "BENCH_JSON "


@dataclass(frozen=True)
class WrkRun:
    """One wrk run's figures (latencies in ms; ``non_2xx`` counts what wrk calls status
    errors, answers of 400 and above; ``socket_errors`` its connect/read/write/timeouts)."""

    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int


@dataclass(frozen=True)
class Load:
    """Medians of the runs at one concurrency, the failures of every run (warm-up included)
    and the command of one run."""

    connections: int
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    command: str
    runs: list[WrkRun] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The figures and every run's, for the JSON report."""
        return asdict(self)


def wrk_binary() -> str:
    """The wrk executable; BenchError saying how to install it when missing."""
    found = shutil.which("wrk")
    if found is None:
        raise BenchError("wrk is not installed: apt-get install -y wrk (make bench does it)")
    return found


def wrk_command(
    target: str, body: Path, connections: int, seconds: float, threads: int
) -> list[str]:
    """wrk posting ``body`` to ``target`` (a /predict URL) at ``connections`` for ``seconds``."""
    return [
        wrk_binary(),
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        "--latency",
        f"--script={LUA.relative_to(ROOT)}",
        target,
        "--",
        str(body),
        KEY,
    ]


def wrk_once(command: list[str]) -> WrkRun:
    """Run wrk once and read the JSON line of the Lua ``done()``."""
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARK)]
    if result.returncode != 0 or not lines:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stdout}{result.stderr}")
    return WrkRun(**json.loads(lines[-1][len(MARK) :]))


def measure(target: str, body: Path, connections: int, options: Options) -> Load:
    """A warm-up (uncounted but for its failures), then ``options.runs`` runs; medians."""
    warmup = wrk_command(target, body, connections, options.warmup, options.threads)
    first = wrk_once(warmup) if options.warmup > 0 else None
    command = wrk_command(target, body, connections, options.seconds, options.threads)
    runs = [wrk_once(command) for _ in range(options.runs)]
    counted = runs + ([first] if first else [])
    return Load(
        connections=connections,
        requests_per_second=statistics.median(run.requests_per_second for run in runs),
        p50_ms=statistics.median(run.p50_ms for run in runs),
        p90_ms=statistics.median(run.p90_ms for run in runs),
        p99_ms=statistics.median(run.p99_ms for run in runs),
        non_2xx=sum(run.non_2xx for run in counted),
        socket_errors=sum(run.socket_errors for run in counted),
        command=" ".join(command[:-1] + ["$KEY"]).replace(wrk_binary(), "wrk"),
        runs=runs,
    )
