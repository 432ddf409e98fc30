"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from credit_scoring.ml.artifact import ArtifactError, load_artifact
from credit_scoring.service.audit.sink import AuditSink
from credit_scoring.service.audit.store import ObjectStore
from credit_scoring.service.auth import KeyRing, RateLimiter
from credit_scoring.service.errors import install_error_handlers
from credit_scoring.service.middleware import RequestContextMiddleware
from credit_scoring.service.predictor import Predictor
from credit_scoring.service.request_body import document_request_models
from credit_scoring.service.routes import prediction_router, probe_router
from credit_scoring.service.schemas import request_schemas
from credit_scoring.service.settings import Settings
from credit_scoring.service.state import ServiceState

logger = logging.getLogger(__name__)


def load_predictor(settings: Settings) -> Predictor:
    """Load the artifact named by the settings: signed (unless allowed otherwise), unchanged,
    for this profile, and trained on real data (unless allowed otherwise)."""
    key = settings.model_signing_key
    artifact = load_artifact(
        settings.model_path,
        key.get_secret_value() if key else None,
        signature_required=not settings.allow_unsigned_model,
    )
    if artifact.metadata.get("profile") != settings.profile:
        raise ArtifactError(
            f"the model at {settings.model_path} is for profile "
            f"{artifact.metadata.get('profile')!r}, not {settings.profile!r}"
        )
    if artifact.metadata["training_data"]["kind"] == "synthetic" and not (
        settings.allow_synthetic_model
    ):
        raise ArtifactError(
            f"the model {artifact.version} was trained on synthetic data and is no credit "
            "model; set CREDIT_ALLOW_SYNTHETIC_MODEL=true to serve it for a demonstration"
        )
    return Predictor(artifact, settings.decision_threshold)


def object_store(settings: Settings) -> ObjectStore:
    """The audit bucket's client, from the settings (AWS default credentials when unset)."""

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    return ObjectStore(
        settings.s3_bucket,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=secret(settings.s3_access_key_id),
        secret_access_key=secret(settings.s3_secret_access_key),
    )


def create_app(settings: Settings) -> FastAPI:
    """Build the app; its lifespan loads the model once (503 on predictions if that fails)."""
    state = ServiceState(
        settings=settings,
        keys=KeyRing(settings.api_keys),
        limiter=RateLimiter(per_minute=settings.rate_limit_per_minute),
        failed_keys=RateLimiter(per_minute=settings.failed_key_limit_per_minute),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            state.predictor = load_predictor(settings)
            state.metrics.model.labels(state.predictor.version, settings.profile).set(1)
            logger.info("model loaded", extra={"model_version": state.predictor.version})
        except (ArtifactError, ImportError, OSError, ValueError) as error:
            state.load_error = str(error)
            logger.error("model not loaded: %s", error)
        state.audit = AuditSink(settings, object_store(settings) if settings.audit_upload else None)
        state.audit.start()
        yield
        await run_in_threadpool(state.audit.stop, settings.audit_flush_seconds)

    docs = settings.docs_enabled
    app = FastAPI(
        title="Credit decision service",
        version="1.0",
        description="Scores credit applicants: class, probabilities and decision.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.service = state
    install_error_handlers(app, settings.profile)
    app.include_router(probe_router())
    app.include_router(prediction_router(settings.profile))
    document_request_models(app, request_schemas(settings.profile))
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        body_timeout_seconds=settings.body_timeout_seconds,
        metrics=state.metrics,
    )
    return app


def app_from_environment() -> FastAPI:
    """Factory for uvicorn (``--factory``): settings from the environment, JSON logs."""
    from credit_scoring.logging_setup import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, json_format=settings.log_json)
    return create_app(settings)
