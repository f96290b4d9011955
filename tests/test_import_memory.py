"""Issue 19: a legitimate import's peak memory stays within 3 × its largest uncompressed member.

Each file is built here in tmp_path (never committed) and imported in a fresh process by
`bench.hostile_files.run_case` (`accept_uploads` into an empty data folder, as `lib.cli import` does): the
growth is that process's peak (VmHWM, reset just before) minus the memory in use before, the upload's own
bytes included. Times are printed by `python -m bench.hostile_files`, never asserted.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bench.hostile_files import HEADER, run_case

DEPARTMENTS = ("04", "05", "06", "13", "83", "84")
SHEET_HEADER = HEADER.strip().split(";") + ["annee2025_valeur_en_euros"]


def legitimate_csv(path: Path, rows: int) -> Path:
    """A CSV of the official layout: 6 départements, 90 products, rows // 540 countries, two years."""
    with open(path, "w") as handle:
        handle.write(HEADER)
        for i in range(rows):
            handle.write(f"93;{DEPARTMENTS[i % 6]};Import;C{i // 6 % 90:02d}A;P{i // 540:04d};"
                         f"{i * 7 % 100_000};{i % 3_000}\n")
    return path


def _cell(column: str, row: int, value) -> str:
    if isinstance(value, str):
        return f'<c r="{column}{row}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{column}{row}" t="n"><v>{value}</v></c>'


def legitimate_workbook(rows: int) -> bytes:
    """A workbook as openpyxl writes the official ones (inline strings, a `qdf` sheet), its XML written
    directly: openpyxl takes 10 s for 40 000 rows on a busy machine."""
    lines = []
    for number, values in enumerate([SHEET_HEADER] + [
            ["93", DEPARTMENTS[i % 6], "Import", f"C{i // 6 % 90:02d}A", f"P{i // 540:04d}",
             float(i * 7 % 100_000), float(i % 3_000), 12.5] for i in range(rows)], start=1):
        cells = "".join(_cell("ABCDEFGH"[k], number, v) for k, v in enumerate(values))
        lines.append(f'<row r="{number}">{cells}</row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>' + "".join(lines) + "</sheetData></worksheet>")
    main = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
        'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
        f'org/package/2006/relationships"><Relationship Id="rId1" Type="{main}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        f'org/spreadsheetml/2006/main" xmlns:r="{main}"><sheets><sheet name="qdf" sheetId="1" r:id="rId1"/>'
        '</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{main}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return buffer.getvalue()


def region_zip(path: Path, rows: int) -> tuple[Path, int]:
    """A customs ZIP holding an IMPORT and an EXPORT workbook; (path, largest worksheet XML in bytes)."""
    importing = legitimate_workbook(rows)
    exporting = _with_flow(importing, "Export")          # the same cells under the other flow
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("REGION_93_A_IMPORT.xlsx", importing)
        archive.writestr("REGION_93_A_EXPORT.xlsx", exporting)
    largest = max(info.file_size for book in (importing, exporting)
                  for info in zipfile.ZipFile(io.BytesIO(book)).infolist())
    return path, largest


def _with_flow(book: bytes, flow: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info)
            if info.filename.endswith("sheet1.xml"):
                payload = payload.replace(b"<t>Import</t>", f"<t>{flow}</t>".encode())
            target.writestr(info.filename, payload)
    return out.getvalue()


def test_legitimate_csv_import_peaks_under_three_times_the_file(tmp_path):
    path = legitimate_csv(tmp_path / "REGION_93_A_IMPORT.csv", 600_000)          # 20 Mo, 1,2 million values
    result = run_case(path, tmp_path / "data")
    assert result["outcome"] == "acceptée", result["message"]
    size = path.stat().st_size
    assert size > 15 * 2**20
    assert result["growth"] <= 3 * size, f"pic : +{result['growth'] / 2**20:.0f} Mo pour {size / 2**20:.0f} Mo"


def test_legitimate_region_zip_import_peaks_under_three_times_its_largest_sheet(tmp_path):
    path, largest = region_zip(tmp_path / "region_93_A.zip", 40_000)              # two sheets of 15 Mo of XML
    result = run_case(path, tmp_path / "data")
    assert result["outcome"] == "acceptée", result["message"]
    assert largest > 10 * 2**20
    assert result["growth"] <= 3 * largest, f"pic : +{result['growth'] / 2**20:.0f} Mo pour {largest / 2**20:.0f} Mo"


def test_built_workbook_reads_as_the_rows_it_was_given(tmp_path):
    """The hand-written XML is a workbook the reader takes for an official one (so the figure above is one)."""
    from lib.data.official_files import read_official_files
    path, _ = region_zip(tmp_path / "region_93_A.zip", 30)
    table = read_official_files([path]).table
    assert len(table) == 2 * 30 * 3
    assert sorted(table["flow"].unique()) == ["export", "import"]
    assert table["value_eur"].sum() == pytest.approx(2 * sum(i * 7 % 100_000 + i % 3_000 + 12.5 for i in range(30)))


# --------------------------------------------------------------------------- chunks change no message
# The reader parses `_CHUNK_ROWS` CSV rows and `_SHEET_CHUNK_ROWS` workbook rows at a time; with chunks of
# 2 rows, every refusal must name the cell a whole-file reading names (the first year column's first
# problem: text before too large before negative; a structural CSV error before any value problem).

CSV_HEAD = "Region;Dep;Flux;CodeA129;Pays;annee2023_valeur_en_euros;annee2024_valeur_en_euros"


def _message(tmp_path: Path, name: str, data: bytes) -> str:
    from lib.core.errors import DataFileError
    from lib.data.official_files import read_official_files
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataFileError) as info:
        read_official_files([path])
    return str(info.value)


@pytest.mark.parametrize("rows, expected", [
    (["93;04;Import;C10A;DE;-5;1", "93;04;Import;C10B;DE;2;1", "93;04;Import;C10C;DE;abc;1"],
     "la valeur « abc » n'est pas un nombre"),
    (["93;04;Import;C10A;DE;1;-5", "93;04;Import;C10B;DE;2;1", "93;04;Import;C10C;DE;-7;1"],
     "valeur négative (-7)"),
    (["93;04;Import;C10A;DE;1;2", "93;04;Import;C10B;DE;-3;1", "93;04;Import;C10C;DE;1;1;9"],
     "des champs en trop"),
])
def test_csv_read_in_chunks_names_the_cell_a_whole_reading_names(tmp_path, monkeypatch, rows, expected):
    import lib.data.official_files as official
    data = ("\n".join([CSV_HEAD, *rows]) + "\n").encode()
    whole = _message(tmp_path, "whole_import.csv", data)
    monkeypatch.setattr(official, "_CHUNK_ROWS", 2)
    chunked = _message(tmp_path, "whole_import.csv", data)
    assert chunked == whole and expected in whole


def test_workbook_read_in_chunks_names_the_cell_a_whole_reading_names(tmp_path, monkeypatch):
    import lib.data.official_files as official
    from tests.official_builders import xlsx_bytes
    data = xlsx_bytes([["93", "04", "Import", "C10A", "DE", -5, 1], ["93", "04", "Import", "C10B", "DE", 2, 1],
                       ["93", "04", "Import", "C10C", "DE", 1, 1], ["93", "04", "Import", "C10D", "DE", "x", 1]])
    whole = _message(tmp_path, "REGION_93_A_IMPORT.xlsx", data)
    monkeypatch.setattr(official, "_SHEET_CHUNK_ROWS", 2)
    chunked = _message(tmp_path, "REGION_93_A_IMPORT.xlsx", data)
    assert chunked == whole and "« x » n'est pas un nombre" in whole and "ligne 5" in whole


def test_chunked_reading_gives_the_same_table(tmp_path, monkeypatch):
    import pandas as pd
    import lib.data.official_files as official
    from lib.data.official_files import read_official_files
    path = legitimate_csv(tmp_path / "REGION_93_A_IMPORT.csv", 50)
    book = tmp_path / "REGION_93_A_IMPORT.xlsx"
    book.write_bytes(legitimate_workbook(50))
    whole = read_official_files([path, book]).table
    monkeypatch.setattr(official, "_CHUNK_ROWS", 7)
    monkeypatch.setattr(official, "_SHEET_CHUNK_ROWS", 3)
    pd.testing.assert_frame_equal(read_official_files([path, book]).table, whole)
    assert len(whole) == 50 * 2 + 50 * 3 - 50 * 2     # the workbook repeats the CSV's two years: kept once


@pytest.mark.parametrize("cells", [{"A1": "a", "B2": 1.5}, {"C3": "a", "D4": 1.5}, {"B1": "x", "A5": 2}])
def test_workbook_rows_are_the_rectangle_from_a1(cells):
    """`iter_rows` starts at the used area's first column: the reader puts the columns before it back,
    so that the rows are those `to_python(skip_empty_area=False)` gave."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook
    from lib.data.official_files import _excel_rows
    book = Workbook()
    book.active.title = "qdf"
    for ref, value in cells.items():
        book.active[ref] = value
    buffer = io.BytesIO()
    book.save(buffer)
    _, rows = _excel_rows(buffer.getvalue(), "calamine")
    expected = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name("qdf") \
        .to_python(skip_empty_area=False)
    assert list(rows) == expected


def test_big_blocks_are_mapped_during_an_import_only_and_nested_imports_count_once(monkeypatch):
    """The 1 Mo threshold is for imports: a server's later reruns get glibc's heap back (each mapped array
    costs page faults), and a version built inside an upload does not end its outer import's setting."""
    from lib.core import memory

    class FakeLibc:
        calls: list = []

        def malloc_trim(self, pad):
            return 1

        def mallopt(self, parameter, value):
            self.calls.append((parameter, value))
            return 1

    fake = FakeLibc()
    monkeypatch.setattr(memory, "_libc", lambda: fake)
    with memory.big_blocks_returned():
        assert fake.calls == [(memory.M_MMAP_THRESHOLD, memory.BIG_BLOCK_BYTES)]
        with memory.big_blocks_returned():
            pass
        assert len(fake.calls) == 1
    assert fake.calls[-1] == (memory.M_MMAP_THRESHOLD, memory.HEAP_BLOCK_MAX_BYTES)
    with pytest.raises(ValueError), memory.big_blocks_returned():
        raise ValueError("fichier illisible")
    assert fake.calls[-2:] == [(memory.M_MMAP_THRESHOLD, memory.BIG_BLOCK_BYTES),
                               (memory.M_MMAP_THRESHOLD, memory.HEAP_BLOCK_MAX_BYTES)]
