"""The bodies `make bench` posts: each profile's seed examples (``Profile.examples``) and,
for a profile that reads an applicant's age (``elderly_age_input``), its first example with
the age set to 70, which goes through the elderly rule (scored at the most favourable age)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from credit_scoring.profiles import Profile

ELDERLY_AGE = "70"


def seed_bodies(profile: Profile) -> dict[str, dict[str, Any]]:
    """The profile's example bodies by name, plus ``<example>_age70`` when it has an age."""
    bodies = dict(profile.examples)
    age = profile.elderly_age_input
    with_age = [name for name, body in profile.examples.items() if age in body["data"]]
    if age is not None and with_age:
        data = profile.examples[with_age[0]]["data"]
        bodies[f"{with_age[0]}_age{ELDERLY_AGE}"] = {"data": data | {age: ELDERLY_AGE}}
    return bodies


def write_bodies(profiles: list[Profile], folder: Path) -> dict[str, Path]:
    """Every profile's bodies as JSON files in ``folder``, by key ``<profile>/<body>``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for profile in profiles:
        for name, body in seed_bodies(profile).items():
            path = folder / f"{profile.name}-{name}.json"
            path.write_text(json.dumps(body))
            files[f"{profile.name}/{name}"] = path
    return files
