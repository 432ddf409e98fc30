# Credit decision API. Build stage: the exported, hashed requirements installed with pip
# into a venv. Runtime stage: slim Python plus the OpenMP runtime LightGBM links against,
# non-root, only what serving needs, and the trained artifact (or CREDIT_MODEL_URI,
# fetched at start).

# The base, pinned by digest so that its content cannot change under the same tag.
# Dependabot (.github/dependabot.yml) proposes the new digest when the tag moves; it reads
# only literal image names, hence a stage rather than a build argument.
FROM python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b AS base

FROM base AS build
# A slow or broken transfer from the index is retried rather than failing the build.
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=60 PIP_RETRIES=10
WORKDIR /build
COPY requirements.txt ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements.txt
COPY pyproject.toml README.md ./
COPY src/credit_scoring ./src/credit_scoring
# Serving needs none of what only training reports, notebooks or Parquet exports use
# (catboost declares plotly, matplotlib and graphviz but imports them only to draw;
# lightgbm needs narwhals, which stays).
# The bytecode is then compiled once more, never to be checked against the sources' times:
# the copy into the runtime stage changes some of those times, and the runtime (non-root,
# PYTHONDONTWRITEBYTECODE) cannot rewrite the bytecode, so two thirds of the modules were
# compiled again at every start of every worker (the service's imports took 6.4 s, not 4).
RUN /opt/venv/bin/pip install --no-deps . \
    && /opt/venv/bin/pip uninstall --yes --quiet \
        matplotlib contourpy cycler fonttools kiwisolver pillow pyparsing \
        plotly graphviz pyarrow pip \
    && /opt/venv/bin/python -m compileall -q -f -j 0 --invalidation-mode unchecked-hash \
        /opt/venv/lib

FROM base AS runtime
# libgomp1: LightGBM's OpenMP runtime (slim images lack it; without it no model loads).
# Not pinned to a version: Debian stable only ships security fixes for it.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=app:app src/models ./src/models
RUN mkdir -p /app/data/spool && chown -R app:app /app/data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CREDIT_MODEL_PATH=/app/src/models \
    CREDIT_AUDIT_SPOOL_DIR=/app/data/spool \
    CREDIT_PORT=8000 \
    CREDIT_WORKERS=2
USER 10001:10001
EXPOSE 8000
# Healthy only when the service can decide: GET /ready answers 200 (model loaded, spool
# writable), not merely when the process is alive.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["credit-scoring", "probe"]
CMD ["credit-scoring", "serve", "--host", "0.0.0.0"]
