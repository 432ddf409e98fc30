"""Prometheus metrics of one app (its own registry, no module-level state). With several
worker processes, prometheus-client's multiprocess mode: each worker writes its counts to
files in one folder, and a scrape of any worker sums them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from credit_scoring.ml.decision import Decision
from credit_scoring.service.audit.records import AuditStatus
from credit_scoring.service.workers import shared_folder

LATENCY_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
UNMATCHED = "unmatched"


class _AuditCollector(Collector):
    """Reads the audit sink's status at scrape time."""

    def __init__(self, status: Callable[[], AuditStatus | None]) -> None:
        self.status = status

    def collect(self) -> Iterable[GaugeMetricFamily]:
        audit = self.status()
        if audit is None:
            return
        gauges: dict[str, tuple[str, float | None]] = {
            "credit_audit_backlog_bytes": (
                "Audit bytes spooled, not yet uploaded",
                audit.backlog_bytes,
            ),
            "credit_audit_oldest_pending_seconds": (
                "Age of the oldest audit record not yet uploaded (0 when none waits)",
                audit.oldest_pending_age_seconds,
            ),
            "credit_audit_spool_writable": (
                "1 when the spool accepts records",
                float(audit.spool_writable),
            ),
        }
        uploads = audit.uploads
        if uploads is not None:
            gauges |= {
                "credit_audit_upload_failures": (
                    "Failed audit uploads since start",
                    uploads.upload_failures,
                ),
                "credit_audit_uploaded_records": (
                    "Audit records uploaded since start",
                    uploads.uploaded_records,
                ),
                "credit_audit_uploader_up": (
                    "1 while the upload thread runs",
                    float(uploads.uploader_alive),
                ),
                "credit_audit_last_upload_age_seconds": (
                    "Seconds since the last successful audit upload",
                    uploads.last_upload_age_seconds,
                ),
            }
        for name, (help_text, value) in gauges.items():
            if value is not None:
                yield GaugeMetricFamily(name, help_text, value=float(value))


DriftTables = Callable[[], dict[str, dict[str, Any]]]


class _ReadinessCollector(Collector):
    """1 while the service can decide (``GET /ready`` 200), read at scrape time."""

    def __init__(self, ready: Callable[[], bool]) -> None:
        self.ready = ready

    def collect(self) -> Iterable[GaugeMetricFamily]:
        help_text = "1 while the service can decide (GET /ready would answer 200)"
        yield GaugeMetricFamily("credit_ready", help_text, value=float(self.ready()))


class _DriftCollector(Collector):
    """Each input's PSI over the recent window, read at scrape time: only where the window
    is large enough to call the watch level (``ml.drift.minimum_window``), so that an alert
    on it does not fire on a small window's noise."""

    def __init__(self, tables: DriftTables) -> None:
        self.tables = tables

    def collect(self) -> Iterable[GaugeMetricFamily]:
        psi = GaugeMetricFamily(
            "credit_input_psi",
            "Population stability index of an input over the recent window, against training",
            labels=["profile", "input"],
        )
        records = GaugeMetricFamily(
            "credit_drift_window_records", "Decided records in the drift window", labels=["profile"]
        )
        for profile, table in self.tables().items():
            records.add_metric([profile], table["window"]["records"])
            for name, row in table["inputs"].items():
                if row["level"] != "too_few":
                    psi.add_metric([profile, name], row["psi"])
        yield records
        yield psi


class Metrics:
    """Request, prediction, validation, audit and drift metrics."""

    def __init__(
        self,
        known_fields: Iterable[str],
        audit_status: Callable[[], AuditStatus | None],
        drift_tables: DriftTables,
        ready: Callable[[], bool],
    ) -> None:
        self.known_fields = set(known_fields)
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "credit_http_requests_total",
            "HTTP requests",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "credit_http_request_duration_seconds",
            "Request latency",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.predictions = Counter(
            "credit_predictions_total",
            "Decisions by profile, class and decision",
            ["profile", "credit_class", "decision"],
            registry=self.registry,
        )
        self.risk = Histogram(
            "credit_risk_probability",
            "Predicted probability of the risk class, by profile",
            ["profile"],
            buckets=tuple(i / 10 for i in range(1, 11)),
            registry=self.registry,
        )
        self.refusal_reasons = Counter(
            "credit_refusal_reasons_total",
            "NEGADO decisions by their principal reason (the field that pushed the risk up most)",
            ["profile", "field"],
            registry=self.registry,
        )
        self.invalid_fields = Counter(
            "credit_validation_failures_total",
            "Rejected fields",
            ["field"],
            registry=self.registry,
        )
        self.model = Gauge(
            "credit_model_info",
            "The model in service",
            ["version", "profile"],
            registry=self.registry,
            multiprocess_mode="max",
        )
        self.feedback = Counter(
            "credit_feedback_total",
            "Outcomes received, by the decision they judge (unknown for ids made before ids "
            "named it) and whether the applicant turned out to be the risk class",
            ["profile", "decision", "risk"],
            registry=self.registry,
        )
        self.risk_recall_at_training = Gauge(
            "credit_risk_recall_at_training",
            "The risk class's recall on the unseen test customers at training",
            ["profile"],
            registry=self.registry,
            multiprocess_mode="max",
        )
        self.model_loaded = Gauge(
            "credit_model_loaded_timestamp_seconds",
            "When the model in service was loaded (Unix time)",
            ["version", "profile"],
            registry=self.registry,
            multiprocess_mode="max",
        )
        self.challenger_failures = Counter(
            "credit_challenger_failures_total",
            "Requests a challenger failed to score (the champion's answers went out unchanged)",
            ["profile"],
            registry=self.registry,
        )
        self.challenger_agreements = Counter(
            "credit_challenger_decisions_total",
            "Decisions scored by a challenger too, by whether its would-be decision agreed",
            ["profile", "agreed"],
            registry=self.registry,
        )
        self.own_collectors = [
            _AuditCollector(audit_status),
            _DriftCollector(drift_tables),
            _ReadinessCollector(ready),
        ]
        for collector in self.own_collectors:
            self.registry.register(collector)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one request and its latency."""
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def observe_decisions(
        self,
        profile: str,
        classes: Iterable[str],
        decisions: Iterable[str],
        risks: Iterable[float],
    ) -> None:
        """Count a profile's decisions and record their risk probabilities."""
        for credit_class, decision, risk in zip(classes, decisions, risks):
            self.predictions.labels(profile, credit_class, decision).inc()
            self.risk.labels(profile).observe(risk)

    def observe_reasons(self, profile: str, answers: Iterable[dict[str, Any]]) -> None:
        """Count each refusal's principal reason (its first field against)."""
        for answer in answers:
            explanation = answer.get("explanation")
            if answer["decision"] == Decision.NEGADO and explanation and explanation["against"]:
                self.refusal_reasons.labels(profile, explanation["against"][0]["field"]).inc()

    def observe_feedback(self, profile: str, decision: Decision | None, risk: bool) -> None:
        """Count one outcome by the decision it judges."""
        judged = decision.value if decision is not None else "unknown"
        self.feedback.labels(profile, judged, str(risk).lower()).inc()

    def observe_invalid(self, fields: Iterable[str]) -> None:
        """Count rejected fields; names a client made up are counted as one label."""
        for field in fields:
            name = field.split(".")[-1]
            self.invalid_fields.labels(name if name in self.known_fields else "other").inc()

    def render(self) -> bytes:
        """The exposition text: with several workers (their shared folder, set by ``serve``:
        ``service.workers``), every worker's counts summed from their files, and this
        worker's audit, drift and readiness gauges."""
        registry = self.registry
        shared = shared_folder()
        if shared is not None:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=str(shared))  # type: ignore[no-untyped-call]
            for collector in self.own_collectors:
                registry.register(collector)
        output: bytes = generate_latest(registry)
        return output
