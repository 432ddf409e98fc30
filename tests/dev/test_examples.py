"""The request bodies shipped in examples/ (what `make run` tells a newcomer to post)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credit_scoring.dev.examples import EXAMPLES_DIR, example_file, try_commands
from credit_scoring.profiles import PROFILES, Profile
from tests.helpers import CONTRACTS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [(profile, name) for profile in PROFILES.values() for name in profile.examples]


def canonical(body: Any) -> str:
    """One text per body: 30 and 30.0, or "30" and 30, stay different."""
    return json.dumps(body, sort_keys=True)


@pytest.mark.parametrize(
    ("profile", "name"), EXAMPLES, ids=[f"{p.name}-{name}" for p, name in EXAMPLES]
)
def test_each_shipped_body_is_the_profiles_example(profile: Profile, name: str) -> None:
    shipped = example_file(profile, name)
    assert canonical(json.loads(shipped.read_text())) == canonical(profile.examples[name])
    if CONTRACTS.is_dir():
        assert shipped.read_bytes() == (CONTRACTS / shipped.name).read_bytes()


def test_the_examples_folder_holds_those_bodies_only() -> None:
    assert EXAMPLES_DIR == ROOT / "examples"
    assert set(EXAMPLES_DIR.iterdir()) == {example_file(p, name) for p, name in EXAMPLES}


def test_a_curl_line_per_served_profile_from_the_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    lines = try_commands(["credit_score", "card_default"], key="K", port=8000)
    head = "curl -s -H 'x-api-key: K' -H 'Content-Type: application/json' -d @examples/"
    assert lines == [
        f"try credit_score: {head}credit_score_english.json http://127.0.0.1:8000/predict",
        f"try card_default: {head}card_default.json http://127.0.0.1:8000/predict",
    ]
    monkeypatch.chdir(tmp_path)  # elsewhere, the path is absolute
    (line,) = try_commands(["card_default"], key="K", port=8000)
    assert f"-d @{EXAMPLES_DIR / 'card_default.json'} " in line
