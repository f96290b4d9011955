"""Issue 9: the edge cases that gave a wrong or misleading figure, each checked against an independent sum.

Official-layout files (tests/official_builders.py) for départements on both sides of two régional
borders (Somme 80 / Seine-Maritime 76; Bouches-du-Rhône 13 / Corse-du-Sud 2A), and a Territoires
d'industrie list in which two territories span two régions and share a commune.
"""
from __future__ import annotations

import io
import json
import re
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from lib.core import formatting as fmt, schema
from lib.analysis.dataset import load_app_data
from lib.outputs.excel_export import workbook_to_xlsx
from lib.analysis.indicators import comparison_peers, flow_structure, specialisation
from lib.presentation.overview_metrics import kpi_cards
from lib.data.reference.departments import departments_of_region
from lib.outputs.report import report_item
from lib.core.schema import EXPORT, IMPORT
from lib.analysis.summary import territory_summary
from lib.presentation.tables import display_frame, kpi_table, specialisation_table
from lib.data.territories import TerritoryError
from lib.presentation.texts import total_sentences
from tests.conftest import PROJECT_DIR
from tests.official_builders import write_region_zip

NBSP = "\u00a0"
YEAR = 2024
# (département, exports 2024, imports 2024): 80 and 59 in Hauts-de-France (32), 76 and 14 in Normandie
# (28), 13 and 83 in Provence-Alpes-Côte d'Azur (93), 2A and 2B in Corse (94).
SIZES = {"80": (300e6, 100e6), "59": (100e6, 400e6), "76": (500e6, 250e6), "14": (80e6, 60e6),
         "13": (900e6, 1200e6), "83": (200e6, 150e6), "2A": (40_000, 30e6), "2B": (20e6, 10e6)}
PRODUCTS = ["C10A", "C20B", "C29A", "C30A"]
COUNTRIES = ["DE", "US", "IT", "CN", "ES"]


def _rows(flow: str) -> list[list]:
    """Each département's total split over a few products and countries (last cell takes the rest)."""
    rows = []
    for dep, (exports, imports) in SIZES.items():
        total = exports if flow == "Export" else imports
        cells = [(p, c) for p in PRODUCTS[:2] for c in COUNTRIES[:3]]
        parts = [round(total * w) for w in (0.4, 0.2, 0.1, 0.1, 0.1)]
        parts.append(total - sum(parts))
        rows += [["00", dep, flow, p, c, part / 2, part] for (p, c), part in zip(cells, parts)]
    return rows


TI_LINES = (["insee_com,lib_com,id_ti,lib_ti"]
            + [f"8000{i},Commune {i},TIX,Somme et Caux" for i in range(1, 6)]
            + [f"7600{i},Commune {i},TIX,Somme et Caux" for i in range(1, 6)]
            + ["80006,Commune partagée,TIX ; TIY,Somme et Caux ; Rives de Méditerranée"]
            + [f"1300{i},Commune {i},TIY,Rives de Méditerranée" for i in range(1, 6)]
            + [f"2A00{i},Commune {i},TIY,Rives de Méditerranée" for i in range(1, 6)]
            + [f"8300{i},Commune {i},TIZ,Var intérieur" for i in range(1, 7)])


def _write_files(folder: Path, with_ti_list: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_region_zip(folder, "00", import_rows=_rows("Import"), export_rows=_rows("Export"))
    if with_ti_list:
        (folder / "liste-ti-com2023-20240101.csv").write_text("\n".join(TI_LINES) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """Data folders of the test only; the demo folder holds its fictional Territoires d'industrie list."""
    root = tmp_path / "data"
    monkeypatch.setattr(schema, "DATA_DIR", root)
    monkeypatch.setattr(schema, "OFFICIAL_DIR", root / "officiel")
    monkeypatch.setattr(schema, "CACHE_DIR", root / "cache")
    monkeypatch.setattr(schema, "DEMO_DIR", root / "demo")
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "liste-ti-com2023-demo.csv").write_text(
        "insee_com,lib_com,id_ti,lib_ti\n" + "".join(f"0400{i},C{i},TI-DEMO-001,Val fictif (démo)\n"
                                                     for i in range(1, 6)), encoding="utf-8")
    return root


@pytest.fixture
def official(isolated):
    return load_app_data([_write_files(isolated / "officiel")], cache_dir=isolated / "cache")


def reads_zero(text: str) -> bool:
    """« 0,0 M€ », « −0,00 % », « 0 € »: a reading of zero (« < 0,1 M€ » is not)."""
    return re.fullmatch(r"[−+]?0(,0+)?[\u00a0 ]?\S*", text.strip()) is not None


def _independent_share(flow_index: int, deps, regions) -> float:
    region_deps = [d for r in regions for d in departments_of_region(r)]
    own = sum(SIZES[d][flow_index] for d in deps)
    return own / sum(SIZES[d][flow_index] for d in region_deps if d in SIZES)


# ---------------------------------------------------------------- item 1: TIs spanning two régions

@pytest.mark.parametrize("ti, deps, regions", [("TIX", ("76", "80"), ("28", "32")),
                                               ("TIY", ("13", "2A"), ("93", "94"))])
def test_a_ti_spanning_two_regions_is_compared_with_both(official, ti, deps, regions):
    territory = official.catalog.resolve(f"ti:{ti}")
    summary = territory_summary(official.cube, territory, YEAR)
    for index, key in enumerate(("exports", "imports")):
        share = summary["share_of_region"][key]
        assert share == pytest.approx(_independent_share(index, deps, regions))
        assert 0 <= share <= 1
    assert sorted(territory.departments) == sorted(deps) and territory.regions == regions
    assert summary["territory"]["regions"] == list(regions)
    # the shared commune (80006) counts for both TIs but makes no main département of TIY
    assert dict(official.catalog.resolve("ti:TIY").commune_counts)["80"] == 1


def test_the_multi_region_share_is_named_everywhere(official):
    territory = official.catalog.resolve("ti:TIY")
    summary = territory_summary(official.cube, territory, YEAR)
    label = "Part des régions Provence-Alpes-Côte d'Azur et Corse"
    cards = {c.label: c for row in kpi_cards(official.cube, territory, YEAR, summary) for c in row}
    # a card's label holds one line: usual abbreviations, the full names in its help
    assert "Part des régions PACA et Corse (export)" in cards
    assert not any(c.startswith("Part de la région") for c in cards)
    assert "des régions Provence-Alpes-Côte d'Azur et Corse réunies" in cards["Part des régions PACA et Corse (export)"].help
    sentence = total_sentences(summary, territory, EXPORT)[1]
    assert sentence.endswith("par les régions Provence-Alpes-Côte d'Azur et Corse réunies")
    assert fmt.format_percent(summary["share_of_region"]["exports"]) in sentence
    shown = display_frame(kpi_table(summary))["Indicateur"].tolist()
    assert f"{label} — exportations" in shown
    from lib.data.territories import home_region
    spec = specialisation(official.cube, territory, YEAR, EXPORT)
    headers = [c.header for c in specialisation_table(spec, EXPORT, home_region(territory)).columns]
    assert "Part dans les régions Provence-Alpes-Côte d'Azur et Corse" in headers
    # the comparison page's peers: the TI, both régions together (clearly named), France
    peers = comparison_peers(territory)
    assert [p.id for p in peers] == ["ti:TIY", "reg:93+94", "fr"]
    assert peers[1].name == "Régions Provence-Alpes-Côte d'Azur et Corse"
    assert official.catalog.resolve("reg:93+94") == peers[1]
    together = flow_structure(official.cube, peers[1], YEAR, EXPORT).total
    assert together == pytest.approx(sum(SIZES[d][0] for d in ("13", "83", "2A", "2B")))


def test_the_dossier_and_the_excel_name_both_regions(official):
    territory = official.catalog.resolve("ti:TIX")
    kpi = report_item(official.cube, official.catalog, territory, YEAR, "kpi").tables[0]
    comparison = report_item(official.cube, official.catalog, territory, YEAR, "comparison").tables[0]
    book = load_workbook(io.BytesIO(workbook_to_xlsx([kpi, comparison], territory_label=territory.name, year=YEAR,
                                                     source="Source : test")))
    labels = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "Part des régions Normandie et Hauts-de-France — exportations" in labels
    assert "Régions Normandie et Hauts-de-France" in labels
    peer = report_item(official.cube, official.catalog, territory, YEAR, "export-flows-region").tables[0]
    assert peer.notes == ["Données des régions Normandie et Hauts-de-France, pour comparaison avec le territoire."]


def test_summary_cli_on_official_files_gives_the_two_region_share(tmp_path):
    """`lib.cli summary --json` on official-layout files: share_of_region = TI ÷ both régions together."""
    folder = _write_files(tmp_path / "files")
    env = {**os.environ, "CET_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "lib.cli", "summary", "--territory", "ti:TIX", "--year", "2024",
                           "--data", str(folder), "--json"], cwd=PROJECT_DIR, capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    # independent: the euro cells written to the files, summed over both régions' départements
    rows = pd.DataFrame(_rows("Export"), columns=["r", "dep", "flux", "p", "c", "y2023", "y2024"])
    own = rows.loc[rows["dep"].isin(["80", "76"]), "y2024"].sum()
    both = rows.loc[rows["dep"].isin(["80", "59", "76", "14"]), "y2024"].sum()
    assert summary["share_of_region"]["exports"] == pytest.approx(own / both)
    assert summary["share_of_region"]["exports"] <= 1
    assert summary["territory"]["regions"] == ["28", "32"]


# ---------------------------------------------------------------- item 2: no demo TIs with real files

def test_real_files_without_a_list_bring_no_demo_territories(isolated):
    data = load_app_data([_write_files(isolated / "officiel", with_ti_list=False)], cache_dir=isolated / "cache")
    assert not data.is_demo and data.catalog.industry_territories == {}
    with pytest.raises(TerritoryError, match="Aucune liste officielle des Territoires d'industrie"):
        data.catalog.resolve("ti:TI-DEMO-001")


def test_summary_cli_for_a_ti_without_a_list_fails_in_french(tmp_path):
    folder = _write_files(tmp_path / "files", with_ti_list=False)
    env = {**os.environ, "CET_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "lib.cli", "summary", "--territory", "ti:TI-DEMO-001", "--data",
                           str(folder), "--json"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300,
                          env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Aucune liste officielle des Territoires d'industrie" in done.stderr
    plain = done.stderr.replace("\u00a0", " ")
    assert "« python -m lib.cli fetch »" in plain and "« liste-ti-com2023-*.csv »" in plain


# ---------------------------------------------------------------- item 3: small amounts never read 0

def test_small_amounts_never_read_zero_in_tables_and_charts(official):
    territory = official.catalog.resolve("dep:2A")        # 40 000 € of exports
    assert fmt.format_amount(40_000) == f"40,0{NBSP}k€"      # a lone figure: k€
    assert fmt.format_millions_words(40_000) == "40,0 milliers d'euros"
    summary = territory_summary(official.cube, territory, YEAR)
    assert total_sentences(summary, territory, EXPORT)[0] == "Total des exportations : 40,0 milliers d'euros"
    table = display_frame(kpi_table(summary))
    assert "Valeur (M€)" in table.columns                   # one unit for the table, from its largest amount
    exports = table.loc[table["Indicateur"] == "Exportations", "Valeur (M€)"].item()
    assert exports == f"<{NBSP}0,1{NBSP}M€"
    assert not any(reads_zero(v) for v in table["Valeur (M€)"] if v)
    from lib.presentation import figures
    fig = figures.sankey_figure(flow_structure(official.cube, territory, YEAR, EXPORT))
    labels = fig.data[0].node.label
    values = [label.rsplit(" — ", 1)[1] for label in labels]
    assert values == [f"28,0{NBSP}k€", f"12,0{NBSP}k€", f"20,0{NBSP}k€", f"12,0{NBSP}k€", f"8,0{NBSP}k€"]
    assert len({label.rsplit(NBSP, 1)[1] for label in labels}) == 1      # one unit in the chart


def test_amount_unit_is_shared_within_a_table():
    unit = fmt.AmountUnit.for_values([28e9, 40_000, -12_000, 0])
    assert [unit.format(v) for v in (28e9, 40_000, -12_000, 0)] == [
        f"28{fmt.THIN}000,0{NBSP}M€", f"<{NBSP}0,1{NBSP}M€", f">{NBSP}−0,1{NBSP}M€", f"0,0{NBSP}M€"]
    small = fmt.AmountUnit.for_values([40_000, 7_500])
    assert small.format(7_500) == f"7,5{NBSP}k€"


def test_excel_never_shows_a_non_zero_amount_as_zero(tmp_path):
    from lib.outputs.excel_export import Column, TableSheet
    frame = pd.DataFrame({"v": [0.3, 1234.0], "m": [0.04, 12.0]})
    table = TableSheet(title="T", sheet_name="T", frame=frame,
                       columns=[Column("v", "Valeur (€)", "eur"), Column("m", "Montant (M€)", "meur")])
    book = load_workbook(io.BytesIO(workbook_to_xlsx([table], territory_label="X", year=YEAR, source="Source : test")))
    sheet = book.worksheets[-1]
    formats = {c.value: c.number_format for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))}
    assert formats[0.3] == "General" and formats[0.04] == "General"
    assert formats[1234.0] == "#,##0" and formats[12.0] == "#,##0.0"


# ---------------------------------------------------------------- item 4: formatting edge cases

@pytest.mark.parametrize("missing", [np.float32("nan"), np.float64("nan"), pd.NA, None, float("inf"), pd.NaT])
def test_missing_values_read_nd(missing):
    for render in (fmt.format_meur, fmt.format_amount, fmt.format_millions_words, fmt.format_percent,
                   fmt.format_ratio, fmt.format_signed_meur, lambda v: fmt.format_number(v, 1)):
        assert render(missing) == "n.d."


def test_tiny_negative_share_keeps_its_sign_and_small_changes_show():
    assert fmt.format_percent(-0.0000012) == f">{NBSP}−0,001{NBSP}%"
    assert fmt.format_percent(0.0000012) == f"<{NBSP}0,001{NBSP}%"
    assert fmt.format_percent(0.0004, decimals=1, signed=True) == f"+0,04{NBSP}%"
    assert fmt.format_percent(-0.0004, decimals=1, signed=True) == f"−0,04{NBSP}%"


def test_first_ranked_department_reads_1er(official):
    territory = official.catalog.resolve("dep:13")          # the largest exporter of the files
    summary = territory_summary(official.cube, territory, YEAR)
    ranks = {c.label: c.value for row in kpi_cards(official.cube, territory, YEAR, summary) for c in row}
    assert ranks["Rang à l'export"] == "1er / 101"
    assert fmt.format_rank(2, 101) == "2e / 101"


def test_kpi_change_of_plus_0_04_percent_is_not_shown_as_zero(official):
    cube = official.cube
    territory = official.catalog.resolve("dep:80")
    summary = dict(territory_summary(cube, territory, YEAR))
    before = cube.total(YEAR - 1, EXPORT, ("80",))
    summary["exports"] = before * 1.0004
    card = next(c for row in kpi_cards(cube, territory, YEAR, summary) for c in row if c.label == "Exportations")
    assert card.delta == f"+0,04{NBSP}% sur un an" and card.trend == 1


# ---------------------------------------------------------------- item 5: Excel precision = screen precision

@pytest.mark.parametrize("share, excel_format", [(0.0009, "0.00%"), (0.018, "0.0%"), (0.00005, "0.000%"),
                                                  (0.0000012, '"< 0,001 %"'), (-0.0000012, '"> -0,001 %"')])
def test_excel_share_format_has_the_screen_precision(share, excel_format):
    from lib.outputs.excel_export import number_format
    assert number_format(share, "share") == excel_format
    screen = fmt.format_percent(share)
    bounded = screen.startswith(("<", ">"))          # « < 0,001 % » is written as text in Excel
    assert bounded == excel_format.startswith('"'), (screen, excel_format)
    decimals = len(screen.split(",")[1].split(NBSP)[0])
    assert excel_format == (f'"{screen.replace(NBSP, " ").replace(fmt.MINUS, "-")}"' if bounded
                            else "0." + "0" * decimals + "%"), (screen, excel_format)


# ---------------------------------------------------------------- in the app (AppTest)

@pytest.fixture
def app_files(isolated, monkeypatch):
    """Official files in the isolated data/officiel; the process-wide Streamlit caches emptied around."""
    import streamlit as st
    st.cache_resource.clear()
    st.cache_data.clear()
    yield isolated / "officiel"
    st.cache_resource.clear()
    st.cache_data.clear()


def _app(query: dict):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_the_selector_says_no_list_is_loaded_and_how_to_get_one(app_files):
    _write_files(app_files, with_ti_list=False)
    at = _app({"territoire": "dep:13", "annee": "2024"})
    assert not at.exception, at.exception
    at.sidebar.selectbox[0].select("ti").run()
    assert not at.exception, at.exception
    infos = [i.value.replace("\u00a0", " ") for i in at.sidebar.info]
    assert any("Aucune liste officielle des Territoires d'industrie" in i and "python -m lib.cli fetch" in i
               and "liste-ti-com2023-*.csv" in i and "À propos des données" in i for i in infos), infos
    assert "TI-DEMO" not in " ".join(str(o) for o in at.sidebar.selectbox[1].options)


def test_the_overview_names_both_regions_on_its_cards(app_files):
    _write_files(app_files)
    at = _app({"territoire": "ti:TIY", "annee": "2024"})
    assert not at.exception, at.exception
    data = load_app_data([app_files], cache_dir=app_files.parent / "cache")
    summary = territory_summary(data.cube, data.catalog.resolve("ti:TIY"), YEAR)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Part des régions PACA et Corse (export)"] == fmt.format_percent(summary["share_of_region"]["exports"])
    assert not any(label.startswith("Part de la région") for label in metrics)
