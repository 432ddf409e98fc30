"""Local development setup for `make run`: a dev API key and local store credentials in .env."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from credit_scoring.service.auth import hash_key

DEV_CLIENT = "dev"
LOCAL_S3_ENDPOINT = "http://127.0.0.1:8333"


def _read_env(env_file: Path) -> dict[str, str]:
    if not env_file.is_file():
        return {}
    pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    return {name.strip(): value for name, value in pairs if not name.startswith("#")}


def _append_env(env_file: Path, values: dict[str, str]) -> None:
    with env_file.open("a") as handle:
        handle.writelines(f"{name}={value}\n" for name, value in values.items())
    env_file.chmod(0o600)


def ensure_dev_key(env_file: Path, key_file: Path) -> str:
    """The development key, created (with its hash added to .env) on first use."""
    if key_file.is_file() and "CREDIT_API_KEYS" in _read_env(env_file):
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    existing = _read_env(env_file)
    if "CREDIT_API_KEYS" in existing:
        raise RuntimeError(f"{env_file} already sets CREDIT_API_KEYS; add the dev key yourself")
    _append_env(env_file, {"CREDIT_API_KEYS": json.dumps({DEV_CLIENT: hash_key(key)})})
    return key


def ensure_local_store_settings(env_file: Path) -> dict[str, str]:
    """Local SeaweedFS endpoint and random credentials in .env (kept once written)."""
    existing = _read_env(env_file)
    wanted = {
        "CREDIT_S3_ENDPOINT_URL": LOCAL_S3_ENDPOINT,
        "CREDIT_S3_ACCESS_KEY_ID": "dev-" + secrets.token_hex(8),
        "CREDIT_S3_SECRET_ACCESS_KEY": secrets.token_urlsafe(24),
    }
    missing = {name: value for name, value in wanted.items() if name not in existing}
    if missing:
        _append_env(env_file, missing)
    return existing | missing
