"""The app's pages driven by Streamlit's AppTest against the real API: forms built from the
API's schema, seed examples one click away, the decision card with its reasons, the API's
field errors under the fields, a refused key and an unreachable API said as such, a file
scored, the model page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from credit_scoring.profiles import CARD_DEFAULT
from credit_scoring.ui.api import ApiClient, ApiError
from tests.helpers import API_KEY, LiveServer

APP = Path(__file__).resolve().parents[2] / "src/credit_scoring/ui/app.py"


@pytest.fixture
def app(api: LiveServer, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CREDIT_UI_API_URL", api.url)
    monkeypatch.setenv("CREDIT_UI_API_KEY", API_KEY)
    page = AppTest.from_file(str(APP), default_timeout=60)
    return page.run()


def _text(page: AppTest) -> str:
    return "\n".join(str(m.value) for m in [*page.markdown, *page.error, *page.success])


def test_the_form_comes_from_the_api_schema(app: AppTest) -> None:
    assert not app.exception, app.exception
    assert app.selectbox(key="profile").options == ["credit_score", "card_default"]
    age = app.number_input(key="field.credit_score.Age")
    assert (age.min, age.max, age.label) == (14, 100, "Idade")  # Portuguese by default
    app.radio(key="language").set_value("en").run()
    assert app.number_input(key="field.credit_score.Age").label == "Age"
    years = app.number_input(key="field.credit_score.Credit_History_Age.years").value
    months = app.number_input(key="field.credit_score.Credit_History_Age.months").value
    assert (years, months) == (16, 8)  # the English seed's 200 months


def test_a_seed_example_fills_the_form_and_is_decided_on_a_card(app: AppTest) -> None:
    app.button(key="fill.credit_score.portuguese").click().run()
    assert app.number_input(key="field.credit_score.Age").value == 30
    app.button[-1].click().run()  # the form's submit button
    assert not app.exception, app.exception
    text = _text(app)
    assert "APROVADO" in text or "NEGADO" in text
    assert "Motivos contra" in text or "A favor" in text  # the reasons, in Portuguese


def test_the_apis_field_errors_show_under_the_fields(api: LiveServer, app: AppTest) -> None:
    record = dict(CARD_DEFAULT.examples["card"]["data"], LIMIT_BAL=0)
    with pytest.raises(ApiError) as refused:
        ApiClient(api.url, API_KEY).predict("card_default", record)
    assert refused.value.kind == "invalid" and "LIMIT_BAL" in refused.value.fields
    app.session_state["errors.credit_score"] = {"Age": refused.value.fields["LIMIT_BAL"]}
    app.run()
    assert refused.value.fields["LIMIT_BAL"] in _text(app)


@pytest.mark.parametrize(
    "setting,value,said",
    [
        ("api_key", "not-the-key", "The API refused the key"),
        ("api_url", "http://127.0.0.1:9", "cannot be reached"),
    ],
)
def test_a_refused_key_or_an_unreachable_api_is_said_as_such(
    app: AppTest, setting: str, value: str, said: str
) -> None:
    app.text_input(key=setting).set_value(value).run()
    if app.button:  # the form is there (the schema is public): submit it
        app.button[-1].click().run()
    assert not app.exception, app.exception
    assert said in _text(app)


def test_a_file_is_scored_and_offered_back(app: AppTest, uci_sample: Path) -> None:
    rows = pd.read_csv(uci_sample, dtype=str).head(30)
    rows.loc[3, "LIMIT_BAL"] = "-5"  # a row the API refuses, alone
    app.radio(key="page").set_value("batch").run()
    app.selectbox(key="batch.profile").set_value("card_default").run()
    app.file_uploader(key="batch.file").set_value(
        ("clients.csv", rows.to_csv(index=False).encode(), "text/csv")
    ).run()
    assert not app.exception, app.exception
    assert "29 linhas decididas, 1 recusadas" in _text(app)
    scored: Any = app.dataframe[0].value
    assert list(scored["status"]).count("rejected") == 1
    assert "LIMIT_BAL" in scored.loc[3, "errors"]


def test_the_model_page_shows_metrics_and_plots(app: AppTest) -> None:
    app.radio(key="page").set_value("model").run()
    assert not app.exception, app.exception
    kinds = [getattr(node, "type", "") for node in app.main]
    assert kinds.count("image") == 4  # the training report's four plots
    assert "`credit_score-" in _text(app)  # the version in service
    assert len(app.dataframe[0].value) > 5  # the test metrics
