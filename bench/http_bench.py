"""The HTTP part of `make bench`: the service's start-up time, then the service, the plain
server and the hello-world floor one after the other, each driven by wrk with every body at
concurrency 1 and 32 once its answer to the body is a 200."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench_options import Options
from servers import (
    KEY,
    BenchError,
    Server,
    floor_launch,
    plain_launch,
    running,
    service_launch,
    worker_memory_mb,
)
from wrk_runner import Load, measure

CONCURRENCIES = (1, 32)


@dataclass
class ServerRun:
    """One server's figures: per body key, its answer and its load at each concurrency;
    its start-up time and its worker's memory after the load."""

    server: str
    ready_seconds: float = 0.0
    memory_mb: dict[str, float] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    loads: dict[str, dict[int, Load]] = field(default_factory=dict)
    explained: dict[str, Load] = field(default_factory=dict)  # ?explain=true at c=1

    def as_json(self) -> dict[str, Any]:
        """The figures for the JSON report."""
        return {
            "ready_seconds": self.ready_seconds,
            "memory_mb": self.memory_mb,
            "answers": self.answers,
            "loads": {
                body: {str(c): load.as_json() for c, load in by_c.items()}
                for body, by_c in self.loads.items()
            },
            "explained_c1": {body: load.as_json() for body, load in self.explained.items()},
        }


def answer_of(url: str, body: Path) -> str:
    """POST the body once; BenchError unless 200; a short summary of the answer."""
    response = httpx.post(
        f"{url}/predict",
        content=body.read_bytes(),
        headers={"Content-Type": "application/json", "x-api-key": KEY},
        timeout=30,
    )
    if response.status_code != 200:
        raise BenchError(
            f"{url}/predict answered {response.status_code} to {body}: {response.text}"
        )
    answer = response.json()
    if "decision" in answer and "credit_class" in answer:
        return f"decision {answer['decision']} ({answer['credit_class']})"
    return ", ".join(f"{key} {rounded(value)}" for key, value in answer.items())


def rounded(value: Any) -> Any:
    """Numbers (and lists of them) to 4 decimals, for printing."""
    if isinstance(value, list):
        return [rounded(item) for item in value]
    return round(value, 4) if isinstance(value, float) else value


def drive(
    server: Server, bodies: dict[str, Path], options: Options, run: ServerRun, explains: bool
) -> None:
    """Check each body's answer, then load the server with it at each concurrency (and, when
    the server ``explains``, at concurrency 1 asking for the reasons)."""
    target = f"{server.url}/predict"
    for key, body in bodies.items():
        run.answers[key] = answer_of(server.url, body)
        print(f"  {server.name} {key}: 200, {run.answers[key]}", flush=True)
        run.loads[key] = {c: measure(target, body, c, options) for c in CONCURRENCIES}
        for c, load in run.loads[key].items():
            print(f"    c={c}: {load.requests_per_second:,.0f} req/s, p50 {load.p50_ms:.2f} ms")
        if explains:
            run.explained[key] = measure(f"{target}?explain=true", body, 1, options)
            print(f"    c=1 ?explain=true: p50 {run.explained[key].p50_ms:.2f} ms", flush=True)


def startup_seconds(models: Path, runs: int) -> list[float]:
    """Seconds from spawning the service (every model) to its first /ready 200, ``runs``
    times, after one uncounted start: the first start after other work reads its libraries
    and models from disk again (8.3 s against 2.8 s once here), as no restart does."""
    seconds = []
    for _ in range(runs + 1):
        with running(partial(service_launch, models)) as server:
            seconds.append(server.ready_seconds)
    warm_up, counted = seconds[0], seconds[1:]
    shown = ", ".join(f"{s:.2f} s" for s in counted)
    print(f"  service start to /ready: {shown} (uncounted first start {warm_up:.2f} s)", flush=True)
    return counted


def service_run(models: Path, bodies: dict[str, Path], options: Options) -> ServerRun:
    """The service as shipped with every model under ``models``, under every body."""
    run = ServerRun("service")
    with running(partial(service_launch, models)) as server:
        run.ready_seconds = server.ready_seconds
        drive(server, bodies, options, run, explains=True)
        run.memory_mb = worker_memory_mb(server)
    return run


def plain_run(artifacts: dict[str, Path], bodies: dict[str, Path], options: Options) -> ServerRun:
    """The plain server, started once per profile on its artifact, under its bodies."""
    run = ServerRun("plain")
    for profile, directory in artifacts.items():
        mine = {key: path for key, path in bodies.items() if key.startswith(f"{profile}/")}
        with running(partial(plain_launch, directory)) as server:
            run.ready_seconds = max(run.ready_seconds, server.ready_seconds)
            drive(server, mine, options, run, explains=False)
            memory = worker_memory_mb(server)
        run.memory_mb = {name: max(run.memory_mb.get(name, 0), mb) for name, mb in memory.items()}
    return run


def floor_run(bodies: dict[str, Path], options: Options) -> ServerRun:
    """The hello-world floor under every body."""
    run = ServerRun("floor")
    with running(floor_launch) as server:
        run.ready_seconds = server.ready_seconds
        drive(server, bodies, options, run, explains=False)
        run.memory_mb = worker_memory_mb(server)
    return run


def http_bench(
    models: Path, artifacts: dict[str, Path], bodies: dict[str, Path], options: Options
) -> tuple[list[float], dict[str, ServerRun]]:
    """Start-up times, then the three servers one after the other."""
    print("start-up", flush=True)
    starts = startup_seconds(models, options.runs)
    print(f"  median {statistics.median(starts):.2f} s", flush=True)
    print("service", flush=True)
    service = service_run(models, bodies, options)
    print("plain", flush=True)
    plain = plain_run(artifacts, bodies, options)
    print("floor", flush=True)
    return starts, {"service": service, "plain": plain, "floor": floor_run(bodies, options)}
