# syntax=docker/dockerfile:1
# Credit decision API. Build stage: the exported, hashed requirements installed with pip
# into a venv. Runtime stage: slim Python, non-root, only what serving needs, and the
# trained artifact (or CREDIT_MODEL_URI, fetched at start).

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY requirements.txt ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements.txt
COPY pyproject.toml README.md ./
COPY src/credit_scoring ./src/credit_scoring
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=app:app src/models ./src/models
RUN mkdir -p /app/data/spool && chown -R app:app /app/data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CREDIT_MODEL_PATH=/app/src/models/credit_score \
    CREDIT_AUDIT_SPOOL_DIR=/app/data/spool \
    CREDIT_WORKERS=2
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request as r; r.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
CMD ["credit-scoring", "serve", "--host", "0.0.0.0", "--port", "8000"]
