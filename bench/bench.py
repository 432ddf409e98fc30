"""`make bench`: measure the DESIGN §10 budgets on this machine, in one run.

Prints medians (and p99 where the budget has one). Uses the LATEST model under
src/models and the synthetic (or real) raw file; starts its own server with audit on.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pandas as pd

from credit_scoring.ml.artifact import load_artifact
from credit_scoring.ml.raw_data import default_training_file
from credit_scoring.profiles import get_profile
from credit_scoring.dev.seaweed import free_port
from credit_scoring.service.auth import hash_key
from credit_scoring.service.predictor import Predictor
from credit_scoring.service.schemas import request_models

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def batch_rows_per_second(artifact_dir: Path) -> float:
    """In-process batch scoring of 100k raw rows (the Pipeline, strings as read from CSV)."""
    artifact = load_artifact(artifact_dir)
    profile = get_profile("credit_score")
    raw = pd.read_csv(default_training_file(profile, ROOT / "data"), dtype=str)
    frame = raw[profile.input_names]
    start = time.perf_counter()
    artifact.pipeline.predict_proba(frame)
    return len(frame) / (time.perf_counter() - start)


def in_process_single_ms(artifact_dir: Path, payload: dict[str, object]) -> float:
    predictor = Predictor(load_artifact(artifact_dir))
    single = request_models(predictor.profile)[0]
    record = single.model_validate(payload).data  # type: ignore[attr-defined]
    times = []
    for _ in range(300):
        start = time.perf_counter()
        predictor.score([record])
        times.append(time.perf_counter() - start)
    return statistics.median(times[50:]) * 1000


def http_latency(payload: dict[str, object]) -> dict[str, float]:
    """Start a real server (audit spool + fsync on), 1000 sequential /predict calls."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    env = os.environ | {
        "CREDIT_MODEL_PATH": str(ROOT / "src/models/credit_score"),
        "CREDIT_ALLOW_SYNTHETIC_MODEL": "true",
        "CREDIT_API_KEYS": json.dumps({"bench": hash_key(KEY)}),
        "CREDIT_RATE_LIMIT_PER_MINUTE": "10000000",
        "CREDIT_AUDIT_UPLOAD": "false",
        "CREDIT_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "credit_scoring.cli", "serve", "--port", str(port)]
    started = time.perf_counter()
    with (workdir / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        start_seconds = time.perf_counter() - started
        rss_mb = (
            int(Path(f"/proc/{server.pid}/status").read_text().split("VmRSS:")[1].split()[0]) / 1024
        )
        times = []
        with httpx.Client() as client:
            for i in range(1100):
                begin = time.perf_counter()
                response = client.post(f"{url}/predict", json=payload, headers={"x-api-key": KEY})
                times.append(time.perf_counter() - begin)
                assert response.status_code == 200, response.text
        times = times[100:]
        rss_mb = max(
            rss_mb,
            int(Path(f"/proc/{server.pid}/status").read_text().split("VmRSS:")[1].split()[0])
            / 1024,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "start_seconds": start_seconds,
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": percentile(times, 0.99) * 1000,
        "rss_mb": rss_mb,
    }


def main() -> None:
    artifact_dir = ROOT / "src/models/credit_score"
    payload = get_profile("credit_score").examples["english"]
    http = http_latency(payload)
    rows = [
        ("/predict p50, concurrency 1, HTTP, audit on", f"{http['p50_ms']:.2f} ms", "<= 2 ms"),
        ("/predict p99, concurrency 1, HTTP, audit on", f"{http['p99_ms']:.2f} ms", "<= 10 ms"),
        ("service start with model load (to /ready)", f"{http['start_seconds']:.2f} s", "<= 3 s"),
        ("memory of the worker (RSS)", f"{http['rss_mb']:.0f} MB", "<= 400 MB"),
        (
            "single record in process (Predictor.score)",
            f"{in_process_single_ms(artifact_dir, payload):.2f} ms",
            "-",
        ),
        (
            "batch scoring in process (100k raw rows)",
            f"{batch_rows_per_second(artifact_dir):,.0f} rows/s",
            ">= 200,000 rows/s",
        ),
        ("throughput at concurrency 32 vs plain server", "not measured yet", ">= 10x"),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'what'.ljust(width)}  {'measured':>18}  budget")
    for name, value, budget in rows:
        print(f"{name.ljust(width)}  {value:>18}  {budget}")


if __name__ == "__main__":
    main()
