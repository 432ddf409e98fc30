"""The analysts' app: ``make ui`` (after ``make run``), or the ``ui`` service of Compose.

Three pages: one applicant (a form per profile, read from the API's schema, each seed
example one click away, the answer as a card with its reasons), a file (a CSV in a
profile's raw format scored through /predict/batch, with a progress bar, and the scored file
to download) and the model (its metrics and training report's plots). The API's address and
key come from CREDIT_UI_API_URL and CREDIT_UI_API_KEY (or data/dev_api_key), and can be
changed in the sidebar.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from credit_scoring.ui.api import BATCH_RECORDS, ApiClient, ApiError
from credit_scoring.ui.form import (
    FormField,
    examples,
    form_fields,
    record_of,
    served_profiles,
    widget_values,
)
from credit_scoring.ui.texts import text

DEV_KEY_FILE = Path("data/dev_api_key")  # what `make run` made for this checkout
COLOURS = {"APROVADO": "green", "NEGADO": "red"}


def _default_key() -> str:
    key = os.environ.get("CREDIT_UI_API_KEY")
    if key:
        return key
    return DEV_KEY_FILE.read_text().strip() if DEV_KEY_FILE.is_file() else ""


def sidebar() -> tuple[ApiClient, str, str]:
    """The client, the language and the page the person chose."""
    language = st.sidebar.radio(
        "Idioma / Language",
        ["pt", "en"],
        horizontal=True,
        key="language",
        format_func=lambda code: {"pt": "Português", "en": "English"}[code],
    )
    url = st.sidebar.text_input(
        text("api_url", language),
        os.environ.get("CREDIT_UI_API_URL", "http://127.0.0.1:8000"),
        key="api_url",
    )
    key = st.sidebar.text_input(
        text("api_key", language), _default_key(), type="password", key="api_key"
    )
    pages = ["decide", "batch", "model"]
    page = st.sidebar.radio(
        text("page", language), pages, key="page", format_func=lambda p: text(p, language)
    )
    return ApiClient(url, key), language, page


def _widget_key(profile: str, name: str) -> str:
    return f"field.{profile}.{name}"


def fill(profile: str, fields: list[FormField], record: dict[str, Any]) -> None:
    """Put a record's values into the form's widgets."""
    for name, value in widget_values(fields, record).items():
        if isinstance(value, tuple):
            st.session_state[_widget_key(profile, name) + ".years"] = value[0]
            st.session_state[_widget_key(profile, name) + ".months"] = value[1]
        else:
            st.session_state[_widget_key(profile, name)] = value
    st.session_state.pop(f"errors.{profile}", None)


def widget(field: FormField, profile: str, language: str, error: str | None) -> Any:
    """The input of one field; the API's message under it when it refused the value."""
    key = _widget_key(profile, field.name)
    label = field.label.get(language, field.name)
    if not field.required:
        label += f" ({text('optional', language)})"
    value: Any
    if field.widget == "years_months":
        years, months = st.columns(2)
        most = int((field.maximum or 600) // 12)
        value = (
            years.number_input(f"{label}: {text('years', language)}", 0, most, key=key + ".years"),
            months.number_input(text("months", language), 0, 11, key=key + ".months"),
        )
    elif field.widget == "loans":
        value = st.multiselect(label, list(field.choices + field.unknown), key=key)
    elif field.widget == "choice":
        options = list(field.choices) if field.required else [None, *field.choices]
        value = st.selectbox(label, options, key=key, help=field.description)
    else:
        integer = field.widget == "integer"
        value = st.number_input(
            label,
            min_value=_bound(field.minimum, integer),
            max_value=_bound(field.maximum, integer),
            step=1 if integer else None,
            key=key,
            help=field.description,
        )
    if error:
        st.markdown(f":red[{error}]")
    return value


def _bound(limit: float | None, integer: bool) -> float | int | None:
    if limit is None:
        return None
    return int(limit) if integer else float(limit)


def decide_page(client: ApiClient, spec: dict[str, Any], language: str) -> None:
    """One applicant: a profile's form, its examples, the answer as a card."""
    profile = st.selectbox(text("profile", language), served_profiles(spec), key="profile")
    fields = form_fields(spec, profile)
    seeds = examples(spec, profile)
    if f"filled.{profile}" not in st.session_state and seeds:
        fill(profile, fields, next(iter(seeds.values())))  # sensible defaults: a seed
        st.session_state[f"filled.{profile}"] = True
    buttons = st.columns(max(len(seeds), 1))
    for column, (name, record) in zip(buttons, seeds.items()):
        if column.button(f"{text('fill', language)}: {name}", key=f"fill.{profile}.{name}"):
            fill(profile, fields, record)
            st.rerun()
    errors: dict[str, str] = st.session_state.get(f"errors.{profile}", {})
    form_side, answer_side = st.columns([3, 2], gap="large")
    with form_side, st.form(f"form.{profile}"):
        halves = st.columns(2)
        values = {}
        for index, field in enumerate(fields):
            with halves[index % 2]:
                values[field.name] = widget(field, profile, language, errors.get(field.name))
        submitted = st.form_submit_button(text("submit", language), type="primary")
    with answer_side:
        if submitted:
            submit(client, profile, record_of(fields, values), language)
        answer = st.session_state.get(f"answer.{profile}")
        if answer is not None:
            card(answer, language)


def submit(client: ApiClient, profile: str, record: dict[str, Any], language: str) -> None:
    """Ask for a decision; keep the answer, or the fields the API refused (shown under
    them on the rerun), or say what failed."""
    try:
        st.session_state[f"answer.{profile}"] = client.predict(profile, record)
        st.session_state.pop(f"errors.{profile}", None)
    except ApiError as error:
        st.session_state.pop(f"answer.{profile}", None)
        if error.kind == "invalid" and error.fields:
            st.session_state[f"errors.{profile}"] = error.fields
            st.error(text("fix_fields", language) + " " + error.message)
            st.rerun()
        st.error(error.message)


def card(answer: dict[str, Any], language: str) -> None:
    """The decision as a card: decision in colour, class, probabilities, threshold, model
    version, reasons, and the fields outside what the model was trained on."""
    decision = answer["decision"]
    risk = next(
        (name for name, p in answer["probabilities"].items() if p == answer["risk_probability"]),
        "risk",
    )
    with st.container(border=True):
        st.markdown(f"## :{COLOURS.get(decision, 'gray')}[{text(decision, language)}]")
        st.metric(text("credit_class", language), answer["credit_class"])
        st.caption(text("threshold", language, risk=risk, threshold=answer["decision_threshold"]))
        st.caption(f"{text('version', language)}: `{answer['model_version']}`")
        st.markdown(f"**{text('probabilities', language)}**")
        st.bar_chart(pd.Series(answer["probabilities"], name=text("probabilities", language)))
        reasons(answer.get("explanation"), language)
        if answer["outside_training_range"]:
            st.warning(
                f"{text('outside', language)}: {', '.join(answer['outside_training_range'])}"
            )


def reasons(explanation: dict[str, Any] | None, language: str) -> None:
    """The fields against and in favour, in the person's language."""
    if not explanation:
        return
    for part, colour in (("against", "red"), ("in_favour", "green")):
        listed = explanation.get(part) or []
        if listed:
            st.markdown(f"**{text(part, language)}**")
        for reason in listed:
            value = "—" if reason["value"] is None else reason["value"]
            st.markdown(
                f"- :{colour}[{reason['message'][language]}] "
                f"({reason['label'][language]}: {value}; {reason['contribution']:+.2f})"
            )


def batch_page(client: ApiClient, spec: dict[str, Any], language: str) -> None:
    """A file: its rows scored through /predict/batch, a progress bar, the scored file."""
    profile = st.selectbox(text("profile", language), served_profiles(spec), key="batch.profile")
    upload = st.file_uploader(text("upload", language), type=["csv"], key="batch.file")
    if upload is None:
        return
    try:
        frame = pd.read_csv(upload, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as error:
        st.error(text("bad_csv", language, error=str(error)[:200]))
        return
    fields = form_fields(spec, profile)
    known = {f.name for f in fields} | {f.alias for f in fields if f.alias}
    columns = [name for name in frame.columns if name in known]
    if not columns:
        st.error(text("no_fields", language))
        return
    records = [
        {str(name): value for name, value in row.items() if value != ""}
        for row in frame[columns].to_dict(orient="records")
    ]
    try:
        results = score_in_batches(client, profile, records, language)
    except ApiError as error:
        st.error(error.message)
        return
    scored = frame.assign(**scored_columns(results))
    rejected = int((scored["status"] == "rejected").sum())
    st.success(text("scored", language, decided=len(scored) - rejected, rejected=rejected))
    st.dataframe(scored.head(100))
    st.download_button(
        text("download", language),
        scored.to_csv(index=False).encode(),
        file_name=f"scored-{upload.name}",
        mime="text/csv",
    )


def score_in_batches(
    client: ApiClient, profile: str, records: list[dict[str, Any]], language: str
) -> list[dict[str, Any]]:
    """Every record's result, asked for ``BATCH_RECORDS`` at a time behind a progress bar."""
    progress = st.progress(0.0)
    results: list[dict[str, Any]] = []
    for start in range(0, len(records), BATCH_RECORDS):
        answer = client.predict_batch(profile, records[start : start + BATCH_RECORDS])
        results += answer["results"]
        done = len(results)
        progress.progress(
            done / len(records), text=text("scoring", language, done=done, total=len(records))
        )
    return results


def scored_columns(results: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The results as the columns added to the file."""

    def errors(result: dict[str, Any]) -> str:
        fields = result.get("fields") or []
        return "; ".join(f"{f['field'].split('.')[-1]}: {f['message']}" for f in fields)

    return {
        "status": [r["status"] for r in results],
        "decision": [r.get("decision", "") for r in results],
        "credit_class": [r.get("credit_class", "") for r in results],
        "risk_probability": [r.get("risk_probability") for r in results],
        "decision_id": [r.get("decision_id", "") for r in results],
        "errors": [errors(r) for r in results],
    }


def model_page(client: ApiClient, spec: dict[str, Any], language: str) -> None:
    """The model in service: what it is, its metrics, its training report's plots."""
    profile = st.selectbox(text("profile", language), served_profiles(spec), key="model.profile")
    model = client.model(profile)
    st.markdown(
        f"**{text('version', language)}**: `{model['version']}`  \n"
        f"**{text('chosen_model', language)}**: `{model['model']['chosen']}` "
        f"({model['training_data']['kind']})  \n"
        f"**{text('threshold_value', language)}**: {model['decision_threshold']:.3f} "
        f"({model['risk_class']})"
    )
    st.caption(model["explanations"])
    test = {k: v for k, v in model["metrics"].get("test", {}).items() if isinstance(v, float)}
    st.markdown(f"**{text('metrics', language)}**")
    st.dataframe(pd.Series(test, name=profile).round(4))
    st.markdown(f"**{text('plots', language)}**")
    columns = st.columns(2)
    for index, name in enumerate(model.get("report_plots", [])):
        columns[index % 2].image(client.plot(profile, name), caption=name)


PAGES = {"decide": decide_page, "batch": batch_page, "model": model_page}


def main() -> None:
    """The page chosen, or what stops it: an unreachable API, a refused key."""
    st.set_page_config(page_title="Credit decisions", layout="wide")
    client, language, page = sidebar()
    st.title(text("title", language))
    try:
        spec = client.openapi()
        if not served_profiles(spec):
            raise ApiError("refused", f"{client.url} serves no credit profile.")
        PAGES[page](client, spec, language)
    except ApiError as error:
        st.error(error.message)


main()
