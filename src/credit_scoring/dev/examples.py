"""The example request bodies shipped in the checkout's ``examples/`` folder, one per example
of each profile, and the curl lines `make run` prints to try them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from credit_scoring.profiles import Profile, get_profile

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples"


def example_file(profile: Profile, name: str) -> Path:
    """Where a profile's example body is shipped, named as in ../shared/contracts:
    ``<profile>.json`` for a profile's only example, else ``<profile>_<name>.json``."""
    if len(profile.examples) == 1:
        return EXAMPLES_DIR / f"{profile.name}.json"
    return EXAMPLES_DIR / f"{profile.name}_{name}.json"


def shown_path(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` when it lies under it (the checkout's root, where `make
    run` runs), else absolute."""
    try:
        return str(path.relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


def try_commands(served: Iterable[str], *, key: str, port: int) -> list[str]:
    """A curl line per served profile that posts its first example body to the local API."""
    return [_try_line(get_profile(name), key=key, port=port) for name in served]


def _try_line(profile: Profile, *, key: str, port: int) -> str:
    body = shown_path(example_file(profile, next(iter(profile.examples))), Path.cwd())
    return (
        f"try {profile.name}: curl -s -H 'x-api-key: {key}' -H 'Content-Type: application/json' "
        f"-d @{body} http://127.0.0.1:{port}/predict"
    )
