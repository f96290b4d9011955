"""Excel layout rules one by one (issue 23: survivors of mutation testing in lib.outputs.excel_export): how a
table sheet and « Lisez-moi » print, widths and heights computed from their text, tiny amounts never shown as 0,
sheet names made unique within 31 characters, pictures stacked without overlap, the workbook's properties.
"""
from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image

from lib.outputs import excel_export as xl
from lib.outputs.excel_export import Column, TableSheet

CONTEXT = dict(territory_label="Hautes-Alpes", year=2024, source="Douanes (DGDDI)")


def table(frame: pd.DataFrame, columns: list[Column], sheet_name="Flux", notes=()) -> TableSheet:
    return TableSheet(title="Flux", sheet_name=sheet_name, frame=frame, columns=columns, notes=list(notes))


def sheet(data: bytes, name=None):
    book = load_workbook(io.BytesIO(data))
    return book[name] if name else book.active


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


PAIRS = table(pd.DataFrame({"country": ["Italie", "Espagne"], "value": [10.0, 20.0]}),
              [Column("country", "Pays", "text"), Column("value", "Montant (€)", "eur")])


# ---------------------------------------------------------------- printing

def test_a_table_prints_landscape_on_a4_one_page_wide_with_its_header_repeated():
    ws = sheet(xl.table_to_xlsx(PAIRS, **CONTEXT))
    header = 5                                    # title, territory, source, blank row
    assert ws.cell(header, 1).value == "Pays"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"
    assert ws.auto_filter.ref == f"A{header}:B{header + 2}"
    assert ws.cell(header, 1).alignment.wrap_text and ws.cell(header, 1).alignment.vertical == "center"


def test_an_empty_table_has_no_filter():
    empty = table(pd.DataFrame({"country": [], "value": []}), PAIRS.columns)
    assert not sheet(xl.table_to_xlsx(empty, **CONTEXT)).auto_filter.ref


def test_readme_prints_portrait_its_two_columns_side_by_side():
    text = "x" * 250 + "\n" + "y" * 10           # 3 lines of 100 characters, then 1
    ws = sheet(xl.workbook_to_xlsx([PAIRS], **CONTEXT, readme=[("Méthode", text)]), xl.README_SHEET)
    assert ws["A1"].value == "Commerce extérieur — Hautes-Alpes (2024)" and ws["A1"].font.b
    assert (ws["A3"].value, ws["B3"].value) == ("Rubrique", "Texte") and ws["A3"].font.b and ws["B3"].font.b
    assert [ws.cell(r, 1).value for r in range(4, 9)] == ["Territoire", "Année", "Source", "Méthode",
                                                           "Feuille « Flux »"]
    assert ws["A4"].font.b and not ws["B4"].font.b
    assert ws["B7"].alignment.wrap_text and ws["B7"].alignment.vertical == "top"
    assert ws.row_dimensions[7].height == 15.0 * 4 and ws.row_dimensions[4].height == 15.0
    assert (ws.column_dimensions["A"].width, ws.column_dimensions["B"].width) == (28, 100)
    assert ws.freeze_panes == "A4" and ws.print_title_rows.replace("$", "") == "3:3"
    assert ws.page_setup.orientation == "portrait" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_the_workbook_names_its_maker_and_its_subject():
    book = load_workbook(io.BytesIO(xl.workbook_to_xlsx([PAIRS], **CONTEXT)))
    assert book.properties.creator == "Commerce extérieur des territoires"
    assert book.properties.title == "Commerce extérieur — Hautes-Alpes (2024)"
    single = load_workbook(io.BytesIO(xl.table_to_xlsx(PAIRS, **CONTEXT)))
    assert single.properties.title == "Flux — Hautes-Alpes (2024)"


# ---------------------------------------------------------------- widths and heights

def test_widths_follow_the_displayed_figures_of_each_kind():
    frame = pd.DataFrame({"m": [1234.5], "r": [1.5], "s": [0.0009], "i": [12345], "t": ["court\nune ligne longue"]})
    columns = [Column("m", "M", "meur"), Column("r", "R", "ratio"), Column("s", "S", "share"),
               Column("i", "I", "int"), Column("t", "T", "text")]
    ws = sheet(xl.table_to_xlsx(table(frame, columns), **CONTEXT))
    widths = [ws.column_dimensions[c].width for c in "ABCDE"]
    # « 1,234.5 » 7 + 2 → 9; « 1.50 », « 0,09 % », « 12,345 » → the minimum 8; the longest line 16 + 2
    assert widths == [9, 8, 8, 8, 18]


def test_a_long_header_wraps_and_its_row_grows():
    header = "Exportations vers ce pays en 2024 (€)"    # 37 characters in a column of 24 + 2: 2 lines of 25
    one = table(pd.DataFrame({"v": [1.0]}), [Column("v", header, "eur")])
    ws = sheet(xl.table_to_xlsx(one, **CONTEXT))
    assert ws.column_dimensions["A"].width == 26
    assert ws.row_dimensions[5].height == 15.0 * 2


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize("value, kind, shown", [
    (0.4, "eur", "General"), (-0.4, "eur", "General"), (0.5, "eur", "#,##0"), (0.0, "eur", "#,##0"),
    (0.04, "meur", "General"), (0.05, "meur", "#,##0.0"), (0.4, "int", "0"), (0.4, "ratio", "0.00")])
def test_no_non_zero_amount_reads_zero(value, kind, shown):
    assert xl.number_format(value, kind) == shown


def test_missing_values_leave_the_cell_empty_and_text_columns_keep_numbers_as_text():
    frame = pd.DataFrame({"t": pd.Series([12, None], dtype=object), "v": [float("nan"), 3.0]})
    ws = sheet(xl.table_to_xlsx(table(frame, [Column("t", "T", "text"), Column("v", "V", "eur")]), **CONTEXT))
    assert ws["A6"].value == "12" and ws["A6"].data_type == "s"
    assert ws["A7"].value is None and ws["B6"].value is None and ws["B7"].value == 3


def test_a_citation_naming_no_source_gets_one_and_control_characters_are_dropped():
    ws = sheet(xl.table_to_xlsx(PAIRS, territory_label="Hautes\x01-Alpes", year=2024, source="DGDDI, 2025"))
    assert ws["A3"].value == "Source : DGDDI, 2025"
    assert ws["A2"].value == "Territoire : Hautes-Alpes — année 2024"
    assert load_workbook(io.BytesIO(xl.table_to_xlsx(PAIRS, territory_label="a\x01b", year=2024, source="s"))
                         ).properties.title == "Flux — ab (2024)"
    named = sheet(xl.table_to_xlsx(PAIRS, territory_label="x", year=2024, source="SOURCE : DGDDI"))
    assert named["A3"].value == "SOURCE : DGDDI"


# ---------------------------------------------------------------- sheet names

def test_sheet_names_are_made_unique_within_31_characters():
    long = "Exportations par pays partenaire 2024"          # cut to 31, then room for « (2) », « (3) »
    data = xl.workbook_to_xlsx([table(PAIRS.frame, PAIRS.columns, sheet_name=name)
                                for name in ("Flux", "flux", "Flux", long, long)], **CONTEXT)
    names = load_workbook(io.BytesIO(data)).sheetnames[1:]
    assert names == ["Flux", "flux (2)", "Flux (3)", "Exportations par pays partenair",
                     "Exportations par pays parte (2)"]
    assert all(len(name) <= 31 for name in names)


@pytest.mark.parametrize("raw, expected", [
    ("x" * 30 + "'y", "x" * 30),                     # an apostrophe left at the end of the cut goes
    ("'", "Feuille"), ("  a\x01b  ", "ab")])
def test_sheet_names_lose_what_excel_refuses(raw, expected):
    assert xl.sanitize_sheet_name(raw) == expected


# ---------------------------------------------------------------- pictures

def test_pictures_are_stacked_two_rows_apart_beside_the_table():
    data = xl.workbook_to_xlsx([table(PAIRS.frame, PAIRS.columns, sheet_name="Flux/pays")], **CONTEXT,
                               images={"Flux pays": [png(800, 400), png(800, 400)]})    # found by the sheet's title
    first, second = sheet(data, "Flux pays")._images
    shown_height = round(400 * xl.IMAGE_WIDTH_PX / 800)
    assert first.anchor._from.col == 3 and first.anchor._from.row == 4                # beside the header row
    assert second.anchor._from.row == 4 + math.ceil(shown_height / xl.ROW_HEIGHT_PX) + 2


def test_pictures_for_no_sheet_are_named_in_the_error():
    with pytest.raises(KeyError, match="images for unknown sheets: \\['Autre'\\]"):
        xl.workbook_to_xlsx([PAIRS], **CONTEXT, images={"Autre": [png(10, 10)]})


# ---------------------------------------------------------------- survivors of the complete run (de1e9b1)

def test_widths_leave_room_for_the_decimals_and_the_sign_each_kind_shows():
    frame = pd.DataFrame({"r": [123456.5], "i": [98765.25], "s": [-0.1234], "c": [1234567]})
    columns = [Column("r", "R", "ratio"), Column("i", "I", "index"), Column("s", "S", "share"),
               Column("c", "C", "eur", signed=True)]
    ws = sheet(xl.table_to_xlsx(table(frame, columns), **CONTEXT))
    # « 123,456.50 » 10 + 2; « 98,765.25 » 9 + 2; « −12,3 % » 7 + 2; « +1,234,567 » 9 + its sign + 2
    assert [ws.column_dimensions[c].width for c in "ABCD"] == [12, 11, 9, 12]
    assert ws["D6"].number_format == xl.SIGNED_EUR_FORMAT and ws["D6"].value == 1234567


def test_a_table_sheet_states_its_territory_and_year_in_the_workbook_too():
    ws = sheet(xl.workbook_to_xlsx([PAIRS], **CONTEXT), "Flux")
    assert ws["A1"].value == "Flux — Hautes-Alpes (2024)"
    assert ws["A2"].value == "Territoire : Hautes-Alpes — année 2024"


def test_notes_read_in_grey_italics_under_the_source():
    ws = sheet(xl.table_to_xlsx(table(PAIRS.frame, PAIRS.columns, notes=["Hors matériel militaire."]), **CONTEXT))
    assert ws["A4"].value == "Hors matériel militaire."
    assert ws["A4"].font.i and ws["A4"].font.color.rgb.endswith("595959")
    assert ws["A6"].value == "Pays"                 # the header comes after the note and a blank row


def test_a_short_header_keeps_a_single_line_row():
    ws = sheet(xl.table_to_xlsx(PAIRS, **CONTEXT))
    assert ws.row_dimensions[5].height == 15.0


@pytest.mark.parametrize("length, lines", [(25, 1), (26, 2), (50, 2), (51, 3)])
def test_a_long_header_takes_as_many_lines_as_its_column_holds_characters(length, lines):
    # a header longer than 24 characters gets a column of 24 + 2, which shows 25 characters a line
    one = table(pd.DataFrame({"v": [1.0]}), [Column("v", "x" * length, "eur")])
    ws = sheet(xl.table_to_xlsx(one, **CONTEXT))
    assert ws.column_dimensions["A"].width == 26
    assert ws.row_dimensions[5].height == 15.0 * lines


def test_the_filter_of_a_one_column_table_covers_that_column_only():
    one = table(pd.DataFrame({"country": ["Italie"]}), [Column("country", "Pays", "text")])
    assert sheet(xl.table_to_xlsx(one, **CONTEXT)).auto_filter.ref == "A5:A6"


def test_a_table_missing_a_column_is_refused_naming_the_sheet_and_the_column():
    broken = table(pd.DataFrame({"country": ["Italie"]}), PAIRS.columns, sheet_name="Partenaires")
    with pytest.raises(KeyError, match=r"columns absent from the frame of 'Partenaires': \['value'\]"):
        xl.table_to_xlsx(broken, **CONTEXT)


def test_booleans_are_written_as_one_and_zero_and_odd_values_as_their_text():
    frame = pd.DataFrame({"b": pd.Series([True, False], dtype=object),
                          "t": pd.Series([["Italie", "Espagne"], "Suisse"], dtype=object)})
    ws = sheet(xl.table_to_xlsx(table(frame, [Column("b", "B", "int"), Column("t", "T", "text")]), **CONTEXT))
    assert (ws["A6"].value, ws["A7"].value) == (1, 0)
    assert ws["B6"].value == "['Italie', 'Espagne']" and ws["B6"].data_type == "s"


def test_a_shortened_duplicate_sheet_name_has_no_double_space_before_its_number():
    name = "Importations des pays hors UE en 2024"      # cut to 27 characters, it ends on a space
    data = xl.workbook_to_xlsx([table(PAIRS.frame, PAIRS.columns, sheet_name=name)] * 2, **CONTEXT)
    assert load_workbook(io.BytesIO(data)).sheetnames[1:] == ["Importations des pays hors UE e",
                                                              "Importations des pays hors (2)"]


@pytest.mark.parametrize("raw", ["Zone X", "Xénophon", "Annexe XX"])
def test_sheet_names_keep_their_letters_at_both_ends(raw):
    assert xl.sanitize_sheet_name(raw) == raw


def test_pictures_are_found_by_the_table_sheet_name_even_when_excel_renamed_the_sheet():
    tables = [table(PAIRS.frame, PAIRS.columns, sheet_name=name) for name in ("Flux", "Flux", "Flux/pays")]
    data = xl.workbook_to_xlsx(tables, **CONTEXT, images={"Flux/pays": [png(80, 40)]})
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[1:] == ["Flux", "Flux (2)", "Flux pays"]
    assert [len(book[name]._images) for name in book.sheetnames[1:]] == [0, 0, 1]
