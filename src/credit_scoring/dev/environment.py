"""Local development setup for `make run`: a dev API key and local store credentials in .env."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from credit_scoring.ml.artifact import SIGNATURE_FILE, ArtifactError, models_under, read_metadata
from credit_scoring.profiles import PROFILES
from credit_scoring.dev.seaweed import Ports
from credit_scoring.service.auth import hash_key
from credit_scoring.service.settings import Settings

DEV_CLIENT = "dev"
LOCAL_S3_ENDPOINT = "http://127.0.0.1:8333"
API_KEYS = "CREDIT_API_KEYS"


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _read_env(env_file: Path) -> dict[str, str]:
    if not env_file.is_file():
        return {}
    lines = [line.strip() for line in env_file.read_text().splitlines()]
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {name.strip(): _unquoted(value) for name, value in pairs}


def _write_env(env_file: Path, values: dict[str, str]) -> None:
    """Set ``values`` in .env: replace the lines that set them, append the others."""
    lines = env_file.read_text().splitlines() if env_file.is_file() else []
    names = {line.split("=", 1)[0].strip(): i for i, line in enumerate(lines) if "=" in line}
    for name, value in values.items():
        line = f"{name}={value}"
        if name in names and not lines[names[name]].lstrip().startswith("#"):
            lines[names[name]] = line
        else:
            lines.append(line)
    env_file.write_text("\n".join(lines) + "\n")
    env_file.chmod(0o600)


def _configured_keys(env_file: Path) -> dict[str, str]:
    text = _read_env(env_file).get(API_KEYS)
    if not text:
        return {}
    try:
        keys = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError(f'{env_file}: {API_KEYS} is not JSON like {{"client": "<sha256>"}}')
    if not isinstance(keys, dict):
        raise ValueError(f"{env_file}: {API_KEYS} must be a JSON object of client -> sha256")
    return {str(client): str(digest) for client, digest in keys.items()}


def ensure_dev_key(env_file: Path, key_file: Path) -> str:
    """A development key that .env accepts: the saved one if its hash is configured, else a
    new one whose hash is added to CREDIT_API_KEYS (other clients' keys are kept)."""
    keys = _configured_keys(env_file)
    if key_file.is_file():
        saved = key_file.read_text().strip()
        if hash_key(saved) in keys.values():
            return saved
    key = secrets.token_urlsafe(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    _write_env(env_file, {API_KEYS: json.dumps(keys | {DEV_CLIENT: hash_key(key)})})
    return key


def ensure_local_store_settings(env_file: Path) -> None:
    """Local SeaweedFS endpoint and random credentials in .env (kept once written)."""
    existing = _read_env(env_file)
    wanted = {
        "CREDIT_S3_ENDPOINT_URL": LOCAL_S3_ENDPOINT,
        "CREDIT_S3_ACCESS_KEY_ID": "dev-" + secrets.token_hex(8),
        "CREDIT_S3_SECRET_ACCESS_KEY": secrets.token_urlsafe(24),
    }
    missing = {name: value for name, value in wanted.items() if name not in existing}
    if missing:
        _write_env(env_file, missing)


@dataclass(frozen=True)
class LocalSetup:
    """What `make run` starts with: SeaweedFS's ports and credentials, the bucket, the model."""

    ports: Ports
    access_key: str
    secret_key: str
    bucket: str
    model_note: str
    served: tuple[str, ...]  # the profiles with a model to serve


def _version_note(directory: Path) -> str:
    metadata = read_metadata(directory)
    version, kind = metadata.version, metadata.training_data.kind
    signed = "" if (directory / SIGNATURE_FILE).is_file() else ", UNSIGNED"
    if kind == "synthetic":
        return f"{version}{signed}, trained on SYNTHETIC data: a demonstration, not a credit model"
    return f"{version}{signed}, trained on {kind} data"


def _served(model_path: Path) -> tuple[str, ...]:
    """The profiles with a model under ``model_path`` (none when it cannot be read)."""
    try:
        return tuple(models_under(model_path, list(PROFILES)))
    except ArtifactError:
        return ()


def _model_note(model_path: Path) -> str:
    """Which model each profile serves, and what this local run allows."""
    try:
        found = models_under(model_path, list(PROFILES))
    except ArtifactError as error:
        return f"no model to serve yet: {error}"
    if not found:
        return f"no model to serve yet under {model_path}"
    allowed = "allowed for this local run: CREDIT_ALLOW_SYNTHETIC_MODEL and _UNSIGNED_MODEL"
    lines = [f"  {profile}: {_version_note(path)}" for profile, path in found.items()]
    return "\n".join([f"serving {len(found)} profile(s) ({allowed}):", *lines])


def local_setup(env_file: Path, key: str, *, api_port: int) -> LocalSetup:
    """Complete .env for a local run and check that the settings it yields are usable;
    SeaweedFS's own ports are chosen apart from the API's."""
    ensure_local_store_settings(env_file)
    settings = Settings(_env_file=env_file)
    if hash_key(key) not in settings.api_keys.values():
        raise ValueError(
            f"{API_KEYS} set in the environment overrides {env_file}: unset it to use the "
            "development key"
        )
    endpoint = urlparse(settings.s3_endpoint_url or "")
    if endpoint.hostname not in ("127.0.0.1", "localhost") or endpoint.port is None:
        raise ValueError(
            "a local run starts its own SeaweedFS: CREDIT_S3_ENDPOINT_URL must be "
            f"http://127.0.0.1:<port>, not {settings.s3_endpoint_url!r}"
        )
    secret = (settings.s3_access_key_id, settings.s3_secret_access_key)
    if secret[0] is None or secret[1] is None:
        raise ValueError(f"{env_file}: set CREDIT_S3_ACCESS_KEY_ID and CREDIT_S3_SECRET_ACCESS_KEY")
    return LocalSetup(
        ports=Ports.free(s3=endpoint.port, avoid={api_port}),
        access_key=secret[0].get_secret_value(),
        secret_key=secret[1].get_secret_value(),
        bucket=settings.s3_bucket,
        model_note=_model_note(settings.model_path),
        served=_served(settings.model_path),
    )
