"""AppTest, issue 14 items 3, 4, 6 and 7: the pages' choices live in the URL and reach the dossier and the
Word sheet; the comparison's limit is said in French; the colour-blind palette is a URL parameter; a new
type of territory opens the one containing the current territory."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_DIR

COMPARISON, EXPOSURE, OVERVIEW, EXPORTS = ("pages/comparison.py", "pages/exposure.py", "pages/overview.py",
                                           "pages/exports.py")
DOSSIER = "dossier_dep-04_alpes-de-haute-provence_2024.xlsx"


def _app(query: dict, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def _param(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def _warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


@pytest.fixture
def captured_downloads(monkeypatch) -> dict:
    from tests.test_downloads_app import capture_downloads
    return capture_downloads(monkeypatch)


@pytest.fixture
def tables_only(monkeypatch):
    """Dossier and fiche without pictures (no kaleido): the test reads their tables."""
    from lib.outputs import chart_images
    monkeypatch.setattr(chart_images, "chrome_available", lambda: False)


def _dossier_cells(captured, sheet: str) -> list[str]:
    workbook = load_workbook(io.BytesIO(captured[DOSSIER]()))
    return [str(c.value) for row in workbook[sheet].iter_rows() for c in row if c.value is not None]


# ---------------------------------------------------------------- item 3: Exposition's country

def test_exposure_country_goes_into_the_url_survives_a_page_change_and_fills_the_dossier(captured_downloads,
                                                                                        tables_only):
    at = _app({"territoire": "dep:04", "annee": "2024"}, EXPOSURE)
    assert at.selectbox(key="exposure_country").value == "US" and _param(at, "pays") is None
    at.selectbox(key="exposure_country").set_value("DE").run()
    assert _param(at, "pays") == "DE"
    assert any("Allemagne" in json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
               for c in at.get("plotly_chart"))
    cells = _dossier_cells(captured_downloads, "Exposition pays")
    assert any("Allemagne" in c for c in cells) and not any("États-Unis" in c for c in cells)
    at.switch_page(OVERVIEW).run()            # leaving the page drops the widget; the choice stays
    at.switch_page(EXPOSURE).run()
    assert at.selectbox(key="exposure_country").value == "DE" and _param(at, "pays") == "DE"


def test_exposure_country_opens_from_a_link_and_a_wrong_one_warns_in_french():
    at = _app({"territoire": "dep:04", "annee": "2024", "pays": "it"}, EXPOSURE)
    assert at.selectbox(key="exposure_country").value == "IT"
    wrong = _app({"territoire": "dep:04", "annee": "2024", "pays": "ZZ"}, EXPOSURE)
    assert "Paramètre « pays » de l'adresse non reconnu (« ZZ »)" in _warnings(wrong)
    assert wrong.selectbox(key="exposure_country").value == "US"


# ---------------------------------------------------------------- items 3 and 4: Comparaison's départements

def test_compared_departements_in_the_url_in_the_dossier_and_limited_in_french(captured_downloads, tables_only):
    at = _app({"territoire": "dep:04", "annee": "2024", "departements": "75,69"}, COMPARISON)
    box = at.multiselect(key="cmp_departments")
    assert box.value == ["75", "69"] and box.proto.placeholder == "Choisir des départements…"
    assert box.proto.max_selections == 0            # no English « You can only select up to 6 options »
    cells = _dossier_cells(captured_downloads, "Comparaison départements")
    assert any("Paris" in c for c in cells) and not any("Bouches-du-Rhône" in c for c in cells)
    box.set_value(["75", "69", "13", "06", "83", "05", "84"]).run()
    assert at.multiselect(key="cmp_departments").value == ["75", "69", "13", "06", "83", "05"]
    assert "6 départements au plus" in _warnings(at)
    assert _param(at, "departements") == "75,69,13,06,83,05"


def test_default_choices_stay_out_of_the_url():
    at = _app({"territoire": "dep:04", "annee": "2024"}, COMPARISON)
    assert _param(at, "departements") is None and _param(at, "flux") is None
    at.radio(key="spec_flow").set_value("import").run()
    assert _param(at, "flux") == "importations"


def test_a_new_territory_gets_its_own_default_departements_unless_some_were_chosen():
    """The compared départements were never chosen: another territory compares with its own région's, and no
    « departements » enters the URL; a choice the user made stays when the territory changes."""
    at = _app({"territoire": "dep:13", "annee": "2024"}, COMPARISON)
    assert at.multiselect(key="cmp_departments").value[0] == "13"
    territory = next(s for s in at.sidebar.selectbox if s.label.startswith("Territoire"))
    territory.set_value("dep:59").run()
    assert not at.exception, at.exception
    compared = at.multiselect(key="cmp_departments").value
    assert compared[0] == "59" and set(compared) <= {"59", "02", "60", "62", "80"}   # Nord and its région's
    assert _param(at, "departements") is None
    at.multiselect(key="cmp_departments").set_value(["75", "69"]).run()
    territory = next(s for s in at.sidebar.selectbox if s.label.startswith("Territoire"))
    territory.set_value("dep:04").run()
    assert at.multiselect(key="cmp_departments").value == ["75", "69"]
    assert _param(at, "departements") == "75,69"


def test_balance_count_is_in_the_url_and_in_the_word_sheet(captured_downloads, tables_only, monkeypatch):
    from lib.outputs import fiche_docx
    seen = {}
    original = fiche_docx.report_items
    monkeypatch.setattr(fiche_docx, "report_items",
                        lambda *a, **k: seen.setdefault("choices", k.get("choices")) and original(*a, **k)
                        or original(*a, **k))
    at = _app({"territoire": "dep:04", "annee": "2024", "nb_pays": "15"})
    assert at.slider(key="balance_count").value == 15
    fiche = captured_downloads["fiche_dep-04_alpes-de-haute-provence_2024.docx"]
    fiche()
    assert seen["choices"].balance_partners == 15
    at.slider(key="balance_count").set_value(10).run()
    assert _param(at, "nb_pays") is None                      # back to the default: out of the URL


# ---------------------------------------------------------------- item 6: the palette in the URL

def test_colour_blind_palette_is_a_url_parameter():
    at = _app({"territoire": "dep:04", "annee": "2024"})
    assert at.toggle(key="sel_palette").value is False and _param(at, "couleurs") is None
    at.toggle(key="sel_palette").set_value(True).run()
    assert _param(at, "couleurs") == "daltonien"
    reopened = _app({"territoire": "dep:04", "annee": "2024", "couleurs": "daltonien"}, EXPORTS)
    assert reopened.toggle(key="sel_palette").value is True
    assert _param(reopened, "couleurs") == "daltonien"
    wrong = _app({"territoire": "dep:04", "annee": "2024", "couleurs": "rose"})
    assert "Paramètre « couleurs » de l'adresse non reconnu (« rose »)" in _warnings(wrong)
    assert wrong.toggle(key="sel_palette").value is False


# ---------------------------------------------------------------- item 7: the type switch

def test_changing_the_type_of_territory_opens_the_containing_ones(app_data):
    from lib.data.territory_links import industry_territories_containing
    from lib.data.territories import department
    at = _app({"territoire": "dep:04", "annee": "2024"})
    at.selectbox(key="sel_kind").set_value("reg").run()
    assert at.selectbox(key="sel_territory").value == "reg:93" and _param(at, "territoire") == "reg:93"
    at = _app({"territoire": "dep:04", "annee": "2024"})
    at.selectbox(key="sel_kind").set_value("ti").run()
    expected = industry_territories_containing(app_data.catalog, department("04"))[0]
    assert at.selectbox(key="sel_territory").value == expected.id
    at.selectbox(key="sel_kind").set_value("dep").run()
    assert at.selectbox(key="sel_territory").value == f"dep:{expected.departments[0]}"
