"""The profiles themselves, by name (imported on first use through ``credit_scoring.profiles``)."""

from __future__ import annotations

from credit_scoring.profiles.base import Profile
from credit_scoring.profiles.card_default import CARD_DEFAULT
from credit_scoring.profiles.credit_score import CREDIT_SCORE

# in the order of ``profiles.PROFILE_NAMES`` (tests/test_cli.py holds them equal)
PROFILES: dict[str, Profile] = {CREDIT_SCORE.name: CREDIT_SCORE, CARD_DEFAULT.name: CARD_DEFAULT}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; a clear error names the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown profile {name!r}; known profiles: {known}") from None
