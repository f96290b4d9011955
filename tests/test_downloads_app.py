"""Every download button of the overview and Exportations pages, and the sidebar's dossier, run for real.

AppTest never calls a deferred download (``data=callable``) and drops its media store after each run,
so ``captured_downloads`` intercepts what the buttons register and the tests call the callables.
"""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from PIL import Image
from streamlit.testing.v1 import AppTest

from lib.outputs.excel_export import README_SHEET
from lib.analysis.indicators import flow_structure, partner_balance, product_breakdown
from lib.outputs.png_export import chrome_available
from lib.core.schema import EXPORT, IMPORT
from lib.analysis.summary import territory_summary
from tests.conftest import PROJECT_DIR

YEAR = 2024
SLUG = "dep-04_alpes-de-haute-provence"    # id then name (lib.outputs.file_names.territory_part)
OVERVIEW_PNGS = [f"balance_pays_{SLUG}_{YEAR}.png", f"activites_produits_{SLUG}_{YEAR}.png"]
OVERVIEW_XLSX = [f"balance_pays_{SLUG}_{YEAR}.xlsx", f"activites_produits_{SLUG}_{YEAR}.xlsx"]
EXPORTS_PNGS = [f"exportations_flux_{SLUG}_{YEAR}.png"]
EXPORTS_XLSX = [f"exportations_flux_{SLUG}_{YEAR}.xlsx", f"exportations_liens_{SLUG}_{YEAR}.xlsx"]
DOSSIER = f"dossier_{SLUG}_{YEAR}.xlsx"
needs_chromium = pytest.mark.skipif(not chrome_available(), reason="Chromium absent : pas de bouton PNG")


def capture_downloads(monkeypatch) -> dict:
    """file name → bytes (static download) or the callable (deferred download) of every button drawn."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    files = {}
    original_add, original_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def add(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        files[file_name] = data
        return original_add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        files[file_name] = data_callable
        return original_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return files


def _entry_point_on_every_run(monkeypatch) -> None:
    """conftest's `_no_legacy_pages_mode`, for this module-scoped fixture (function fixtures come later)."""
    from streamlit.runtime.pages_manager import PagesManager
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(scope="module")
def pages_downloads():
    """Open the overview, then the Exportations page, for dep:04 2024; what their buttons registered."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _entry_point_on_every_run(monkeypatch)
        files = capture_downloads(monkeypatch)
        at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
        at.query_params["territoire"] = "dep:04"
        at.query_params["annee"] = str(YEAR)
        at.run()
        assert not at.exception, at.exception
        assert "Dossier complet (Excel)" in [b.label for b in at.download_button]
        at.switch_page("pages/exports.py").run()
        assert not at.exception, at.exception
        assert "Dossier complet (Excel)" in [b.label for b in at.download_button]
    return files


def content(files: dict, name: str) -> bytes:
    value = files[name]
    data = value() if callable(value) else value
    assert isinstance(data, bytes) and data, name
    return data


def png_image(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(png)).convert("RGB")


def dark_fraction(image: Image.Image) -> float:
    colours = image.getcolors(image.width * image.height)
    return sum(n for n, c in colours if max(c) < 30) / sum(n for n, _ in colours)


def table_rows(ws) -> list[dict]:
    top = int(ws.freeze_panes[1:]) - 1
    headers = [c.value for c in ws[top]]
    return [dict(zip(headers, row)) for row in ws.iter_rows(min_row=top + 1, values_only=True)
            if any(v is not None for v in row)]


def test_every_button_has_the_expected_file_name(pages_downloads):
    names = set(pages_downloads)
    assert set(OVERVIEW_XLSX + EXPORTS_XLSX + [DOSSIER]) <= names
    if chrome_available():
        assert set(OVERVIEW_PNGS + EXPORTS_PNGS) <= names
    # deferred: nothing is built before the click
    assert all(callable(pages_downloads[n]) for n in OVERVIEW_XLSX + EXPORTS_XLSX + [DOSSIER])


@needs_chromium
def test_every_png_button_gives_a_3200x1800_picture_that_is_not_dark(pages_downloads):
    for name in OVERVIEW_PNGS + EXPORTS_PNGS:
        picture = png_image(content(pages_downloads, name))
        assert picture.size == (3200, 1800), name
        assert dark_fraction(picture) < 0.05, name
        assert len(picture.getcolors(3200 * 1800)) > 20, name


def test_excel_buttons_hold_the_lib_results(pages_downloads, app_data):
    territory = app_data.catalog.resolve("dep:04")
    summary = territory_summary(app_data.cube, territory, YEAR)

    wb = load_workbook(io.BytesIO(content(pages_downloads, f"balance_pays_{SLUG}_{YEAR}.xlsx")))
    rows = table_rows(wb.worksheets[0])
    partners = partner_balance(app_data.cube, territory, YEAR)
    assert [r["Code pays"] for r in rows] == partners["country"].tolist()
    assert [r["Exportations (€)"] for r in rows] == pytest.approx(partners["exports"].tolist())

    wb = load_workbook(io.BytesIO(content(pages_downloads, f"activites_produits_{SLUG}_{YEAR}.xlsx")))
    assert wb.sheetnames == [README_SHEET, "Produits exportations", "Produits importations"]
    for sheet, flow, key in (("Produits exportations", EXPORT, "exports"), ("Produits importations", IMPORT, "imports")):
        rows = table_rows(wb[sheet])
        assert sum(r["Valeur (€)"] for r in rows) == pytest.approx(summary[key], rel=1e-9)
        assert [r["Code A129"] for r in rows] == product_breakdown(app_data.cube, territory, YEAR, flow)["product"].tolist()

    wb = load_workbook(io.BytesIO(content(pages_downloads, f"exportations_flux_{SLUG}_{YEAR}.xlsx")))
    rows = table_rows(wb.worksheets[0])
    assert [r["Code"] for r in rows if r["Catégorie"] == "Produit"] == \
        [d["code"] for d in summary["export_flows"]["products"]]
    assert [r["Valeur (€)"] for r in rows if r["Catégorie"] == "Pays"] == \
        pytest.approx([d["value"] for d in summary["export_flows"]["countries"]])

    wb = load_workbook(io.BytesIO(content(pages_downloads, f"exportations_liens_{SLUG}_{YEAR}.xlsx")))
    rows = table_rows(wb.worksheets[0])
    structure = flow_structure(app_data.cube, territory, YEAR, EXPORT)
    assert len(rows) == len(structure.links)
    assert sum(r["Valeur (€)"] for r in rows) == pytest.approx(summary["exports"], rel=1e-9)


def test_dossier_button_gives_the_complete_workbook(pages_downloads, app_data):
    summary = territory_summary(app_data.cube, app_data.catalog.resolve("dep:04"), YEAR)
    wb = load_workbook(io.BytesIO(content(pages_downloads, DOSSIER)))
    assert wb.sheetnames[0] == README_SHEET and len(wb.sheetnames) == 31    # 27 + issue 21: « Un pays », three « Droits »
    values = {r["Indicateur"]: r["Valeur (€)"] for r in table_rows(wb["Chiffres clés"])}
    assert values["Exportations"] == pytest.approx(summary["exports"], rel=1e-12)
    assert values["Solde commercial (exportations − importations)"] == pytest.approx(summary["balance"], rel=1e-12)
    links = table_rows(wb["Liens importations"])
    assert sum(r["Valeur (€)"] for r in links) == pytest.approx(summary["imports"], rel=1e-9)
    if chrome_available():
        assert len(wb["Flux exportations"]._images) == 1
