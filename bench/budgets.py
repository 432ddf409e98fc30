"""The DESIGN §10 budgets set against the bench's figures: one line per figure, with its
budget, met or not, and the command that made it; printed as tables and kept as JSON."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from http_bench import CONCURRENCIES, ServerRun
from wrk_runner import Load, WrkRun

P50_MS, P99_MS = 1.5, 5.0
EXPLAIN_ADDED_MS = 2.0  # issue L: what asking for the reasons may add to the p50
VS_PLAIN, VS_FLOOR = 15.0, 0.5
BATCH_ROWS_PER_SECOND, CLI_ROWS_PER_SECOND = 500_000.0, 200_000.0
READY_SECONDS, WORKER_RSS_MB = 3.0, 400.0
DRIFT_ADD_MICROSECONDS = 5.0  # issue K: "not more than a few microseconds per request"
MIN_REQUESTS_PER_CONNECTION = 4
SERVICE = "credit-scoring serve --workers 1 (every model, audit spool with fsync on)"


@dataclass(frozen=True)
class Figure:
    """One measured figure; ``met`` is None when it has no budget, and False when the load
    it comes from is invalid (``note`` says why)."""

    what: str
    measured: str
    budget: str
    met: bool | None
    command: str
    note: str = ""

    @property
    def status(self) -> str:
        """met / NOT MET / - (no budget), and the note."""
        word = "-" if self.met is None else "met" if self.met else "NOT MET"
        return f"{word} {self.note}".strip()


def failures(*loads: Load) -> str:
    """What makes loads' figures worthless: answers other than 2xx, socket errors, runs
    too short for the server."""
    problems = [
        f"{count} {what}"
        for count, what in (
            (sum(load.non_2xx for load in loads), "non-2xx"),
            (sum(load.socket_errors for load in loads), "socket errors"),
            (sum(1 for load in loads for run in load.runs if short(run, load)), "short runs"),
        )
        if count
    ]
    return f"INVALID: {', '.join(problems)}" if problems else ""


def short(run: WrkRun, load: Load) -> bool:
    """A run too short for its server: fewer than MIN_REQUESTS_PER_CONNECTION requests per
    connection completed (wrk leaves out the requests still open when the run ends)."""
    return run.requests < MIN_REQUESTS_PER_CONNECTION * load.connections


def checked(what: str, value: float, unit: str, bound: float, load: Load, above: bool) -> Figure:
    """A figure of a load against a bound (``above``: at least it, else at most it)."""
    note = failures(load)
    met = (value >= bound if above else value <= bound) and not note
    sign = ">=" if above else "<="
    measured, budget = f"{value:,.2f} {unit}", f"{sign} {bound:g} {unit}"
    return Figure(what, measured, budget, met, load.command, note)


def latency_figures(service: ServerRun) -> Iterator[Figure]:
    """p50 and p99 at concurrency 1, each body."""
    for body, loads in service.loads.items():
        load = loads[1]
        yield checked(f"/predict c=1 p50, {body}", load.p50_ms, "ms", P50_MS, load, False)
        yield checked(f"/predict c=1 p99, {body}", load.p99_ms, "ms", P99_MS, load, False)


def explanation_figures(service: ServerRun) -> Iterator[Figure]:
    """What asking for the reasons adds to the p50 at concurrency 1, each body."""
    for body, explained in service.explained.items():
        plain = service.loads[body][1]
        added = explained.p50_ms - plain.p50_ms
        note = failures(explained, plain)
        yield Figure(
            f"?explain=true c=1 p50 added, {body}",
            f"{added:.2f} ms ({explained.p50_ms:.2f} - {plain.p50_ms:.2f})",
            f"<= {EXPLAIN_ADDED_MS:g} ms",
            added <= EXPLAIN_ADDED_MS and not note,
            explained.command,
            note,
        )


def ratio_figures(runs: dict[str, ServerRun]) -> Iterator[Figure]:
    """Requests/s at concurrency 32: the service's over the plain server's and the floor's."""
    for body, loads in runs["service"].loads.items():
        ours = loads[32]
        for other, bound in (("plain", VS_PLAIN), ("floor", VS_FLOOR)):
            theirs = runs[other].loads.get(body, {}).get(32)
            if theirs is not None:
                yield ratio_figure(f"c=32 req/s service/{other}, {body}", ours, theirs, bound)


def ratio_figure(what: str, ours: Load, theirs: Load, bound: float) -> Figure:
    """The service's requests/s over another server's, at least ``bound`` times."""
    note = failures(ours, theirs)
    value = ours.requests_per_second / max(theirs.requests_per_second, 1e-9)
    return Figure(
        what,
        f"{value:.2f}x ({ours.requests_per_second:,.0f} / {theirs.requests_per_second:,.0f})",
        f">= {bound:g}x",
        value >= bound and not note,
        f"{ours.command}, then the same on the other server",
        note,
    )


def server_figures(starts: list[float], ready: float, service: ServerRun) -> list[Figure]:
    """Start-up time (median of the starts) and the worker's memory after the load."""
    rss = service.memory_mb["rss_mb"]
    return [
        Figure(
            "service start to /ready 200 (median)",
            f"{ready:.2f} s ({', '.join(f'{s:.2f}' for s in starts)})",
            f"<= {READY_SECONDS:g} s",
            ready <= READY_SECONDS,
            f"{SERVICE}: spawn to GET /ready 200",
        ),
        Figure(
            "RSS per worker after the load",
            f"{rss:.0f} MB (peak {service.memory_mb['peak_rss_mb']:.0f} MB)",
            f"<= {WORKER_RSS_MB:g} MB",
            rss <= WORKER_RSS_MB,
            f"{SERVICE}: VmRSS in /proc/<worker>/status",
        ),
    ]


def batch_figures(batch: dict[str, dict[str, Any]], cli: dict[str, dict[str, Any]]) -> list[Figure]:
    """In-process and CLI rows per second, and the CLI's peak memory, per profile."""
    figures = []
    for name, result in batch.items():
        rate, ceiling = result["rows_per_second"], result["model_step_rows_per_second"]
        figures.append(
            Figure(
                f"batch in process, raw rows to decisions, {name}",
                f"{rate:,.0f} rows/s",
                f">= {BATCH_ROWS_PER_SECOND:,.0f} rows/s",
                rate >= BATCH_ROWS_PER_SECOND,
                result["command"],
            )
        )
        figures.append(
            Figure(
                f"the model step alone, {name}: the ceiling of every batch path",
                f"{ceiling:,.0f} rows/s ({rate / ceiling:.2f}x of it reached in process)",
                "-",
                None,
                result["model_step_command"],
            )
        )
    for name, result in cli.items():
        figures += cli_figures(name, result)
    return figures


def cli_figures(name: str, result: dict[str, Any]) -> list[Figure]:
    """The CLI's rows per second and peak RSS on the big file, and on Spark (no budget:
    beside the pandas path, to show where Spark starts to pay)."""
    rate = result["rows_per_second"]
    spark = result["spark_rows_per_second"]
    return [
        Figure(
            f"credit-scoring score --engine spark local[2], {result['rows']:,} rows, {name}",
            f"{spark:,.0f} rows/s ({spark / rate:.2f}x the pandas engine)",
            "-",
            None,
            result["spark_command"],
        ),
        Figure(
            f"credit-scoring score, {result['rows']:,} rows, {name}",
            f"{rate:,.0f} rows/s",
            f">= {CLI_ROWS_PER_SECOND:,.0f} rows/s",
            rate >= CLI_ROWS_PER_SECOND,
            result["command"],
        ),
        Figure(
            f"credit-scoring score peak RSS, {name}",
            f"{result['peak_rss_mb']:.0f} MB ({result['tenth_peak_rss_mb']:.0f} MB on "
            f"{result['tenth_rows']:,} rows)",
            "bounded: <= 1.25x the peak on a tenth of the file",
            bool(result["bounded"]),
            result["command"],
        ),
    ]


def drift_figures(drift: dict[str, dict[str, Any]]) -> list[Figure]:
    """The drift monitor's cost per decided record, per profile with a reference."""
    return [
        Figure(
            f"drift window, cost per decided record, {name}",
            f"{result['microseconds_per_record']:.2f} µs",
            f"<= {DRIFT_ADD_MICROSECONDS:g} µs",
            result["microseconds_per_record"] <= DRIFT_ADD_MICROSECONDS,
            result["command"],
        )
        for name, result in drift.items()
        if "skipped" not in result
    ]


def challenger_figures(challenger: dict[str, dict[str, Any]]) -> list[Figure]:
    """A challenger's cost per decided record, per profile (no budget of its own: set beside
    the p50 budget it adds to)."""
    return [
        Figure(
            f"challenger in the shadows, cost per decided record, {name}",
            f"{cost:.0f} µs ({cost / 10 / P50_MS:.0f}% of the {P50_MS:g} ms p50 budget)",
            "-",
            None,
            result["command"],
        )
        for name, result in challenger.items()
        for cost in [result["microseconds_per_record"]]
    ]


def load_lines(runs: dict[str, ServerRun]) -> list[list[str]]:
    """The load table's rows: server, body, concurrency, p50/p90/p99, req/s, failures and,
    on the service's rows, its requests/s over the plain server's and the floor's."""
    lines = []
    for name, run in runs.items():
        for body, loads in run.loads.items():
            for c in CONCURRENCIES:
                load = loads[c]
                ratios = [
                    ratio(load, runs[other].loads.get(body, {}).get(c)) if name == "service" else ""
                    for other in ("plain", "floor")
                ]
                lines.append(
                    [name, body, str(c)]
                    + [f"{value:.2f}" for value in (load.p50_ms, load.p90_ms, load.p99_ms)]
                    + [f"{load.requests_per_second:,.0f}", str(load.non_2xx + load.socket_errors)]
                    + ratios
                )
    return lines


def ratio(load: Load, other: Load | None) -> str:
    """``load``'s requests/s over ``other``'s, as text."""
    if other is None or not other.requests_per_second:
        return "-"
    return f"{load.requests_per_second / other.requests_per_second:.2f}x"


def table(header: list[str], lines: list[list[str]]) -> str:
    """A plain text table, columns padded to their widest cell."""
    widths = [max(len(row[k]) for row in [header, *lines]) for k in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in [header, *lines]
    )


def print_report(figures: list[Figure], runs: dict[str, ServerRun]) -> None:
    """The load table, then the budgets table, whose last column points to the command
    each figure came from (listed below it)."""
    head = ["server", "body", "c", "p50 ms", "p90 ms", "p99 ms", "req/s", "failed"]
    print()
    print(table([*head, "vs plain", "vs floor"], load_lines(runs)))
    print()
    commands = list(dict.fromkeys(figure.command for figure in figures))
    lines = [
        [f.what, f.measured, f.budget, f.status, f"[{commands.index(f.command) + 1}]"]
        for f in figures
    ]
    print(table(["what", "measured", "budget", "met", "command"], lines))
    for number, command in enumerate(commands, 1):
        print(f"[{number}] {command}")
    met = sum(1 for figure in figures if figure.met)
    print(f"\n{met} of {sum(1 for f in figures if f.met is not None)} budgets met")


def figures_json(figures: list[Figure]) -> list[dict[str, Any]]:
    """The figures for the JSON report."""
    return [asdict(figure) | {"status": figure.status} for figure in figures]
