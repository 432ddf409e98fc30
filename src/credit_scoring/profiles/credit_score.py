"""The default profile: Kaggle "Credit score classification" (train.csv raw format)."""

from __future__ import annotations

from typing import Any

from credit_scoring.profiles.base import ColumnKind, InputColumn, Profile
from credit_scoring.profiles.credit_score_features import CreditScoreFeatures
from credit_scoring.profiles.credit_score_parsing import parse_history_age, parse_loan_list

N = ColumnKind.NUMBER
C = ColumnKind.CATEGORY

RAW_COLUMNS: tuple[str, ...] = (
    "ID",
    "Customer_ID",
    "Month",
    "Name",
    "Age",
    "SSN",
    "Occupation",
    "Annual_Income",
    "Monthly_Inhand_Salary",
    "Num_Bank_Accounts",
    "Num_Credit_Card",
    "Interest_Rate",
    "Num_of_Loan",
    "Type_of_Loan",
    "Delay_from_due_date",
    "Num_of_Delayed_Payment",
    "Changed_Credit_Limit",
    "Num_Credit_Inquiries",
    "Credit_Mix",
    "Outstanding_Debt",
    "Credit_Utilization_Ratio",
    "Credit_History_Age",
    "Payment_of_Min_Amount",
    "Total_EMI_per_month",
    "Amount_invested_monthly",
    "Payment_Behaviour",
    "Monthly_Balance",
    "Credit_Score",
)

MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
)

OCCUPATIONS: tuple[str, ...] = (
    "Lawyer",
    "Architect",
    "Engineer",
    "Scientist",
    "Mechanic",
    "Accountant",
    "Developer",
    "Media_Manager",
    "Teacher",
    "Entrepreneur",
    "Doctor",
    "Journalist",
    "Manager",
    "Musician",
    "Writer",
)

CREDIT_MIXES: tuple[str, ...] = ("Bad", "Standard", "Good")
MIN_AMOUNT_ANSWERS: tuple[str, ...] = ("No", "Yes")
PAYMENT_BEHAVIOURS: tuple[str, ...] = (
    "Low_spent_Small_value_payments",
    "Low_spent_Medium_value_payments",
    "Low_spent_Large_value_payments",
    "High_spent_Small_value_payments",
    "High_spent_Medium_value_payments",
    "High_spent_Large_value_payments",
)
LOAN_TYPES: tuple[str, ...] = (
    "Auto Loan",
    "Credit-Builder Loan",
    "Debt Consolidation Loan",
    "Home Equity Loan",
    "Mortgage Loan",
    "Not Specified",
    "Payday Loan",
    "Personal Loan",
    "Student Loan",
)

OCCUPATION_TOKEN = "_______"
CREDIT_MIX_TOKEN = "_"
CHANGED_LIMIT_TOKEN = "_"
MIN_AMOUNT_TOKEN = "NM"
BEHAVIOUR_TOKEN = "!@9#%8"
SSN_TOKEN = "#F%$D@*&8"
INVESTED_TOKEN = "__10000__"
BALANCE_TOKEN = "__-333333333333333333333333333__"

INPUTS: tuple[InputColumn, ...] = (
    InputColumn("Age", N, "Age in years", "idade", 14, 100, integer=True),
    InputColumn("Annual_Income", N, "Annual income", "renda_anual", 0, 200_000),
    InputColumn(
        "Monthly_Inhand_Salary", N, "Monthly take-home salary", "salario_liquido_mensal", 0, 20_000
    ),
    InputColumn(
        "Num_Bank_Accounts", N, "Bank accounts held", "qtd_contas_bancarias", 0, 20, integer=True
    ),
    InputColumn(
        "Num_Credit_Card", N, "Credit cards held", "qtd_cartoes_credito", 0, 11, integer=True
    ),
    InputColumn("Interest_Rate", N, "Interest rate on the credit card, %", "taxa_juros", 0, 34),
    InputColumn("Num_of_Loan", N, "Loans held", "qtd_emprestimos", 0, 20, integer=True),
    InputColumn(
        "Type_of_Loan",
        ColumnKind.LOAN_LIST,
        "Loan types: the Kaggle text list or a JSON list",
        "tipos_emprestimos",
        categories=LOAN_TYPES,
        required=False,
    ),
    InputColumn(
        "Delay_from_due_date",
        N,
        "Average days of delay after the due date",
        "dias_atraso_pagamento",
        -5,
        90,
        integer=True,
    ),
    InputColumn(
        "Num_of_Delayed_Payment",
        N,
        "Payments delayed",
        "qtd_pagamentos_atrasados",
        0,
        60,
        integer=True,
    ),
    InputColumn(
        "Changed_Credit_Limit",
        N,
        "Change of the credit limit, %",
        "variacao_limite_credito",
        -100,
        1_000,
        tokens=(CHANGED_LIMIT_TOKEN,),
    ),
    InputColumn(
        "Num_Credit_Inquiries",
        N,
        "Credit inquiries",
        "qtd_consultas_credito",
        0,
        50,
        integer=True,
    ),
    InputColumn(
        "Credit_Mix",
        C,
        "Mix of credits held",
        "mix_credito",
        categories=CREDIT_MIXES,
        tokens=(CREDIT_MIX_TOKEN,),
        required=False,
    ),
    InputColumn("Outstanding_Debt", N, "Outstanding debt", "divida_pendente", 0, 10_000),
    InputColumn(
        "Credit_Utilization_Ratio",
        N,
        "Credit utilisation, %",
        "percentual_utilizacao_credito",
        0,
        100,
    ),
    InputColumn(
        "Credit_History_Age",
        ColumnKind.HISTORY_AGE,
        'Length of credit history: months or "22 Years and 1 Months"',
        "tempo_historico_credito_meses",
        0,
        600,
    ),
    InputColumn(
        "Payment_of_Min_Amount",
        C,
        "Pays only the minimum amount (NM: not mentioned)",
        "pagamento_valor_minimo",
        categories=MIN_AMOUNT_ANSWERS,
        unknown_answers=(MIN_AMOUNT_TOKEN,),
    ),
    InputColumn(
        "Total_EMI_per_month", N, "Monthly loan instalments", "total_emprestimos_mensal", 0, 5_000
    ),
    InputColumn(
        "Amount_invested_monthly",
        N,
        "Amount invested per month",
        "valor_investido_mensal",
        0,
        5_000,
        tokens=(INVESTED_TOKEN,),
        required=False,
    ),
    InputColumn(
        "Monthly_Balance",
        N,
        "Balance left per month",
        "saldo_mensal",
        -10_000,
        10_000,
        tokens=(BALANCE_TOKEN,),
        required=False,
    ),
    InputColumn(
        "Occupation",
        C,
        "Occupation",
        "ocupacao",
        categories=OCCUPATIONS,
        tokens=(OCCUPATION_TOKEN,),
    ),
    InputColumn(
        "Payment_Behaviour",
        C,
        "Spending level and payment size",
        "comportamento_pagamento",
        categories=PAYMENT_BEHAVIOURS,
        tokens=(BEHAVIOUR_TOKEN,),
        required=False,
    ),
)

# The payloads the existing clients send (shared/contracts), shown in /docs.
ENGLISH_EXAMPLE: dict[str, Any] = {
    "data": {
        "Age": "40",
        "Annual_Income": "100000",
        "Monthly_Inhand_Salary": "8000",
        "Num_Bank_Accounts": "2",
        "Num_Credit_Card": "4",
        "Interest_Rate": "10",
        "Num_of_Loan": "2",
        "Delay_from_due_date": "4",
        "Num_of_Delayed_Payment": "11",
        "Changed_Credit_Limit": "6",
        "Num_Credit_Inquiries": "3",
        "Outstanding_Debt": "2000",
        "Credit_Utilization_Ratio": "30",
        "Credit_History_Age": "200",
        "Total_EMI_per_month": "50",
        "Amount_invested_monthly": "250",
        "Monthly_Balance": "400",
        "Occupation": "Doctor",
        "Credit_Mix": "Good",
        "Payment_of_Min_Amount": "No",
        "Payment_Behaviour": "High_spent_Large_value_payments",
    }
}
PORTUGUESE_EXAMPLE: dict[str, Any] = {
    "data": {
        "idade": 30,
        "renda_anual": 75000.0,
        "salario_liquido_mensal": 4800.0,
        "qtd_contas_bancarias": 2,
        "qtd_cartoes_credito": 1,
        "taxa_juros": 3.0,
        "qtd_emprestimos": 0,
        "dias_atraso_pagamento": 0,
        "qtd_pagamentos_atrasados": 0,
        "variacao_limite_credito": 200.0,
        "qtd_consultas_credito": 1,
        "divida_pendente": 500.0,
        "percentual_utilizacao_credito": 20.0,
        "total_emprestimos_mensal": 0.0,
        "valor_investido_mensal": 1000.0,
        "saldo_mensal": 2500.0,
        "tempo_historico_credito_meses": 60,
        "ocupacao": "Developer",
        "pagamento_valor_minimo": "No",
        "comportamento_pagamento": "High_spent_Large_value_payments",
        "tipos_emprestimos": "Auto Loan",
    }
}

CREDIT_SCORE = Profile(
    name="credit_score",
    raw_columns=RAW_COLUMNS,
    inputs=INPUTS,
    target="Credit_Score",
    classes=("Poor", "Standard", "Good"),
    risk_class="Poor",
    group_column="Customer_ID",
    description='Kaggle "Credit score classification" train.csv (8 monthly rows per customer)',
    features=CreditScoreFeatures,
    parsers={
        ColumnKind.HISTORY_AGE: parse_history_age,
        ColumnKind.LOAN_LIST: parse_loan_list,
    },
    elderly_age_input="Age",
    period_column="Month",
    periods=MONTHS,
    # Credit_Mix is constant per customer, but it is deliberately not filled from the
    # customer's other months: an API client may omit it (the Portuguese seed does),
    # so the model must learn from rows where it is unknown, as the `_` token makes it.
    customer_constants=(
        "Age",
        "Occupation",
        "Annual_Income",
        "Monthly_Inhand_Salary",
        "Num_Bank_Accounts",
        "Num_Credit_Card",
        "Interest_Rate",
        "Num_of_Loan",
        "Outstanding_Debt",
        "Payment_of_Min_Amount",
        "Total_EMI_per_month",
    ),
    monthly_counters=("Credit_History_Age",),
    non_decreasing=("Num_Credit_Inquiries",),
    customer_median_fill=("Num_of_Delayed_Payment", "Changed_Credit_Limit"),
    examples={"english": ENGLISH_EXAMPLE, "portuguese": PORTUGUESE_EXAMPLE},
)
