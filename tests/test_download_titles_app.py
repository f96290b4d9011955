"""Each Excel file names, in its title block and its file name, the territory whose figures it holds.

A user on « Par pays » with the Nord selected downloaded « Produits échangés avec États-Unis — 59 – Nord »,
which held France's figures. The explorers and the map hold France-wide figures: their files say France,
whatever territory is selected; a territory page's files say that territory. Values are checked against
plain sums over the cube's rows (not through the code under test).
"""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from lib.core.schema import EXPORT, IMPORT
from lib.outputs.excel_export import README_SHEET
from tests.conftest import PROJECT_DIR
from tests.test_downloads_app import _entry_point_on_every_run, capture_downloads

YEAR = 2024
SELECTED = "dep:59"
COUNTRY = "US"
FRANCE_LABEL = "France entière"


def _open(page: str, params: dict) -> dict:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _entry_point_on_every_run(monkeypatch)
        files = capture_downloads(monkeypatch)
        at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
        at.query_params.update({"territoire": SELECTED, "annee": str(YEAR), **params})
        at.run()
        assert not at.exception, at.exception
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return files


def _workbooks(files: dict, topic: str) -> dict:
    """file name → openpyxl workbook, for every Excel button of the page (``topic_…``; deferred ones called);
    the sidebar's files (dossier, sheets) and the first page's are the selected territory's."""
    books = {}
    for name, data in files.items():
        if name and name.endswith(".xlsx") and name.startswith(f"{topic}_"):
            content = data() if callable(data) else data
            books[name] = load_workbook(io.BytesIO(content), data_only=True)
    return books


def _title_block(sheet) -> tuple[str, str]:
    return str(sheet.cell(row=1, column=1).value), str(sheet.cell(row=2, column=1).value)


def _table_sheets(book) -> list:
    """The table sheets (a file of several tables opens on « Lisez-moi », whose title names the territory)."""
    return [sheet for sheet in book.worksheets if sheet.title != README_SHEET]


def _column(sheet, header: str) -> dict[str, object]:
    """First column (code) → value of the column headed ``header``."""
    rows = list(sheet.iter_rows(values_only=True))
    head = next(i for i, row in enumerate(rows) if header in row)
    index = rows[head].index(header)
    return {str(row[0]): row[index] for row in rows[head + 1:] if row[0] is not None}


def _plain(app_data, flow: str, *, country: str | None = None, product: str | None = None,
           departments: tuple[str, ...] | None = None) -> float:
    table = app_data.cube.table
    mask = (table["year"] == YEAR) & (table["flow"] == flow)
    if country:
        mask &= table["country"] == country
    if product:
        mask &= table["product"] == product
    if departments:
        mask &= table["department"].isin(departments)
    return float(table.loc[mask, "value_eur"].sum())


@pytest.fixture(scope="module")
def country_page():
    return _workbooks(_open("pages/country_explorer.py", {"pays": COUNTRY}), "pays")


@pytest.fixture(scope="module")
def product_page():
    return _workbooks(_open("pages/product_explorer.py", {}), "produit")


def test_country_page_files_are_france_s(country_page, app_data):
    assert country_page, "aucun fichier Excel sur la page « Par pays »"
    for name, book in country_page.items():
        assert "_france_" in name and "nord" not in name, name
        assert FRANCE_LABEL in str(book.worksheets[0].cell(row=1, column=1).value), name
        for sheet in _table_sheets(book):
            title, territory_line = _title_block(sheet)
            assert FRANCE_LABEL in title and "Nord" not in title, (name, title)
            assert territory_line.startswith(f"Territoire : {FRANCE_LABEL}"), (name, territory_line)
    products = next(book for name, book in country_page.items() if "-produits_" in name)
    title, _ = _title_block(_table_sheets(products)[0])
    assert "avec les États-Unis" in title, title
    imports = _column(_table_sheets(products)[0], "Importations (€)")
    assert imports, "tableau des produits vide"
    for code, value in imports.items():
        assert value == pytest.approx(_plain(app_data, IMPORT, country=COUNTRY, product=code)), code
    nord = _plain(app_data, IMPORT, country=COUNTRY, departments=("59",))
    assert sum(imports.values()) > nord, "le fichier doit tenir les chiffres de la France, pas du Nord"


def test_country_page_departments_table_holds_every_department(country_page, app_data):
    book = next(book for name, book in country_page.items() if "-departements-" in name)
    sheet = next(s for s in book.worksheets if s.title == "Départements du pays")
    exports = _column(sheet, "Exportations (€)")
    ranks = {str(row[1]): row[3] for row in sheet.iter_rows(values_only=True)
             if row[0] is not None and str(row[1]) == "59"}
    assert ranks["59"] == pytest.approx(_plain(app_data, EXPORT, country=COUNTRY, departments=("59",)))
    assert sum(v for v in exports.values() if isinstance(v, (int, float))) == pytest.approx(
        _plain(app_data, EXPORT, country=COUNTRY))


def test_product_page_files_are_france_s(product_page):
    assert product_page, "aucun fichier Excel sur la page « Par produit »"
    for name, book in product_page.items():
        assert "_france_" in name and "nord" not in name, name
        for sheet in _table_sheets(book):
            title, territory_line = _title_block(sheet)
            assert FRANCE_LABEL in title and "Nord" not in title, (name, title)
            assert territory_line.startswith(f"Territoire : {FRANCE_LABEL}"), (name, territory_line)
