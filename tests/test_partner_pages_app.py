"""AppTest, issue 21: « Un pays, plusieurs territoires » and « Droits de douane : exposition » open from a shared
link, draw the registry's items with the right figures, keep their choices in the URL and in the dossier, warn in
French on a wrong parameter; the sidebar finds a Territoire d'industrie by a département's or a région's name."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from lib.core.formatting import format_amount, format_percent
from tests.test_page_choices_app import _app, _param, _warnings

PARTNER, TARIFF = "pages/partner.py", "pages/tariff.py"
TI = "ti:TI-DEMO-065"          # « Vallée du Clairet (démo) »: Meurthe-et-Moselle and Meuse, Grand Est




def _specs(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _values(array) -> list[float]:
    """A trace's numbers: plotly sends numpy arrays as typed arrays ({"dtype", "bdata"})."""
    if isinstance(array, dict):
        import base64
        import numpy as np
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _raw(app_data, year, deps, flow="export", countries=None, products=None) -> float:
    """Straight from the tidy table (pandas filters, not lib.analysis)."""
    table = app_data.result.table
    keep = (table["year"] == year) & (table["flow"].astype(str) == flow) & table["department"].astype(str).isin(deps)
    if countries is not None:
        keep &= table["country"].astype(str).isin(countries)
    if products is not None:
        keep &= table["product"].astype(str).isin(products)
    return float(table.loc[keep, "value_eur"].sum())


@pytest.fixture
def captured_downloads(monkeypatch) -> dict:
    from tests.test_downloads_app import capture_downloads
    return capture_downloads(monkeypatch)


@pytest.fixture
def tables_only(monkeypatch):
    from lib.outputs import chart_images
    monkeypatch.setattr(chart_images, "chrome_available", lambda: False)


# ---------------------------------------------------------------- one partner, several territories

def test_nord_pas_de_calais_somme_to_the_united_states_every_year(app_data):
    at = _app({"territoire": "dep:59", "territoires": "dep:59,dep:62,dep:80", "partenaire": "US"}, PARTNER)
    assert at.title[0].value == "Un pays, plusieurs territoires"
    assert at.multiselect(key="partner_territories").value == ["dep:59", "dep:62", "dep:80"]
    [spec] = _specs(at)
    assert [trace["name"] for trace in spec["data"]] == ["Nord", "Pas-de-Calais", "Somme"]
    for trace, dep in zip(spec["data"], ("59", "62", "80")):
        assert trace["x"] == [str(y) for y in app_data.years]
        assert _values(trace["y"]) == pytest.approx([_raw(app_data, y, [dep], countries=["US"]) for y in app_data.years])
    assert _param(at, "territoires") == "dep:59,dep:62,dep:80"
    latest = app_data.latest_year                          # the sidebar's year: a sentence ranks them that year
    sentence = next(m.value for m in at.markdown if m.value.startswith(f"**En {latest}**"))
    values = {dep: _raw(app_data, latest, [dep], countries=["US"]) for dep in ("59", "62", "80")}
    assert f"Nord {format_amount(values['59'])} ({format_percent(values['59'] / _raw(app_data, latest, ['59']))}" \
        in sentence
    names = {"59": "Nord", "62": "Pas-de-Calais", "80": "Somme"}
    order = [names[d] for d in sorted(values, key=values.get, reverse=True)]
    assert [sentence.index(n) for n in order] == sorted(sentence.index(n) for n in order)
    assert [b.label for b in at.get("download_button")][:2] == ["Télécharger l'image (PNG)",
                                                               "Télécharger le tableau (Excel)"]


def test_partner_choices_in_the_url_and_a_wrong_one_warns(app_data):
    at = _app({"territoire": "dep:59", "partenaire": "ZZ", "territoires": "dep:59,dep:999"}, PARTNER)
    warnings = _warnings(at)
    assert "Paramètre « partenaire » de l'adresse non reconnu (« ZZ »)" in warnings
    assert "Paramètre « territoires » de l'adresse non reconnu" in warnings
    assert at.selectbox(key="partner_partner").value == "US"            # the default
    assert at.multiselect(key="partner_territories").value[0] == "dep:59"
    at.radio(key="partner_flow").set_value("import").run()
    at.selectbox(key="partner_partner").set_value("HORS-UE").run()
    at.selectbox(key="partner_product").set_value("C20B").run()
    assert not at.exception
    assert _param(at, "flux") == "importations" and _param(at, "partenaire") == "HORS-UE"
    assert _param(at, "produit") == "C20B"
    [spec] = _specs(at)
    first = at.multiselect(key="partner_territories").value[0]
    assert _values(spec["data"][0]["y"])[-1] > 0
    assert first == "dep:59"


def test_partner_page_limits_to_eight_territories(app_data):
    at = _app({"territoire": "dep:59"}, PARTNER)
    box = at.multiselect(key="partner_territories")
    box.set_value([f"dep:{d}" for d in ("59", "62", "80", "02", "60", "76", "27", "14", "50")]).run()
    assert len(at.multiselect(key="partner_territories").value) == 8
    assert "8 territoires au plus" in _warnings(at)


# ---------------------------------------------------------------- tariff exposure

def test_tariff_page_for_a_ti_from_a_shared_link(app_data, captured_downloads, tables_only):
    year = 2024
    at = _app({"territoire": TI, "annee": str(year), "taux": "10", "produits": "C29A,C27B"}, TARIFF)
    assert at.title[0].value == "Droits de douane : exposition"
    assert at.number_input(key="tariff_rate").value == 10
    assert at.multiselect(key="tariff_products").value == ["C29A", "C27B"]
    deps = app_data.catalog.resolve(TI).departments
    exposed = _raw(app_data, year, deps, countries=["US"], products=["C29A", "C27B"])
    cards = {m.label: m.value for m in at.metric}
    assert cards["Exportations concernées"] == format_amount(exposed)
    assert cards["Part des exportations"] == format_percent(exposed / _raw(app_data, year, deps))
    assert cards["Droits à 10\u00a0%"] == format_amount(exposed * 0.10)
    region_deps = app_data.catalog.resolve("reg:44").departments
    assert cards["Part pour la région"] == format_percent(
        _raw(app_data, year, region_deps, countries=["US"], products=["C29A", "C27B"]) / _raw(app_data, year, region_deps))
    text = " ".join(m.value for m in at.markdown)
    assert "ordre de grandeur" in text and "report des ventes vers d'autres pays" in text
    assert _param(at, "taux") == "10" and _param(at, "produits") == "C29A,C27B"
    assert len(_specs(at)) == 2                   # products, départements of the région
    # the dossier of the sidebar holds the same choices
    name = next(n for n in captured_downloads if n.startswith("dossier_"))
    workbook = load_workbook(io.BytesIO(captured_downloads[name]()))
    cells = [str(c.value) for row in workbook["Droits produits"].iter_rows() for c in row if c.value is not None]
    assert "C29A" in cells and "C27B" in cells and "C20B" not in cells
    assert any("Droits à 10" in c for c in cells)


def test_tariff_quick_pick_and_wrong_parameters(app_data):
    at = _app({"territoire": "dep:59", "taux": "abc", "pays": "UE"}, TARIFF)
    warnings = _warnings(at)
    assert "Paramètre « taux » de l'adresse non reconnu (« abc »)" in warnings
    assert "Paramètre « pays » de l'adresse non reconnu (« UE »)" in warnings
    assert at.number_input(key="tariff_rate").value == 25 and at.selectbox(key="tariff_country").value == "US"
    assert at.multiselect(key="tariff_products").value == []
    at.button(key="tariff_quick").click().run()
    chosen = at.multiselect(key="tariff_products").value
    table = app_data.result.table
    rows = table[(table["year"] == app_data.latest_year) & (table["flow"].astype(str) == "export")
                 & (table["department"].astype(str) == "59") & (table["country"].astype(str) == "US")]
    top = rows.groupby(rows["product"].astype(str))["value_eur"].sum().sort_values(ascending=False)
    assert chosen == list(top.index[:5])
    assert _param(at, "produits") == ",".join(chosen)
    at.button(key="tariff_all").click().run()
    assert at.multiselect(key="tariff_products").value == [] and _param(at, "produits") is None


def test_a_shared_links_country_reaches_the_dossier_at_once(captured_downloads, tables_only):
    """« pays » is also the exposure's and the explorers' word: on the tariff page, the dossier drawn in the same
    run as the link's arrival already follows it."""
    at = _app({"territoire": "dep:59", "annee": "2024", "pays": "CN", "taux": "30"}, TARIFF)
    assert at.selectbox(key="tariff_country").value == "CN"
    name = next(n for n in reversed(list(captured_downloads)) if n.startswith("dossier_"))
    workbook = load_workbook(io.BytesIO(captured_downloads[name]()))
    cells = [str(c.value) for row in workbook["Droits produits"].iter_rows() for c in row if c.value is not None]
    assert any("vers la Chine exposées à un droit de 30 %" in c for c in cells), cells[:5]


# ---------------------------------------------------------------- finding a TI

@pytest.mark.parametrize("query", ["meurthe", "Grand Est"])
def test_the_sidebar_finds_a_ti_by_a_department_or_a_region(app_data, query):
    from lib.data.reference.departments import region_of
    at = _app({"territoire": "dep:54"})
    at.selectbox(key="sel_kind").set_value("ti").run()
    at.text_input(key="sel_ti_search").input(query).run()
    assert not at.exception
    options = at.selectbox(key="sel_territory").options
    assert 0 < len(options) < len(app_data.catalog.industry_territories)
    found = [t for t in app_data.catalog.industry_territories.values() if t.label in options]
    assert len(found) == len(options)
    if query == "meurthe":
        assert all("54" in [d for d, _ in t.commune_counts] for t in found)
    else:
        assert all("44" in {region_of(d) for d, _ in t.commune_counts} for t in found)
    assert at.selectbox(key="sel_territory").value in {t.id for t in found}
