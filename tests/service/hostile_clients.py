"""Hostile clients in a process of their own (so that their work never slows the test's
own probe): ``python -m tests.service.hostile_clients URL`` until terminated. Four send
1,000 empty records a batch, two a record with 5,000 unknown fields, two bodies over the
size limit."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from credit_scoring.profiles import get_profile
from tests.helpers import HEADERS

JSON_HEADERS = HEADERS | {"content-type": "application/json"}
EMPTY_BATCH = json.dumps({"data": [{}] * 1000}).encode()
ENGLISH = get_profile("credit_score").examples["english"]["data"]
MANY_FIELDS = json.dumps({"data": ENGLISH | {f"x{i}": 1 for i in range(5000)}}).encode()
OVERSIZED = b"{" + b" " * 2_100_000 + b"}"


def _post(path: str, body: bytes) -> Callable[[httpx.Client], Any]:
    return lambda client: client.post(path, content=body, headers=JSON_HEADERS)


SENDERS = [
    *[_post("/predict/batch", EMPTY_BATCH)] * 4,
    *[_post("/predict", MANY_FIELDS)] * 2,
    *[_post("/predict", OVERSIZED)] * 2,
]


def _hammer(url: str, send: Callable[[httpx.Client], Any]) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        while True:
            try:
                send(client)
            except httpx.TransportError:
                time.sleep(0.01)


if __name__ == "__main__":
    for sender in SENDERS:
        threading.Thread(target=_hammer, args=(sys.argv[1], sender), daemon=True).start()
    threading.Event().wait()
