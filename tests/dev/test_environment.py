"""`make run`'s .env handling: the key it prints is one the settings accept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from credit_scoring.service.auth import hash_key
from credit_scoring.dev.environment import ensure_dev_key
from credit_scoring.service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def accepted(env_file: Path) -> dict[str, str]:
    return Settings(_env_file=env_file).api_keys


def test_after_copying_env_example_the_printed_key_works(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    shutil.copy(ROOT / ".env.example", env_file)
    key_file = tmp_path / "dev_api_key"
    key_file.write_text("an-old-key-from-an-earlier-run\n")
    key = ensure_dev_key(env_file, key_file)
    assert key != "an-old-key-from-an-earlier-run"
    keys = accepted(env_file)
    assert keys["dev"] == hash_key(key)
    assert "example-client" in keys, "other clients' keys are kept"
    assert ensure_dev_key(env_file, key_file) == key, "a working key is kept"
    assert env_file.read_text().count("CREDIT_API_KEYS=") == 1


def test_no_env_file_yet(tmp_path: Path) -> None:
    key = ensure_dev_key(tmp_path / ".env", tmp_path / "key")
    assert accepted(tmp_path / ".env") == {"dev": hash_key(key)}


def test_unreadable_keys_are_named(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("CREDIT_API_KEYS={not json\n")
    with pytest.raises(ValueError, match="CREDIT_API_KEYS is not JSON"):
        ensure_dev_key(env_file, tmp_path / "key")
    env_file.write_text(f"CREDIT_API_KEYS='{json.dumps({'a': hash_key('k')})}'\n")
    assert "a" in accepted(env_file) and ensure_dev_key(env_file, tmp_path / "key")
