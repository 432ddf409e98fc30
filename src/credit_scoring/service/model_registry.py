"""Models from an MLflow registry, read through its REST API (the standard library's HTTP
client: the serving image carries no MLflow).

``models:/credit_score@champion`` (an alias) or ``models:/credit_score/3`` (a version)
names a registered version; its source is a folder of the tracking server's proxied
artifacts (``mlflow-artifacts:/...``), copied file by file into the profile's folder, or an
``s3://`` prefix, fetched as ``service.model_store`` does. Either way the copy is then
verified like every model (checksums, signature): the registry is trusted no more than a
bucket. Which registered version it is, and from which run, is written beside the copy
(``<version>.registry.json``) for /model.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from credit_scoring.ml.artifact import point_latest, read_metadata
from credit_scoring.ml.publishing import failed_rules

SCHEME = "models:/"
PROXIED = "mlflow-artifacts:"
_NAMED = re.compile(
    r"^models:/(?P<name>[A-Za-z0-9_\-.]+)(@(?P<alias>[A-Za-z0-9_\-]+)|/(?P<number>\d+))$"
)
TIMEOUT_SECONDS = 30


class RegistryError(ValueError):
    """A registry URI that names nothing, or a registry that cannot be read."""


@dataclass(frozen=True)
class RegisteredVersion:
    """One version of a registered model, as the registry describes it."""

    name: str
    version: str
    source: str
    run_id: str
    aliases: tuple[str, ...]
    tags: dict[str, str]

    @classmethod
    def of(cls, document: dict[str, Any]) -> RegisteredVersion:
        """From the registry's ``model_version`` object."""
        return cls(
            name=document["name"],
            version=str(document["version"]),
            source=document.get("source", ""),
            run_id=document.get("run_id", ""),
            aliases=tuple(document.get("aliases", [])),
            tags={tag["key"]: tag["value"] for tag in document.get("tags", [])},
        )


def is_registry_uri(uri: str) -> bool:
    """Whether ``uri`` names a registered model version."""
    return uri.startswith(SCHEME)


class Registry:
    """The registry of one MLflow tracking server, read over HTTP."""

    def __init__(self, tracking_uri: str) -> None:
        if not tracking_uri.startswith(("http://", "https://")):
            raise RegistryError(
                f"a models:/ URI needs an MLflow server (CREDIT_MLFLOW_TRACKING_URI="
                f"http://host:port), not {tracking_uri!r}"
            )
        self.base = tracking_uri.rstrip("/")

    def version(self, uri: str) -> RegisteredVersion:
        """The version ``models:/<name>@<alias>`` or ``models:/<name>/<number>`` names."""
        named = _NAMED.match(uri)
        if named is None:
            raise RegistryError(f"expected models:/<name>@<alias> or models:/<name>/<n>, got {uri}")
        name, alias = named["name"], named["alias"]
        if alias:
            found = self._get("mlflow/registered-models/alias", {"name": name, "alias": alias})
        else:
            found = self._get(
                "mlflow/model-versions/get", {"name": name, "version": named["number"]}
            )
        return RegisteredVersion.of(found["model_version"])

    def download(self, source: str, target: Path) -> None:
        """Copy the proxied artifact folder ``source`` (``mlflow-artifacts:/...``) into
        ``target``, recursively."""
        folder = source.removeprefix(PROXIED).strip("/")
        listed = self._get("mlflow-artifacts/artifacts", {"path": folder}).get("files", [])
        if not listed:
            raise RegistryError(f"the registry's source {source} holds no files")
        target.mkdir(parents=True, exist_ok=True)
        for entry in listed:
            name = entry["path"].rsplit("/", 1)[-1]
            if entry.get("is_dir"):
                self.download(f"{folder}/{name}", target / name)
            else:
                (target / name).write_bytes(
                    self._read(f"mlflow-artifacts/artifacts/{folder}/{name}")
                )

    def _get(self, endpoint: str, query: dict[str, str]) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self._read(endpoint, query) or b"{}")
        return document

    def _read(self, endpoint: str, query: dict[str, str] | None = None) -> bytes:
        url = f"{self.base}/api/2.0/{urllib.parse.quote(endpoint)}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:
                body: bytes = answer.read()
                return body
        except urllib.error.HTTPError as error:
            said = _message(error.read())
            raise RegistryError(f"the registry answered {error.code}: {said}") from None
        except (urllib.error.URLError, OSError) as error:
            raise RegistryError(f"the registry at {self.base} cannot be reached: {error}") from None


def _message(body: bytes) -> str:
    """The registry's error message (its JSON ``message``, else the body's start)."""
    try:
        return str(json.loads(body)["message"])
    except (ValueError, KeyError, TypeError):
        return body.decode(errors="replace")[:300]


def fetch_registered(uri: str, models_folder: Path, tracking_uri: str | None) -> Path:
    """Copy the version ``uri`` names into ``<models_folder>/<profile>/<version>``, point the
    profile's LATEST at it, and write what the registry said of it beside it."""
    registry = Registry(tracking_uri or "")
    version = registry.version(uri)
    if version.source.startswith("s3://"):
        from credit_scoring.service.model_store import fetch_model

        directory = fetch_model(version.source, models_folder)
    elif version.source.startswith(PROXIED):
        name = version.source.rstrip("/").rsplit("/", 1)[-1]
        directory = models_folder / version.name / name
        registry.download(version.source, directory)
        point_latest(directory)
    else:
        raise RegistryError(f"{uri} has a source this service cannot fetch: {version.source}")
    _refuse_failed_gate(uri, directory)
    described = asdict(version) | {"uri": uri}
    registry_file(directory).write_text(json.dumps(described, indent=2) + "\n")
    return directory


def _refuse_failed_gate(uri: str, directory: Path) -> None:
    """RegistryError for a registered model whose metadata does not pass its quality gate
    (re-evaluated: publish registers no other, and the registry is trusted no more than a
    bucket). Its checksum and signature are verified at load, like every model's."""
    failed = failed_rules(read_metadata(directory))
    if failed:
        raise RegistryError(f"{uri} did not pass its quality gate ({failed})")


def registry_file(directory: Path) -> Path:
    """Where what the registry said of a fetched version is kept (beside it)."""
    return directory.parent / f"{directory.name}.registry.json"


def registered_as(directory: Path) -> dict[str, Any] | None:
    """The registry's name, version, aliases and run of a fetched model (None when it did
    not come from a registry)."""
    path = registry_file(directory)
    if not path.is_file():
        return None
    described: dict[str, Any] = json.loads(path.read_text())
    return {key: described[key] for key in ("uri", "name", "version", "run_id", "aliases")}
