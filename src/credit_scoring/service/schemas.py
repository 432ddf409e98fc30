"""Request and response models. Request models are built from the profile's column list."""

from __future__ import annotations

import json
import re
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any, Literal

import annotated_types
from pydantic import (
    AliasChoices,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    create_model,
    model_validator,
)

from credit_scoring.ml.decision import Decision
from credit_scoring.profiles.credit_score_parsing import history_text_months, split_loan_text
from credit_scoring.profiles import ColumnKind, InputColumn, Profile


def _no_booleans(value: Any) -> Any:
    """JSON true/false is not a number, even though Python says it is."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    return value


def _history_months(value: Any) -> Any:
    """Months from a number, a numeric string, or "22 Years and 1 Months"."""
    _no_booleans(value)
    if isinstance(value, str):
        months = history_text_months(value)
        if months is not None:
            return months
        if not value.strip().lstrip("-").isdigit():
            raise ValueError('expected months or text like "22 Years and 1 Months"')
    return value


MAX_LOAN_TEXT_CHARS = 1_000
MAX_LOAN_ITEMS = 20  # Num_of_Loan's maximum: a loan list names each loan at most once


def _loan_list(value: Any) -> Any:
    """A Kaggle text list or a JSON list (or JSON-encoded list) of loan types, as a list.

    Bounded before any parsing: at most MAX_LOAN_TEXT_CHARS characters and MAX_LOAN_ITEMS
    items, so that no request can make parsing slow or its audit record large.
    """
    if value is None:
        return value
    if isinstance(value, str) and len(value) > MAX_LOAN_TEXT_CHARS:
        raise ValueError(f"a loan list has at most {MAX_LOAN_TEXT_CHARS} characters")
    if isinstance(value, str):
        value = _decoded_loan_text(value)
    if not isinstance(value, list):
        raise ValueError("expected a list of loan types or the Kaggle text list")
    if len(value) > MAX_LOAN_ITEMS:
        raise ValueError(f"a loan list has at most {MAX_LOAN_ITEMS} items")
    return value


def _decoded_loan_text(value: str) -> Any:
    """The items of a Kaggle text list, or the decoded JSON of a JSON-encoded list."""
    if value.strip().startswith("["):
        try:
            return json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            raise ValueError("not a valid JSON list of loan types") from None
    items = split_loan_text(value)
    if not items:
        raise ValueError("an empty loan list; send null or [] when there are no loans")
    return items


def _enum(name: str, values: tuple[str, ...]) -> type[Enum]:
    return Enum(name, {value: value for value in values}, type=str)  # type: ignore[return-value]


def _limits(column: InputColumn) -> list[Any]:
    bounds: list[Any] = []
    if column.minimum is not None:
        bounds.append(annotated_types.Ge(column.minimum))
    if column.maximum is not None:
        bounds.append(annotated_types.Le(column.maximum))
    return bounds


def _loan_list_schema(column: InputColumn) -> dict[str, Any]:
    """Documented forms: a JSON array of loan types, or Kaggle's text list."""
    one = "(" + "|".join(re.escape(loan) for loan in column.categories) + ")"
    return {
        "anyOf": [
            {
                "type": "array",
                "maxItems": MAX_LOAN_ITEMS,
                "items": {"type": "string", "enum": list(column.categories)},
            },
            {
                "type": "string",
                "maxLength": MAX_LOAN_TEXT_CHARS,
                "pattern": f"^{one}(, {one})*(, and {one})?$",
            },
        ]
    }


def _history_schema(column: InputColumn) -> dict[str, Any]:
    """Documented forms: months, or "<years> Years and <months> Months"."""
    return {
        "anyOf": [
            {"type": "integer", "minimum": column.minimum, "maximum": column.maximum},
            {"type": "string", "pattern": r"^([0-9]|[1-4][0-9]) Years and ([0-9]|1[01]) Months$"},
        ]
    }


def _field_type(column: InputColumn) -> Any:
    if column.kind is ColumnKind.CATEGORY:
        return _enum(column.name.replace("_", ""), column.categories + column.unknown_answers)
    if column.kind is ColumnKind.LOAN_LIST:
        loan_type: Any = _enum("LoanType", column.categories)
        return Annotated[
            list[loan_type],
            BeforeValidator(_loan_list),
            WithJsonSchema(_loan_list_schema(column)),
        ]
    if column.kind is ColumnKind.HISTORY_AGE:
        return Annotated[
            int,
            *_limits(column),
            BeforeValidator(_history_months),
            WithJsonSchema(_history_schema(column)),
        ]
    # Constraints before the validator, so that they reach the JSON schema as min/max.
    if column.integer:
        return Annotated[int, *_limits(column), BeforeValidator(_no_booleans)]
    return Annotated[float, AllowInfNan(False), *_limits(column), BeforeValidator(_no_booleans)]


def _field(column: InputColumn) -> tuple[Any, Any]:
    names = [column.name] + ([column.alias] if column.alias else [])
    info = Field(
        default=... if column.required else None,
        validation_alias=AliasChoices(*names),
        description=column.description + ("" if column.required else " (optional)"),
    )
    kind = _field_type(column)
    return (kind if column.required else kind | None, info)


def _title(profile: Profile) -> str:
    """The profile's name in the schemas' CamelCase (credit_score: CreditScore)."""
    return "".join(part.title() for part in profile.name.split("_"))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


@lru_cache(maxsize=None)
def record_model(profile: Profile) -> type[BaseModel]:
    """The request record of a profile: English names, Portuguese aliases, no extras."""
    fields = {column.name: _field(column) for column in profile.inputs}
    title = _title(profile) + "Record"
    model: type[BaseModel] = create_model(title, __base__=_Strict, **fields)  # type: ignore
    return model


@lru_cache(maxsize=None)
def request_models(profile: Profile) -> tuple[type[BaseModel], type[BaseModel]]:
    """The single and batch request envelopes: {"data": {...}} and {"data": [...]}.

    A batch's items are checked one by one after the envelope (each bad item is reported on
    its own, the good ones decided), so the envelope takes any items, and its schema says
    so while naming the record they should be.
    """
    record: Any = record_model(profile)
    prefix = _title(profile)
    single = create_model(f"{prefix}PredictRequest", __base__=_Strict, data=(record, ...))
    items_schema = {
        "type": "array",
        "minItems": 1,
        "items": {
            "anyOf": [{"$ref": f"#/components/schemas/{record.__name__}"}, {}],
            "description": f"A {record.__name__}. An item that is not one is rejected alone "
            "(status rejected, with its field errors); the others are decided.",
        },
    }
    items: Any = Annotated[list[Any], Field(min_length=1), WithJsonSchema(items_schema)]
    batch = create_model(f"{prefix}BatchRequest", __base__=_Strict, data=(items, ...))
    return single, batch


DecisionRef = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
]


def _no_default(schema: dict[str, Any]) -> None:
    """Document no default: an omitted id is simply absent."""
    schema.pop("default", None)


class _FeedbackBase(_Strict):
    """Names one decision: by its decision_id, or by the request id of a single /predict."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["decision_id"]}, {"required": ["request_id"]}]}
    )

    # Optional, but never null: omitted is None, and exactly one must be sent.
    decision_id: DecisionRef = Field(
        default=None,  # type: ignore[assignment]
        description="The decision's decision_id, as answered.",
        json_schema_extra=_no_default,
    )
    request_id: DecisionRef = Field(
        default=None,  # type: ignore[assignment]
        description="Or the request id of a single-record /predict call (a batch item needs "
        "its decision_id).",
        json_schema_extra=_no_default,
    )

    @model_validator(mode="after")
    def _names_one_decision(self) -> _FeedbackBase:
        if (self.decision_id is None) == (self.request_id is None):
            raise ValueError("name the decision by exactly one of decision_id and request_id")
        return self


@lru_cache(maxsize=None)
def feedback_request_model(profile: Profile) -> type[BaseModel]:
    """POST /feedback body: which decision and what actually happened."""
    prefix = _title(profile)
    outcome: Any = _enum(f"{prefix}ActualClass", profile.classes)
    model: type[BaseModel] = create_model(
        f"{prefix}FeedbackRequest",
        __base__=_FeedbackBase,
        actual_class=(outcome, Field(description="The class the applicant turned out to be.")),
    )
    return model


def request_schemas(profile: Profile) -> list[type[BaseModel]]:
    """Every request body model of a profile, for the OpenAPI document."""
    single, batch = request_models(profile)
    return [single, batch, record_model(profile), feedback_request_model(profile)]


class FeedbackResponse(BaseModel):
    """POST /feedback answer. The feedback is matched to a decision of the same client when
    the audit log is exported; it is kept, marked unmatched, when there is none."""

    feedback_id: str
    decision_id: str | None
    request_id: str | None
    status: str = "recorded"


DECISION_ID_DESCRIPTION = (
    "The decision's own id, made by the server: the audit record's key and what /feedback "
    "names. Unlike the request id, it is never shared by two decisions."
)


class ItemResult(BaseModel):
    """The answer for one applicant."""

    decision_id: str = Field(description=DECISION_ID_DESCRIPTION)
    prediction: int = Field(ge=0, description="Class code: 0 Poor, 1 Standard, 2 Good.")
    credit_class: str
    probabilities: dict[str, float]
    risk_probability: float = Field(ge=0, le=1)
    decision: Decision
    score: float = Field(
        ge=0, le=1, description="Compatibility (card client): risk_probability under its old name."
    )
    label: int = Field(
        ge=0, le=1, description="Compatibility (card client): 1 when the decision is NEGADO."
    )


TRAINING_DATA_DESCRIPTION = (
    "What the model was trained on. `synthetic` marks a demonstration model, never a credit "
    "model: the service serves one only when CREDIT_ALLOW_SYNTHETIC_MODEL=true."
)


VERSION_DESCRIPTION = "Compatibility (English client): model_version under its old name."


class PredictResponse(ItemResult):
    """POST /predict answer."""

    request_id: str
    model_version: str
    version: str = Field(description=VERSION_DESCRIPTION)
    profile: str
    decision_threshold: float
    training_data: Literal["real", "synthetic"] = Field(description=TRAINING_DATA_DESCRIPTION)


class BatchItem(ItemResult):
    """A decided record of a batch, with its position in the request."""

    index: int = Field(ge=0)
    status: Literal["decided"] = "decided"


class FieldError(BaseModel):
    """One bad field and why."""

    field: str
    message: str
    type: str


class RejectedItem(BaseModel):
    """A record of a batch that was not decided (and not audited): why, field by field."""

    index: int = Field(ge=0)
    status: Literal["rejected"] = "rejected"
    error: Literal["validation_error"] = "validation_error"
    fields: list[FieldError]


class BatchResponse(BaseModel):
    """POST /predict/batch answer: one result per record, in request order; each decided
    (and audited) or rejected with its field errors."""

    request_id: str
    model_version: str
    version: str = Field(description=VERSION_DESCRIPTION)
    profile: str
    decision_threshold: float
    training_data: Literal["real", "synthetic"] = Field(description=TRAINING_DATA_DESCRIPTION)
    decided: int = Field(ge=0, description="Records decided (and audited).")
    rejected: int = Field(ge=0, description="Records rejected for invalid fields.")
    results: list[BatchItem | RejectedItem]


class ErrorResponse(BaseModel):
    """Every error answer has this shape."""

    request_id: str
    error: str
    message: str
    fields: list[FieldError] = Field(default_factory=list)
