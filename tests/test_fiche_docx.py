"""« Fiche territoriale (Word) »: the publication rebuilt as a .docx, its CLI command and its button."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from PIL import Image

from lib.outputs import fiche_docx
from lib.outputs.dossier import DEMO_NOTICE
from lib.outputs.fiche_docx import FicheReport, build_fiche, progress_bar
from lib.core.formatting import format_millions_words
from lib.data.official_files import citation
from lib.outputs.png_export import chrome_available
from lib.core.schema import EXPORT, IMPORT
from lib.analysis.summary import territory_summary
from lib.presentation.texts import total_sentences
from tests.conftest import PROJECT_DIR

YEAR = 2024
SECTIONS = ["Introduction", "Contexte et méthodologie", "Balance commerciale territoriale",
            "Principales activités à l'export et à l'import", "Exportations", "Importations",
            "Informations pratiques"]
needs_chromium = pytest.mark.skipif(not chrome_available(), reason="Chromium absent : fiche sans images")


def _text(doc) -> str:
    """Every paragraph of the body and of its one-cell boxes, one per line."""
    lines = [p.text for p in doc.paragraphs]
    lines += [p.text for table in doc.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(lines)


def _headings(doc, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


@pytest.fixture(scope="module")
def dep_sheet(app_data):
    report = FicheReport()
    content = build_fiche(app_data, "dep:04", YEAR, report=report)
    return Document(io.BytesIO(content)), report, content


def test_department_sheet_follows_the_publication(dep_sheet, app_data):
    doc, report, _ = dep_sheet
    text = _text(doc)
    assert doc.paragraphs[1].text == "Les indicateurs clés : commerce extérieur"
    assert doc.paragraphs[1].style.name == "Title"
    assert "Alpes-de-Haute-Provence (04) — 2024" in text
    assert _headings(doc, 1) == SECTIONS
    assert "Principaux Territoires d'industrie du département*" in _headings(doc, 2)
    for ti in app_data.catalog.industry_territories_of_department("04"):
        assert ti.name in [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert "Clé de lecture : pour chaque pays, la barre de gauche donne les importations" in text
    assert "en vert quand il est positif, en rouge quand il est négatif" in text
    assert "À gauche, les principaux biens exportés depuis le département ; à droite, les pays de " \
           "destination." in text
    # the chart titles of lib.outputs.report, in the publication's order (name and year after the chart's name)
    dep, reg, fr = "Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur", "France entière"
    assert _headings(doc, 3) == [
        f"Balance commerciale territoriale, {dep} (2024)",
        f"Principales activités à l'export et à l'import, {dep} (2024)",
        f"Flux à l'export par produit et par pays, {dep} (en valeur, 2024)",
        f"Flux à l'export, {reg} (en valeur, 2024)",
        f"Flux à l'export, {fr} (en valeur, 2024)",
        f"Flux à l'import par pays et par produit, {dep} (en valeur, 2024)",
        f"Flux à l'import, {reg} (en valeur, 2024)",
        f"Flux à l'import, {fr} (en valeur, 2024)"]
    assert report.charts == list(fiche_docx.FICHE_KEYS)
    assert DEMO_NOTICE in text                      # the demo data say so
    assert "chiffres fictifs" in text


def test_totals_and_citation_quote_the_summary(dep_sheet, app_data):
    doc, _, _ = dep_sheet
    text = _text(doc)
    territory = app_data.catalog.resolve("dep:04")
    summary = territory_summary(app_data.cube, territory, YEAR)
    for flow in (EXPORT, IMPORT):
        for line in total_sentences(summary, territory, flow):
            assert line in text
    assert f"Total des exportations : {format_millions_words(summary['exports'])}" in text
    assert f"Total des importations : {format_millions_words(summary['imports'])}" in text
    assert "511,9 millions d'euros" in text          # the publication's figure, in French format
    region = "région Provence-Alpes-Côte d'Azur"
    assert f"soit 1,8\u00a0% de la valeur exportée par la {region}" in text
    # région and France totals under their charts
    france = territory_summary(app_data.cube, app_data.catalog.resolve("fr"), YEAR)
    assert f"Total des exportations : {format_millions_words(france['exports'])}" in text
    cite = citation(app_data.result.release_date)
    assert cite.startswith("Source : douanes françaises, résultats de ")
    assert cite in [p.text for p in doc.paragraphs]  # alone on its line in « Sources »


def test_page_setup_and_metadata(dep_sheet):
    doc, _, _ = dep_sheet
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.left_margin.cm >= 2 and section.top_margin.cm >= 2
    assert doc.core_properties.language == "fr-FR"
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "fr-FR"          # French spelling for the whole document
    assert "Alpes-de-Haute-Provence" in doc.core_properties.title
    breaks = sum(run._r.xml.count('w:type="page"') for p in doc.paragraphs for run in p.runs)
    assert breaks >= 7                               # one section per page, like the publication


@needs_chromium
def test_every_chart_is_a_picture_as_wide_as_the_text(dep_sheet):
    doc, report, content = dep_sheet
    assert report.images == len(fiche_docx.FICHE_KEYS) == len(doc.inline_shapes) == 8
    assert not report.notes
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert abs(text_width - Cm(16.6)) < Cm(0.01)
    for key, shape in zip(fiche_docx.FICHE_KEYS, doc.inline_shapes):
        assert abs(shape.width - text_width) < Cm(0.01)
        height_px = fiche_docx.IMAGE_HEIGHTS.get(key, 900)      # 1600 × 900, the treemaps taller
        assert abs(shape.height - Cm(16.6 * height_px / 1600)) < Cm(0.01)
    blob = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    image = Image.open(io.BytesIO(doc.part.related_parts[blob].blob))
    assert image.size == (3200, 1800)                # scale 2
    rgb = image.convert("RGB")
    assert rgb.getpixel((5, 5))[0] > 240             # white background (export template), not black
    assert len(rgb.resize((64, 36)).getcolors(4096)) > 8   # a chart, not a blank picture
    assert len(content) < 6 * 1024 * 1024            # compacted pictures: a few MB, not 20
    assert doc.inline_shapes[0]._inline.docPr.get("descr") == \
        "Balance commerciale territoriale, Alpes-de-Haute-Provence (2024)"   # alt text


def test_industry_territory_sheet_says_departmental_data(app_data):
    territory = next(t for t in app_data.catalog.territories_of_kind("ti") if len(t.departments) > 1)
    report = FicheReport()
    doc = Document(io.BytesIO(build_fiche(app_data, territory, YEAR, with_images=False, report=report)))
    text = _text(doc)
    assert territory.name in text
    assert "données départementales" in text
    assert "Données départementales : " in text      # lib.presentation.texts.approximation_note
    assert "Départements du Territoire d'industrie" in _headings(doc, 2)
    summary = territory_summary(app_data.cube, territory, YEAR)
    assert total_sentences(summary, territory, EXPORT)[0] in text
    assert len(doc.inline_shapes) == 0 and report.images == 0
    assert fiche_docx.NO_IMAGES in text


def test_france_has_no_comparison_with_itself(app_data):
    report = FicheReport()
    doc = Document(io.BytesIO(build_fiche(app_data, "fr", YEAR, with_images=False, report=report)))
    assert report.charts == ["balance", "treemaps", "export-flows", "import-flows"]
    text = _text(doc)
    assert "France entière — 2024" in text
    assert "de la valeur exportée" not in text       # no share of itself
    assert "Pour comparaison" not in text


def test_region_compares_with_france_only(app_data):
    report = FicheReport()
    doc = Document(io.BytesIO(build_fiche(app_data, "reg:93", YEAR, with_images=False, report=report)))
    assert report.charts == ["balance", "treemaps", "export-flows", "export-flows-france", "import-flows",
                             "import-flows-france"]
    assert "Pour comparaison, voici les mêmes exportations pour la France entière :" in _text(doc)


def test_without_chromium_a_french_note_replaces_each_picture(app_data, monkeypatch, tmp_path):
    from lib.outputs import png_export
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "pas-de-chromium"))
    png_export.chrome_available.cache_clear()
    try:
        report = FicheReport()
        doc = Document(io.BytesIO(build_fiche(app_data, "dep:04", YEAR, report=report)))
    finally:
        monkeypatch.undo()
        png_export.chrome_available.cache_clear()
    assert len(doc.inline_shapes) == 0 and report.images == 0
    text = _text(doc)
    assert text.count("Graphique non inclus : Chromium") == 8
    assert "Total des exportations : 511,9 millions d'euros" in text


def test_a_chart_that_cannot_be_drawn_leaves_a_note_not_a_crash(app_data, monkeypatch):
    from lib.outputs.png_export import FAILED_MESSAGE, PngExportUnavailable

    def broken(*args, **kwargs):
        raise PngExportUnavailable(FAILED_MESSAGE)

    from lib.outputs import chart_images
    monkeypatch.setattr(chart_images, "chrome_available", lambda: True)
    monkeypatch.setattr(chart_images, "chart_png", broken)
    report = FicheReport()
    doc = Document(io.BytesIO(build_fiche(app_data, "dep:04", YEAR, report=report)))
    assert report.images == 0 and len(doc.inline_shapes) == 0
    assert _text(doc).count("Graphique non inclus : son dessin a échoué") == 8
    assert "page « Exportations » de l'application" in _text(doc)


def test_progress_bar():
    assert progress_bar(0, 4, "dep:01", width=4) == "[....] 0/4 dep:01"
    assert progress_bar(34, 101, "dep:33", width=10) == "[###.......] 34/101 dep:33"
    assert progress_bar(101, 101, width=10) == "[##########] 101/101"


# ---------------------------------------------------------------- command line

def _cli_module() -> str:
    """lib.cli once it registers « fiche », else this module's own entry point (same parser code)."""
    from lib.cli import build_parser
    try:
        build_parser().parse_args(["fiche", "--territory", "fr"])
    except SystemExit:
        return "lib.outputs.fiche_docx"
    return "lib.cli"


def _run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR))
    return subprocess.run([sys.executable, "-m", _cli_module(), "fiche", *args], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_writes_one_sheet(demo_dir, tmp_path):
    out = tmp_path / "fiche.docx"
    proc = _run("--territory", "dep:04", "--year", str(YEAR), "--data", str(demo_dir), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert f"Fiche écrite : {out}" in proc.stdout
    doc = Document(str(out))
    assert "Total des exportations : 511,9 millions d'euros" in _text(doc)
    assert len(doc.inline_shapes) == (8 if chrome_available() else 0)


def test_cli_all_departments_with_limit(demo_dir, tmp_path):
    proc = _run("--all-departments", "--limit", "2", "--year", str(YEAR), "--data", str(demo_dir), "--no-images",
                "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"fiche_dep-01_ain_{YEAR}.docx", f"fiche_dep-02_aisne_{YEAR}.docx"]
    assert "[" in proc.stderr and "2/2" in proc.stderr and "dep:02" in proc.stderr
    assert "2 fiches écrites" in proc.stdout
    assert "Ain" in _text(Document(str(tmp_path / names[0])))


def test_cli_rejects_a_missing_year_in_french(demo_dir, tmp_path):
    proc = _run("--territory", "dep:04", "--year", "1990", "--data", str(demo_dir), "--out",
                str(tmp_path / "x.docx"))
    assert proc.returncode == 2
    assert "Année 1990 absente" in proc.stderr
    assert not (tmp_path / "x.docx").exists()


# ---------------------------------------------------------------- the button

def test_button_offers_the_sheet_deferred(app_data, monkeypatch):
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import AppTest
    from lib.ui import fiche_button as module
    from lib.ui.selection import Selection

    captured = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        captured[file_name] = (data_callable, mimetype)
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    module._TEST_ARGS = (app_data, Selection(app_data.catalog.resolve("dep:04"), YEAR))

    def script():
        from lib.ui import fiche_button as module
        module.fiche_button(*module._TEST_ARGS)

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [b.label for b in at.download_button] == ["Fiche territoriale (Word)"]
    data_callable, mime = captured[f"fiche_dep-04_alpes-de-haute-provence_{YEAR}.docx"]
    assert mime == fiche_docx.DOCX_MIME
    monkeypatch.setattr(module, "build_fiche", lambda *a, **k: build_fiche(*a, with_images=False, **k))  # quick
    doc = Document(io.BytesIO(data_callable()))
    assert "Alpes-de-Haute-Provence (04) — 2024" in _text(doc)


def test_colour_words_follow_the_palette(app_data):
    """Colour-blind mode: the sheet names the colours the charts use (orange, rose), never « rouge »."""
    from lib.presentation.palette import PALETTES
    doc = Document(io.BytesIO(build_fiche(app_data, "dep:04", YEAR, with_images=False,
                                          palette=PALETTES["daltonien"])))
    text = _text(doc)
    assert "tracés en orange" in text and "en rose, les biens exportés" in text
    assert "en orange quand il est négatif" in text
    assert "rouge" not in text and "violet" not in text
