"""Small hand-made customs files (official layout) for the reader and cache tests."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

HEADER = ["Region", "Dep", "Flux", "CodeA129", "Pays",
          "annee2023_valeur_en_euros", "annee2024_valeur_en_euros"]
RELEASE = (2026, 2, 6, 10, 0, 0)

IMPORT_ROWS = [
    ["03", "04", "Import", "C10A", "DE", 100.4, 1],
    ["03", "04", "Import", "C20B", "NA", None, 2500],
    ["03", "2A", "Import", "C10A", "IT", 0, 7.5],
    ["03", "974", "Import", "C29A", "JP", 12, None],
]
EXPORT_ROWS = [
    ["03", "04", "Export", "C10A", "DE", 50, 60],
    ["03", "75", "Export", "C30A", "US", 1_000_000, 2_000_000.5],
]


def xlsx_bytes(rows, header=HEADER, sheet="qdf", extra_sheets=(), created=RELEASE) -> bytes:
    """A workbook that says when it was made (`created`, as the customs' workbooks do), not « today »."""
    book = Workbook()
    if created is not None:
        book.properties.created = dt.datetime(*created)
    first = book.active
    first.title = sheet
    if header is not None:
        first.append(header)
    for row in rows:
        first.append(row)
    for name in extra_sheets:
        book.create_sheet(name).append(["rien"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def without_dates(xlsx: bytes) -> bytes:
    """The same workbook with no creation or modification date in its properties (a file that says nothing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info)
            if info.filename == "docProps/core.xml":
                payload = re.sub(rb"<dcterms:(created|modified)\b.*?</dcterms:\1>", b"", payload)
            target.writestr(info, payload)
    return out.getvalue()


def write_xlsx(path: Path, rows, **kwargs) -> Path:
    path.write_bytes(xlsx_bytes(rows, **kwargs))
    return path


def write_zip(path: Path, members: dict[str, bytes], date_time=RELEASE) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members.items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, payload)
    return path


def write_region_zip(folder: Path, number="03", import_rows=IMPORT_ROWS, export_rows=EXPORT_ROWS,
                     date_time=RELEASE) -> Path:
    return write_zip(folder / f"region_{number}_A.zip", {
        f"REGION_{number}_A_IMPORT.xlsx": xlsx_bytes(import_rows, created=date_time),
        f"REGION_{number}_A_EXPORT.xlsx": xlsx_bytes(export_rows, created=date_time),
    }, date_time=date_time)


def csv_text(rows, header=HEADER, sep=";", decimal=",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else
                         (str(v).replace(".", decimal) if isinstance(v, float) else v) for v in row])
    return buffer.getvalue()


def write_csv(path: Path, rows, header=HEADER, sep=";", decimal=",", encoding="utf-8") -> Path:
    path.write_bytes(csv_text(rows, header, sep, decimal).encode(encoding))
    return path
