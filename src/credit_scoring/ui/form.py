"""A profile's form, read from the API's own schema (``/openapi.json``): each field's label in
English and Portuguese, its widget, range and choices, and the seed examples. Nothing here
restates what the API knows; a new profile or field needs no change in the app."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

YEARS_AND_MONTHS = re.compile(r"^\s*(\d+) Years and (\d+) Months\s*$")


@dataclass(frozen=True)
class FormField:
    """One input of a profile's record. ``widget``: number, integer, choice, loans (several
    of ``choices``, or one of the ``unknown`` answers) or years_months (sent as months)."""

    name: str
    label: dict[str, str]
    widget: str
    required: bool
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    alias: str | None = None


def served_profiles(spec: dict[str, Any]) -> list[str]:
    """The profiles the API serves (those with a /v1/<profile>/predict route)."""
    found = (re.fullmatch(r"/v1/([a-z_]+)/predict", path) for path in spec.get("paths", {}))
    return [match[1] for match in found if match]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its ``$ref`` followed (components/schemas)."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body(spec: dict[str, Any], profile: str) -> dict[str, Any]:
    operation = spec["paths"][f"/v1/{profile}/predict"]["post"]
    content: dict[str, Any] = operation["requestBody"]["content"]["application/json"]
    return content


def form_fields(spec: dict[str, Any], profile: str) -> list[FormField]:
    """The profile's record fields, in the API's order."""
    envelope = _resolve(spec, _body(spec, profile)["schema"])
    record = _resolve(spec, envelope["properties"]["data"])
    required = set(record.get("required", []))
    return [
        _field(spec, name, schema, name in required)
        for name, schema in record["properties"].items()
    ]


def _field(spec: dict[str, Any], name: str, schema: dict[str, Any], required: bool) -> FormField:
    label = schema.get("x-label") or {"en": name, "pt": name}
    common = {
        "name": name,
        "label": label,
        "required": required,
        "description": schema.get("description", ""),
        "alias": schema.get("x-alias"),
    }
    options = [_resolve(spec, s) for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    if schema.get("x-entry") == "years-and-months":
        months = next(s for s in options if s.get("type") == "integer")
        return FormField(widget="years_months", maximum=months.get("maximum"), **common)
    lists = [s for s in options if s.get("type") == "array"]
    if lists:
        unknown = tuple(s["const"] for s in options if "const" in s)
        return FormField(
            widget="loans", choices=tuple(lists[0]["items"]["enum"]), unknown=unknown, **common
        )
    first = options[0]
    if "enum" in first:
        return FormField(widget="choice", choices=tuple(first["enum"]), **common)
    widget = "integer" if first.get("type") == "integer" else "number"
    return FormField(
        widget=widget, minimum=first.get("minimum"), maximum=first.get("maximum"), **common
    )


def examples(spec: dict[str, Any], profile: str) -> dict[str, dict[str, Any]]:
    """The profile's seed bodies (their records), by name, as /docs shows them."""
    named = _body(spec, profile).get("examples", {})
    return {name: example["value"]["data"] for name, example in named.items()}


def widget_values(fields: list[FormField], record: dict[str, Any]) -> dict[str, Any]:
    """A record (English names or aliases, numbers or numeric text) as the widgets' values:
    numbers as numbers, a loan list as its types, a history as (years, months)."""
    by_name = {name: value for name, value in record.items()}
    values: dict[str, Any] = {}
    for field in fields:
        value = by_name.get(field.name, by_name.get(field.alias or "", None))
        values[field.name] = _widget_value(field, value)
    return values


def _widget_value(field: FormField, value: Any) -> Any:
    if value is None:
        return [] if field.widget == "loans" else None
    if field.widget == "years_months":
        return _years_months(value)
    if field.widget == "loans":
        return _loans(field, value)
    if field.widget in ("number", "integer"):
        number = float(value)
        return int(number) if field.widget == "integer" else number
    return str(value)


def _years_months(value: Any) -> tuple[int, int]:
    match = YEARS_AND_MONTHS.match(str(value))
    months = int(match[1]) * 12 + int(match[2]) if match else int(float(value))
    return divmod(months, 12)


def _loans(field: FormField, value: Any) -> list[str]:
    if isinstance(value, str) and value in field.unknown:
        return [value]
    items = value if isinstance(value, list) else re.split(r",\s*(?:and\s+)?", str(value))
    return [item.strip() for item in items if item.strip() in field.choices]


def record_of(fields: list[FormField], values: dict[str, Any]) -> dict[str, Any]:
    """The widgets' values as the record the API takes (English names; a history in months;
    an optional field left empty is not sent)."""
    record: dict[str, Any] = {}
    for field in fields:
        value = values.get(field.name)
        if value is None or value == []:
            continue
        if field.widget == "years_months":
            years, months = value
            value = int(years) * 12 + int(months)
        elif field.widget == "loans" and len(value) == 1 and value[0] in field.unknown:
            value = value[0]
        record[field.name] = value
    return record
