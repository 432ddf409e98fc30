"""Request and response models. Request models are built from the profile's column list."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    JsonValue,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    create_model,
    model_validator,
)

from credit_scoring.ml.decision import Decision
from credit_scoring.profiles import InputColumn, Profile
from credit_scoring.profiles.kinds import choices


def _field(column: InputColumn) -> tuple[Any, Any]:
    label: JsonValue = {"en": column.label.en, "pt": column.label.pt} if column.label else None
    info: Any = Field(
        default=... if column.required else None,
        validation_alias=AliasChoices(*column.names),
        description=column.description + ("" if column.required else " (optional)"),
        # for forms (the analysts' app): the field's name for people, and its other name
        json_schema_extra={"x-label": label, "x-alias": column.alias},
    )
    kind = column.kind.field_type(column)
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
    outcome: Any = choices(f"{prefix}ActualClass", profile.classes)
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


class Words(BaseModel):
    """A text in the service's two languages."""

    en: str
    pt: str


class Reason(BaseModel):
    """One field's part in the decision."""

    field: str = Field(description="The input field (its English name).")
    label: Words = Field(description="The field's name for people.")
    value: Any = Field(description="The value the client sent (null: not sent or unknown).")
    contribution: float = Field(
        description="What the field added to the risk log-odds (positive: towards refusal)."
    )
    message: Words = Field(description="What it means for the applicant.")


EXPLANATION_DESCRIPTION = (
    "Why: the served risk split exactly among the fields sent. `value` is the risk log-odds "
    "(log P(risk class) minus the mean log-probability of the other classes; for two "
    "classes, the log-odds of the risk class) of the probabilities answered; it equals "
    "`base_value` (the model's average) plus every field's contribution: those listed and "
    "`other_fields`. Contributions are exact SHAP values of the model's trees (LightGBM's "
    "and CatBoost's, through the stack), a feature made from several fields shared equally "
    "among them. Protected attributes are never model inputs, so never reasons; an "
    "applicant of 62 or more is explained at the age they were scored at, and age is never "
    "a reason against them. In every NEGADO answer (null if the model cannot be explained) "
    "and with ?explain=true."
)


class Explanation(BaseModel):
    """The reasons for one decision."""

    explains: Literal["risk_log_odds"]
    value: float = Field(description="The risk log-odds of the answer.")
    base_value: float = Field(description="The model's expected risk log-odds.")
    against: list[Reason] = Field(
        description="The fields that pushed the risk up most, strongest first (at most 4)."
    )
    in_favour: list[Reason] | None = Field(
        None,
        description="With ?explain=true: the fields that pushed the risk down most, strongest "
        "first (at most 4).",
    )
    other_fields: float = Field(description="The contributions of the fields not listed.")


class ItemResult(BaseModel):
    """The answer for one applicant."""

    decision_id: str = Field(description=DECISION_ID_DESCRIPTION)
    prediction: int = Field(
        ge=0,
        description="Class code: the position of credit_class among the profile's classes "
        "(GET /model); for a two-class profile, of the risk band: 0 Poor, 1 Standard, 2 Good.",
    )
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
    outside_training_range: list[str] = Field(
        description="Inputs whose value lies outside the range the model was trained on: "
        "decided all the same, as at the edge of that range (see training_ranges in GET /model)."
    )
    explanation: Explanation | None = Field(None, description=EXPLANATION_DESCRIPTION)


TRAINING_DATA_DESCRIPTION = (
    "What the model was trained on. `synthetic` marks a demonstration model, never a credit "
    "model: the service serves one only when CREDIT_ALLOW_SYNTHETIC_MODEL=true."
)


VERSION_DESCRIPTION = "Compatibility (English client): model_version under its old name."


class Envelope(BaseModel):
    """The fields every prediction answer, single or batch, starts with."""

    request_id: str
    model_version: str
    version: str = Field(description=VERSION_DESCRIPTION)
    profile: str
    decision_threshold: float
    training_data: Literal["real", "synthetic"] = Field(description=TRAINING_DATA_DESCRIPTION)


class PredictResponse(Envelope, ItemResult):
    """POST /predict answer."""


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
    fields: list[FieldError] = Field(description="The first 5 field errors.")
    more_errors: int = Field(0, ge=0, description="Field errors beyond those listed.")


class BatchResponse(Envelope):
    """POST /predict/batch answer: one result per record, in request order; each decided
    (and audited) or rejected with its field errors."""

    decided: int = Field(ge=0, description="Records decided (and audited).")
    rejected: int = Field(ge=0, description="Records rejected for invalid fields.")
    results: list[BatchItem | RejectedItem]


class ErrorResponse(BaseModel):
    """Every error answer has this shape."""

    request_id: str
    error: str
    message: str
    fields: list[FieldError] = Field(default_factory=list)
