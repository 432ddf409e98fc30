# syntax=docker/dockerfile:1
# Minimal image (issue D hardens it): installs the exported, hashed requirements,
# copies the package and a trained artifact, runs as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /build
COPY requirements.txt ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes -r requirements.txt
COPY pyproject.toml README.md ./
COPY src/credit_scoring ./src/credit_scoring
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY src/models ./src/models
ENV PATH=/opt/venv/bin:$PATH \
    CREDIT_MODEL_PATH=/app/src/models/credit_score
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]
CMD ["credit-scoring", "serve", "--host", "0.0.0.0", "--port", "8000"]
