"""The analysts' app against a real API: the service with both profiles' models, started once
for the module and stopped whatever happens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import LiveServer, live_env


@pytest.fixture(scope="package")
def api(both_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(live_env(both_models), cwd=tmp_path_factory.mktemp("ui-api"))
    try:
        yield server
    finally:
        server.stop()
