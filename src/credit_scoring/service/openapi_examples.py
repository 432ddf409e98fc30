"""The examples /docs shows: answers as the service gave them (quick models), each error's
body, a batch, a feedback. ``tests/service/test_docs.py`` validates every one against its
response model, so they cannot drift from the contract."""

from __future__ import annotations

from typing import Any

from credit_scoring.profiles import Profile


def _reason(
    field: str, label: tuple[str, str], value: Any, part: float, says: tuple[str, str]
) -> Any:
    return {
        "field": field,
        "label": dict(zip(("en", "pt"), label)),
        "value": value,
        "contribution": part,
        "message": dict(zip(("en", "pt"), says)),
    }


# A refusal as the service answered it (a quick credit_score model), for /docs.
REFUSAL_EXAMPLE: dict[str, Any] = {
    "request_id": "ec8e79e0ce934fd4976e883573979ec9",
    "model_version": "credit_score-20261201T104312-1a1c790",
    "version": "credit_score-20261201T104312-1a1c790",
    "profile": "credit_score",
    "decision_threshold": 0.2,
    "training_data": "synthetic",
    "decision_id": "credit_score-n-885117bff623417ba0c7597f6e578193",
    "prediction": 1,
    "credit_class": "Standard",
    "probabilities": {"Poor": 0.2313, "Standard": 0.7589, "Good": 0.0098},
    "risk_probability": 0.2313,
    "decision": "NEGADO",
    "score": 0.2313,
    "label": 1,
    "outside_training_range": [],
    "explanation": {
        "explains": "risk_log_odds",
        "value": 0.9873,
        "base_value": -0.3951,
        "against": [
            _reason(
                "Delay_from_due_date",
                ("Average days of delay after the due date", "Dias médios de atraso"),
                45,
                1.782,
                ("Payments made long after the due date", "Pagamentos muito depois do vencimento"),
            ),
            _reason(
                "Outstanding_Debt",
                ("Outstanding debt", "Dívida pendente"),
                4000.0,
                1.4551,
                ("High outstanding debt", "Dívida pendente alta"),
            ),
            _reason(
                "Credit_Mix",
                ("Mix of credits held", "Mix de crédito"),
                "Bad",
                1.1919,
                ("Weak mix of credits", "Mix de crédito fraco"),
            ),
            _reason(
                "Num_of_Delayed_Payment",
                ("Payments delayed", "Pagamentos atrasados"),
                20,
                0.733,
                ("Frequent late payments", "Atrasos frequentes nos pagamentos"),
            ),
        ],
        "other_fields": -3.7796,
    },
}


CARD_REFUSAL_EXAMPLE: dict[str, Any] = {
    "request_id": "f7678c5aedec479a97a6c29db470c90f",
    "model_version": "card_default-20261201T104339-1a1c790",
    "version": "card_default-20261201T104339-1a1c790",
    "profile": "card_default",
    "decision_threshold": 0.1685,
    "training_data": "real",
    "decision_id": "card_default-n-3e8c7f98db6f4c46a5714ed925bcad10",
    "prediction": 0,
    "credit_class": "Poor",
    "probabilities": {"no_default": 0.3519, "default": 0.6481},
    "risk_probability": 0.6481,
    "decision": "NEGADO",
    "score": 0.6481,
    "label": 1,
    "outside_training_range": [],
    "explanation": {
        "explains": "risk_log_odds",
        "value": 0.6105,
        "base_value": -1.549,
        "against": [
            _reason(
                f"PAY_{k}",
                (f"Repayment status, {month}", f"Situação do pagamento, {mes}"),
                value,
                part,
                (f"Repayment in {month} points to risk", f"Pagamento de {mes} indica risco"),
            )
            for k, month, mes, value, part in (
                (0, "September", "setembro", 2, 1.2708),
                (2, "August", "agosto", 2, 0.2293),
                (3, "July", "julho", 0, 0.1059),
                (4, "June", "junho", 0, 0.1048),
            )
        ],
        "other_fields": 0.4487,
    },
}

REFUSALS = {"credit_score": REFUSAL_EXAMPLE, "card_default": CARD_REFUSAL_EXAMPLE}


def refusal_examples(profiles: list[Profile]) -> dict[str, Any]:
    """The 200 examples of a /predict route serving ``profiles``."""
    return {
        f"{profile.name}_refusal": {
            "summary": f"A refusal and its reasons ({profile.name}, a quick model)",
            "value": REFUSALS[profile.name],
        }
        for profile in profiles
        if profile.name in REFUSALS
    }


BATCH_EXAMPLE: dict[str, Any] = {
    "request_id": "d6dae3390ec843408d080df2d83104a3",
    "model_version": "credit_score-20261201T104312-1a1c790",
    "version": "credit_score-20261201T104312-1a1c790",
    "profile": "credit_score",
    "decision_threshold": 0.2931,
    "training_data": "synthetic",
    "decided": 1,
    "rejected": 1,
    "results": [
        {
            "index": 0,
            "status": "decided",
            "decision_id": "credit_score-a-61fe552a384446a883f8df84ddae7cff",
            "prediction": 1,
            "credit_class": "Standard",
            "probabilities": {"Poor": 0.0026, "Standard": 0.5628, "Good": 0.4347},
            "risk_probability": 0.0026,
            "decision": "APROVADO",
            "score": 0.0026,
            "label": 0,
            "outside_training_range": [],
            "explanation": None,
        },
        {
            "index": 1,
            "status": "rejected",
            "error": "validation_error",
            "fields": [
                {
                    "field": "data.1.Age",
                    "message": "Input should be less than or equal to 100",
                    "type": "less_than_equal",
                },
                {
                    "field": "data.1.Annual_Income",
                    "message": "Field required: send 'Annual_Income' (or its alias 'renda_anual')",
                    "type": "missing",
                },
            ],
            "more_errors": 15,
        },
    ],
}


def feedback_example(profile: Profile) -> dict[str, Any]:
    """A feedback body on a single /predict of ``profile`` named by its request id (a
    decision id would name its own profile, whose classes the outcome must then be): the
    applicant turned out to be the risk class."""
    return {"request_id": "ec8e79e0ce934fd4976e883573979ec9", "actual_class": profile.risk_class}


def feedback_answer_example(profile: Profile) -> dict[str, Any]:
    """The answer to ``feedback_example``."""
    return {
        "feedback_id": "f5f70185de6d4eeb9421257892de5a8e",
        "decision_id": None,
        "request_id": feedback_example(profile)["request_id"],
        "status": "recorded",
    }


READY_EXAMPLE: dict[str, Any] = {"status": "ready", "reasons": []}
NOT_READY_EXAMPLE: dict[str, Any] = {"status": "not_ready", "reasons": ["no_model"]}


def _error(code: str, message: str, fields: list[dict[str, str]] | None = None) -> Any:
    return {
        "request_id": "5569e678c0a84f6b9d1f0c2b7e3a4d11",
        "error": code,
        "message": message,
        "fields": fields or [],
    }


# Each as the service answers it (tests/service/test_docs.py sends the same requests).
ERROR_EXAMPLES: dict[int, Any] = {
    400: _error(
        "invalid_json",
        "The body must be a JSON object in UTF-8 sent with the header Content-Type: "
        "application/json.",
    ),
    401: _error("unauthorized", "A valid x-api-key header is required."),
    413: _error("payload_too_large", "At most 1000 records per batch; got 5000."),
    422: _error(
        "validation_error",
        "Invalid fields: data.Age, data.Occupaton",
        [
            {
                "field": "data.Age",
                "message": "Input should be less than or equal to 100",
                "type": "less_than_equal",
            },
            {
                "field": "data.Occupaton",
                "message": "Unknown field name (check the spelling; see the schema in /docs)",
                "type": "extra_forbidden",
            },
        ],
    ),
    429: _error("rate_limited", "Rate limit of 600 requests per minute exceeded."),
    503: _error(
        "model_not_ready", "The credit_score model is not loaded (no model was found for it)."
    ),
}
