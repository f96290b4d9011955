"""Limits checked on a customs file *before* it is handed to pandas or calamine.

Why: the parsers allocate first and complain later. A 2 MB CSV whose header holds a million columns
took 75 s and 4,6 GB before a refusal; 20 MB killed the server (`std::bad_alloc`); a workbook with two
cells, A1 and XFD1048576, makes calamine allocate the whole rectangle between them. So every size that
drives an allocation is measured here with bounded reads (the first line, a streamed scan of the sheet
XML, the ZIP's end record) and compared with a limit; each refusal names the limit and the file.

The memory ceiling (`CET_IMPORT_MEMORY_MB`, default 1 536 Mo = 1,5 Go) bounds what one file may cost
once read, estimated from its cells; the official files need a small fraction of it.
"""
from __future__ import annotations

import os
import re
import struct
import zipfile
from dataclasses import dataclass

import numpy as np

from lib.core.errors import DataFileError
from lib.core.files import Encoding, detect_encoding
from lib.core.formatting import format_number as _fr
from lib.data.byte_source import ByteSource, as_source

MAX_COLUMNS = 100                 # the official files have 5 code columns and one per year
MAX_LINE_BYTES = 10_000           # an official line is under 200 bytes
MAX_ROWS = 2_000_000              # per sheet (Excel itself stops at 1 048 576)
MAX_CELLS = 20_000_000            # rows × columns of one sheet
MAX_ZIP_ENTRIES = 1_000           # entries of one ZIP or workbook (an official ZIP has 2, a workbook ~10)
MAX_DATA_MEMBERS = 20             # REGION_…_IMPORT/EXPORT members read from one ZIP
# What one cell costs once read, measured with bench/hostile_files.py (peak over the cells), with a margin.
# Measured before the reader streamed (issue 19); since, about 8 bytes a CSV cell (the upload's bytes apart)
# and 100 a workbook cell (calamine's own cells): the estimates are kept, so the limits refuse what they did.
CSV_BYTES_PER_CELL = 64           # pandas parsed the whole file at once: 37 bytes a cell measured
XLSX_BYTES_PER_CELL = 320         # calamine gave one Python object per cell: 215 bytes a cell measured
DEFAULT_MEMORY_MB = 1536
MEMORY_ENV = "CET_IMPORT_MEMORY_MB"

_SCAN_CHUNK = 1024 * 1024        # a sheet XML is scanned 1 Mo at a time: the pieces and their matches stay small
_LINE_CHUNK = 1024 * 1024         # newline positions are int64: 8 bytes per line of a chunk


def memory_ceiling_bytes() -> int:
    """The configured ceiling (environment `CET_IMPORT_MEMORY_MB`, at least 64 Mo; default 1,5 Go)."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    try:
        mb = int(raw) if raw else DEFAULT_MEMORY_MB
    except ValueError:
        mb = DEFAULT_MEMORY_MB
    return max(mb, 64) * 1024 * 1024


# --------------------------------------------------------------------------- CSV lines

def header_window(data: "bytes | ByteSource") -> bytes:
    """The bytes that can hold the header line in any accepted encoding (UTF-32 at worst)."""
    return as_source(data).head((MAX_LINE_BYTES + 2) * 4 + 4)


def first_line(data: "bytes | ByteSource", encoding: Encoding, where) -> str:
    """The header line, decoded, read within `MAX_LINE_BYTES`: a longer one is refused unread."""
    source = as_source(data)
    width = 4 if "32" in encoding.codec else 2 if "16" in encoding.codec else 1
    window = source.head(encoding.bom + (MAX_LINE_BYTES + 2) * width)[encoding.bom:]
    text = window.decode(encoding.codec, errors="replace")
    end = text.find("\n")
    if end < 0 and source.size - encoding.bom > MAX_LINE_BYTES * width:
        raise where.error(f"la première ligne (l'en-tête) dépasse {_fr(MAX_LINE_BYTES)} caractères "
                          f"(limite) : ce n'est pas un fichier des douanes", row=1)
    line = (text if end < 0 else text[:end]).rstrip("\r")
    return line


def check_header_width(header: str, separator: str, where) -> None:
    """Count the columns on the bounded header before any parser sees the file."""
    columns = header.count(separator) + 1
    if columns > MAX_COLUMNS:
        raise where.error(f"l'en-tête compte {_fr(columns)} colonnes (limite : {_fr(MAX_COLUMNS)}) : "
                          "ce n'est pas un fichier des douanes", row=1,
                          hint="Un fichier des douanes a 5 colonnes de codes et une colonne par année")


def scan_lines(data: "bytes | ByteSource", width: int = 1) -> tuple[int, int]:
    """(number of lines, longest line in bytes), counted by chunks: memory stays a few megabytes."""
    lines, longest, line_start, start = 0, 0, 0, 0
    for piece in as_source(data).chunks(_LINE_CHUNK):
        chunk = np.frombuffer(piece, dtype=np.uint8)
        ends = np.flatnonzero(chunk == 10) + start
        if len(ends):
            gaps = np.diff(ends, prepend=line_start - 1) - 1
            longest = max(longest, int(gaps.max()))
            line_start = int(ends[-1]) + 1
            lines += len(ends)
        start += len(chunk)
    if line_start < start:
        lines += 1
        longest = max(longest, start - line_start)
    return lines, longest // width


def check_lines(data: "bytes | ByteSource", encoding: Encoding, used_columns: int, where) -> int:
    """Refuse a line over `MAX_LINE_BYTES`, too many rows, or a file too costly for the memory ceiling;
    returns the number of lines."""
    data = as_source(data)
    width = 4 if "32" in encoding.codec else 2 if "16" in encoding.codec else 1
    lines, longest = scan_lines(data, width)
    if longest > MAX_LINE_BYTES:
        raise where.error(f"une ligne compte {_fr(longest)} caractères (limite : {_fr(MAX_LINE_BYTES)}) : ce "
                          "n'est pas un fichier des douanes")
    check_extent(lines, used_columns, where, cost=CSV_BYTES_PER_CELL, extra_bytes=data.size)
    return lines


def check_csv_shape(data: bytes, file_name: str, separators: tuple[str, ...] = (";", ",", "\t")) -> Encoding:
    """All the bounds of a CSV read whole by pandas elsewhere (the Territoires d'industrie list): header
    length and columns, every line's length, rows and memory. Returns the detected encoding."""
    where = _Named(file_name)
    encoding = detect_encoding(header_window(data), sample=True)
    header = first_line(data, encoding, where)
    check_header_width(header, max(separators, key=header.count), where)
    check_lines(data, encoding, header.count(max(separators, key=header.count)) + 1, where)
    return encoding


@dataclass(frozen=True)
class _Named:
    """The `where` of a plain file: errors name it."""
    file: str

    def error(self, problem: str, **place) -> DataFileError:
        return DataFileError(problem, file=self.file, **place)


# --------------------------------------------------------------------------- sheets (rows × columns)

def check_extent(rows: int, columns: int, where, *, cost: int, extra_bytes: int = 0, sheet: str | None = None) -> None:
    """Refuse a sheet over the row, column, cell or memory limits (sizes known before reading it)."""
    what = f"la feuille {sheet} " if sheet else "le fichier "
    if columns > MAX_COLUMNS:
        raise where.error(f"{what}compte {_fr(columns)} colonnes (limite : {_fr(MAX_COLUMNS)}) : ce n'est "
                          "pas un fichier des douanes")
    if rows > MAX_ROWS:
        raise where.error(f"{what}compte {_fr(rows)} lignes (limite : {_fr(MAX_ROWS)})",
                          hint="Découpez le fichier ou envoyez les fichiers régionaux des douanes")
    cells = rows * columns
    if cells > MAX_CELLS:
        raise where.error(f"{what}compte {_fr(cells)} cellules (limite : {_fr(MAX_CELLS)})",
                          hint="Découpez le fichier ou envoyez les fichiers régionaux des douanes")
    need = cells * cost + extra_bytes
    ceiling = memory_ceiling_bytes()
    if need > ceiling:
        raise where.error(f"la lecture de ce fichier demanderait environ {_fr(need // 2**20)} Mo de mémoire, "
                          f"au-delà du plafond de {_fr(ceiling // 2**20)} Mo",
                          hint=f"Plafond réglable par la variable d'environnement {MEMORY_ENV} (en Mo)")


_CELL_LETTERS = re.compile(rb' r="([A-Z]{1,3})[0-9]')                  # column part of a cell reference
_REF_ROW = re.compile(rb' r="[A-Z]{0,3}([0-9]{1,12})"')                 # row part of a row or cell reference
_HUGE_REF = re.compile(rb' r="(?:[A-Z]{4}|[A-Z]{0,3}[0-9]{13})')
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>", b":c ", b":c>")         # plain or prefixed (`<x:c`); counted, not parsed
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
_XML_TOKEN = re.compile(rb'<(?:\w+:)?(row|c)\b(?:[^>]*?\sr="([A-Z]{0,7})([0-9]{0,12})")?')
_CARRY_MAX = 64 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number


def _chunks(stream):
    """The stream in pieces cut just before a `<`, so that no tag straddles two pieces."""
    carry = b""
    while True:
        chunk = stream.read(_SCAN_CHUNK)
        buffer = carry + chunk
        if not chunk:
            yield buffer
            return
        cut = buffer.rfind(b"<")
        cut = len(buffer) if cut <= 0 else cut
        yield buffer[:cut]
        carry = buffer[cut:]
        if len(carry) > _CARRY_MAX:      # a tag of this size is not a cell: skip it
            carry = b""


def sheet_extent(open_stream, *, stop_rows: int = MAX_ROWS, stop_columns: int = MAX_COLUMNS) -> tuple[int, int]:
    """(rows, columns) a worksheet XML would span once read as a rectangle, measured on the streamed XML
    (`open_stream()` gives a fresh binary stream). Every writer we know puts an `r="B12"` reference on each
    cell: then a few regular expressions over the bytes suffice; cells without one are placed by their
    order, which `_sequential_extent` follows tag by tag (slower, exact)."""
    max_row = max_col = implicit_cells = implicit_rows = 0
    with open_stream() as stream:
        for piece in _chunks(stream):
            if _HUGE_REF.search(piece):
                return stop_rows + 1, stop_columns + 1
            letters = _CELL_LETTERS.findall(piece)
            rows = _REF_ROW.findall(piece)
            if rows:
                max_row = max(max_row, int(np.array(rows, dtype="S12").astype(np.int64).max()))
            max_col = max([max_col, *(_column_number(x) for x in set(letters))])
            implicit_cells += sum(piece.count(tag) for tag in _CELL_TAGS) - len(letters)
            implicit_rows += sum(piece.count(tag) for tag in _ROW_TAGS) - (len(rows) - len(letters))
            if max_row > stop_rows or max_col > stop_columns or max_row * max_col > MAX_CELLS:
                return max_row, max_col
    if implicit_cells > 0 or implicit_rows > 0:
        with open_stream() as stream:
            return _sequential_extent(stream, stop_rows, stop_columns)
    return max_row, max_col


def _sequential_extent(stream, stop_rows: int, stop_columns: int) -> tuple[int, int]:
    """The exact extent, following each `<row>` and `<c>` in order (references or their implicit order)."""
    max_row = max_col = row = col = 0
    for piece in _chunks(stream):
        for kind, letters, digits in _XML_TOKEN.findall(piece):
            if kind == b"row":
                row = int(digits) if digits else row + 1
                col = 0
            else:
                col = _column_number(letters) if letters else col + 1
                if digits:
                    row = max(row, int(digits))
            max_row, max_col = max(max_row, row), max(max_col, col)
        if max_row > stop_rows or max_col > stop_columns or max_row * max_col > MAX_CELLS:
            break
    return max_row, max_col


# --------------------------------------------------------------------------- ZIP directories

def zip_entry_count(data: "bytes | ByteSource") -> int | None:
    """Entries announced by a ZIP's end-of-central-directory record, read from its last 64 Ko
    (before `zipfile` builds one object per entry); None when the record is not found."""
    data = as_source(data)
    tail = data.read_at(-(65535 + 22), 65535 + 22)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count = struct.unpack("<H", tail[at + 10:at + 12])[0]
    if count == 0xFFFF:                      # ZIP64: the count is in the ZIP64 end record
        locator = tail.rfind(b"PK\x06\x07", 0, at)
        if locator >= 0 and locator + 20 <= len(tail):
            offset = struct.unpack("<Q", tail[locator + 8:locator + 16])[0]
            record = data.read_at(offset, 40) if offset + 40 <= data.size else b""
            if record[:4] == b"PK\x06\x06":
                return struct.unpack("<Q", record[32:40])[0]
    return count


def check_zip_entries(data: "bytes | ByteSource", where, what: str) -> None:
    """Refuse an archive announcing more than `MAX_ZIP_ENTRIES` entries; `what`: « l'archive »…"""
    count = zip_entry_count(data)
    if count is not None and count > MAX_ZIP_ENTRIES:
        raise where.error(f"{what} contient {_fr(count)} fichiers (limite : {_fr(MAX_ZIP_ENTRIES)}) ; "
                          "refusé sans être ouvert")


def zip_error_text(exc: BaseException) -> str:
    """A French phrase for what `zipfile` or calamine say in English about a damaged archive."""
    text = str(exc)
    if "CRC" in text or "crc" in text:
        return "contenu endommagé (somme de contrôle CRC incorrecte) : le fichier a été abîmé en route"
    if isinstance(exc, NotImplementedError) or "compression method" in text:
        return "méthode de compression non prise en charge"
    if "password" in text or "encrypted" in text:
        return "archive protégée par un mot de passe"
    if isinstance(exc, zipfile.BadZipFile) or "zip" in text.lower():
        return "archive endommagée ou tronquée"
    return "contenu illisible"
