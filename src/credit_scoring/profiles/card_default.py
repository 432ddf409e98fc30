"""card_default: UCI "default of credit card clients" (Taiwan, 2005), one row per client.

The data dictionary below is the one source of the API's ranges and codes. Codes the
source documents: SEX 1 male, 2 female; EDUCATION 1 graduate school, 2 university, 3 high
school, 4 others; MARRIAGE 1 married, 2 single, 3 others; PAY_x -1 paid duly, 1..9 months of
delay. Codes that occur in the data but are undocumented, and what they are taken to mean:
EDUCATION 0, 5, 6 (no stated meaning; read as "other or unknown", like 4); MARRIAGE 0 (read
as unknown); PAY_x -2 (no bill to pay that month: no consumption) and 0 (revolving credit:
the minimum was paid, the rest carried over). These are the readings most analyses of the
data use; none of them reaches a decision through SEX or MARRIAGE, which the model never reads.

Fair lending: sex and marital status are prohibited bases for a credit decision (US ECOA,
Regulation B, 12 CFR 1002.6), and age may be used only within an empirically derived system
that does not score the elderly down. The API accepts SEX, MARRIAGE and AGE verbatim (the
client sends them), and the shipped model reads none of them; the training report states
the AUC a model would have had with them.
"""

from __future__ import annotations

from typing import Any

from credit_scoring.profiles.base import InputColumn, Label, Profile, Reasons, neutral_reasons
from credit_scoring.profiles.card_default_features import (
    BILLS,
    PAY_STATUS,
    PAYMENTS,
    MONOTONE,
    CardDefaultFeatures,
)
from credit_scoring.profiles.kinds import NUMBER as N

MONTHS = ("September", "August", "July", "June", "May", "April")  # 2005, most recent first
MESES = ("setembro", "agosto", "julho", "junho", "maio", "abril")
MONEY_LIMIT = 10_000_000  # NT dollars; the data's largest limit is 1,000,000
PROTECTED = {
    "SEX": "sex is a prohibited basis (ECOA, Regulation B)",
    "MARRIAGE": "marital status is a prohibited basis (ECOA, Regulation B)",
    "AGE": "age is restricted (Regulation B); not needed by the model",
}
PAY_CODES = (
    "-2 no bill (no consumption), -1 paid in full, 0 revolving (minimum paid), "
    "1..9 months of payment delay (9: nine or more)"
)


def _status(name: str, month: int, alias: str | None = None) -> InputColumn:
    return InputColumn(
        name,
        N,
        f"Repayment status in {MONTHS[month]} 2005: {PAY_CODES}",
        alias=alias,
        minimum=-2,
        maximum=9,
        integer=True,
        label=Label(f"Repayment status, {MONTHS[month]}", f"Situação do pagamento, {MESES[month]}"),
    )


INPUTS: tuple[InputColumn, ...] = (
    InputColumn(
        "LIMIT_BAL",
        N,
        "Credit limit in NT dollars (the client's and their family's)",
        minimum=1,
        maximum=MONEY_LIMIT,
        label=Label("Credit limit (NT$)", "Limite de crédito (NT$)"),
    ),
    InputColumn(
        "SEX",
        N,
        "1 male, 2 female. Never a model input",
        minimum=1,
        maximum=2,
        integer=True,
        label=Label("Sex", "Sexo"),
    ),
    InputColumn(
        "EDUCATION",
        N,
        "1 graduate school, 2 university, 3 high school, 4 others; "
        "0, 5, 6 (undocumented) read as other or unknown",
        minimum=0,
        maximum=6,
        integer=True,
        label=Label("Education", "Escolaridade"),
    ),
    InputColumn(
        "MARRIAGE",
        N,
        "1 married, 2 single, 3 others; 0 (undocumented) unknown. Never a model input",
        minimum=0,
        maximum=3,
        integer=True,
        label=Label("Marital status", "Estado civil"),
    ),
    InputColumn(
        "AGE",
        N,
        "Age in years. Not a model input",
        minimum=18,
        maximum=100,
        integer=True,
        label=Label("Age", "Idade"),
    ),
    _status("PAY_0", 0, alias="PAY_1"),
    *(_status(name, month) for month, name in enumerate(PAY_STATUS[1:], start=1)),
    *(
        InputColumn(
            name,
            N,
            f"Bill statement in {month} 2005, NT dollars (negative: a credit balance)",
            minimum=-MONEY_LIMIT,
            maximum=MONEY_LIMIT,
            label=Label(f"Bill, {month} (NT$)", f"Fatura, {mes} (NT$)"),
        )
        for name, month, mes in zip(BILLS, MONTHS, MESES)
    ),
    *(
        InputColumn(
            name,
            N,
            f"Amount paid in {month} 2005, NT dollars (it pays the previous month's bill)",
            minimum=0,
            maximum=MONEY_LIMIT,
            label=Label(f"Paid, {month} (NT$)", f"Pagamento, {mes} (NT$)"),
        )
        for name, month, mes in zip(PAYMENTS, MONTHS, MESES)
    ),
)

# What each model input says when it is a reason for a decision: when it pushed the risk
# up, then down (SEX, MARRIAGE and AGE are never model inputs, so never reasons).
REASONS: dict[str, Reasons] = {
    "LIMIT_BAL": Reasons(
        Label("Low credit limit", "Limite de crédito baixo"),
        Label("High credit limit", "Limite de crédito alto"),
    ),
    "EDUCATION": neutral_reasons(Label("Education", "Escolaridade")),
    **{
        name: Reasons(
            Label(f"Repayment in {month} points to risk", f"Pagamento de {mes} indica risco"),
            Label(f"Repayment in {month} in good standing", f"Pagamento de {mes} em dia"),
        )
        for name, month, mes in zip(PAY_STATUS, MONTHS, MESES)
    },
    **{
        name: Reasons(
            Label(f"High bill in {month}", f"Fatura alta em {mes}"),
            Label(f"Moderate bill in {month}", f"Fatura moderada em {mes}"),
        )
        for name, month, mes in zip(BILLS, MONTHS, MESES)
    },
    **{
        name: Reasons(
            Label(f"Small payment in {month}", f"Pagamento baixo em {mes}"),
            Label(f"Good payment in {month}", f"Bom pagamento em {mes}"),
        )
        for name, month, mes in zip(PAYMENTS, MONTHS, MESES)
    },
}

TARGET = "default.payment.next.month"
UCI_TARGET = "default payment next month"  # the name in UCI's own copy (Kaggle's has dots)
RAW_COLUMNS: tuple[str, ...] = ("ID", *(column.name for column in INPUTS), TARGET)

CARD_EXAMPLE: dict[str, Any] = {
    "data": {
        "LIMIT_BAL": 50000,
        "SEX": 2,
        "EDUCATION": 2,
        "MARRIAGE": 1,
        "AGE": 30,
        **{name: 0 for name in PAY_STATUS},
        **{name: 0 for name in BILLS},
        **{name: 0 for name in PAYMENTS},
        "BILL_AMT1": 3000,
        "PAY_AMT1": 1000,
    }
}

CARD_DEFAULT = Profile(
    name="card_default",
    raw_columns=RAW_COLUMNS,
    inputs=INPUTS,
    target=TARGET,
    target_alias=UCI_TARGET,
    classes=("no_default", "default"),
    risk_class="default",
    group_column="ID",
    description='UCI "default of credit card clients" (Taiwan, 2005), one row per client',
    features=CardDefaultFeatures,
    target_labels={"0": "no_default", "1": "default"},
    not_model_inputs=PROTECTED,
    age_input="AGE",
    # A default costs the lender roughly five times the margin lost on a refused good
    # client (the cost ratio of the classic credit-scoring benchmarks).
    cost_ratio=5.0,
    monotone=MONOTONE,
    # Many shallow, slowly learnt trees, chosen by cross-validation on the training clients:
    # LightGBM 0.785 AUC against 0.781 with the shared defaults (5-fold), CatBoost 0.786
    # against 0.781 (3-fold).
    lightgbm_params={
        "n_estimators": 1000,
        "learning_rate": 0.01,
        "num_leaves": 8,
        "min_child_samples": 200,
        "reg_lambda": 5.0,
        "colsample_bytree": 0.6,
    },
    catboost_params={
        "iterations": 600,
        "learning_rate": 0.03,
        "depth": 5,
        "l2_leaf_reg": 5.0,
        "loss_function": "Logloss",
    },
    examples={"card": CARD_EXAMPLE},
    reasons=REASONS,
    data_ceiling="this data's measured ceiling for these models is a ROC AUC of about 0.786 "
    "on clients not trained on (repeated 5-fold CV of LightGBM, CatBoost and their blend on "
    "all 23,934 clients of the shared file; 0.794 in the limit of unlimited clients, from the "
    "learning curve): `python scripts/card_default_ceiling.py <UCI file>`",
    data_files=(
        "data/raw/card_default/UCI_Credit_Card.csv",
        "../shared/data/uci_default/UCI_Credit_Card.csv",
    ),
    data_hint="download UCI_Credit_Card.csv (Kaggle's 'Default of Credit Card Clients "
    "Dataset', the UCI repository's 'default of credit card clients' as CSV) to "
    "data/raw/card_default/UCI_Credit_Card.csv, or name it in CREDIT_TRAINING_DATA",
)
