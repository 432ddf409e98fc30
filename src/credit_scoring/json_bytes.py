"""JSON encoding on the request path (answers, audit records, access log lines): orjson,
about ten times ``json.dumps`` on an audit record (1 µs against 13.5). Compact, UTF-8, keys
in their order, numpy scalars and arrays as numbers. A NaN or infinity is written as null
(``json.dumps`` would write ``NaN``, which is no JSON); a decision never carries one
(``ml.decision.decide`` refuses non-finite probabilities)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def json_bytes(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """``value`` as compact JSON; ``default`` turns what JSON has no type for into what it
    has (TypeError without one, or for text orjson refuses: lone surrogates)."""
    return orjson.dumps(value, default=default, option=_OPTIONS)
