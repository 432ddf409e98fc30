"""What the worker processes of one instance share: a folder that `credit-scoring serve`
makes for them when it starts several (their metric files, their rate-limit buckets)."""

from __future__ import annotations

import os
from pathlib import Path

# prometheus-client reads this variable when it is imported, to write its metrics in files
SHARED_FOLDER = "PROMETHEUS_MULTIPROC_DIR"


def shared_folder() -> Path | None:
    """The workers' shared folder, or None for a single process."""
    folder = os.environ.get(SHARED_FOLDER)
    return Path(folder) if folder else None
