"""How `credit-scoring serve` runs its worker processes: the HTTP protocol and event loop
they serve with (named, not imported: the supervising process stays light), and what they
share, a folder it makes for them when it starts several (their metric files, their
rate-limit buckets)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# How `credit-scoring serve` (and the bench's reference servers) run uvicorn.
SERVER_OPTIONS: dict[str, Any] = {
    "http": "credit_scoring.service.http_protocol:GuardedHttpToolsProtocol",
    "loop": "uvloop",
}

# prometheus-client reads this variable when it is imported, to write its metrics in files
SHARED_FOLDER = "PROMETHEUS_MULTIPROC_DIR"


def shared_folder() -> Path | None:
    """The workers' shared folder, or None for a single process."""
    folder = os.environ.get(SHARED_FOLDER)
    return Path(folder) if folder else None
