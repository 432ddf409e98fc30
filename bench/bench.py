"""`make bench`: measure the DESIGN §10 budgets on this machine, in one run.

Prints medians (and p99 where the budget has one) for every profile with a model: the
LATEST model under src/models and the profile's training file; starts its own server
(every model, audit on).
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

from credit_scoring.ml.artifact import load_artifact
from credit_scoring.ml.raw_data import default_training_file, load_raw
from credit_scoring.profiles import PROFILES, Profile, get_profile
from credit_scoring.dev.seaweed import free_port
from credit_scoring.service.auth import hash_key
from credit_scoring.service.predictor import Predictor
from credit_scoring.service.schemas import request_models
from credit_scoring.service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key"
MODELS = ROOT / "src" / "models"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def batch_rows_per_second(artifact_dir: Path, profile: Profile) -> float:
    """In-process batch scoring of the profile's whole training file (the Pipeline, strings
    as read from CSV: 100,000 rows for credit_score, about 24,000 for card_default)."""
    artifact = load_artifact(artifact_dir)
    frame = load_raw(default_training_file(profile, ROOT / "data"), profile)[profile.input_names]
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


def model_trust_env() -> dict[str, str]:
    """What lets the server load the local models, as ``make run`` does: they are unsigned
    unless a signing key is configured (then it is passed on: the server runs in a temporary
    folder with no .env)."""
    key = Settings().model_signing_key
    signing = {"CREDIT_MODEL_SIGNING_KEY": key.get_secret_value()} if key else {}
    return {"CREDIT_ALLOW_UNSIGNED_MODEL": "true", **signing}


def wait_ready(url: str, server: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    """Until /ready is 200; exit with the server's last words if it never gets there."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    server.terminate()
    sys.exit(f"the server did not become ready:\n{log.read_text()[-2000:]}")


def http_latency(payloads: dict[str, dict[str, object]]) -> dict[str, dict[str, float]]:
    """Start a real server with every local model (audit spool + fsync on), then 1000
    sequential /predict calls per profile, each with its profile's example body."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    env = os.environ | {
        "CREDIT_MODEL_PATH": str(MODELS),
        "CREDIT_ALLOW_SYNTHETIC_MODEL": "true",
        "CREDIT_API_KEYS": json.dumps({"bench": hash_key(KEY)}),
        "CREDIT_RATE_LIMIT_PER_MINUTE": "10000000",
        "CREDIT_AUDIT_UPLOAD": "false",
        "CREDIT_LOG_LEVEL": "WARNING",
        **model_trust_env(),
    }
    command = [sys.executable, "-m", "credit_scoring.cli", "serve", "--port", str(port)]
    started = time.perf_counter()
    with (workdir / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, server, workdir / "server.log")
        results = {"start": {"seconds": time.perf_counter() - started, "rss_mb": rss_mb(server)}}
        with httpx.Client() as client:
            for name, payload in payloads.items():
                results[name] = sequential_calls(client, url, payload)
        results["start"]["rss_mb"] = max(results["start"]["rss_mb"], rss_mb(server))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def rss_mb(server: subprocess.Popen[bytes]) -> float:
    status = Path(f"/proc/{server.pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def sequential_calls(
    client: httpx.Client, url: str, payload: dict[str, object]
) -> dict[str, float]:
    """Median and p99 of 1000 calls, after 100 to warm up."""
    times = []
    for _ in range(1100):
        begin = time.perf_counter()
        response = client.post(f"{url}/predict", json=payload, headers={"x-api-key": KEY})
        times.append(time.perf_counter() - begin)
        assert response.status_code == 200, response.text
    times = times[100:]
    return {"p50_ms": statistics.median(times) * 1000, "p99_ms": percentile(times, 0.99) * 1000}


def profile_rows(name: str, http: dict[str, float]) -> list[tuple[str, str, str]]:
    """One profile's lines of the table."""
    profile, artifact_dir = get_profile(name), MODELS / name
    payload = next(iter(profile.examples.values()))
    http_call = f"{name}: /predict, concurrency 1, HTTP, audit on"
    return [
        (f"{http_call}: p50", f"{http['p50_ms']:.2f} ms", "<= 2 ms"),
        (f"{http_call}: p99", f"{http['p99_ms']:.2f} ms", "<= 10 ms"),
        (
            f"{name}: single record in process (Predictor.score)",
            f"{in_process_single_ms(artifact_dir, payload):.2f} ms",
            "-",
        ),
        (
            f"{name}: batch scoring in process (its training file)",
            f"{batch_rows_per_second(artifact_dir, profile):,.0f} rows/s",
            ">= 200,000 rows/s",
        ),
    ]


def main() -> None:
    names = [name for name in PROFILES if (MODELS / name / "LATEST").is_file()]
    http = http_latency({name: next(iter(PROFILES[name].examples.values())) for name in names})
    start = http["start"]
    rows = [
        ("service start with every model (to /ready)", f"{start['seconds']:.2f} s", "<= 3 s"),
        ("memory of the worker (RSS)", f"{start['rss_mb']:.0f} MB", "<= 400 MB"),
        *(row for name in names for row in profile_rows(name, http[name])),
        ("throughput at concurrency 32 vs plain server", "not measured yet", ">= 10x"),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'what'.ljust(width)}  {'measured':>18}  budget")
    for name, value, budget in rows:
        print(f"{name.ljust(width)}  {value:>18}  {budget}")


if __name__ == "__main__":
    main()
