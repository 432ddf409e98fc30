"""The API as the app calls it: JSON over HTTP with an API key, every failure an ``ApiError``
that says what went wrong in words a person can act on (never a traceback)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

TIMEOUT_SECONDS = 30
BATCH_RECORDS = 1000  # the API's default CREDIT_MAX_BATCH_RECORDS


@dataclass
class ApiError(Exception):
    """A failed call: ``kind`` is unreachable, unauthorized, invalid (with ``fields``: field
    name to message) or refused (any other answer)."""

    kind: str
    message: str
    fields: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ApiClient:
    """The API at ``url``, called with ``key``."""

    url: str
    key: str

    def openapi(self) -> dict[str, Any]:
        """The API's own schema: the forms' fields, ranges, choices and examples."""
        try:
            return self._call("GET", "/openapi.json")
        except ApiError as error:
            if error.kind != "refused":
                raise
            raise ApiError(
                "refused",
                f"{self.url} does not publish /openapi.json ({error.message}), which the app "
                "builds its forms from: is CREDIT_DOCS_ENABLED false?",
            ) from None

    def predict(self, profile: str, record: dict[str, Any]) -> dict[str, Any]:
        """One decision, with its reasons (against and in favour)."""
        return self._call("POST", f"/v1/{profile}/predict?explain=true", json={"data": record})

    def predict_batch(self, profile: str, records: list[dict[str, Any]]) -> dict[str, Any]:
        """Decisions for at most ``BATCH_RECORDS`` records."""
        return self._call("POST", f"/v1/{profile}/predict/batch", json={"data": records})

    def model(self, profile: str) -> dict[str, Any]:
        """The profile's model in service."""
        return self._call("GET", f"/v1/{profile}/model")

    def plot(self, profile: str, name: str) -> bytes:
        """A PNG of the model's training report."""
        response = self._send("GET", f"/v1/{profile}/model/plots/{name}")
        return response.content

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self._send(method, path, **kwargs).json()
        return answer

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = requests.request(
                method,
                self.url.rstrip("/") + path,
                headers={"x-api-key": self.key},
                timeout=TIMEOUT_SECONDS,
                **kwargs,
            )
        except requests.RequestException as error:
            raise ApiError(
                "unreachable", f"The API at {self.url} cannot be reached ({type(error).__name__})."
            ) from None
        if response.status_code >= 400:
            raise _error_of(response)
        return response


def _error_of(response: requests.Response) -> ApiError:
    """The API's error body (``{"error", "message", "fields"}``) as an ApiError."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = body.get("message") or f"The API answered {response.status_code}."
    if response.status_code == 401:
        return ApiError("unauthorized", "The API refused the key: " + message)
    fields = {
        str(item.get("field", "")).split(".")[-1]: str(item.get("message", ""))
        for item in body.get("fields") or []
    }
    kind = "invalid" if response.status_code == 422 else "refused"
    return ApiError(kind, message, fields)
