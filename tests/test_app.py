"""AppTest: every page for a département, a Territoire d'industrie, a région and France."""
from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from lib.core.formatting import format_amount, format_percent
from lib.analysis.indicators import partner_balance
from lib.data.reference.countries import country_name
from lib.analysis.summary import territory_summary
from tests.conftest import PROJECT_DIR

PAGES = ["pages/overview.py", "pages/exports.py", "pages/imports.py", "pages/comparison.py", "pages/exposure.py",
         "pages/about.py"]
RED = re.compile(r"rgba?\((2[0-9]{2}|1[5-9][0-9]), ?([0-9]{1,2}|1[0-2][0-9]), ?([0-9]{1,2}|1[0-2][0-9])")


def _app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _specs(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _plain(markdown_value: str) -> str:
    return re.sub(r"^:[a-z]+\[(.*)\]$", r"\1", markdown_value)


@pytest.fixture(scope="module")
def territories(app_data):
    ti = sorted(app_data.catalog.industry_territories.values(), key=lambda t: -len(t.departments))[0]
    return {"dep": "dep:04", "ti": ti.id, "reg": "reg:93", "fr": "fr"}


@pytest.mark.parametrize("kind", ["dep", "ti", "reg", "fr"])
def test_every_page_renders_with_the_summary_figures(kind, territories, app_data):
    territory_id = territories[kind]
    at = _app({"territoire": territory_id, "annee": "2024"})
    assert not at.exception, at.exception
    summary = territory_summary(app_data.cube, app_data.catalog.resolve(territory_id), 2024)
    metrics = {m.label: _plain(m.value) for m in at.metric}
    assert metrics["Exportations"] == format_amount(summary["exports"])
    assert metrics["Importations"] == format_amount(summary["imports"])
    assert metrics["Solde commercial"] == format_amount(summary["balance"])
    if summary["share_of_region"]:
        assert metrics["Part de la région (export)"] == format_percent(summary["share_of_region"]["exports"])
    shown = {c for spec in _specs(at) for trace in spec["data"] if isinstance(trace.get("y"), list)
             for c in trace["y"] if isinstance(c, str)}
    partners = partner_balance(app_data.cube, app_data.catalog.resolve(territory_id), 2024)
    assert {country_name(c) for c in partners["country"]} <= shown
    for page in PAGES[1:]:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.query_params["territoire"] == [territory_id] or at.query_params["territoire"] == territory_id


@pytest.mark.parametrize("flow_page, flow", [("pages/exports.py", "export_flows"), ("pages/imports.py", "import_flows")])
def test_sankey_has_top10_autres_and_five_red_links(flow_page, flow, app_data):
    at = _app({"territoire": "dep:04", "annee": "2024"})
    at.switch_page(flow_page).run()
    assert not at.exception
    sankey = next(t for spec in _specs(at) for t in spec["data"] if t["type"] == "sankey")
    labels = sankey["node"]["label"]
    assert len(labels) == 22
    assert sum(bool(re.match(r"^Autres( —|$)", label)) for label in labels) == 2
    colors = sankey["link"]["color"]
    assert sum(bool(RED.match(c)) for c in colors) == 5
    summary = territory_summary(app_data.cube, app_data.catalog.resolve("dep:04"), 2024)
    sentences = " ".join(m.value for m in at.markdown)
    words, key = ("exportations", "exports") if flow == "export_flows" else ("importations", "imports")
    assert f"Total des {words}" in sentences
    assert f"soit {format_percent(summary['share_of_france'][key])} de la valeur" in sentences


@pytest.mark.parametrize("query, expected", [
    ({"territoire": "dep:99"}, "territoire"), ({"territoire": "<script>alert(1)</script>"}, "territoire"),
    ({"territoire": "dep:04", "annee": "1900"}, "annee"), ({"annee": "abc'; DROP"}, "annee")])
def test_wrong_url_parameters_warn_and_fall_back(query, expected):
    at = _app(query)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(f"« {expected} »" in w for w in warnings), warnings
    assert "<script>" not in " ".join(warnings)
    assert at.metric[0].value  # the default view is drawn


def test_changing_territory_updates_url_and_figures(app_data):
    at = _app({"territoire": "dep:04", "annee": "2024"})
    at.selectbox(key="sel_territory").set_value("dep:75").run()
    assert not at.exception
    assert at.query_params["territoire"] in ("dep:75", ["dep:75"])
    summary = territory_summary(app_data.cube, app_data.catalog.resolve("dep:75"), 2024)
    assert _plain(at.metric[0].value) == format_amount(summary["exports"])
    at.switch_page("pages/exports.py").run()
    assert at.query_params["territoire"] in ("dep:75", ["dep:75"])
    assert any("Paris" in m.value for m in at.markdown)
    at.selectbox(key="sel_year").set_value(2023).run()
    assert at.query_params["annee"] in ("2023", ["2023"])


def test_tiny_territory_renders_a_message_not_a_broken_chart():
    at = _app({"territoire": "dep:976", "annee": "2024"})
    assert not at.exception
    at.switch_page("pages/exports.py").run()
    assert not at.exception

