"""Item 2 of issue 20: the figures of a territory that moved between two data versions, biggest first, in
euros: pure functions over two cubes, the `lib.cli revisions` contract and its French errors."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from lib import cli
from lib.analysis.indicators import TradeCube
from lib.analysis.revisions import RevisionError, compared_year, revisions_json, territory_revisions
from lib.core import schema
from lib.data.territories import FRANCE, department
from lib.data.uploads import accept_uploads
from lib.presentation.revision_tables import revisions_table, total_sentence
from lib.presentation.tables import display_frame
from tests.test_bad_input import region_zip_bytes
from tests.test_versions import root  # noqa: F401  (fixture: an isolated data folder)


def _cube(rows) -> TradeCube:
    """(year, flow, department, product, country, value) rows as a tidy table."""
    frame = pd.DataFrame(rows, columns=[schema.YEAR, schema.FLOW, schema.DEPARTMENT, schema.PRODUCT,
                                        schema.COUNTRY, schema.VALUE])
    frame[schema.REGION] = "93"
    return TradeCube(frame[schema.TIDY_COLUMNS].astype({schema.YEAR: "int16"}))


BEFORE = [(2023, "export", "04", "C20B", "IT", 100.0), (2024, "export", "04", "C20B", "IT", 1_000.0),
          (2024, "export", "04", "C10A", "DE", 50.0), (2024, "import", "04", "C10A", "DE", 70.0),
          (2024, "export", "05", "C20B", "IT", 9_999.0)]
AFTER = [(2023, "export", "04", "C20B", "IT", 100.0), (2024, "export", "04", "C20B", "IT", 1_300.0),
         (2024, "export", "04", "C10A", "DE", 40.0), (2024, "export", "04", "C28B", "US", 5.0),
         (2024, "import", "04", "C10A", "DE", 70.0), (2024, "export", "05", "C20B", "IT", 1.0),
         (2025, "export", "04", "C20B", "IT", 7.0)]


def test_revisions_of_a_territory_biggest_first_in_euros():
    revisions = territory_revisions(_cube(BEFORE), _cube(AFTER), department("04"))
    assert revisions.year == 2024                      # the latest year both versions have
    assert revisions.totals == {"exports": (1_050.0, 1_345.0), "imports": (70.0, 70.0)}
    assert revisions.products[["flow", "code", "change"]].values.tolist() == [
        ["export", "C20B", 300.0], ["export", "C10A", -10.0], ["export", "C28B", 5.0]]
    assert revisions.countries[["code", "before", "after"]].values.tolist() == [
        ["IT", 1_000.0, 1_300.0], ["DE", 50.0, 40.0], ["US", 0.0, 5.0]]
    contract = revisions_json(revisions, "v0001", "v0002")
    assert contract["exports"] == {"before": 1_050.0, "after": 1_345.0, "change": 295.0}
    assert contract["imports"]["change"] == 0.0 and contract["products"][0]["name"] == "Savons, parfums, entretien"
    assert [c["country"] for c in contract["countries"]] == ["IT", "DE", "US"]


def test_a_year_without_revision_and_france_as_a_sum():
    same = territory_revisions(_cube(BEFORE), _cube(AFTER), department("04"), 2023)
    assert same.unchanged and same.products.empty
    france = territory_revisions(_cube(BEFORE), _cube(AFTER), FRANCE, 2024)
    assert france.totals["exports"] == (11_049.0, 1_346.0)


def test_years_that_are_not_in_both_versions_are_refused_in_french():
    with pytest.raises(RevisionError, match="Année 2025 absente de l'une des deux versions"):
        compared_year(_cube(BEFORE), _cube(AFTER), 2025)
    with pytest.raises(RevisionError, match="aucune année en commun"):
        compared_year(_cube(BEFORE[:1]), _cube(AFTER[-1:]))


def test_the_table_and_sentences_read_in_french():
    revisions = territory_revisions(_cube(BEFORE), _cube(AFTER), department("04"))
    assert total_sentence(revisions, "exports") == ("Exportations 2024 : 1,1\u00a0k€ puis 1,3\u00a0k€ "
                                                    "(révision : +0,3\u00a0k€)")
    assert total_sentence(revisions, "imports") == "Importations 2024 : 70\u00a0€, inchangées"
    shown = display_frame(revisions_table(revisions, "v0001", "v0002"))
    assert list(shown.columns) == ["Libellé", "Flux", "Révision (k€)", "Avant (v0001) (k€)", "Après (v0002) (k€)",
                                   "Rubrique", "Code"]
    assert shown.iloc[0].tolist() == ["Tous produits, tous pays", "Exportations", "+0,3\u00a0k€", "1,1\u00a0k€",
                                      "1,3\u00a0k€", "Total", ""]
    assert shown["Rubrique"].tolist() == ["Total", "Total", "Produit", "Produit", "Produit", "Pays", "Pays", "Pays"]


def test_cli_revisions_between_two_uploads(root, capsys):  # noqa: F811
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", ["04", "05"])),
                    ("region_94_A.zip", region_zip_bytes("94", ["2A"]))])
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", ["04", "05"], base=1500))])
    assert cli.main(["revisions", "--from", "v0001", "--to", "v0002", "--territory", "dep:04", "--year", "2024",
                     "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    # 2 products × 2 countries of 1 000 + 10 j + k + 0,5 €, each 500 € more
    assert result["exports"] == {"before": 4_024.0, "after": 6_024.0, "change": 2_000.0}
    assert {(p["flow"], p["product"], p["change"]) for p in result["products"]} == {
        ("exports", "C10A", 1_000.0), ("exports", "C20B", 1_000.0), ("imports", "C10A", 1_000.0),
        ("imports", "C20B", 1_000.0)}
    assert cli.main(["revisions", "--territory", "dep:2A"]) == 0        # defaults: in use vs the one it replaced
    assert "Exportations 2024 : 4,0\u00a0k€, inchangées" in capsys.readouterr().out
    for argv, message in ((["--from", "v0009"], "Version « v0009 » introuvable"),
                          (["--territory", "dep:99"], "Département inconnu : « 99 »"),
                          (["--year", "1999"], "Année 1999 absente")):
        args = {"--territory": "dep:04", **dict(zip(argv[::2], argv[1::2]))}
        assert cli.main(["revisions", *[x for pair in args.items() for x in pair]]) == 2
        err = capsys.readouterr().err
        assert err.startswith("Erreur : ") and message in err and "Traceback" not in err


def test_the_excel_table_keeps_euros_and_signs_the_revision():
    import io
    from openpyxl import load_workbook
    from lib.outputs.excel_export import table_to_xlsx
    revisions = territory_revisions(_cube(BEFORE), _cube(AFTER), department("04"))
    data = table_to_xlsx(revisions_table(revisions, "v0001", "v0002"), territory_label="04 – Alpes-de-Haute-Provence",
                         year=revisions.year, source="Source : douanes françaises, résultats de février 2026")
    sheet = load_workbook(io.BytesIO(data)).active
    header = next(r for r in range(1, 10) if sheet.cell(row=r, column=1).value == "Libellé")
    first = [sheet.cell(row=header + 1, column=c).value for c in range(1, 8)]
    assert first == ["Tous produits, tous pays", "Exportations", 295, 1_050, 1_345, "Total", None]
    assert sheet.cell(row=header + 1, column=3).number_format == "+#,##0;-#,##0;0"
    assert sheet.cell(row=header + 1, column=4).number_format == "#,##0"


def test_the_data_page_shows_the_revisions_of_the_selected_territory(root, monkeypatch):  # noqa: F811
    import io
    import streamlit as st
    from openpyxl import load_workbook
    from streamlit.testing.v1 import AppTest
    from tests.conftest import PROJECT_DIR
    from tests.test_downloads_app import capture_downloads, content
    files = capture_downloads(monkeypatch)
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", ["04", "05"]))])
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", ["04", "05"], base=1500))])
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    at.query_params["territoire"] = "dep:04"
    at.run()
    at.switch_page("pages/about.py").run()
    assert not at.exception, at.exception
    assert [s.value for s in at.selectbox if s.key.startswith("revisions_")] == ["v0001", "v0002"]
    texts = " ".join(m.value for m in at.markdown)
    assert "Exportations 2024 : 4,0\u00a0k€ puis 6,0\u00a0k€ (révision : +2,0\u00a0k€)." in texts
    table = at.dataframe[-1].value
    assert table.iloc[0, :3].tolist() == ["Tous produits, tous pays", "Exportations", "+2,0\u00a0k€"]
    assert [c for c in at.caption if "révision = après − avant" in c.value]
    name = "revisions_v0001-v0002_dep-04_alpes-de-haute-provence_2024.xlsx"
    workbook = load_workbook(io.BytesIO(content(files, name)))
    assert workbook.active.cell(row=1, column=1).value.startswith("Révisions entre deux versions des données")
    accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2A"]))])       # nothing of dep:04 moves
    at.run()
    assert [s.value for s in at.selectbox if s.key.startswith("revisions_")] == ["v0002", "v0003"]
    assert [i for i in at.info if "Aucun chiffre des Alpes-de-Haute-Provence n'a changé entre les versions v0002 et "
            "v0003 pour 2024" in i.value]
    st.cache_data.clear()
    st.cache_resource.clear()
