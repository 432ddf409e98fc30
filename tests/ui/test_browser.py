"""The app as an analyst meets it: the real API and `streamlit run` in their own processes,
the page driven in headless Chromium: a seed example submitted, the decision card found,
screenshots kept in test-artifacts/ (look at them)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from credit_scoring.dev.processes import stop_process
from tests.browser import ROOT, chromium, screenshot
from tests.helpers import API_KEY, LiveServer, answers, free_port


@pytest.fixture(scope="module")
def ui(api: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run` of the app on a free port, calling the test API; stopped after."""
    port = free_port()
    log = tmp_path_factory.mktemp("ui") / "streamlit.log"
    env = os.environ | {
        "CREDIT_UI_API_URL": api.url,
        "CREDIT_UI_API_KEY": API_KEY,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "src/credit_scoring/ui/app.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        if not answers(f"{url}/_stcore/health", 200, 60):
            raise RuntimeError(f"streamlit did not start: {log.read_text()}")
        yield url
    finally:
        stop_process(process, grace_seconds=10)


@pytest.mark.slow
def test_an_analyst_decides_a_seed_example_in_the_browser(ui: str) -> None:
    with chromium(height=2600) as browser:
        browser.get(ui)
        wait = WebDriverWait(browser, 60)
        fill = (By.XPATH, "//button[contains(., 'Preencher com um exemplo: english')]")
        wait.until(ready.element_to_be_clickable(fill)).click()
        submit = (By.XPATH, "//button[contains(., 'Decidir')]")
        wait.until(ready.element_to_be_clickable(submit))
        screenshot(browser, "ui-form")
        browser.find_element(*submit).click()
        card = (By.XPATH, "//*[contains(text(), 'APROVADO') or contains(text(), 'NEGADO')]")
        wait.until(ready.presence_of_element_located(card))
        wait.until(ready.presence_of_element_located((By.XPATH, "//*[contains(., 'Motivos')]")))
        screenshot(browser, "ui-decision")
        browser.find_element(By.XPATH, "//label[contains(., 'Um arquivo')]").click()
        wait.until(
            ready.presence_of_element_located((By.CSS_SELECTOR, "[data-testid='stFileUploader']"))
        )
        screenshot(browser, "ui-batch")
        browser.find_element(By.XPATH, "//label[contains(., 'O modelo')]").click()
        wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "[data-testid='stImage']")))
        screenshot(browser, "ui-model")
