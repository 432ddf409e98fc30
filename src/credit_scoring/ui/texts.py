"""The app's own words, in English and Portuguese (the fields' labels and the reasons'
messages come from the API)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Credit decisions", "pt": "Decisões de crédito"},
    "language": {"en": "Language", "pt": "Idioma"},
    "api_url": {"en": "API address", "pt": "Endereço da API"},
    "api_key": {"en": "API key", "pt": "Chave da API"},
    "page": {"en": "Page", "pt": "Página"},
    "decide": {"en": "One applicant", "pt": "Um proponente"},
    "batch": {"en": "A file", "pt": "Um arquivo"},
    "model": {"en": "The model", "pt": "O modelo"},
    "profile": {"en": "Profile", "pt": "Perfil"},
    "fill": {"en": "Fill with an example", "pt": "Preencher com um exemplo"},
    "submit": {"en": "Decide", "pt": "Decidir"},
    "years": {"en": "years", "pt": "anos"},
    "months": {"en": "months", "pt": "meses"},
    "optional": {"en": "optional", "pt": "opcional"},
    "decision": {"en": "Decision", "pt": "Decisão"},
    "APROVADO": {"en": "APPROVED (APROVADO)", "pt": "APROVADO"},
    "NEGADO": {"en": "REFUSED (NEGADO)", "pt": "NEGADO"},
    "credit_class": {"en": "Credit class", "pt": "Classe de crédito"},
    "probabilities": {"en": "Probabilities", "pt": "Probabilidades"},
    "threshold": {
        "en": "Refused when P({risk}) ≥ {threshold:.3f}",
        "pt": "Negado quando P({risk}) ≥ {threshold:.3f}",
    },
    "version": {"en": "Model version", "pt": "Versão do modelo"},
    "against": {"en": "Reasons against", "pt": "Motivos contra"},
    "in_favour": {"en": "In favour", "pt": "A favor"},
    "outside": {
        "en": "Outside what the model was trained on (decided all the same)",
        "pt": "Fora do que o modelo viu no treino (decidido mesmo assim)",
    },
    "fix_fields": {
        "en": "The API refused some fields: see the messages under them.",
        "pt": "A API recusou alguns campos: veja as mensagens abaixo deles.",
    },
    "upload": {
        "en": "A CSV in the profile's raw format",
        "pt": "Um CSV no formato bruto do perfil",
    },
    "scoring": {"en": "Scoring {done} of {total} rows", "pt": "Avaliando {done} de {total} linhas"},
    "scored": {
        "en": "{decided} rows decided, {rejected} rejected",
        "pt": "{decided} linhas decididas, {rejected} recusadas",
    },
    "download": {"en": "Download the scored file", "pt": "Baixar o arquivo avaliado"},
    "bad_csv": {
        "en": "This file cannot be read as CSV: {error}",
        "pt": "Este arquivo não pode ser lido como CSV: {error}",
    },
    "no_fields": {
        "en": "The file has none of the profile's fields.",
        "pt": "O arquivo não tem nenhum campo do perfil.",
    },
    "chosen_model": {"en": "Model", "pt": "Modelo"},
    "threshold_value": {"en": "Decision threshold", "pt": "Limiar de decisão"},
    "metrics": {"en": "Metrics on unseen customers", "pt": "Métricas em clientes não vistos"},
    "plots": {"en": "Training report", "pt": "Relatório de treino"},
}


def text(key: str, language: str, **values: object) -> str:
    """The app's text ``key`` in ``language`` (en or pt), formatted with ``values``."""
    return TEXTS[key][language].format(**values)
