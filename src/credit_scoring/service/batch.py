"""Checking a batch's records one by one: the valid ones go on to a decision, each invalid
one is reported with its own field errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from credit_scoring.profiles import Profile
from credit_scoring.service.errors import field_errors
from credit_scoring.service.request_body import unknown_names
from credit_scoring.service.schemas import FieldError


@dataclass
class CheckedBatch:
    """A batch's records by position: valid ones, and the field errors of the others."""

    valid: dict[int, BaseModel] = field(default_factory=dict)
    rejected: dict[int, list[FieldError]] = field(default_factory=dict)
    unlisted: dict[int, int] = field(default_factory=dict)  # errors beyond those listed


# A rejected item lists its first few field errors: the answer to a batch of a thousand
# empty records stays a few hundred kilobytes, not megabytes.
MAX_ERRORS_PER_ITEM = 5


def check_records(
    record_model: type[BaseModel], items: list[Any], profile: Profile
) -> CheckedBatch:
    """Validate each item with the profile's record model; never fail the whole batch."""
    checked = CheckedBatch()
    for index, item in enumerate(items):
        errors = unknown_names(item, profile)
        if not errors:
            try:
                checked.valid[index] = record_model.model_validate(item)
                continue
            except ValidationError as error:
                errors = list(error.errors())  # type: ignore[arg-type]
        checked.rejected[index] = field_errors(
            errors[:MAX_ERRORS_PER_ITEM], profile, ("data", index)
        )
        checked.unlisted[index] = max(0, len(errors) - MAX_ERRORS_PER_ITEM)
    return checked
