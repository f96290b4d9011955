"""Excel exports read back with openpyxl: typed numbers, formats, safe text, layout, images."""
from __future__ import annotations

import io
import math
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image

from lib.outputs.excel_export import (NUMBER_FORMATS, README_SHEET, Column, TableSheet, sanitize_sheet_name,
                              table_to_xlsx, workbook_to_xlsx, write_table_sheet)
from lib.outputs.file_names import download_name

CONTEXT = dict(territory_label="Alpes-de-Haute-Provence", year=2024,
               source="Douanes (DGDDI), données 2024")
INJECTIONS = ["=1+1", "+33 6 12 34 56 78", "-x", "@SUM(A1)", "\t=cmd", "\r=cmd",
              '=HYPERLINK("http://evil.example","clic")']


def _flows_table(labels=None, sheet_name="Import") -> TableSheet:
    labels = labels or ["Allemagne", "Italie", "Espagne"]
    n = len(labels)
    frame = pd.DataFrame({
        "country": labels,
        "value": np.array([1_234_567_890, 45_000, 12][:n] + [7] * max(0, n - 3), dtype="int64"),
        "value_m": [511.9, np.nan, 2.5][:n] + [1.0] * max(0, n - 3),
        "share": [0.25, 0.018, float("nan")][:n] + [0.0] * max(0, n - 3),
        "coverage": [1.114, float("inf"), 0.5][:n] + [1.0] * max(0, n - 3),
        "rank": np.array([1, 2, 3][:n] + [4] * max(0, n - 3), dtype="int32"),
        "index": [1.5, 0.8, 1.0][:n] + [1.0] * max(0, n - 3),
    })
    columns = [Column("country", "Pays", "text"), Column("value", "Montant (€)", "eur"),
               Column("value_m", "Montant (M€)", "meur"), Column("share", "Part", "share"),
               Column("coverage", "Taux de couverture", "ratio"), Column("rank", "Rang", "int"),
               Column("index", "Indice de spécialisation", "index")]
    return TableSheet(title="Flux à l'import", sheet_name=sheet_name, frame=frame, columns=columns,
                      notes=["Montants en euros courants."])


def _load(data: bytes):
    return load_workbook(io.BytesIO(data))


def _png(width: int, height: int, colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_values_are_numbers_with_their_format():
    table = _flows_table()
    ws = _load(table_to_xlsx(table, **CONTEXT)).active
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Pays")
    first = header + 1
    assert [ws.cell(first + i, 1).value for i in range(3)] == ["Allemagne", "Italie", "Espagne"]
    assert [ws.cell(first + i, 2).value for i in range(3)] == [1_234_567_890, 45_000, 12]
    assert ws.cell(first, 3).value == pytest.approx(511.9)        # M€ in the frame, kept as is
    assert ws.cell(first + 1, 3).value is None                    # NaN → empty
    assert ws.cell(first, 4).value == pytest.approx(0.25)         # fraction, shown as %
    assert ws.cell(first + 2, 4).value is None
    assert ws.cell(first, 5).value == pytest.approx(1.114)
    assert ws.cell(first + 1, 5).value is None                    # inf is no Excel number
    assert ws.cell(first + 2, 6).value == 3
    expected = {2: "#,##0", 3: "#,##0.0", 4: "0.0%", 5: "0.00", 6: "0", 7: "0.00"}
    for col, fmt in expected.items():
        cell = ws.cell(first, col)
        assert cell.data_type == "n" and isinstance(cell.value, (int, float))
        assert cell.number_format == fmt
    assert NUMBER_FORMATS["eur"] == "#,##0"


def test_title_block_header_and_frozen_panes():
    table = _flows_table()
    wb = Workbook()
    header = write_table_sheet(wb.active, table, **CONTEXT)
    ws = _load(_save(wb)).active
    assert ws["A1"].value == "Flux à l'import — Alpes-de-Haute-Provence (2024)"
    assert ws["A1"].font.b
    assert "Alpes-de-Haute-Provence" in ws["A2"].value and "2024" in ws["A2"].value
    assert ws["A3"].value.startswith("Source : Douanes")
    assert ws["A4"].value == "Montants en euros courants."
    assert header == 6 and ws.cell(5, 1).value is None            # blank row before the header
    assert [ws.cell(header, j).value for j in range(1, 8)][:3] == ["Pays", "Montant (€)", "Montant (M€)"]
    assert all(ws.cell(header, j).font.b for j in range(1, 8))
    assert ws.cell(header, 1).fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.freeze_panes == f"A{header + 1}"


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_column_widths_follow_content_and_are_capped():
    long_label = "Produits des industries agroalimentaires " * 5
    table = _flows_table(labels=["UE", "Italie", long_label])
    ws = _load(table_to_xlsx(table, **CONTEXT)).active
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEFG"}
    assert widths["A"] == 60                                       # capped
    assert 15 <= widths["B"] <= 20                                 # « 1,234,567,890 » + margin
    assert all(w and w >= 8 for w in widths.values())


def test_text_is_never_a_formula():
    table = _flows_table(labels=INJECTIONS)
    table.columns[0].header = "=SOMME(A1:A3)"
    table.notes = ["-note qui commence par un tiret"]
    data = table_to_xlsx(table, **CONTEXT)
    ws = _load(data).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    for text in INJECTIONS + ["=SOMME(A1:A3)"]:
        assert text in values
    injected = [c for c in cells if c.value in INJECTIONS]
    assert all(c.data_type == "s" and c.quotePrefix for c in injected)
    # The raw XML carries no <f> element: Excel itself won't evaluate anything.
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_numeric_column_keeps_unparseable_text_as_text():
    frame = pd.DataFrame({"v": [1.5, "n.d.", None, pd.NA]}, dtype=object)
    table = TableSheet("Valeurs", "V", frame, [Column("v", "Valeur", "ratio")])
    ws = _load(table_to_xlsx(table, **CONTEXT)).active
    assert [ws.cell(r, 1).value for r in range(6, 10)] == [1.5, "n.d.", None, None]
    assert ws.cell(7, 1).data_type == "s"


@pytest.mark.parametrize("raw, expected", [
    ("Import [2024]: top/flop*?", "Import 2024 top flop"),
    ("a" * 40, "a" * 31),
    ("'Exports'", "Exports"),
    ("\\//", "Feuille"),
])
def test_sheet_names_are_sanitised(raw, expected):
    assert sanitize_sheet_name(raw) == expected


def test_sheet_name_applied_in_files():
    table = _flows_table(sheet_name="Flux import/export : pays partenaires [2024]")
    wb = _load(table_to_xlsx(table, **CONTEXT))
    assert wb.sheetnames == ["Flux import export pays partena"]
    assert len(wb.sheetnames[0]) == 31


def test_unknown_kind_and_missing_key_are_refused():
    with pytest.raises(ValueError):
        Column("x", "X", "euros")
    table = TableSheet("T", "T", pd.DataFrame({"a": [1]}), [Column("b", "B", "int")])
    with pytest.raises(KeyError):
        table_to_xlsx(table, **CONTEXT)


def test_workbook_readme_first_then_tables_with_images():
    imports = _flows_table(sheet_name="Import")
    exports = _flows_table(sheet_name="Export")
    exports.title = "Flux à l'export"
    duplicate = _flows_table(sheet_name="Import")
    data = workbook_to_xlsx(
        [imports, exports, duplicate], **CONTEXT,
        readme=[("Méthode", "Les montants sont en euros courants. " * 10), ("Contact", "=cmd")],
        images={"Import": [_png(800, 450), _png(400, 400)], "Export": [_png(1600, 900)]},
    )
    wb = _load(data)
    assert wb.sheetnames == [README_SHEET, "Import", "Export", "Import (2)"]
    readme = wb[README_SHEET]
    rows = {readme.cell(r, 1).value: readme.cell(r, 2).value for r in range(1, readme.max_row + 1)}
    assert rows["Territoire"] == "Alpes-de-Haute-Provence" and rows["Année"] == "2024"
    assert rows["Méthode"].startswith("Les montants") and rows["Contact"] == "=cmd"
    assert rows["Feuille « Export »"] == "Flux à l'export"
    assert readme.column_dimensions["B"].width >= 80
    method_row = next(r for r in range(1, readme.max_row + 1) if readme.cell(r, 1).value == "Méthode")
    assert readme.cell(method_row, 2).alignment.wrap_text
    assert readme.row_dimensions[method_row].height > 15
    assert not [c for row in readme.iter_rows() for c in row if c.data_type == "f"]

    assert len(wb["Import"]._images) == 2 and len(wb["Export"]._images) == 1
    assert wb["Import (2)"]._images == []
    first, second = wb["Import"]._images
    assert first.anchor._from.col == len(imports.columns) + 1      # 0-based: one blank column
    assert second.anchor._from.row > first.anchor._from.row        # stacked, not overlapping
    emu_per_cm = 360_000                                            # shown size lives in the anchor
    assert math.isclose(first.anchor.ext.width, 16 * emu_per_cm, rel_tol=0.01)
    assert math.isclose(first.anchor.ext.height, 16 * emu_per_cm * 450 / 800, rel_tol=0.01)
    assert (first.width, first.height) == (800, 450)                # full-resolution PNG embedded
    assert wb["Import"].cell(7, 2).value == 1_234_567_890


def test_images_for_unknown_sheet_are_refused():
    with pytest.raises(KeyError):
        workbook_to_xlsx([_flows_table()], **CONTEXT, readme=None, images={"Nope": [_png(10, 10)]})


@pytest.mark.parametrize("args, expected", [
    (("exportations", "flux", "dep-04", 2024, "png"), "exportations_flux_dep-04_2024.png"),
    (("importations", "flux", "dep-04", 2024, ".xlsx"), "importations_flux_dep-04_2024.xlsx"),
    (("dossier", "", "dep-04", 2024, "xlsx"), "dossier_dep-04_2024.xlsx"),
    (("Échanges", "Pays partenaires", "ti-TI-DEMO-001", 2023, "PNG"),
     "echanges_pays-partenaires_ti-ti-demo-001_2023.png"),
    (("cœur d'activité", "répartition / produits", "reg-93", 2024, "png"),
     "coeur-d-activite_repartition-produits_reg-93_2024.png"),
])
def test_download_names(args, expected):
    name = download_name(*args)
    assert name == expected
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-.")
