"""« France » with only some régions loaded: every share of France says it is partial (issue 19)."""
from __future__ import annotations

import pandas as pd
from lib.analysis import indicators as ind
from lib.analysis.coverage import france_coverage, france_share_label, partial_france_note
from lib.analysis.summary import territory_summary
from lib.data.reference import departments as ref
from lib.data.territories import department
from lib.presentation.overview_metrics import kpi_cards
from lib.presentation.tables import kpi_table
from lib.presentation.texts import total_sentences
from tests.official_builders import write_region_zip

COLUMNS = ["year", "flow", "department", "region", "product", "country", "value_eur"]


def _cube(departments) -> ind.TradeCube:
    rows = [(2024, flow, dep, "x", "C10A", "DE", 10.0) for dep in departments for flow in ("export", "import")]
    return ind.TradeCube(pd.DataFrame(rows, columns=COLUMNS))


def test_one_region_is_partial_and_every_share_of_france_says_so():
    paca = list(ref.DEPARTMENTS.loc[ref.DEPARTMENTS["region"] == "93", "code"])
    cube = _cube(paca)
    coverage = france_coverage(cube)
    assert (coverage.departments, coverage.of, coverage.partial) == (len(paca), 101, True)
    assert "93" not in coverage.missing_regions and len(coverage.missing_regions) == len(ref.REGIONS) - 1
    summary = territory_summary(cube, department("04"), 2024)
    assert summary["france_coverage"]["partial"] is True
    assert france_share_label(summary) == "Part de la France partielle"
    note = partial_france_note(summary)
    assert note.startswith(f"France partielle : les fichiers chargés couvrent {len(paca)} départements sur 101")
    labels = [card.label for row in kpi_cards(cube, department("04"), 2024, summary) for card in row]
    assert "Part France partielle (export)" in labels and "Part de la France (export)" not in labels
    table = kpi_table(summary)
    assert "Part de la France partielle — exportations" in list(table.frame["indicator"])
    assert table.notes == [note]
    assert "(France partielle" in total_sentences(summary, department("04"), "export")[-1]


def test_every_department_is_whole_france_and_no_word_is_added():
    cube = _cube(list(ref.DEPARTMENTS["code"]))
    summary = territory_summary(cube, department("04"), 2024)
    assert summary["france_coverage"] == {"departments": 101, "of": 101, "partial": False, "missing_regions": []}
    assert france_share_label(summary) == "Part de la France" and partial_france_note(summary) is None
    assert kpi_table(summary).notes == []
    assert total_sentences(summary, department("04"), "export")[-1].endswith("au niveau national")


def test_cli_summary_of_france_from_one_region_says_partial_not_100_percent(tmp_path, capsys):
    from lib.cli import main
    write_region_zip(tmp_path, number="93")
    assert main(["summary", "--territory", "fr", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Part de la France" not in out and "100,0 %" not in out
    assert "France partielle : les fichiers chargés couvrent" in out
    assert main(["summary", "--territory", "dep:04", "--data", str(tmp_path)]) == 0
    assert "Part de la France partielle (export / import)" in capsys.readouterr().out


def test_summary_without_coverage_keeps_the_plain_label():
    assert france_share_label({"share_of_france": {}}) == "Part de la France"
    assert partial_france_note({"france_coverage": None}) is None
