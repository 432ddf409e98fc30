"""Dataset profiles: one module per credit dataset and its contract.

Their names are known here without importing a profile (pandas, scikit-learn), so that the
command line, the server's supervising process and the image's health probe start in a
fraction of a second. The profiles load on first use of anything else this package names
(``PROFILES``, ``get_profile``, ``CREDIT_SCORE``...), from ``profiles.registry``."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

PROFILE_NAMES: tuple[str, ...] = ("credit_score", "card_default")
DEFAULT_PROFILE = PROFILE_NAMES[0]

if TYPE_CHECKING:
    from credit_scoring.profiles.base import ColumnKind, InputColumn, Profile
    from credit_scoring.profiles.card_default import CARD_DEFAULT
    from credit_scoring.profiles.credit_score import CREDIT_SCORE
    from credit_scoring.profiles.registry import PROFILES, get_profile

_MODULE_OF = {
    "ColumnKind": "base",
    "InputColumn": "base",
    "Profile": "base",
    "CARD_DEFAULT": "registry",
    "CREDIT_SCORE": "registry",
    "PROFILES": "registry",
    "get_profile": "registry",
}


def __getattr__(name: str) -> Any:
    """What this package names, from the module that defines it (imported on first use)."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)


__all__ = [
    "CARD_DEFAULT",
    "CREDIT_SCORE",
    "ColumnKind",
    "InputColumn",
    "Profile",
    "PROFILES",
    "PROFILE_NAMES",
    "DEFAULT_PROFILE",
    "get_profile",
]
