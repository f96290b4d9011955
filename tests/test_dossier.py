"""The « Dossier complet » workbook, lib.outputs.report's list of charts and tables, and the CLI's dossier / png commands."""
from __future__ import annotations

import io
import math
import os
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from PIL import Image

from lib.outputs import dossier as dossier_module
from lib.outputs.excel_export import README_SHEET, number_format
from lib.analysis.indicators import OTHERS, flow_structure, partner_balance, totals
from lib.outputs.png_export import chrome_available
from lib.outputs.report import CHART_NAMES, report_item, report_items
from lib.core.schema import EXPORT
from lib.analysis.summary import territory_summary
from lib.data.territories import FRANCE, region
from lib.presentation.texts import chart_title
from tests.conftest import PROJECT_DIR

YEAR = 2024
needs_chromium = pytest.mark.skipif(not chrome_available(), reason="Chromium absent : pas d'image côté serveur")
FLOW_SHEETS = {"export_flows": "Flux exportations", "import_flows": "Flux importations"}
EXPECTED_SHEETS = [
    README_SHEET, "Chiffres clés", "Évolution annuelle", "Balance par pays", "Produits exportations",
    "Produits importations", "Flux exportations", "Liens exportations", "Évol. pays export", "Évol. produits export",
    "Flux importations", "Liens importations", "Évol. pays import", "Évol. produits import", "Comparaison",
    "Flux exportations région", "Flux exportations France", "Flux importations région", "Flux importations France",
    "Spécialisation export", "Spécialisation import", "Comparaison départements", "Un pays", "Exposition pays",
    "Exposition produits", "Dépendance import", "Concentration", "UE et hors UE", "Droits produits",
    "Droits comparaison", "Droits départements"]
CHART_SHEETS = ["Évolution annuelle", "Balance par pays", "Produits exportations", "Flux exportations",
                "Flux importations", "Flux exportations région", "Flux exportations France", "Flux importations région",
                "Flux importations France", "Spécialisation export", "Spécialisation import",
                "Comparaison départements", "Un pays", "Exposition pays", "Dépendance import", "Concentration",
                "UE et hors UE", "Droits produits", "Droits départements"]


# ---------------------------------------------------------------- helpers

def header_row(ws) -> int:
    """Table sheets freeze the panes just under their header."""
    return int(ws.freeze_panes[1:]) - 1


def read_table(ws) -> list[dict]:
    """Rows of a table sheet as {header: value}."""
    top = header_row(ws)
    headers = [c.value for c in ws[top]]
    rows = []
    for row in ws.iter_rows(min_row=top + 1, values_only=True):
        if all(v is None for v in row):
            continue
        rows.append(dict(zip(headers, row)))
    return rows


def column_cells(ws, header: str) -> list:
    top = header_row(ws)
    index = [c.value for c in ws[top]].index(header) + 1
    return [ws.cell(row=r, column=index) for r in range(top + 1, ws.max_row + 1)
            if ws.cell(row=r, column=index).value is not None]


def readme_text(wb) -> str:
    return "\n".join(str(v) for row in wb[README_SHEET].iter_rows(values_only=True) for v in row if v is not None)


def png_image(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(png)).convert("RGB")


def dark_fraction(image: Image.Image) -> float:
    colours = image.getcolors(image.width * image.height)
    return sum(n for n, c in colours if max(c) < 30) / sum(n for n, _ in colours)


@pytest.fixture(scope="module")
def summary04(app_data):
    return territory_summary(app_data.cube, app_data.catalog.resolve("dep:04"), YEAR)


@pytest.fixture(scope="module")
def dossier04(app_data):
    """The dep:04 dossier, with its pictures when Chromium is there."""
    report = dossier_module.DossierReport()
    content = dossier_module.build_dossier(app_data, "dep:04", YEAR, report=report)
    return content, report


@pytest.fixture(scope="module")
def wb04(dossier04):
    return load_workbook(io.BytesIO(dossier04[0]))


# ---------------------------------------------------------------- lib.outputs.report

def test_report_lists_every_chart_of_the_pages_in_page_order(app_data):
    territory = app_data.catalog.resolve("dep:04")
    items = report_items(app_data.cube, app_data.catalog, territory, YEAR)
    keys = [item.key for item in items]
    assert keys[0] == "kpi" and set(CHART_NAMES) <= set(keys)
    assert all(item.build is not None for item in items if item.key in CHART_NAMES)
    assert [item.page for item in items][:4] == ["Vue d'ensemble"] * 4
    # pages in the navigation's order; the issue-21 pages (one partner, tariff) follow Comparaison and Exposition
    pages = list(dict.fromkeys(item.page for item in items))
    assert pages == ["Vue d'ensemble", "Exportations", "Importations", "Comparaison", "Un pays, plusieurs territoires",
                     "Exposition et dépendances", "Droits de douane : exposition"]
    titles = {item.key: item.title for item in items}
    # the pages' titles, from the same lib.presentation.texts.chart_title
    assert titles["balance"] == chart_title("Balance commerciale territoriale", territory, YEAR)
    assert titles["export-flows"] == chart_title("Flux à l'export par produit et par pays", territory, YEAR,
                                                 in_value=True)
    assert titles["import-flows-region"] == chart_title("Flux à l'import", region("93"), YEAR, in_value=True)
    assert titles["export-flows-france"] == chart_title("Flux à l'export", FRANCE, YEAR, in_value=True)
    # every builder draws with the pages' own data
    export_flows = next(item for item in items if item.key == "export-flows")
    figure = export_flows.build(template="plotly_white")
    sankey = figure.data[0]
    structure = flow_structure(app_data.cube, territory, YEAR, EXPORT)
    assert sum(sankey.link.value) == pytest.approx(structure.links["value"].sum())
    assert len(sankey.node.label) == len(structure.products) + len(structure.countries)


def test_comparison_items_apply_only_where_there_is_something_to_compare(app_data):
    for territory_id, absent in (("reg:93", {"export-flows-region", "import-flows-region"}),
                                 ("fr", {"export-flows-region", "import-flows-region", "export-flows-france",
                                         "import-flows-france", "specialisation-export", "specialisation-import"})):
        territory = app_data.catalog.resolve(territory_id)
        keys = {item.key for item in report_items(app_data.cube, app_data.catalog, territory, YEAR)}
        assert not keys & absent and (set(CHART_NAMES) - absent) <= keys
        assert report_item(app_data.cube, app_data.catalog, territory, YEAR, sorted(absent)[0]) is None
    with pytest.raises(KeyError):
        report_items(app_data.cube, app_data.catalog, FRANCE, YEAR, keys=["nope"])


def test_comparison_table_puts_the_territory_beside_its_region_and_france(app_data):
    territory = app_data.catalog.resolve("dep:04")
    item = report_item(app_data.cube, app_data.catalog, territory, YEAR, "comparison")
    frame = item.tables[0].frame
    assert frame["name"].tolist() == [territory.name, region("93").name, FRANCE.name]
    own, reg, france = (totals(app_data.cube, t, YEAR) for t in (territory, region("93"), FRANCE))
    assert frame["exports"].tolist() == pytest.approx([own.exports, reg.exports, france.exports])
    assert frame["balance"].tolist() == pytest.approx([own.balance, reg.balance, france.balance])
    assert frame["share_exports"].tolist() == pytest.approx([1.0, own.exports / reg.exports,
                                                             own.exports / france.exports])


# ---------------------------------------------------------------- the workbook

def test_sheets_readme_first_then_one_per_table(wb04, dossier04):
    assert wb04.sheetnames == EXPECTED_SHEETS
    assert dossier04[1].sheets == EXPECTED_SHEETS


def test_readme_says_what_where_when_and_the_caveats(wb04, app_data):
    text = readme_text(wb04)
    assert "04 – Alpes-de-Haute-Provence" in text and str(YEAR) in text
    assert "Source : douanes françaises" in text and "résultats de " in text
    for words in ("Exportations (FAB)", "Importations (CAF)", "Taux de couverture", "Indice de spécialisation",
                  "Secret statistique", "Lieu de dédouanement", "entre régions françaises", "militaire"):
        assert words in text, words
    assert app_data.is_demo and "Données de démonstration : chiffres fictifs" in text
    main_tis = app_data.catalog.industry_territories_of_department("04")
    assert all(ti.name in text for ti in main_tis)
    for sheet in EXPECTED_SHEETS[1:]:
        assert f"Feuille « {sheet} »" in text


def test_readme_of_an_industry_territory_says_departmental_data(app_data):
    ti = sorted(app_data.catalog.industry_territories.values(), key=lambda t: -len(t.departments))[0]
    wb = load_workbook(io.BytesIO(dossier_module.build_dossier(app_data, ti, YEAR, with_images=False)))
    text = readme_text(wb)
    assert "Données départementales : " in text
    assert all(dep in text for dep in ti.departments)
    assert "Graphiques non inclus" in text


def test_kpi_sheet_equals_the_summary(wb04, summary04):
    values = {row["Indicateur"]: row for row in read_table(wb04["Chiffres clés"])}
    assert values["Exportations"]["Valeur (€)"] == pytest.approx(summary04["exports"], rel=1e-12)
    assert values["Importations"]["Valeur (€)"] == pytest.approx(summary04["imports"], rel=1e-12)
    assert values["Solde commercial (exportations − importations)"]["Valeur (€)"] == \
        pytest.approx(summary04["balance"], rel=1e-12)
    assert values["Taux de couverture (exportations ÷ importations)"]["Ratio"] == \
        pytest.approx(summary04["coverage"])
    assert values["Part de la France — exportations"]["Part"] == \
        pytest.approx(summary04["share_of_france"]["exports"])
    assert isinstance(values["Rang à l'export (sur 101 départements)"]["Rang"], int)


@pytest.mark.parametrize("flow", ["export_flows", "import_flows"])
def test_flow_sheets_hold_the_summarys_top10_and_autres(wb04, summary04, flow):
    rows = read_table(wb04[FLOW_SHEETS[flow]])
    for side, key in (("Produit", "products"), ("Pays", "countries")):
        shown = [(r["Code"], r["Valeur (€)"]) for r in rows if r["Catégorie"] == side]
        expected = [(d["code"], d["value"]) for d in summary04[flow][key]]
        assert [c for c, _ in shown] == [c for c, _ in expected]
        assert [v for _, v in shown] == pytest.approx([v for _, v in expected], rel=1e-12)
        assert shown[-1][0] == OTHERS and len(shown) == 11


def test_links_sheet_adds_up_to_the_flow_total(wb04, summary04):
    rows = read_table(wb04["Liens exportations"])
    assert sum(r["Valeur (€)"] for r in rows) == pytest.approx(summary04["exports"], rel=1e-9)
    assert sum(r["5 premiers flux"] == "Oui" for r in rows) == 5


def test_balance_sheet_equals_partner_balance(wb04, app_data):
    partners = partner_balance(app_data.cube, app_data.catalog.resolve("dep:04"), YEAR)
    rows = read_table(wb04["Balance par pays"])
    assert [r["Code pays"] for r in rows] == partners["country"].tolist()
    assert [r["Solde (€)"] for r in rows] == pytest.approx(partners["balance"].tolist())


def test_value_columns_are_numbers_with_formats_and_headers_bold_and_frozen(wb04):
    checks = {"Chiffres clés": {"Valeur (€)": "eur", "Part": "share"},
              "Flux exportations": {"Valeur (€)": "eur", "Part du total": "share", "Rang": "int"},
              "Comparaison": {"Exportations (€)": "eur", "Taux de couverture": "ratio",
                              "Part du territoire dans les exportations": "share"},
              "Spécialisation export": {"Indice de spécialisation": "index", "Part en France": "share"}}
    for sheet, columns in checks.items():
        ws = wb04[sheet]
        for header, kind in columns.items():
            cells = column_cells(ws, header)
            assert cells, (sheet, header)
            for cell in cells:
                assert isinstance(cell.value, (int, float)) and cell.number_format == number_format(cell.value, kind), \
                    (sheet, header, cell.coordinate, cell.value, cell.number_format)
    for ws in wb04.worksheets[1:]:
        top = header_row(ws)
        assert ws.freeze_panes == f"A{top + 1}"
        assert all(cell.font.bold for cell in ws[top] if cell.value is not None)


def test_no_formula_anywhere(wb04):
    for ws in wb04.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


@needs_chromium
def test_each_chart_sits_next_to_its_table(wb04, dossier04):
    assert dossier04[1].images == len(CHART_SHEETS)
    for ws in wb04.worksheets:
        expected = 1 if ws.title in CHART_SHEETS else 0
        assert len(ws._images) == expected, ws.title
        for image in ws._images:
            anchor = image.anchor._from
            assert anchor.col >= ws.max_column - 1 and anchor.row + 1 == header_row(ws)
            picture = png_image(image._data())
            assert picture.size == (1600, 900) and dark_fraction(picture) < 0.05
    assert "Chaque graphique est placé à droite de son tableau" in readme_text(wb04)
    assert len(dossier04[0]) < 3_000_000


def test_without_chromium_the_dossier_has_every_table_and_says_why(app_data, monkeypatch):
    from lib.outputs import chart_images
    monkeypatch.setattr(chart_images, "chrome_available", lambda: False)
    wb = load_workbook(io.BytesIO(dossier_module.build_dossier(app_data, "dep:04", YEAR)))
    assert wb.sheetnames == EXPECTED_SHEETS
    assert all(not ws._images for ws in wb.worksheets)
    assert "Chromium" in readme_text(wb)


def test_a_territory_without_trade_still_gets_every_sheet_saying_so(app_data):
    """Lozère's rows removed: every table is there, empty ones say why, nothing is drawn."""
    from types import SimpleNamespace

    from lib.analysis.indicators import TradeCube
    table = app_data.result.table
    cube = TradeCube(table[table["department"].astype(str) != "48"])
    data = SimpleNamespace(cube=cube, catalog=app_data.catalog, result=app_data.result, is_demo=True,
                           latest_year=YEAR)
    report = dossier_module.DossierReport()
    wb = load_workbook(io.BytesIO(dossier_module.build_dossier(data, "dep:48", YEAR, report=report)))
    # no exports to the United States: no exposure sheets, no tariff products (the pages say so instead)
    assert wb.sheetnames == [s for s in EXPECTED_SHEETS if not s.startswith("Exposition") and s != "Droits produits"]
    # only the comparison points' charts (région, France, départements, the région's départements with the United
    # States and their exposure to its duty) and the trend (earlier years)
    assert report.images <= 8
    links = wb["Liens exportations"]
    assert not read_table(links)
    assert any(dossier_module.NO_DATA == c.value for row in links.iter_rows() for c in row)
    values = {row["Indicateur"]: row["Valeur (€)"] for row in read_table(wb["Chiffres clés"])}
    assert values["Exportations"] == 0


# ---------------------------------------------------------------- CLI

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lib.cli", *args], cwd=PROJECT_DIR, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(PROJECT_DIR)})


def test_cli_dossier_writes_the_workbook(tmp_path, demo_dir, summary04):
    out = tmp_path / "dossier.xlsx"
    done = run_cli("dossier", "--territory", "dep:04", "--year", str(YEAR), "--data", str(demo_dir),
                   "--out", str(out), "--no-images")
    assert done.returncode == 0, done.stderr
    assert "Dossier écrit" in done.stdout and f"{len(EXPECTED_SHEETS)} feuilles" in done.stdout
    wb = load_workbook(out)
    assert wb.sheetnames == EXPECTED_SHEETS
    values = {row["Indicateur"]: row["Valeur (€)"] for row in read_table(wb["Chiffres clés"])}
    assert values["Exportations"] == pytest.approx(summary04["exports"], rel=1e-12)


@needs_chromium
def test_cli_png_writes_a_3200x1800_picture(tmp_path, demo_dir):
    out = tmp_path / "flux.png"
    done = run_cli("png", "--territory", "dep:04", "--year", str(YEAR), "--data", str(demo_dir),
                   "--chart", "export-flows", "--out", str(out))
    assert done.returncode == 0, done.stderr
    picture = png_image(out.read_bytes())
    assert picture.size == (3200, 1800)
    assert dark_fraction(picture) < 0.05
    assert len(picture.getcolors(3200 * 1800)) > 50


def test_cli_png_unknown_chart_lists_the_valid_ones(tmp_path):
    done = run_cli("png", "--territory", "dep:04", "--year", str(YEAR), "--chart", "camembert",
                   "--out", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert "graphique inconnu « camembert »" in done.stderr
    assert all(name in done.stderr for name in CHART_NAMES)
    assert not (tmp_path / "x.png").exists()


def test_cli_png_help_lists_the_chart_names():
    done = run_cli("png", "--help")
    assert done.returncode == 0
    flat = " ".join(done.stdout.split())
    assert all(name in flat.replace("- ", "-") for name in CHART_NAMES)


def test_cli_png_chart_that_does_not_apply_is_a_french_error(demo_dir):
    done = run_cli("png", "--territory", "fr", "--year", str(YEAR), "--data", str(demo_dir),
                   "--chart", "export-flows-france", "--out", os.devnull)
    assert done.returncode == 2 and "n'existe pas pour France entière" in done.stderr


def test_kpi_values_are_finite_numbers(wb04):
    for row in read_table(wb04["Chiffres clés"]):
        numbers = [v for k, v in row.items() if k != "Indicateur" and v is not None]
        assert len(numbers) == 1 and math.isfinite(numbers[0]), row
