"""The default profile: Kaggle "Credit score classification" (train.csv raw format)."""

from __future__ import annotations

from typing import Any

from credit_scoring.profiles.base import InputColumn, Label, Profile, Reasons, neutral_reasons
from credit_scoring.profiles.credit_score_features import CreditScoreFeatures
from credit_scoring.profiles.credit_score_kinds import HISTORY_AGE, LOAN_LIST
from credit_scoring.profiles.kinds import CATEGORY as C
from credit_scoring.profiles.kinds import NUMBER as N

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

NOT_INFORMED = "Not Informed"  # the Portuguese client's form: an unknown answer
SEVERAL_LOAN_TYPES = "Two or More Types of Loan"  # the form: several loans, types not given


def _number(
    name: str,
    alias: str,
    label: Label,
    valid: tuple[float, float],
    *,
    integer: bool = False,
    tokens: tuple[str, ...] = (),
    required: bool = True,
) -> InputColumn:
    """A numeric input; ``valid`` is what is possible (outside it: a 422, or missing in a
    file), not what the model was trained on (the artifact knows that)."""
    low, high = valid
    return InputColumn(
        name,
        N,
        label.en,
        alias,
        low,
        high,
        integer=integer,
        tokens=tokens,
        required=required,
        label=label,
    )


INPUTS: tuple[InputColumn, ...] = (
    _number("Age", "idade", Label("Age", "Idade"), (14, 100), integer=True),
    _number("Annual_Income", "renda_anual", Label("Annual income", "Renda anual"), (0, 200_000)),
    _number(
        "Monthly_Inhand_Salary",
        "salario_liquido_mensal",
        Label("Monthly take-home salary", "Salário líquido mensal"),
        (0, 20_000),
    ),
    _number(
        "Num_Bank_Accounts",
        "qtd_contas_bancarias",
        Label("Bank accounts held", "Contas bancárias"),
        (0, 20),
        integer=True,
    ),
    _number(
        "Num_Credit_Card",
        "qtd_cartoes_credito",
        Label("Credit cards held", "Cartões de crédito"),
        (0, 11),
        integer=True,
    ),
    # A rate up to 100 % is what the client's form allows; the model knows rates to 34 %.
    _number(
        "Interest_Rate",
        "taxa_juros",
        Label("Interest rate on the credit card, %", "Taxa de juros do cartão, %"),
        (0, 100),
    ),
    _number(
        "Num_of_Loan", "qtd_emprestimos", Label("Loans held", "Empréstimos"), (0, 20), integer=True
    ),
    InputColumn(
        "Type_of_Loan",
        LOAN_LIST,
        "Loan types: the Kaggle text list or a JSON list; "
        f'"{SEVERAL_LOAN_TYPES}" when there are several of types not given',
        "tipos_emprestimos",
        categories=LOAN_TYPES,
        unknown_answers=(SEVERAL_LOAN_TYPES, NOT_INFORMED),
        required=False,
        label=Label("Loan types", "Tipos de empréstimo"),
    ),
    _number(
        "Delay_from_due_date",
        "dias_atraso_pagamento",
        Label("Average days of delay after the due date", "Dias médios de atraso"),
        (-5, 90),
        integer=True,
    ),
    _number(
        "Num_of_Delayed_Payment",
        "qtd_pagamentos_atrasados",
        Label("Payments delayed", "Pagamentos atrasados"),
        (0, 60),
        integer=True,
    ),
    _number(
        "Changed_Credit_Limit",
        "variacao_limite_credito",
        Label("Change of the credit limit, %", "Variação do limite de crédito, %"),
        (-100, 1_000),
        tokens=(CHANGED_LIMIT_TOKEN,),
    ),
    _number(
        "Num_Credit_Inquiries",
        "qtd_consultas_credito",
        Label("Credit inquiries", "Consultas de crédito"),
        (0, 50),
        integer=True,
    ),
    InputColumn(
        "Credit_Mix",
        C,
        "Mix of credits held",
        "mix_credito",
        categories=CREDIT_MIXES,
        tokens=(CREDIT_MIX_TOKEN,),
        unknown_answers=(NOT_INFORMED,),
        required=False,
        label=Label("Mix of credits held", "Mix de crédito"),
    ),
    _number(
        "Outstanding_Debt",
        "divida_pendente",
        Label("Outstanding debt", "Dívida pendente"),
        (0, 10_000),
    ),
    _number(
        "Credit_Utilization_Ratio",
        "percentual_utilizacao_credito",
        Label("Credit utilisation, %", "Utilização do crédito, %"),
        (0, 100),
    ),
    InputColumn(
        "Credit_History_Age",
        HISTORY_AGE,
        'Length of credit history: months or "22 Years and 1 Months"',
        "tempo_historico_credito_meses",
        0,
        600,
        label=Label("Length of credit history, months", "Tempo de histórico de crédito, meses"),
    ),
    InputColumn(
        "Payment_of_Min_Amount",
        C,
        f"Pays only the minimum amount (NM: not mentioned; {NOT_INFORMED})",
        "pagamento_valor_minimo",
        categories=MIN_AMOUNT_ANSWERS,
        unknown_answers=(MIN_AMOUNT_TOKEN, NOT_INFORMED),
        label=Label("Pays only the minimum amount", "Paga apenas o valor mínimo"),
    ),
    _number(
        "Total_EMI_per_month",
        "total_emprestimos_mensal",
        Label("Monthly loan instalments", "Parcelas mensais de empréstimos"),
        (0, 5_000),
    ),
    _number(
        "Amount_invested_monthly",
        "valor_investido_mensal",
        Label("Amount invested per month", "Valor investido por mês"),
        (0, 5_000),
        tokens=(INVESTED_TOKEN,),
        required=False,
    ),
    _number(
        "Monthly_Balance",
        "saldo_mensal",
        Label("Balance left per month", "Saldo mensal"),
        (-10_000, 10_000),
        tokens=(BALANCE_TOKEN,),
        required=False,
    ),
    InputColumn(
        "Occupation",
        C,
        f"Occupation ({NOT_INFORMED}: unknown)",
        "ocupacao",
        categories=OCCUPATIONS,
        tokens=(OCCUPATION_TOKEN,),
        unknown_answers=(NOT_INFORMED,),
        label=Label("Occupation", "Ocupação"),
    ),
    InputColumn(
        "Payment_Behaviour",
        C,
        "Spending level and payment size",
        "comportamento_pagamento",
        categories=PAYMENT_BEHAVIOURS,
        tokens=(BEHAVIOUR_TOKEN,),
        unknown_answers=(NOT_INFORMED,),
        required=False,
        label=Label("Spending level and payment size", "Comportamento de pagamento"),
    ),
)


def _reasons(raises: tuple[str, str], lowers: tuple[str, str]) -> Reasons:
    return Reasons(Label(*raises), Label(*lowers))


# What each field says when it is a reason for a decision: (English, Portuguese), when it
# pushed the risk up, then down.
REASONS: dict[str, Reasons] = {
    "Age": _reasons(
        ("Age band with more observed risk", "Faixa etária com mais risco observado"),
        ("Age band with less observed risk", "Faixa etária com menos risco observado"),
    ),
    "Annual_Income": _reasons(
        ("Annual income low for the credit", "Renda anual baixa para o crédito"),
        ("Annual income supports the credit", "Renda anual sustenta o crédito"),
    ),
    "Monthly_Inhand_Salary": _reasons(
        ("Low monthly take-home salary", "Salário líquido mensal baixo"),
        ("Sufficient monthly take-home salary", "Salário líquido mensal suficiente"),
    ),
    "Num_Bank_Accounts": neutral_reasons(
        Label("Number of bank accounts held", "Quantidade de contas bancárias")
    ),
    "Num_Credit_Card": _reasons(
        ("Many credit cards held", "Muitos cartões de crédito"),
        ("Few credit cards held", "Poucos cartões de crédito"),
    ),
    "Interest_Rate": _reasons(
        ("High interest rate on the card", "Taxa de juros do cartão alta"),
        ("Low interest rate on the card", "Taxa de juros do cartão baixa"),
    ),
    "Num_of_Loan": _reasons(
        ("Many loans held", "Muitos empréstimos ativos"),
        ("Few loans held", "Poucos empréstimos ativos"),
    ),
    "Type_of_Loan": neutral_reasons(Label("Types of loans held", "Tipos de empréstimos ativos")),
    "Delay_from_due_date": _reasons(
        ("Payments made long after the due date", "Pagamentos muito depois do vencimento"),
        ("Payments made close to the due date", "Pagamentos perto do vencimento"),
    ),
    "Num_of_Delayed_Payment": _reasons(
        ("Frequent late payments", "Atrasos frequentes nos pagamentos"),
        ("Few late payments", "Poucos atrasos nos pagamentos"),
    ),
    "Changed_Credit_Limit": neutral_reasons(
        Label("Change of the credit limit", "Variação do limite de crédito")
    ),
    "Num_Credit_Inquiries": _reasons(
        ("Many recent credit inquiries", "Muitas consultas de crédito recentes"),
        ("Few recent credit inquiries", "Poucas consultas de crédito recentes"),
    ),
    "Credit_Mix": _reasons(
        ("Weak mix of credits", "Mix de crédito fraco"),
        ("Good mix of credits", "Bom mix de crédito"),
    ),
    "Outstanding_Debt": _reasons(
        ("High outstanding debt", "Dívida pendente alta"),
        ("Low outstanding debt", "Dívida pendente baixa"),
    ),
    "Credit_Utilization_Ratio": _reasons(
        ("High use of the credit available", "Uso alto do crédito disponível"),
        ("Moderate use of the credit available", "Uso moderado do crédito disponível"),
    ),
    "Credit_History_Age": _reasons(
        ("Short credit history", "Histórico de crédito curto"),
        ("Long credit history", "Histórico de crédito longo"),
    ),
    "Payment_of_Min_Amount": _reasons(
        ("Often pays only the minimum amount", "Paga muitas vezes só o valor mínimo"),
        ("Pays more than the minimum amount", "Paga mais que o valor mínimo"),
    ),
    "Total_EMI_per_month": _reasons(
        ("High monthly loan instalments", "Parcelas mensais de empréstimos altas"),
        ("Low monthly loan instalments", "Parcelas mensais de empréstimos baixas"),
    ),
    "Amount_invested_monthly": _reasons(
        ("Little invested each month", "Pouco investido por mês"),
        ("Regular monthly investment", "Investimento mensal regular"),
    ),
    "Monthly_Balance": _reasons(
        ("Low balance left each month", "Saldo mensal baixo"),
        ("Comfortable balance left each month", "Saldo mensal confortável"),
    ),
    "Occupation": _reasons(
        ("Occupation with more observed risk", "Ocupação com mais risco observado"),
        ("Occupation with less observed risk", "Ocupação com menos risco observado"),
    ),
    "Payment_Behaviour": neutral_reasons(
        Label("Spending and payment pattern", "Padrão de gastos e pagamentos")
    ),
}


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
    elderly_age_input="Age",
    reasons=REASONS,
    age_input="Age",
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
