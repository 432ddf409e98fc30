"""The request path's JSON encoding and the JSON log lines built on it."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from credit_scoring.json_bytes import json_bytes
from credit_scoring.logging_setup import JsonFormatter


def test_compact_utf8_with_numpy_numbers_and_any_key() -> None:
    value = {"risk": np.float64(0.25), "count": np.int64(3), 7: "sete", "nome": "José"}
    assert json_bytes(value) == '{"risk":0.25,"count":3,"7":"sete","nome":"José"}'.encode()


def test_a_non_finite_number_is_written_as_null_not_as_invalid_json() -> None:
    assert json.loads(json_bytes([float("nan"), float("inf")])) == [None, None]


class _Opaque:
    def __str__(self) -> str:
        return "opaque"


def test_what_json_has_no_type_for_goes_through_default_else_fails() -> None:
    assert json_bytes({"x": _Opaque()}, default=str) == b'{"x":"opaque"}'
    with pytest.raises(TypeError):
        json_bytes({"x": _Opaque()})


def _line(message: str, **extra: object) -> dict[str, object]:
    record = logging.makeLogRecord({"msg": message, "levelname": "INFO", "name": "t", **extra})
    parsed: dict[str, object] = json.loads(JsonFormatter().format(record))
    return parsed


def test_a_log_line_is_json_with_its_extra_fields() -> None:
    assert _line("request", status=200, latency_ms=np.float64(1.5)) | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "t",
        "message": "request",
        "status": 200,
        "latency_ms": 1.5,
    }


def test_a_log_line_orjson_refuses_is_still_written() -> None:
    assert _line("file \udc80 unreadable")["message"] == "file \udc80 unreadable"
    assert _line("big", count=2**70)["count"] == 2**70
