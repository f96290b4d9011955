"""Excel files that staff paste into briefing notes: real numbers with French-readable formats.

Numbers are written as numbers (never text) with a number format per column kind, so Excel
shows them with the reader's own thousands separator and sums them. Text is always stored as
text: a label such as « =1+1 » or « @SUM(A1) » coming from a data file must never become a
formula (CSV/Excel injection), so text cells get ``data_type = "s"`` and, when they start like
a formula, the ``quotePrefix`` style (Excel's leading apostrophe).
"""
from __future__ import annotations

import decimal
import io
import math
import numbers
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lib.core.formatting import excel_percent_format, format_percent
from lib.presentation.table_model import KINDS, Column, TableSheet

NUMBER_FORMATS = {
    "text": "General",
    "eur": "#,##0",       # Excel shows « 1 234 567 » with a French locale
    "meur": "#,##0.0",
    "share": "0.0%",
    "ratio": "0.00",
    "int": "0",
    "index": "0.00",
}
if frozenset(NUMBER_FORMATS) != KINDS:  # one Excel number format per column kind of the table model
    raise ImportError("excel_export.NUMBER_FORMATS and table_model.KINDS differ")
SIGNED_EUR_FORMAT = "+#,##0;-#,##0;0"    # a change column (Column.signed): « +1 234 », « -56 », « 0 »
README_SHEET = "Lisez-moi"
APP_NAME = "Commerce extérieur des territoires"

MAX_SHEET_NAME = 31
MAX_CELL_CHARS = 32_767
MIN_WIDTH, MAX_WIDTH = 8, 60
MAX_HEADER_WIDTH = 24                     # longer headers wrap instead of widening numbers
IMAGE_WIDTH_PX = round(16 / 2.54 * 96)  # ~16 cm at 96 dpi
ROW_HEIGHT_PX = 20                       # default 15 pt row
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(bottom=Side(style="thin", color="7F7F7F"))
TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True, color="595959")


def sanitize_sheet_name(name: str) -> str:
    """Excel refuses []:*?/\\ in sheet names, more than 31 characters and edge apostrophes."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", ILLEGAL_CHARACTERS_RE.sub("", str(name)))
    cleaned = re.sub(r"\s+", " ", cleaned).strip().strip("'").strip()
    return cleaned[:MAX_SHEET_NAME].rstrip("' ") or "Feuille"


def _unique_sheet_name(wb: Workbook, name: str) -> str:
    base = sanitize_sheet_name(name)
    taken = {sheet.title.lower() for sheet in wb.worksheets}
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = base[:MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        n += 1
    return candidate


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other containers
        return False


def _set_text(cell, value) -> None:
    """Store ``value`` as a string, never as a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_CHARS]
    cell.value = text
    cell.data_type = "s"      # openpyxl makes any "=..." string a formula otherwise
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def _number(value):
    """A Python int/float for the cell, None for NaN/inf, or the original value if not numeric."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (numbers.Real, decimal.Decimal)):
        number = float(value)
    else:
        return value
    if not math.isfinite(number):
        return None
    return number


def _display_width(value, kind: str) -> int:
    """Characters Excel needs to show ``value`` with its column format (for widths)."""
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if kind == "share":
        return len(format_percent(value))
    decimals = {"meur": 1, "ratio": 2, "index": 2}.get(kind, 0)
    return len(f"{value:,.{decimals}f}")


def number_format(value: float, kind: str) -> str:
    """The cell's display format: the column kind's, with the screen's precision for shares (0,09 % stays
    0,09 %, « < 0,001 % » as on screen) and no non-zero amount displayed as 0."""
    if kind == "share":
        return excel_percent_format(value)
    if kind in ("eur", "meur") and value != 0 and abs(value) < (0.5 if kind == "eur" else 0.05):
        return "General"              # Excel shows the significant digits rather than « 0 » / « 0,0 »
    return NUMBER_FORMATS[kind]


def _write_cell(ws: Worksheet, row: int, column: int, value, kind: str, signed: bool = False) -> int:
    """Write one data cell; returns its display width."""
    cell = ws.cell(row=row, column=column)
    if _is_missing(value):
        return 0
    if kind != "text":
        number = _number(value)
        if number is None:
            return 0
        if isinstance(number, (int, float)):
            cell.value = number
            cell.number_format = number_format(number, kind)
            if signed and cell.number_format == NUMBER_FORMATS["eur"]:
                cell.number_format = SIGNED_EUR_FORMAT
                return _display_width(number, kind) + 1
            return _display_width(number, kind)
    _set_text(cell, value)
    return _display_width(cell.value, "text")


def _source_line(source: str) -> str:
    """The citation as given, or prefixed with « Source : » when it names none (e.g. a bare release)."""
    return source if "source" in source.lower() else f"Source : {source}"


def write_table_sheet(ws: Worksheet, table: TableSheet, *, territory_label: str, year: int,
                      source: str) -> int:
    """Title block, blank row, bold frozen header, typed data rows; returns the header row."""
    missing = [c.key for c in table.columns if c.key not in table.frame.columns]
    if missing:
        raise KeyError(f"columns absent from the frame of {table.sheet_name!r}: {missing}")

    _set_text(ws.cell(row=1, column=1), f"{table.title} — {territory_label} ({year})")
    ws.cell(row=1, column=1).font = TITLE_FONT
    _set_text(ws.cell(row=2, column=1), f"Territoire : {territory_label} — année {year}")
    _set_text(ws.cell(row=3, column=1), _source_line(source))
    row = 3
    for note in table.notes:
        row += 1
        _set_text(ws.cell(row=row, column=1), note)
        ws.cell(row=row, column=1).font = NOTE_FONT
    header_row = row + 2

    widths = []
    for j, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=header_row, column=j)
        _set_text(cell, column.header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        widths.append(min(_display_width(column.header, "text"), MAX_HEADER_WIDTH))

    values = [table.frame[c.key].tolist() for c in table.columns]
    for i in range(len(table.frame)):
        for j, column in enumerate(table.columns):
            width = _write_cell(ws, header_row + 1 + i, j + 1, values[j][i], column.kind, signed=column.signed)
            widths[j] = max(widths[j], width)

    header_lines = 1
    for j, (column, width) in enumerate(zip(table.columns, widths), start=1):
        width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        ws.column_dimensions[get_column_letter(j)].width = width
        header_lines = max(header_lines, math.ceil(len(column.header) / (width - 1)))
    ws.row_dimensions[header_row].height = 15.0 * header_lines
    last_row = header_row + len(table.frame)
    last_col = get_column_letter(max(len(table.columns), 1))
    ws.freeze_panes = f"A{header_row + 1}"
    if len(table.frame):
        ws.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return header_row


def _new_workbook(title: str) -> Workbook:
    """The title goes into the file's properties, where a control character (from a name in a data file)
    would make openpyxl fail to save: dropped, as in cells."""
    wb = Workbook()
    wb.properties.creator = APP_NAME
    wb.properties.title = ILLEGAL_CHARACTERS_RE.sub("", title)
    return wb


def _to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def table_to_xlsx(table: TableSheet, *, territory_label: str, year: int, source: str) -> bytes:
    """One-sheet workbook for a single table's download button."""
    wb = _new_workbook(f"{table.title} — {territory_label} ({year})")
    ws = wb.active
    ws.title = sanitize_sheet_name(table.sheet_name)
    write_table_sheet(ws, table, territory_label=territory_label, year=year, source=source)
    return _to_bytes(wb)


def _readme_row_height(text: str, width_chars: int) -> float:
    lines = sum(max(1, math.ceil(len(line) / width_chars)) for line in text.splitlines() or [""])
    return 15.0 * lines


def _write_readme(ws: Worksheet, rows: list[tuple[str, str]], *, territory_label: str,
                  year: int) -> None:
    text_width = 100
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = text_width
    _set_text(ws.cell(row=1, column=1), f"Commerce extérieur — {territory_label} ({year})")
    ws.cell(row=1, column=1).font = TITLE_FONT
    for j, header in enumerate(("Rubrique", "Texte"), start=1):
        cell = ws.cell(row=3, column=j)
        _set_text(cell, header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, (topic, text) in enumerate(rows, start=4):
        for j, value in enumerate((topic, text), start=1):
            cell = ws.cell(row=i, column=j)
            _set_text(cell, value)
            cell.alignment = wrap
        ws.cell(row=i, column=1).font = HEADER_FONT
        ws.row_dimensions[i].height = _readme_row_height(str(text), text_width)
    ws.freeze_panes = "A4"
    # Printed, its two columns stay side by side (LibreOffice put the texts two pages after their headings).
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _add_images(ws: Worksheet, pngs: list[bytes], *, column: int, row: int) -> None:
    """Stack the PNGs, each ~16 cm wide, from ``row`` down in ``column``."""
    for png in pngs:
        image = XLImage(io.BytesIO(png))
        ratio = IMAGE_WIDTH_PX / image.width
        image.width, image.height = IMAGE_WIDTH_PX, round(image.height * ratio)
        ws.add_image(image, f"{get_column_letter(column)}{row}")
        row += math.ceil(image.height / ROW_HEIGHT_PX) + 2


def workbook_to_xlsx(sheets: list[TableSheet], *, territory_label: str, year: int, source: str,
                     readme: list[tuple[str, str]] | None = None,
                     images: dict[str, list[bytes]] | None = None) -> bytes:
    """« Lisez-moi » first, then one sheet per table; ``images`` are keyed by ``sheet_name``."""
    images = dict(images or {})
    wb = _new_workbook(f"Commerce extérieur — {territory_label} ({year})")
    readme_ws = wb.active
    readme_ws.title = README_SHEET

    rows = [("Territoire", territory_label), ("Année", str(year)), ("Source", source)]
    rows += list(readme or [])
    for table in sheets:
        ws = wb.create_sheet(_unique_sheet_name(wb, table.sheet_name))
        rows.append((f"Feuille « {ws.title} »", table.title))
        header_row = write_table_sheet(ws, table, territory_label=territory_label, year=year,
                                       source=source)
        pngs = images.pop(table.sheet_name, None) or images.pop(ws.title, None)
        if pngs:
            _add_images(ws, pngs, column=len(table.columns) + 2, row=header_row)
    if images:
        raise KeyError(f"images for unknown sheets: {sorted(images)}")
    _write_readme(readme_ws, rows, territory_label=territory_label, year=year)
    return _to_bytes(wb)
