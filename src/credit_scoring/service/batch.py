"""Checking a batch's records one by one: the valid ones go on to a decision, each invalid
one is reported with its own field errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from credit_scoring.profiles import Profile
from credit_scoring.service.errors import field_errors
from credit_scoring.service.schemas import FieldError


@dataclass
class CheckedBatch:
    """A batch's records by position: valid ones, and the field errors of the others."""

    valid: dict[int, BaseModel] = field(default_factory=dict)
    rejected: dict[int, list[FieldError]] = field(default_factory=dict)


def check_records(
    record_model: type[BaseModel], items: list[Any], profile: Profile
) -> CheckedBatch:
    """Validate each item with the profile's record model; never fail the whole batch."""
    checked = CheckedBatch()
    for index, item in enumerate(items):
        try:
            checked.valid[index] = record_model.model_validate(item)
        except ValidationError as error:
            errors: list[dict[str, Any]] = list(error.errors())  # type: ignore[arg-type]
            checked.rejected[index] = field_errors(errors, profile, ("data", index))
    return checked
