"""Rules of the refusals for damaged archives (issue 23 item 2: mutants of lib/data/read_limits.py).

A damaged ZIP or workbook is refused with a French phrase that says what is wrong (checksum, compression
method, password, truncated archive), never the library's English. Tested through `read_official_files`
for what zipfile really raises, and through `zip_error_text` for the English words it recognises in other
libraries' messages (calamine, openpyxl)."""
from __future__ import annotations

import io
import struct
import zipfile

import pytest

from lib.data.read_limits import zip_error_text
from tests.test_hostile_files import GOOD_ROW, csv_bytes, read_error

MEMBER = "REGION_93_A_IMPORT.csv"


def _stored_zip() -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(MEMBER, csv_bytes(GOOD_ROW))
    return bytearray(buffer.getvalue())


def _with_header_field(data: bytearray, local_at: int, central_at: int, value: int) -> bytes:
    """The member's local and central headers both say `value` in that 2-byte field."""
    central = data.find(b"PK\x01\x02")
    data[local_at:local_at + 2] = struct.pack("<H", value)
    data[central + central_at:central + central_at + 2] = struct.pack("<H", value)
    return bytes(data)


def test_a_bad_checksum_is_said_whole_in_french(tmp_path):
    data = _stored_zip()
    data[data.find(b"93;04;Import")] = ord("8")
    err = read_error(tmp_path, "region_93_A.zip", bytes(data))
    assert str(err) == (f"Fichier « {MEMBER} » (archive « region_93_A.zip ») : extraction impossible : contenu "
                        "endommagé (somme de contrôle CRC incorrecte) : le fichier a été abîmé en route. "
                        "Téléchargez de nouveau le fichier.")


@pytest.mark.parametrize("method", [99, 9])     # unknown to zipfile; Deflate64, known but not implemented
def test_an_unsupported_compression_method_is_named(tmp_path, method):
    err = read_error(tmp_path, "region_93_A.zip", _with_header_field(_stored_zip(), 8, 10, method))
    assert str(err) == (f"Fichier « {MEMBER} » (archive « region_93_A.zip ») : extraction impossible : méthode "
                        "de compression non prise en charge. Téléchargez de nouveau le fichier.")


def test_an_encrypted_member_is_said_protected_by_a_password(tmp_path):
    err = read_error(tmp_path, "region_93_A.zip", _with_header_field(_stored_zip(), 6, 8, 0x1))
    assert str(err) == (f"Fichier « {MEMBER} » (archive « region_93_A.zip ») : extraction impossible : archive "
                        "protégée par un mot de passe. Téléchargez de nouveau le fichier.")


def test_a_truncated_archive_is_said_damaged_or_truncated(tmp_path):
    data = _stored_zip()
    err = read_error(tmp_path, "region_93_A.zip", bytes(data[:len(data) // 2]))
    assert str(err) == ("Fichier « region_93_A.zip » : une archive ZIP illisible ou tronquée (archive endommagée "
                        "ou tronquée).")


def test_a_truncated_workbook_is_said_truncated_in_the_masculine(tmp_path):
    """« un classeur … tronqué », as « une archive … tronquée »."""
    data = _stored_zip()
    err = read_error(tmp_path, "REGION_93_A_IMPORT.xlsx", bytes(data[:len(data) // 2]))
    assert str(err) == ("Fichier « REGION_93_A_IMPORT.xlsx » : un classeur Excel .xlsx illisible ou tronqué "
                        "(archive endommagée ou tronquée).")


@pytest.mark.parametrize("exc, phrase", [
    (zipfile.BadZipFile("Bad CRC-32 for file 'x'"), "contenu endommagé (somme de contrôle CRC incorrecte) : "
                                                    "le fichier a été abîmé en route"),
    (OSError("crc32 mismatch in member"), "contenu endommagé (somme de contrôle CRC incorrecte) : le fichier a "
                                          "été abîmé en route"),
    (NotImplementedError("compression type 9 (deflate64)"), "méthode de compression non prise en charge"),
    (ValueError("unsupported compression method 12"), "méthode de compression non prise en charge"),
    (RuntimeError("member needs a password"), "archive protégée par un mot de passe"),
    (RuntimeError("file is encrypted"), "archive protégée par un mot de passe"),
    (zipfile.BadZipFile("Bad magic number for file header"), "archive endommagée ou tronquée"),
    (ValueError("invalid Zip archive: no end of central directory"), "archive endommagée ou tronquée"),
    (ValueError("Cannot detect file format"), "contenu illisible"),       # what calamine says
])
def test_library_messages_become_one_french_phrase(exc, phrase):
    assert zip_error_text(exc) == phrase


def _sheet(rows: str) -> bytes:
    return f'<worksheet><sheetData>{rows}</sheetData></worksheet>'.encode()


def test_a_sheet_without_cell_references_is_measured_by_its_row_numbers_and_order():
    from lib.data.read_limits import sheet_extent
    xml = _sheet('<row r="5"><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>')
    assert sheet_extent(lambda: io.BytesIO(xml)) == (6, 2)      # row 5, then the next one, two columns


def test_a_sheet_without_references_over_the_row_limit_is_over_it():
    from lib.data.read_limits import sheet_extent
    xml = _sheet("<row><c><v>1</v></c></row>" * 10)
    rows, columns = sheet_extent(lambda: io.BytesIO(xml), stop_rows=3)
    assert rows > 3 and columns == 1


def test_a_plain_file_over_the_row_limit_is_refused_with_how_to_fix_it(monkeypatch):
    from lib.core.errors import DataFileError
    from lib.data import read_limits
    monkeypatch.setattr(read_limits, "MAX_ROWS", 3)
    data = "insee_com;lib_com;id_ti;lib_ti\n" + "04001;A;T04;Durance\n" * 5
    with pytest.raises(DataFileError) as info:
        read_limits.check_csv_shape(data.encode(), "liste-ti-x.csv")
    assert str(info.value) == ("Fichier « liste-ti-x.csv » : le fichier compte 6 lignes (limite : 3). Découpez le "
                               "fichier ou envoyez les fichiers régionaux des douanes.")


class _Pieces(io.RawIOBase):
    """A stream that returns the given pieces one read at a time (a short read is legal for any stream), and
    says how many were left unread."""

    def __init__(self, pieces: list[bytes]):
        self.pieces = list(pieces)

    def readable(self) -> bool:
        return True

    def read(self, size=-1) -> bytes:
        return self.pieces.pop(0) if self.pieces else b""


ROW1, ROW2, ROW3 = ("<row>" + "<c><v>1</v></c>" * n + "</row>" for n in (1, 2, 3))
HEAD, TAIL = b"<worksheet><sheetData>", b"</sheetData></worksheet>"


def _measure(pieces: list[bytes], **stops) -> tuple[tuple[int, int], _Pieces]:
    """The extent, and the last stream opened (the exact, tag-by-tag pass for sheets without references)."""
    from lib.data.read_limits import sheet_extent
    opened = []

    def open_stream():
        opened.append(_Pieces(pieces))
        return opened[-1]
    return sheet_extent(open_stream, **stops), opened[-1]


@pytest.mark.parametrize("first, second, stops", [
    (ROW1 * 3, ROW1, {"stop_rows": 3}),                 # exactly at the row limit after the first piece
    (ROW2, ROW3, {"stop_columns": 2}),                  # exactly at the column limit
], ids=["rows", "columns"])
def test_reaching_a_limit_exactly_is_not_over_it_and_the_rest_is_measured(first, second, stops):
    (rows, columns), _ = _measure([HEAD + first.encode(), second.encode() + TAIL], **stops)
    assert rows > stops.get("stop_rows", 10**6) or columns > stops.get("stop_columns", 10**6)


@pytest.mark.parametrize("first, stops", [
    (ROW1 * 4, {"stop_rows": 3}),                       # over the rows
    (ROW3, {"stop_columns": 2}),                        # over the columns, few cells
], ids=["rows", "columns"])
def test_measuring_stops_as_soon_as_the_sheet_is_over_a_limit(first, stops):
    _, stream = _measure([HEAD + first.encode()] + [ROW1.encode()] * 5 + [TAIL], **stops)
    assert len(stream.pieces) >= 5          # a hostile sheet costs no more than what proves it too big


def test_over_the_cell_limit_measuring_stops_and_exactly_at_it_goes_on(monkeypatch):
    from lib.data import read_limits
    monkeypatch.setattr(read_limits, "MAX_CELLS", 6)
    tail = [ROW2.encode()] * 5 + [TAIL]
    _, over = _measure([HEAD + (ROW2 * 4).encode()] + tail)          # 8 cells
    assert len(over.pieces) >= 5
    (rows, columns), _ = _measure([HEAD + (ROW2 * 3).encode()] + tail)   # 6 cells, then more
    assert rows * columns > 6
