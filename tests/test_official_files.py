"""The customs file reader: formats, semantics, French error messages, national scale."""
from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lib.data import official_files
from lib.core import schema
from lib.core.errors import DataFileError
from lib.data.official_files import citation, read_official_files, release_label
from tests.official_builders import (EXPORT_ROWS, HEADER, IMPORT_ROWS, csv_text, write_csv,
                                     without_dates, write_region_zip, write_xlsx, write_zip, xlsx_bytes)


def _cell(table: pd.DataFrame, dep, flow, product, country, year) -> pd.Series:
    mask = ((table["department"] == dep) & (table["flow"] == flow) & (table["product"] == product)
            & (table["country"] == country) & (table["year"] == year))
    return table.loc[mask, "value_eur"]


def _error(paths, **kwargs) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        read_official_files(paths, **kwargs)
    return info.value


# --------------------------------------------------------------------------- happy paths

def test_zip_gives_tidy_table_with_schema_dtypes(tmp_path):
    result = read_official_files([write_region_zip(tmp_path)])
    table = result.table
    assert list(table.columns) == schema.TIDY_COLUMNS
    expected = schema.empty_tidy_table().dtypes
    for column in schema.TIDY_COLUMNS:
        assert type(table[column].dtype) is type(expected[column]), column
    assert table["year"].dtype == np.int16 and table["value_eur"].dtype == np.float64
    non_blank = sum(v is not None for row in IMPORT_ROWS + EXPORT_ROWS for v in row[5:])
    assert len(table) == non_blank
    assert set(table["flow"]) == {"import", "export"}
    assert _cell(table, "04", "import", "C10A", "DE", 2023).tolist() == [100.4]


def test_region_comes_from_department_not_kiosque_number(tmp_path):
    table = read_official_files([write_region_zip(tmp_path)]).table
    regions = table.drop_duplicates("department").set_index("department")["region"].astype(str)
    assert regions.to_dict() == {"04": "93", "2A": "94", "974": "04", "75": "11"}


def test_codes_stay_text_and_numeric_dep_is_normalised(tmp_path):
    rows = [["93", 4, "Import", "C10A", "NA", 1, 2], ["93", 974.0, "Import", "C10A", "DE", 3, 4],
            ["93", "2A", "Import", "C10B", "DE", 5, 6], ["93", " 04 ", "Import", "C10B", "FR", 7, 8]]
    table = read_official_files([write_xlsx(tmp_path / "REGION_93_A_IMPORT.xlsx", rows)]).table
    assert sorted(table["department"].unique()) == ["04", "2A", "974"]
    assert "NA" in set(table["country"])            # Namibia, not a missing value
    assert _cell(table, "04", "import", "C10A", "NA", 2024).tolist() == [2.0]
    assert _cell(table, "04", "import", "C10B", "FR", 2023).tolist() == [7.0]


def test_blank_cells_are_absent_rows_and_zeros_are_kept(tmp_path):
    table = read_official_files([write_region_zip(tmp_path)]).table
    assert _cell(table, "04", "import", "C20B", "NA", 2023).empty
    assert _cell(table, "974", "import", "C29A", "JP", 2024).empty
    assert _cell(table, "2A", "import", "C10A", "IT", 2023).tolist() == [0.0]
    assert table["value_eur"].notna().all()


def test_every_year_column_is_read(tmp_path):
    header = HEADER[:5] + [f"annee{y}_valeur_en_euros" for y in (2020, 2021, 2022, 2023, 2024)]
    rows = [["03", "75", "Export", "C10A", "DE", 1, 2, 3, 4, 5]]
    table = read_official_files([write_xlsx(tmp_path / "x.xlsx", rows, header=header)]).table
    assert dict(zip(table["year"], table["value_eur"])) == {2020: 1, 2021: 2, 2022: 3, 2023: 4,
                                                           2024: 5}


def test_without_workbook_dates_the_release_is_the_latest_data_entry(tmp_path):
    path = write_zip(tmp_path / "region_03_A.zip", {
        "REGION_03_A_IMPORT.xlsx": without_dates(xlsx_bytes(IMPORT_ROWS)),
        "REGION_03_A_EXPORT.xlsx": without_dates(xlsx_bytes(EXPORT_ROWS)),
    }, date_time=(2025, 3, 14, 8, 0, 0))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(zipfile.ZipInfo("LisezMoi.txt", date_time=(2027, 1, 1, 0, 0, 0)), "x")
    result = read_official_files([path])
    assert result.release_date == dt.date(2025, 3, 14)
    assert result.sources[0]["release_date"] == "2025-03-14" and result.sources[0]["release_from"] == "archive"
    assert result.sources[0]["flows"] == ["export", "import"]
    assert result.sources[0]["years"] == [2023, 2024]
    (tmp_path / "bare.xlsx").write_bytes(without_dates(xlsx_bytes(IMPORT_ROWS)))
    assert read_official_files([tmp_path / "bare.xlsx"]).release_date is None


def test_release_label_and_citation():
    assert release_label(dt.date(2026, 2, 6)) == "février 2026"
    assert release_label(dt.date(2025, 8, 1)) == "août 2025"
    assert citation(dt.date(2025, 12, 1)) == "Source : douanes françaises, résultats de décembre 2025"
    assert citation(None) == "Source : douanes françaises (date de diffusion inconnue)"


@pytest.mark.parametrize("sep,decimal,encoding", [
    (";", ",", "cp1252"), (",", ".", "utf-8-sig"), (";", ".", "utf-8"), ("\t", ",", "utf-8")])
def test_csv_variants_equal_the_xlsx(tmp_path, sep, decimal, encoding):
    header = HEADER + ["Libellé"]
    rows = [row + ["Préparations à base de viande"] for row in IMPORT_ROWS]
    path = write_csv(tmp_path / "douanes_import.csv", rows, header=header, sep=sep,
                     decimal=decimal, encoding=encoding)
    from_csv = read_official_files([path]).table
    from_xlsx = read_official_files([write_xlsx(tmp_path / "i.xlsx", IMPORT_ROWS)]).table
    pd.testing.assert_frame_equal(from_csv, from_xlsx)


def test_text_numbers_with_spaces_and_decimal_comma(tmp_path):
    rows = [["03", "75", "Export", "C10A", "DE", "1 234,5", "\u00a02500 "]]
    table = read_official_files([write_xlsx(tmp_path / "x.xlsx", rows)]).table
    assert sorted(table["value_eur"]) == [1234.5, 2500.0]


def test_openpyxl_engine_reads_the_same(tmp_path):
    path = write_region_zip(tmp_path)
    fast = read_official_files([path]).table
    slow = read_official_files([path], excel_engine="openpyxl").table
    pd.testing.assert_frame_equal(fast, slow)


def test_folder_skips_territory_lists_manifest_and_foreign_csv(tmp_path):
    write_region_zip(tmp_path)
    (tmp_path / "liste-ti-com2023-20250101.csv").write_text("insee_com,lib_com,id_ti,lib_ti\n")
    (tmp_path / "demo-manifest.csv").write_text("x\n")
    (tmp_path / "notes.csv").write_text("a;b\n1;2\n")
    result = read_official_files([tmp_path])
    assert [s["file"] for s in result.sources] == ["region_03_A.zip"]
    assert any("notes.csv" in w and "ignoré" in w for w in result.warnings)


def test_origin_names_replace_temporary_names(tmp_path):
    path = write_region_zip(tmp_path)
    result = read_official_files([path], origin_names={path: "envoi_utilisateur.zip"})
    assert result.sources[0]["file"] == "envoi_utilisateur.zip"
    bad = write_xlsx(tmp_path / "tmp123.xlsx", [["03", "04", "Import", "C10A", "DE", "abc", 1]])
    assert "mon_fichier.xlsx" in str(_error([bad], origin_names={str(bad): "mon_fichier.xlsx"}))


# --------------------------------------------------------------------------- duplicates

def test_same_zip_twice_under_two_names_is_kept_once(tmp_path):
    first = write_region_zip(tmp_path)
    shutil.copy(first, tmp_path / "copie.zip")
    once = read_official_files([first]).table
    result = read_official_files([first, tmp_path / "copie.zip"])
    pd.testing.assert_frame_equal(result.table, once)
    assert any("identique" in w for w in result.warnings)


def test_overlapping_identical_rows_from_two_files_are_kept_once(tmp_path):
    a = write_xlsx(tmp_path / "a_IMPORT.xlsx", IMPORT_ROWS)
    b = write_xlsx(tmp_path / "b_IMPORT.xlsx", IMPORT_ROWS[:2])
    result = read_official_files([a, b])
    pd.testing.assert_frame_equal(result.table, read_official_files([a]).table)
    cells = sum(value is not None for row in IMPORT_ROWS[:2] for value in row[5:])
    # the sentence keeps its own comma (the number formatter once ate it: « (mêmes codes  même valeur) »)
    assert f"{cells} ligne(s) en double (mêmes codes, même valeur) : gardée(s) une seule fois." in result.warnings


def test_same_cell_with_two_values_names_both_files_and_rows(tmp_path):
    a = write_xlsx(tmp_path / "a.xlsx", IMPORT_ROWS)
    changed = [row[:] for row in IMPORT_ROWS]
    changed[2][6] = 8.5
    b = write_xlsx(tmp_path / "b.xlsx", [EXPORT_ROWS[0]] + changed)
    message = str(_error([a, b]))
    assert "« a.xlsx » ligne 4" in message and "« b.xlsx » ligne 5" in message
    assert "2A" in message and "7,5" in message and "8,5" in message


def test_an_older_release_extends_the_years_and_the_newer_one_revises(tmp_path):
    """Loading last year's ZIP beside this year's: 2022 is added, overlapping cells take the newer value."""
    newer_dir, older_dir = tmp_path / "2026", tmp_path / "2025"
    newer_dir.mkdir(), older_dir.mkdir()
    newer = write_region_zip(newer_dir, date_time=(2026, 2, 6, 10, 0, 0))
    header = ["Region", "Dep", "Flux", "CodeA129", "Pays", "annee2022_valeur_en_euros", "annee2023_valeur_en_euros"]
    older_import = [["03", "04", "Import", "C10A", "DE", 90.0, 99.0],      # 2023 revised later to 100.4
                    ["03", "2A", "Import", "C10A", "IT", 5.0, 0]]          # 2023 unchanged (0)
    older = write_zip(older_dir / "region_03_A.zip", {
        "REGION_03_A_IMPORT.xlsx": xlsx_bytes(older_import, header=header, created=(2025, 2, 7, 10, 0, 0)),
        "REGION_03_A_EXPORT.xlsx": xlsx_bytes([["03", "04", "Export", "C10A", "DE", 40, 50]], header=header,
                                              created=(2025, 2, 7, 10, 0, 0))},
        date_time=(2025, 2, 7, 10, 0, 0))
    result = read_official_files([older, newer])
    table = result.table
    cell = table[(table["department"] == "04") & (table["product"] == "C10A") & (table["country"] == "DE")
                 & (table["flow"] == "import")].set_index("year")["value_eur"]
    assert cell.to_dict() == {2022: 90.0, 2023: 100.4, 2024: 1.0}
    assert sorted(table["year"].unique()) == [2022, 2023, 2024]
    assert result.release_date.isoformat() == "2026-02-06"
    assert any("1 valeur(s) révisée(s)" in w for w in result.warnings)


def test_two_values_in_the_same_release_are_still_an_error(tmp_path):
    a = write_zip(tmp_path / "region_03_A.zip", {"REGION_03_A_IMPORT.xlsx": xlsx_bytes(IMPORT_ROWS)})
    changed = [row[:] for row in IMPORT_ROWS]
    changed[0][6] = 3
    b = write_zip(tmp_path / "region_04_A.zip", {"REGION_04_A_IMPORT.xlsx": xlsx_bytes(changed)})
    assert "valeurs différentes" in str(_error([a, b]))


# --------------------------------------------------------------------------- bad inputs

def test_zip_name_without_zip_content(tmp_path):
    path = tmp_path / "region_03_A.zip"
    path.write_text("<html>Erreur 404</html>")
    err = _error([path])
    assert err.file == "region_03_A.zip" and "n'est pas une archive ZIP" in str(err)
    assert "HTML" in str(err)


def test_zip_without_data_members_lists_its_content(tmp_path):
    path = write_zip(tmp_path / "region_03_A.zip", {"LisezMoi.txt": b"x", "autre.xlsx": b"y"})
    message = str(_error([path]))
    assert "region_03_A.zip" in message and "LisezMoi.txt" in message and "autre.xlsx" in message


def test_zip_bomb_is_refused_before_extraction(tmp_path, monkeypatch):
    path = write_zip(tmp_path / "region_03_A.zip",
                     {"REGION_03_A_IMPORT.xlsx": bytes(official_files.RATIO_FLOOR_BYTES + 1024)})
    monkeypatch.setattr(official_files, "_read_member",
                        lambda *a: pytest.fail("extraction tentée malgré la bombe ZIP"))
    message = str(_error([path]))
    assert "REGION_03_A_IMPORT.xlsx" in message and "compressé" in message
    monkeypatch.setattr(official_files, "MAX_MEMBER_BYTES", 1000)
    (tmp_path / "b").mkdir()
    big = write_region_zip(tmp_path / "b", number="04")
    assert "limite" in str(_error([big]))


def test_xlsx_without_qdf_names_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", IMPORT_ROWS, sheet="Feuil1", extra_sheets=["Notes"])
    message = str(_error([path]))
    assert "« qdf »" in message and "« Feuil1 »" in message and "« Notes »" in message


def test_missing_column_is_named_with_expected_list(tmp_path):
    header = [h for h in HEADER if h != "Pays"]
    rows = [row[:4] + row[5:] for row in IMPORT_ROWS]
    err = _error([write_xlsx(tmp_path / "x.xlsx", rows, header=header)])
    assert err.column == "Pays" and err.sheet == "qdf"
    assert "CodeA129" in str(err) and "anneeAAAA_valeur_en_euros" in str(err)


@pytest.mark.parametrize("column", ["annee2024_valeur_en_milliers_euros",
                                    "annee2024_valeur_en_dollars"])
def test_values_not_in_euros_are_refused(tmp_path, column):
    header = HEADER[:6] + [column]
    err = _error([write_xlsx(tmp_path / "x.xlsx", IMPORT_ROWS, header=header)])
    assert err.column == column and err.row == 1 and "euros" in str(err)


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "vide.xlsx"
    empty.write_bytes(b"")
    assert "vide (0 octet)" in str(_error([empty]))
    header_only = write_xlsx(tmp_path / "entete.xlsx", [])
    assert "seulement l'en-tête" in str(_error([header_only]))
    blank_sheet = write_xlsx(tmp_path / "blanc.xlsx", [], header=None)
    assert "blanc.xlsx" in str(_error([blank_sheet]))
    csv_header = tmp_path / "entete.csv"
    csv_header.write_text(csv_text([]))
    assert "seulement l'en-tête" in str(_error([csv_header]))


def test_not_a_number_gives_excel_row_and_cell_text(tmp_path):
    rows = [row[:] for row in IMPORT_ROWS]
    rows[2][6] = "n.d."
    path = write_zip(tmp_path / "region_03_A.zip",
                     {"REGION_03_A_IMPORT.xlsx": xlsx_bytes(rows)})
    err = _error([path])
    assert (err.file, err.member, err.column, err.row) == (
        "region_03_A.zip", "REGION_03_A_IMPORT.xlsx", "annee2024_valeur_en_euros", 4)
    assert "« n.d. »" in str(err) and "ligne 4" in str(err)


def test_row_numbers_count_blank_rows_like_excel(tmp_path):
    rows = [IMPORT_ROWS[0], [None] * 7, ["03", "04", "Import", "C10A", "US", 1, -5]]
    err = _error([write_xlsx(tmp_path / "x.xlsx", rows)])
    assert err.row == 4 and "négative" in str(err)


def test_negative_value_in_csv(tmp_path):
    rows = [IMPORT_ROWS[0], ["03", "04", "Import", "C10A", "US", "-3,5", 1]]
    err = _error([write_csv(tmp_path / "x.csv", rows)])
    assert (err.row, err.column) == (3, "annee2023_valeur_en_euros") and "-3,5" in str(err)


def test_unknown_flux_value(tmp_path):
    rows = IMPORT_ROWS + [["03", "04", "Transit", "C10A", "US", 1, 1]]
    err = _error([write_xlsx(tmp_path / "x.xlsx", rows)])
    assert (err.column, err.row) == ("Flux", 6) and "« Transit »" in str(err)


def test_flux_must_agree_with_file_name(tmp_path):
    rows = IMPORT_ROWS + [EXPORT_ROWS[0]]
    path = write_zip(tmp_path / "region_03_A.zip", {"REGION_03_A_IMPORT.xlsx": xlsx_bytes(rows)})
    err = _error([path])
    assert (err.member, err.column, err.row) == ("REGION_03_A_IMPORT.xlsx", "Flux", 6)
    assert "importations" in str(err)
    mixed = write_xlsx(tmp_path / "donnees.xlsx", rows)   # no flow in the name: Flux decides
    assert set(read_official_files([mixed]).table["flow"]) == {"import", "export"}


@pytest.mark.parametrize("dep", ["20", "99", "975", "abc"])
def test_unknown_department(tmp_path, dep):
    rows = IMPORT_ROWS + [["03", dep, "Import", "C10A", "US", 1, 1]]
    err = _error([write_xlsx(tmp_path / "x.xlsx", rows)])
    assert (err.column, err.row) == ("Dep", 6) and f"« {dep} »" in str(err)


def test_blank_code_on_data_row(tmp_path):
    rows = IMPORT_ROWS + [["03", "04", "Import", None, "US", 1, 1]]
    err = _error([write_xlsx(tmp_path / "x.xlsx", rows)])
    assert (err.column, err.row) == ("CodeA129", 6)


def test_unknown_product_and_country_codes_are_kept_and_counted(tmp_path):
    rows = IMPORT_ROWS + [["03", "04", "Import", "X99Z", "DE", 1, 2],
                          ["03", "04", "Import", "C10A", "ZZ", 3, None]]
    result = read_official_files([write_xlsx(tmp_path / "x.xlsx", rows)])
    assert result.unknown_products == {"X99Z": 2}
    assert result.unknown_countries == {"ZZ": 1}
    assert "1 code produit non référencé (X99Z) : conservé" in " ".join(result.warnings)
    assert _cell(result.table, "04", "import", "X99Z", "DE", 2024).tolist() == [2.0]


def test_missing_path_and_unsupported_suffix(tmp_path):
    assert "introuvable" in str(_error([tmp_path / "absent.zip"]))
    other = tmp_path / "donnees.ods"
    other.write_bytes(b"x")
    assert "format non pris en charge" in str(_error([other]))
    old = tmp_path / "ancien.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    assert ".xls" in str(_error([old]))


def test_error_sentence_names_every_place():
    err = DataFileError("la valeur « x » n'est pas un nombre", file="r.zip", member="R_IMPORT.xlsx",
                        sheet="qdf", column="annee2024_valeur_en_euros", row=12)
    assert str(err) == ("Fichier « R_IMPORT.xlsx » (archive « r.zip »), feuille « qdf », colonne "
                        "« annee2024_valeur_en_euros », ligne 12 : la valeur « x » n'est pas un "
                        "nombre.")
    assert str(DataFileError("aucun fichier")) == "Aucun fichier."


# --------------------------------------------------------------------------- national scale

def _independent_totals(folder: Path) -> tuple[dict, int]:
    """Sum every non-blank value cell straight from the ZIPs with python-calamine."""
    from python_calamine import CalamineWorkbook
    totals: dict[tuple[str, int], float] = {}
    cells = 0
    for path in sorted(folder.glob("region_*_A.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.endswith(".xlsx"):
                    continue
                rows = CalamineWorkbook.from_filelike(archive.open(name)).get_sheet_by_name(
                    "qdf").to_python()
                frame = pd.DataFrame(rows[1:], columns=rows[0]).replace("", np.nan)
                for column in frame.columns[5:]:
                    values = frame[column].astype(float)
                    key = (frame["Flux"].iloc[0].lower(), int(column[5:9]))
                    totals[key] = totals.get(key, 0.0) + values.sum()
                    cells += int(values.notna().sum())
    return totals, cells


def test_national_scale_totals_match_independent_sums(demo_dir):
    if not any(demo_dir.glob("region_*_A.zip")):
        pytest.skip("données de démonstration absentes")
    result = read_official_files([demo_dir])
    expected, cells = _independent_totals(demo_dir)
    table = result.table
    assert len(table) == cells
    assert table["department"].nunique() == 101
    got = table.groupby(["flow", "year"], observed=True)["value_eur"].sum().to_dict()
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12)
    assert result.release_date is not None and len(result.sources) == 18
