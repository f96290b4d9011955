"""A territory that no longer exists in the data in service (issue 20 item 4): the page says so in its main
area, shows the nearest territory with the sidebar on that same territory, and offers the choices left;
never a silent switch to the Alpes-de-Haute-Provence under a sidebar still reading « Territoire d'industrie »."""
from __future__ import annotations

import pytest

from lib.core import schema
from lib.data.territories import Territory, TerritoryCatalog
from lib.data.vanished import vanished_territory
from tests.conftest import PROJECT_DIR

TI = Territory(id="ti:TI-X", kind="ti", name="Val d'essai", departments=("05", "04"), regions=("93",))


def test_a_territory_still_known_has_not_vanished():
    catalog = TerritoryCatalog(industry_territories={"TI-X": TI}, ti_source="liste-ti-test.csv")
    assert vanished_territory(catalog, "ti:TI-X", TI) is None
    assert vanished_territory(catalog, "dep:04") is None


def test_without_the_list_the_first_main_department_is_shown_and_the_others_offered():
    gone = vanished_territory(TerritoryCatalog(), "ti:TI-X", TI)
    assert gone.replacement.id == "dep:05"
    assert [t.id for t in gone.choices] == ["dep:04", "reg:93", "fr"]
    assert gone.message.startswith("Ce Territoire d'industrie n'existe plus dans les données en service : "
                                   "« Val d'essai » — les fichiers en service ne comportent pas la liste officielle")
    assert "Les chiffres affichés sont ceux des Hautes-Alpes, son premier département principal" in gone.message


def test_a_list_without_that_territory_names_the_list_and_offers_the_territories_left():
    other = Territory(id="ti:TI-Y", kind="ti", name="Durance nouvelle", departments=("05",), regions=("93",),
                      commune_counts=(("05", 9),))
    catalog = TerritoryCatalog(industry_territories={"TI-Y": other}, ti_source="liste-ti-com2023-2026.csv")
    gone = vanished_territory(catalog, "ti:TI-X", TI)
    assert "la liste des Territoires d'industrie en service (liste-ti-com2023-2026.csv) ne le contient pas" \
        in gone.message
    assert "ti:TI-Y" in [t.id for t in gone.choices]


def test_an_unknown_territory_without_its_former_description_falls_back_to_the_default_department():
    gone = vanished_territory(TerritoryCatalog(), "ti:TI-Z")
    assert gone.replacement.id == "dep:04" and "« ti:TI-Z »" in gone.message
    assert "premier département principal" not in gone.message and gone.choices[-1].id == "fr"


# --------------------------------------------------------------------------- in the app (AppTest)

@pytest.fixture
def demo_then_versions(tmp_path, monkeypatch):
    """The demo (with its fictional TI list) in service first; versions written under tmp_path."""
    import streamlit as st
    if not list(schema.DEMO_DIR.glob("liste-ti-*")):
        pytest.skip("données de démonstration absentes : lancer « python -m lib.cli demo »")
    data = tmp_path / "data"
    for name, value in (("DATA_DIR", data), ("OFFICIAL_DIR", data / "officiel")):
        monkeypatch.setattr(schema, name, value)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield data
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_session_on_a_territoire_d_industrie_is_told_when_real_files_without_the_list_arrive(demo_then_versions):
    from streamlit.testing.v1 import AppTest
    from lib.data.uploads import accept_uploads
    from tests.test_bad_input import KEPT_DEPS, region_zip_bytes
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    at.query_params["territoire"] = "ti:TI-DEMO-001"
    at.run()
    assert not at.exception, at.exception
    assert [m.value for m in at.markdown if m.value.startswith("#### ")][0].startswith("#### Val de Durance")
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS))], actor="test")
    at.switch_page("pages/exports.py").run()
    assert not at.exception, at.exception
    said = [w.value for w in at.warning if "n'existe plus" in w.value]
    assert len(said) == 1 and said[0].startswith(
        "Ce Territoire d'industrie n'existe plus dans les données en service : « Val de Durance (démo) »")
    assert "ceux des Alpes-de-Haute-Provence, son premier département principal" in said[0]
    # the page and the sidebar show the same territory
    assert [m.value for m in at.markdown if m.value.startswith("#### ")][0].startswith("#### Alpes-de-Haute-Provence")
    assert at.selectbox(key="sel_kind").value == "dep" and at.selectbox(key="sel_territory").value == "dep:04"
    assert at.query_params["territoire"] == "dep:04"
    # the choices left: its other main département, its région, France
    at.button(key="vanished_dep:05").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="sel_territory").value == "dep:05"
    assert [m.value for m in at.markdown if m.value.startswith("#### ")][0].startswith("#### Hautes-Alpes")
    assert not [w for w in at.warning if "n'existe plus" in w.value]          # said once



def test_choosing_territoire_d_industrie_without_a_list_says_in_the_page_what_is_shown(demo_then_versions):
    """The sidebar on « Territoire d'industrie » with no list: the main area says whose figures it shows."""
    from streamlit.testing.v1 import AppTest
    from lib.data.uploads import accept_uploads
    from tests.test_bad_input import KEPT_DEPS, region_zip_bytes
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS))], actor="test")
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    at.query_params["territoire"] = "dep:05"
    at.run()
    assert not [i for i in at.main.info if "Aucune liste officielle" in i.value]
    at.selectbox(key="sel_kind").select("ti").run()
    assert not at.exception, at.exception
    said = [i.value for i in at.main.info if "Aucune liste officielle des Territoires d'industrie" in i.value]
    assert len(said) == 1 and said[0].endswith("Les chiffres affichés sont ceux des Hautes-Alpes en attendant.")
    assert [m.value for m in at.markdown if m.value.startswith("#### ")][0].startswith("#### Hautes-Alpes")
    at.selectbox(key="sel_kind").select("dep").run()
    assert not [i for i in at.main.info if "Aucune liste officielle" in i.value]
