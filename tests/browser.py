"""A real browser for tests: Debian's headless Chromium driven by Selenium through Debian's
chromedriver (``make test`` installs both; nothing is downloaded). Screenshots go to
``test-artifacts/`` (``CREDIT_TEST_ARTIFACTS``), kept for people to look at."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("CREDIT_TEST_ARTIFACTS", ROOT / "test-artifacts"))


def _system(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: make test installs chromium and chromium-driver")
    return found


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[webdriver.Chrome]:
    """A headless Chromium, closed on exit whatever happens."""
    options = webdriver.ChromeOptions()
    options.binary_location = _system("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={width},{height}")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must download nothing
    driver = webdriver.Chrome(options=options, service=Service(_system("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    """Save the page as ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
