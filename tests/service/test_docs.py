"""/docs and /redoc, as a person opens them: served with their assets (no CDN), rendered by a
real browser, with the API key as a security scheme (Authorize) and real examples for every
body and answer, each valid for its model and equal to what the service answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from credit_scoring.profiles import CARD_DEFAULT, CREDIT_SCORE
from credit_scoring.service.app import create_app
from credit_scoring.service.openapi_examples import (
    BATCH_EXAMPLE,
    ERROR_EXAMPLES,
    NOT_READY_EXAMPLE,
    READY_EXAMPLE,
    REFUSALS,
    feedback_answer_example,
    feedback_example,
)
from credit_scoring.service.schemas import (
    BatchResponse,
    ErrorResponse,
    FeedbackResponse,
    PredictResponse,
    feedback_request_model,
)
from tests.browser import chromium, screenshot
from tests.helpers import HEADERS, LiveServer, live_env, make_settings


def test_the_examples_are_valid_answers() -> None:
    for example in REFUSALS.values():
        PredictResponse.model_validate(example)
    BatchResponse.model_validate(BATCH_EXAMPLE)
    for profile in (CREDIT_SCORE, CARD_DEFAULT):
        feedback_request_model(profile).model_validate(feedback_example(profile))
        FeedbackResponse.model_validate(feedback_answer_example(profile))
    for example in ERROR_EXAMPLES.values():
        ErrorResponse.model_validate(example)


def _without_id(answer: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key != "request_id"}


def test_the_error_examples_are_what_the_service_answers(
    client: TestClient, english: dict[str, Any], tmp_path: Path
) -> None:
    sent = {
        400: client.post("/predict", content=b"{", headers=HEADERS),
        401: client.post("/predict", json=english, headers={"x-api-key": "wrong"}),
        413: client.post("/predict/batch", json={"data": [{}] * 5000}, headers=HEADERS),
        422: client.post(
            "/predict",
            json={"data": english["data"] | {"Age": 300, "Occupaton": "x"}},
            headers=HEADERS,
        ),
    }
    with TestClient(create_app(make_settings(tmp_path / "none"))) as empty:
        sent[503] = empty.post("/predict", json=english, headers=HEADERS)
        assert empty.get("/ready").json() == NOT_READY_EXAMPLE
    for status, answer in sent.items():
        assert answer.status_code == status
        assert _without_id(answer.json()) == _without_id(ERROR_EXAMPLES[status])
    assert client.get("/ready").json() == READY_EXAMPLE


def test_every_answer_and_body_has_an_example_and_authorize_works(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "x-api-key",
        "description": "API key of the calling client.",
    }
    for path in ("/predict", "/predict/batch", "/feedback", "/v1/card_default/predict"):
        operation = spec["paths"][path]["post"]
        assert operation["security"] == [{"ApiKey": []}], path
        assert operation["requestBody"]["content"]["application/json"].get("examples"), path
        for status, answer in operation["responses"].items():
            content = answer.get("content", {}).get("application/json", {})
            assert content.get("example") or content.get("examples"), (path, status)
    names = [p["name"] for p in spec["paths"]["/predict"]["post"].get("parameters", [])]
    assert "x-api-key" not in names  # the Authorize button's scheme carries it


def test_docs_pages_load_their_assets_from_the_service(client: TestClient) -> None:
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = client.get(page).text
        assert f"/docs/assets/{asset}" in html and "cdn" not in html.lower()
        served = client.get(f"/docs/assets/{asset}")
        assert served.status_code == 200 and len(served.content) > 100_000


@pytest.fixture(scope="module")
def live(trained_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = LiveServer(live_env(trained_dir), cwd=tmp_path_factory.mktemp("docs"))
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_swagger_ui_renders_the_predict_operation_offline(live: LiveServer) -> None:
    """Headless Chromium, which reaches nothing but the service, renders /docs: the /predict
    operation, its refusal example and the Authorize button."""
    with chromium(height=4200) as browser:  # tall: the open operation's answers in view
        browser.get(f"{live.url}/docs")
        wait = WebDriverWait(browser, 30)
        paths = wait.until(
            ready.presence_of_all_elements_located((By.CSS_SELECTOR, ".opblock-summary-path"))
        )
        assert "/predict" in [path.text.replace("\u200b", "") for path in paths]
        assert browser.find_elements(By.CSS_SELECTOR, "button.authorize")
        predict = next(p for p in paths if p.text.replace("\u200b", "") == "/predict")
        predict.click()
        wait.until(
            ready.text_to_be_present_in_element((By.CSS_SELECTOR, ".responses-wrapper"), "NEGADO")
        )
        screenshot(browser, "docs-predict")
        browser.get(f"{live.url}/redoc")
        wait.until(
            ready.text_to_be_present_in_element((By.TAG_NAME, "body"), "Score one applicant")
        )
        screenshot(browser, "redoc")
