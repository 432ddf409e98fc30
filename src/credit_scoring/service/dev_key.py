"""A development API key for `make run`: the hash goes to .env, the key is printed."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from credit_scoring.service.auth import hash_key

DEV_CLIENT = "dev"


def ensure_dev_key(env_file: Path, key_file: Path) -> str:
    """The development key, created (with its hash added to .env) on first use."""
    if key_file.is_file():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    lines = env_file.read_text().splitlines() if env_file.is_file() else []
    lines = [line for line in lines if not line.startswith("CREDIT_API_KEYS=")]
    lines.append("CREDIT_API_KEYS=" + json.dumps({DEV_CLIENT: hash_key(key)}))
    env_file.write_text("\n".join(lines) + "\n")
    return key
