"""Dataset profiles: one module per credit dataset and its contract."""

from __future__ import annotations

from credit_scoring.profiles.base import ColumnKind, InputColumn, Profile
from credit_scoring.profiles.card_default import CARD_DEFAULT
from credit_scoring.profiles.credit_score import CREDIT_SCORE

PROFILES: dict[str, Profile] = {CREDIT_SCORE.name: CREDIT_SCORE, CARD_DEFAULT.name: CARD_DEFAULT}
DEFAULT_PROFILE = CREDIT_SCORE.name


def get_profile(name: str) -> Profile:
    """The profile called ``name``; a clear error names the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown profile {name!r}; known profiles: {known}") from None


__all__ = [
    "CARD_DEFAULT",
    "CREDIT_SCORE",
    "ColumnKind",
    "InputColumn",
    "Profile",
    "PROFILES",
    "DEFAULT_PROFILE",
    "get_profile",
]
