"""AppTest: the synthesis at the top of the overview and the flow pages; colour words follow the palette."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lib.core.schema import EXPORT
from lib.analysis.synthesis import flow_synthesis, overview_synthesis
from lib.ui.synthesis_block import copy_button_html
from tests.conftest import PROJECT_DIR


def _app(query: dict) -> AppTest:
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


def test_overview_and_flow_pages_open_on_the_synthesis(app_data):
    at = _app({"territoire": "dep:04", "annee": "2024"})
    assert not at.exception, at.exception
    territory = app_data.catalog.resolve("dep:04")
    expected = overview_synthesis(app_data.cube, territory, 2024)
    markdown = [m.value.replace("\\", "") for m in at.markdown]
    assert expected.text in markdown
    # the paragraph comes before the key-figure cards' page content (first markdown after the header)
    assert markdown.index(expected.text) < min(i for i, m in enumerate(markdown) if "Clé de lecture" in m)
    assert not at.table and not at.dataframe   # the figures it quotes: built only once their box is opened
    at.session_state["synthesis_figures_overview"] = True
    at.run()
    labels = [label.replace("\\", "") for label in at.table[0].value["Indicateur"]]   # shown as plain text
    assert "Rang à l'export (sur 101 départements)" in labels
    at.switch_page("pages/exports.py").run()
    assert not at.exception, at.exception
    assert flow_synthesis(app_data.cube, territory, 2024, EXPORT).text in _markdown(at)


def test_colour_words_follow_the_colour_blind_toggle():
    at = _app({"territoire": "dep:04", "annee": "2024"})
    assert "en vert quand il est positif, en rouge quand il est négatif" in _markdown(at)
    at.toggle(key="sel_palette").set_value(True).run()
    text = _markdown(at)
    assert "en vert quand il est positif, en orange quand il est négatif" in text
    assert "en rose, **les biens exportés**" in text and "violet" not in text
    at.switch_page("pages/exports.py").run()
    text = _markdown(at)
    assert "tracés en **orange**" in text and "rouge" not in text


def test_copy_button_carries_the_text_as_a_string_literal():
    page = copy_button_html('Texte « cité » </script><b>x</b>')
    assert "\\u003c/script\\u003e\\u003cb\\u003e" in page and "</script><b>" not in page
    assert ">Copier le texte</button>" in page


def test_sidebar_offers_the_note_and_it_holds_the_synthesis(app_data, monkeypatch):
    import io

    from docx import Document

    from tests.test_downloads_app import capture_downloads
    captured_downloads = capture_downloads(monkeypatch)
    at = _app({"territoire": "dep:04", "annee": "2024"})
    assert "Note de synthèse (Word)" in [b.label for b in at.sidebar.get("download_button")]
    name = "note-de-synthese_dep-04_alpes-de-haute-provence_2024.docx"   # the pattern of every file
    build = captured_downloads[name]
    doc = Document(io.BytesIO(build() if callable(build) else build))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert overview_synthesis(app_data.cube, app_data.catalog.resolve("dep:04"), 2024).text in text
    assert doc.tables[-1].rows[1].cells[0].text == "Exportations"
