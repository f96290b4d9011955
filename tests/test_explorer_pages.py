"""AppTest: « Carte de France », « Par produit » and « Par pays » open from a shared URL, warn on a wrong one,
keep their parameters in the URL, and open a département."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from lib.analysis import explorers as ex
from lib.core.formatting import format_amount
from lib.ui.selection import _KEYS
from tests.conftest import PROJECT_DIR

MAP, PRODUCT, COUNTRY = "pages/map.py", "pages/product_explorer.py", "pages/country_explorer.py"
PAGE_LINES = (
    '    st.Page("pages/map.py", title="Carte de France", icon=":material/map:", url_path="carte"),\n'
    '    st.Page("pages/product_explorer.py", title="Par produit", icon=":material/category:", '
    'url_path="par-produit"),\n'
    '    st.Page("pages/country_explorer.py", title="Par pays", icon=":material/public:", url_path="par-pays"),\n')


@pytest.fixture(scope="module")
def entry(tmp_path_factory):
    """The real entry point once it registers the three pages; until then, a copy of it that does (next to
    links to lib/ and pages/), keeping the explorers' URL parameters as selection.py is asked to."""
    real = PROJECT_DIR / "streamlit_app.py"
    text = real.read_text(encoding="utf-8")
    if all(page in text for page in (MAP, PRODUCT, COUNTRY)):
        return real
    folder = tmp_path_factory.mktemp("entry")
    for name in ("lib", "pages"):
        (folder / name).symlink_to(PROJECT_DIR / name)
    anchor = '    st.Page("pages/about.py"'
    assert anchor in text
    text = text.replace(anchor, PAGE_LINES + anchor)
    call = 'st.session_state["selection"] = sidebar_selection(data)'
    assert call in text
    text = text.replace(call, (
        "from lib.ui.explorer_state import PARAMS as _P, sync_query_params as _sync\n"
        "_kept = {k: v for k, v in st.query_params.to_dict().items() if k in _P}\n"
        f"{call}\n"
        "_sync({**st.query_params.to_dict(), **_kept})"))
    path = folder / "streamlit_app.py"
    path.write_text(text, encoding="utf-8")
    return path


def _open(entry, page: str, query: dict) -> AppTest:
    at = AppTest.from_file(str(entry), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _param(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def _specs(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _map_spec(at) -> dict:
    return next(s for s in _specs(at) if len(s["layout"].get("shapes", [])) >= 101)


def _warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


# ---------------------------------------------------------------- Par produit

def test_product_page_opens_from_a_shared_url(entry, app_data):
    at = _open(entry, PRODUCT, {"territoire": "dep:04", "annee": "2024", "produit": "C20B"})
    assert at.title[0].value == "Par produit"
    assert at.selectbox(key="explorer_product").value == "C20B"
    summary = ex.product_summary(app_data.cube, "C20B", 2024)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Exportations françaises"] == format_amount(summary["exports"])
    spec = _map_spec(at)
    assert all(t["type"] == "scatter" for t in spec["data"]) and "geo" not in spec["layout"]
    assert len(at.get("plotly_chart")) == 3                   # map, partners, trend
    assert _param(at, "produit") == "C20B" and _param(at, "territoire") == "dep:04"
    assert not at.warning


def test_product_page_warns_on_an_unknown_product(entry, app_data):
    at = _open(entry, PRODUCT, {"territoire": "dep:04", "annee": "2024", "produit": "ZZZ"})
    text = _warnings(at)
    assert "Paramètre « produit » de l'adresse non reconnu (« ZZZ »)" in text
    default = ex.default_product(app_data.cube, 2024, app_data.catalog.resolve("dep:04"))   # 04's first product
    assert at.selectbox(key="explorer_product").value == default
    assert f"{default} –" in text                             # « Affichage de C20B – … à la place »
    assert _param(at, "produit") == default


def test_product_choice_rewrites_the_url(entry):
    at = _open(entry, PRODUCT, {"territoire": "fr", "annee": "2024", "produit": "c20b"})  # any case
    assert at.selectbox(key="explorer_product").value == "C20B"
    at.selectbox(key="explorer_product").set_value("C21Z").run()
    assert not at.exception
    assert _param(at, "produit") == "C21Z" and _param(at, "territoire") == "fr"
    at.radio(key="product_map_flow").set_value("imports").run()
    assert not at.exception


# ---------------------------------------------------------------- Par pays

def test_country_page_opens_from_a_shared_url(entry, app_data):
    at = _open(entry, COUNTRY, {"territoire": "reg:93", "annee": "2024", "pays": "US"})
    assert at.title[0].value == "Par pays"
    assert at.selectbox(key="explorer_country").value == "US"
    summary = ex.country_summary(app_data.cube, "US", 2024)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Exportations françaises"] == format_amount(summary["exports"])
    assert len(at.get("plotly_chart")) == 3                   # map, products both ways, trend
    assert _param(at, "pays") == "US" and _param(at, "territoire") == "reg:93"
    at.radio(key="country_map_kind").set_value("exposure").run()
    assert not at.exception
    assert "Part des exportations vers les États-Unis" in json.dumps(_map_spec(at), ensure_ascii=False)


def test_country_page_warns_on_an_unknown_country(entry, app_data):
    at = _open(entry, COUNTRY, {"territoire": "dep:04", "annee": "2024", "pays": "<b>ZZ</b>"})
    text = _warnings(at)
    assert "Paramètre « pays » de l'adresse non reconnu" in text and "<b>" not in text
    default = ex.default_partner(app_data.cube, 2024, app_data.catalog.resolve("dep:04"))
    assert at.selectbox(key="explorer_country").value == default and _param(at, "pays") == default


# ---------------------------------------------------------------- Carte de France

@pytest.mark.parametrize("query, picker, kind", [
    ({"indicateur": "exportations"}, None, "exports"), ({"indicateur": "solde"}, None, "balance"),
    ({"indicateur": "couverture"}, None, "coverage"), ({"indicateur": "importations"}, None, "imports"),
    ({"indicateur": "exposition", "pays": "US"}, "map_country", "exposure"),
    ({"indicateur": "poids-produit", "produit": "C20B"}, "map_product", "product_share"),
    # the first English values stay accepted (older links), and the URL is rewritten in French
    ({"indicateur": "exports"}, None, "exports"), ({"indicateur": "coverage"}, None, "coverage"),
    ({"indicateur": "product_share", "produit": "C20B"}, "map_product", "product_share")])
def test_map_page_for_every_indicator(entry, query, picker, kind):
    from lib.ui.explorer_state import INDICATOR_WORDS
    at = _open(entry, MAP, {"territoire": "reg:93", "annee": "2024", **query})
    assert at.title[0].value == "Carte de France"
    assert at.selectbox(key="map_indicator").value == kind
    spec = _map_spec(at)
    outlined = [s for s in spec["layout"]["shapes"]
                if s.get("fillcolor") == "rgba(0,0,0,0)" and not s.get("line", {}).get("dash")]
    assert len(outlined) == 6                                 # the six départements of PACA
    if picker:
        assert at.selectbox(key=picker).value == (query.get("pays") or query.get("produit"))
    assert len(at.dataframe) >= 2                             # top and bottom rankings
    assert _param(at, "indicateur") == INDICATOR_WORDS[kind]
    assert not at.warning


def _map_values(at) -> tuple[str, list]:
    """The map's colour-bar title and the value each tile shows on hover."""
    spec = _map_spec(at)
    bar = next(t for t in spec["data"] if (t.get("marker") or {}).get("showscale"))
    tiles = next(t for t in spec["data"] if t.get("customdata"))
    return bar["marker"]["colorbar"]["title"]["text"], [row[2] for row in tiles["customdata"]]


def test_map_follows_every_choice_although_built_once_per_choice(entry):
    """The map and its tables are cached per choice (indicator, country, product, territory, year): each choice
    shows its own values, and coming back to one shows it again."""
    at = _open(entry, MAP, {"territoire": "dep:04", "annee": "2024", "indicateur": "exports"})
    exports = _map_values(at)
    at.selectbox(key="map_indicator").set_value("imports").run()
    imports = _map_values(at)
    assert imports[0] != exports[0] and imports[1] != exports[1]
    at.selectbox(key="map_indicator").set_value("exposure").run()
    at.selectbox(key="map_country").set_value("US").run()
    united_states = _map_values(at)
    at.selectbox(key="map_country").set_value("DE").run()
    germany = _map_values(at)
    assert "Allemagne" in germany[0] and germany[1] != united_states[1]
    at.selectbox(key="map_indicator").set_value("exports").run()
    assert _map_values(at) == exports
    at.selectbox(key=_KEYS["year"]).set_value(2023).run()
    assert not at.exception, at.exception
    assert _param(at, "annee") == "2023" and _map_values(at)[1] != exports[1]


def test_map_page_warns_on_a_wrong_indicator_and_drops_unused_parameters(entry):
    at = _open(entry, MAP, {"territoire": "dep:04", "annee": "2024", "indicateur": "population", "pays": "US"})
    assert "Paramètre « indicateur » de l'adresse non reconnu (« population »)" in _warnings(at)
    assert "exportations, importations, solde, couverture, exposition, poids-produit" in _warnings(at)
    assert "exports" not in _warnings(at) and "product_share" not in _warnings(at)
    assert at.selectbox(key="map_indicator").value == "exports"
    assert _param(at, "pays") is None                         # only the exposure map uses a country


def test_map_opens_a_department(entry):
    at = _open(entry, MAP, {"territoire": "dep:04", "annee": "2024", "indicateur": "exports"})
    at.selectbox(key="map_open").set_value("13").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Vue d'ensemble"
    assert any("Bouches-du-Rhône — 2024" in m.value for m in at.markdown)
    assert _param(at, "territoire") == "dep:13" and _param(at, "annee") == "2024"


# ---------------------------------------------------------------- defaults that fit the territory (issue 14, 11)

def test_explorers_and_map_open_on_the_territorys_own_choices(entry, app_data):
    territory = app_data.catalog.resolve("dep:04")
    product = ex.default_product(app_data.cube, 2024, territory)
    departments = ex.matrix(app_data.cube, 2024, "export", "department", "product").loc[["04"]].sum()
    assert product == departments.idxmax() and product != ex.top_code(app_data.cube, 2024, "product")
    at = _open(entry, PRODUCT, {"territoire": "dep:04", "annee": "2024"})
    assert at.selectbox(key="explorer_product").value == product        # not France's aeronautics
    assert at.slider(key="product_partner_count").value == 10 and at.slider(key="product_partner_count").min == 5
    at = _open(entry, MAP, {"territoire": "dep:976", "annee": "2024", "indicateur": "exposure"})
    # the map's exposure starts where the exposure page does: Mayotte's first partner outside the EU
    assert at.selectbox(key="map_country").value == ex.default_exposure_country(
        app_data.cube, 2024, app_data.catalog.resolve("dep:976")) == "KM"

