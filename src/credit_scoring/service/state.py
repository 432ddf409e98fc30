"""What the lifespan builds once and the routes read through typed dependencies."""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, NoReturn

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from credit_scoring.ml.scorer import Scorer
from credit_scoring.profiles import Profile
from credit_scoring.service.audit.records import AuditStatus
from credit_scoring.service.audit.sink import AuditSink
from credit_scoring.service.drift_monitor import DriftUpkeep, InputWindow
from credit_scoring.service.auth import KeyRing, RateLimiter, hash_key
from credit_scoring.service.challenger import Challenger
from credit_scoring.service.errors import (
    AuditUnavailable,
    ModelNotReady,
    RateLimited,
    Unauthorized,
)
from credit_scoring.service.metrics import Metrics
from credit_scoring.service.request_context import (
    InFlight,
    RequestContext,
    client_address,
    context_of,
)
from credit_scoring.service.scoring_queue import ScoringQueue
from credit_scoring.service.settings import Settings


API_KEY_DESCRIPTION = "API key of the calling client."


@dataclass
class ServiceState:
    """Settings, the profiles served and the models found for them (a scorer each once
    loaded, or why not), keys and rate limits."""

    settings: Settings
    keys: KeyRing
    limiter: RateLimiter
    failed_keys: RateLimiter
    profiles: list[Profile]
    models: dict[str, Path]
    audit: AuditSink | None = None
    scoring: dict[str, ScoringQueue] = field(default_factory=dict)  # each loaded scorer's
    load_errors: dict[str, str] = field(default_factory=dict)
    challenger_models: dict[str, Path] = field(default_factory=dict)
    challengers: dict[str, Challenger] = field(default_factory=dict)
    drift: dict[str, InputWindow] = field(default_factory=dict)
    drift_upkeep: DriftUpkeep | None = None  # compacts the windows; shares them between workers
    in_flight: InFlight = field(default_factory=InFlight)  # counted by the middleware
    metrics: Metrics = field(init=False)
    # One batch checked and decided at a time per worker: several at once would hold the
    # interpreter's lock among them, and every other request would wait for its turn.
    batch_slot: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))

    def __post_init__(self) -> None:
        names = {name for profile in self.profiles for name in profile.client_names}
        self.metrics = Metrics(names, self.audit_status, self.drift_tables, self.is_ready)

    def scorer_for(self, context: RequestContext, profile: str) -> Scorer:
        """The profile's scorer, or 503 while it has no loaded model."""
        queue = self.scoring.get(profile)
        if queue is None:
            why = "no model was found for it" if profile not in self.models else "see GET /ready"
            raise ModelNotReady(f"The {profile} model is not loaded ({why}).")
        context.model_version = queue.scorer.version
        return queue.scorer

    def is_ready(self) -> bool:
        """Whether the service can decide (what ``GET /ready`` answers)."""
        return self.readiness(detailed=False)[0]

    def watch_drift(self, scorer: Scorer) -> None:
        """Keep a window of the profile's decided inputs, when its model has the training
        inputs' reference (models trained before drift monitoring have none)."""
        reference = scorer.artifact.metadata.input_reference
        if reference is not None:
            window = InputWindow(scorer.profile, reference, self.settings.drift_window_records)
            self.drift[scorer.profile.name] = window

    def drift_tables(self) -> dict[str, dict[str, Any]]:
        """The drift table of every profile with a window (every worker's, when shared)."""
        return {name: self._window_table(name) for name in self.drift}

    def _window_table(self, profile: str) -> dict[str, Any]:
        upkeep = self.drift_upkeep
        others = upkeep.others(profile) if upkeep is not None else []
        return self.drift[profile].table(others)

    def drift_table(self, profile: str) -> dict[str, Any]:
        """The profile's drift table, or why there is none."""
        if profile not in self.scoring:
            return {"available": False, "reason": "no model is loaded for this profile"}
        if profile not in self.drift:
            return {
                "available": False,
                "reason": "the model has no reference of its training inputs; retrain it",
            }
        version = self.scoring[profile].scorer.version
        return {"available": True, "model_version": version} | self._window_table(profile)

    def audit_sink(self) -> AuditSink:
        """The audit sink, or AuditUnavailable before it runs: nothing is decided or taken
        in that it could not record."""
        if self.audit is None:
            raise AuditUnavailable("The audit log is not running; retry later.")
        return self.audit

    def audit_status(self) -> AuditStatus | None:
        """The audit sink's status, once it exists."""
        return self.audit.status() if self.audit is not None else None

    def readiness(self, detailed: bool) -> tuple[bool, dict[str, Any]]:
        """Ready when the model is loaded and decisions can be recorded (spooled, and an
        upload thread running; a store outage alone does not stop decisions). Everyone sees
        the status and short reasons; ``detailed`` adds versions, errors and the audit state."""
        reasons = [] if self.models else ["no_model"]
        if set(self.scoring) != set(self.models):
            reasons.append("model_not_loaded")
        scorers = {name: queue.scorer for name, queue in self.scoring.items()}
        details: dict[str, Any] = {"models": self._versions(self.models, scorers)}
        if self.challenger_models:  # a challenger that did not load stops nothing
            challengers = {name: c.scorer for name, c in self.challengers.items()}
            details["challengers"] = self._versions(
                self.challenger_models, challengers, " challenger"
            )
        audit = self.audit_status()
        if audit is not None:
            details["audit"] = audit.as_dict()
            if not audit.spool_writable:
                reasons.append("audit_spool_unwritable")
            if audit.uploader_stopped:
                reasons.append("audit_uploader_stopped")
        body: dict[str, Any] = {"status": "not_ready" if reasons else "ready", "reasons": reasons}
        return not reasons, body | (details if detailed else {})

    def _versions(
        self, wanted: Iterable[str], loaded: Mapping[str, Scorer], error_suffix: str = ""
    ) -> dict[str, str]:
        """Each wanted profile's loaded version, or why it is not loaded."""
        return {
            name: (
                loaded[name].version
                if name in loaded
                else self.load_errors.get(f"{name}{error_suffix}", "not loaded")
            )
            for name in wanted
        }

    def challenger_for(self, profile: str) -> Challenger | None:
        """The profile's challenger, if one is loaded."""
        return self.challengers.get(profile)

    def authenticate(self, key: str | None, address: str, context: RequestContext) -> str:
        """The client owning ``key``, also put in ``context``; 401 without a valid key
        (429 once ``address`` has failed too often), 429 past the client's rate limit."""
        client = self.keys.client_for(key)
        if client is None:
            self.refuse_credential(address, "A valid x-api-key header is required.")
        context.client_id = client
        wait = self.limiter.retry_after(client)
        if wait:
            raise RateLimited(
                f"Rate limit of {self.limiter.per_minute} requests per minute exceeded.",
                headers={"Retry-After": str(wait)},
            )
        return client

    def refuse_credential(self, address: str, message: str) -> NoReturn:
        """Count a failed credential (key or token, on any route) against ``address``:
        401 with ``message``, or 429 once the address has failed too often."""
        self.count_failed_credential(address)
        raise Unauthorized(message)

    def count_failed_credential(self, address: str) -> None:
        """One more failed credential from ``address``; 429 once it has failed too often."""
        wait = self.failed_keys.retry_after(address)
        if wait:
            raise RateLimited(
                "Too many requests without a valid credential from this address.",
                headers={"Retry-After": str(wait)},
            )

    def check_metrics_token(self, authorization: str | None, address: str) -> None:
        """Let /metrics answer: public by setting, or the bearer token matches (a failure
        counts as a failed credential)."""
        if self.settings.metrics_public:
            return
        expected = self.settings.metrics_token_sha256
        scheme, _, token = (authorization or "").partition(" ")
        valid = (
            bool(expected and token)
            and scheme.lower() == "bearer"
            and hmac.compare_digest(hash_key(token), (expected or "").lower())
        )
        if not valid:
            self.refuse_credential(
                address, "/metrics needs Authorization: Bearer <the metrics token>."
            )

    def detailed_readiness(self, key: str | None, address: str) -> bool:
        """Whether /ready shows the details: a valid key. No key, or a wrong one, gets the
        short answer; a wrong one also counts as a failed credential (429 past the limit),
        so that /ready is no free oracle for guessing keys."""
        if not key:
            return False
        if self.keys.client_for(key) is None:
            self.count_failed_credential(address)
            return False
        return True


def state_of(request: Request) -> ServiceState:
    """The app's state, set by create_app."""
    state: ServiceState = request.app.state.service
    return state


def authenticate(request: Request, state: ServiceState, key: str | None) -> str:
    """``ServiceState.authenticate`` for a request (once: a POST's client was found by the
    middleware before its body was read)."""
    context = context_of(request)
    if context.client_id is not None:
        return context.client_id
    return state.authenticate(key, client_address(request.scope), context)


async def service_state(request: Request) -> ServiceState:
    """``state_of`` as a dependency (async, like every dependency here: FastAPI runs a
    plain function's dependency in a worker thread)."""
    return state_of(request)


# The key as an OpenAPI security scheme: /docs gets an Authorize button.
API_KEY = APIKeyHeader(
    name="x-api-key", scheme_name="ApiKey", description=API_KEY_DESCRIPTION, auto_error=False
)
API_KEY_SECURITY: list[dict[str, list[str]]] = [{"ApiKey": []}]  # for a route checking by hand


async def authenticated_client(
    request: Request,
    state: Annotated[ServiceState, Depends(service_state)],
    x_api_key: Annotated[str | None, Security(API_KEY)] = None,
) -> str:
    """``authenticate`` as a dependency."""
    return authenticate(request, state, x_api_key)


Client = Annotated[str, Depends(authenticated_client)]
State = Annotated[ServiceState, Depends(service_state)]
