"""Rules of the refusals for damaged archives (issue 23 item 2: mutants of lib/data/read_limits.py).

A damaged ZIP or workbook is refused with a French phrase that says what is wrong (checksum, compression
method, password, truncated archive), never the library's English. Tested through `read_official_files`
for what zipfile really raises, and through `zip_error_text` for the English words it recognises in other
libraries' messages (calamine, openpyxl). Then the bounds of a CSV read by streaming (second pass, after
lib/data/byte_source.py): the header, each line and the cells counted in characters of the file's encoding,
each limit reached exactly accepted and passed by one refused with its French message. Last (third pass), the
chunked reader of a sheet's XML (every byte once, no tag cut, memory of a few reads, an overlong tag skipped) and
the sheet's extent (one pass when every cell has its reference, the order of those without, stopping at the first
piece over a limit, a reference past XFD or of 13 digits just over both limits)."""
from __future__ import annotations

import io
import re
import struct
import zipfile

import pytest

from lib.core.errors import DataFileError
from lib.core.files import UTF8, Encoding
from lib.data import read_limits
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


# --------------------------------------------------------------------------- CSV bounds, streamed (second pass)
# The limits are made small (10 characters a line) so that each boundary is a few bytes away.

SMALL = 10
ENCODINGS = {"utf-8 with BOM": (Encoding("utf-8", 3, "UTF-8 avec BOM"), b"\xef\xbb\xbf"),
             "utf-16": (Encoding("utf-16-le", 0, "UTF-16 (petit-boutiste, sans BOM)"), b""),
             "utf-32 with BOM": (Encoding("utf-32-le", 4, "UTF-32 (petit-boutiste, avec BOM)"),
                                 b"\xff\xfe\x00\x00")}


@pytest.fixture
def small_lines(monkeypatch):
    monkeypatch.setattr(read_limits, "MAX_LINE_BYTES", SMALL)


def _encoded(text: str, name: str) -> tuple[bytes, Encoding]:
    encoding, bom = ENCODINGS[name]
    return bom + text.encode(encoding.codec), encoding


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_a_header_of_the_limit_without_newline_is_read_and_one_character_more_is_refused(small_lines, name):
    """The limit counts characters whatever the encoding, and its byte-order mark does not count."""
    where = read_limits._Named("liste.csv")
    assert read_limits.first_line(*_encoded("a" * SMALL, name), where) == "a" * SMALL
    with pytest.raises(DataFileError) as info:
        read_limits.first_line(*_encoded("a" * (SMALL + 1), name), where)
    assert str(info.value) == ("Fichier « liste.csv », ligne 1 : la première ligne (l'en-tête) dépasse 10 caractères "
                               "(limite) : ce n'est pas un fichier des douanes.")
    assert info.value.row == 1


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_a_header_of_the_limit_ending_in_crlf_is_read_without_its_line_end(small_lines, name):
    data, encoding = _encoded("a" * SMALL + "\r\n" + "b;c\n" * 10, name)
    assert read_limits.first_line(data, encoding, read_limits._Named("liste.csv")) == "a" * SMALL


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_a_header_two_characters_over_the_limit_is_refused_even_with_its_newline(small_lines, name):
    data, encoding = _encoded("a" * (SMALL + 2) + "\n" + "b;c\n" * 10, name)
    with pytest.raises(DataFileError, match="dépasse 10 caractères"):
        read_limits.first_line(data, encoding, read_limits._Named("liste.csv"))


def test_an_empty_first_line_is_an_empty_header_not_the_rest_of_the_file(small_lines):
    data = b"\n" + b"b;c\n" * 10
    assert read_limits.first_line(data, UTF8, read_limits._Named("liste.csv")) == ""


@pytest.mark.parametrize("data, header", [
    (b"ANNEE;TAUX\r\n1;2\n", "ANNEE;TAUX"),          # only the line end goes, not a letter before it
    (b"a;b \r\n1;2\n", "a;b "),                      # nor a space: the header is the file's own
    (b"\ra;b\r\n1;2\n", "\ra;b"),                    # nor anything at its start
    (b"a;b;c", "a;b;c"),                             # a file of one line without newline: all of it
    (b"a;\xff;b\n1;2;3\n", "a;\ufffd;b"),            # a byte the encoding cannot read is replaced, not fatal
])
def test_the_header_is_the_first_line_as_written_without_its_line_end(data, header):
    assert read_limits.first_line(data, UTF8, read_limits._Named("liste.csv")) == header


def test_the_header_window_ends_where_a_utf32_header_at_the_limit_ends(small_lines):
    """Encoding detection sees exactly what a longest header can occupy (UTF-32: 4 bytes a character, its
    mark and its CRLF), not one byte of the rest of the file."""
    header = b"\xff\xfe\x00\x00" + ("a" * SMALL + "\r\n").encode("utf-32-le")
    assert read_limits.header_window(header + b"1\x002\x00" * 50) == header


@pytest.mark.parametrize("lines, expected", [
    (b"", (0, 0)),
    (b"abcd\ne\n", (2, 4)),                          # the longest line first, cut across chunks
    (b"ab\ncdef\ng", (3, 4)),                        # a last line without newline counts
    (b"a\nbcd", (2, 3)),
    (b"abc", (1, 3)),
    (b"a\n\n\nbcdefg\nhi\n", (5, 6)),                # empty lines count, a line longer than a chunk is measured
    (b"abcdefgh", (1, 8)),
])
def test_lines_are_counted_and_the_longest_measured_across_chunks(monkeypatch, lines, expected):
    monkeypatch.setattr(read_limits, "_LINE_CHUNK", 3)
    assert read_limits.scan_lines(lines) == expected
    monkeypatch.setattr(read_limits, "_LINE_CHUNK", 1024)
    assert read_limits.scan_lines(lines) == expected


def test_the_longest_line_is_given_in_whole_characters_of_the_encoding():
    lines, longest = read_limits.scan_lines(b"abcde\n", 2)
    assert (lines, longest) == (1, 2) and isinstance(longest, int)


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_a_line_of_the_limit_is_accepted_and_one_character_more_is_refused(small_lines, name):
    where = read_limits._Named("liste.csv")
    data, encoding = _encoded("a;b\n" + "c" * SMALL + "\n", name)
    read_limits.check_lines(data, encoding, 2, where)      # accepted: no refusal
    data, encoding = _encoded("a;b\n" + "c" * (SMALL + 1) + "\n", name)
    with pytest.raises(DataFileError) as info:
        read_limits.check_lines(data, encoding, 2, where)
    assert str(info.value) == ("Fichier « liste.csv » : une ligne compte 11 caractères (limite : 10) : ce n'est pas "
                               "un fichier des douanes.")


def test_the_file_bytes_count_in_the_memory_it_would_take(monkeypatch):
    """What a read costs: its cells, plus the upload's own bytes, which stay in memory meanwhile."""
    data = b"a;b\n1;2\n3;4\n"
    need = 3 * 2 * read_limits.CSV_BYTES_PER_CELL + len(data)
    where = read_limits._Named("liste.csv")
    monkeypatch.setattr(read_limits, "memory_ceiling_bytes", lambda: need)
    assert read_limits.check_lines(data, UTF8, 2, where) == 3
    monkeypatch.setattr(read_limits, "memory_ceiling_bytes", lambda: need - 1)
    with pytest.raises(DataFileError, match="demanderait environ 0 Mo de mémoire"):
        read_limits.check_lines(data, UTF8, 2, where)


def test_a_header_of_the_column_limit_is_accepted_and_one_more_refused_naming_both():
    where = read_limits._Named("liste.csv")
    read_limits.check_header_width(";".join(["x"] * read_limits.MAX_COLUMNS), ";", where)
    with pytest.raises(DataFileError) as info:
        read_limits.check_header_width(";".join(["x"] * 101), ";", where)
    assert str(info.value) == ("Fichier « liste.csv », ligne 1 : l'en-tête compte 101 colonnes (limite : 100) : ce "
                               "n'est pas un fichier des douanes. Un fichier des douanes a 5 colonnes de codes et une "
                               "colonne par année.")
    assert (info.value.row, info.value.hint) == (1, "Un fichier des douanes a 5 colonnes de codes et une colonne "
                                                    "par année")


def test_a_comma_separated_header_over_the_column_limit_is_refused_as_a_data_file_error():
    data = (",".join(["x"] * 101) + "\n").encode()
    with pytest.raises(DataFileError, match="l'en-tête compte 101 colonnes"):
        read_limits.check_csv_shape(data, "liste-ti.csv", (",", ";"))


def test_the_cells_of_a_plain_csv_are_its_lines_times_its_header_columns(monkeypatch):
    data = b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n"              # 4 lines of 3 columns, separated by commas
    read_limits.check_csv_shape(";".join(["x"] * 100).encode() + b"\n", "liste-ti.csv")   # 100 columns, 1 line
    monkeypatch.setattr(read_limits, "MAX_CELLS", 12)
    read_limits.check_csv_shape(data, "liste-ti.csv")
    monkeypatch.setattr(read_limits, "MAX_CELLS", 11)
    with pytest.raises(DataFileError) as info:
        read_limits.check_csv_shape(data, "liste-ti.csv")
    assert str(info.value) == ("Fichier « liste-ti.csv » : le fichier compte 12 cellules (limite : 11). Découpez le "
                               "fichier ou envoyez les fichiers régionaux des douanes.")


def test_utf8_cut_in_a_character_at_the_end_of_the_header_window_is_still_utf8(small_lines):
    data = b"a;bc\n" + b"1;2\n" * 11 + "1;é\n".encode()     # é straddles the 52-byte window's end
    assert len(read_limits.header_window(data)) == 52 and data[51:53] == "é".encode()
    assert read_limits.check_csv_shape(data, "liste-ti.csv") == UTF8


# --------------------------------------------------------------------------- the chunked reader and the sheet extent (third pass)
# A worksheet's XML is read a few bytes at a time here (`_SCAN_CHUNK` made small), so that every way a read can
# fall across a tag is tried; each read of `io.BytesIO` gives exactly the size asked for.

SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C2"/><sheetData><row r="1" spans="1:3"><c r="A1" t="inlineStr"><is><t>'
         + b"Bouches-du-Rh\xc3\xb4ne, texte plus long que plusieurs lectures" + b'</t></is></c><c r="C1"><v>12</v>'
         b'</c></row><row r="12"><c r="AB12" s="1"><v>7</v></c></row></sheetData></worksheet>')
LONGEST_TAG = max(len(tag) for tag in re.findall(rb"<[^<>]*>", SHEET))


def _pieces(data: bytes) -> list[bytes]:
    return list(read_limits._chunks(io.BytesIO(data)))


def test_a_stream_read_in_pieces_gives_back_every_byte_once_in_order_whatever_the_read_size(monkeypatch):
    """Reads of 1 byte up to the carry limit; the sheet holds a run without `<` (its text) three times that long."""
    monkeypatch.setattr(read_limits, "_CARRY_MAX", 16)
    assert len(b"Bouches-du-Rh\xc3\xb4ne, texte plus long que plusieurs lectures") > 3 * 16
    for size in range(1, 17):
        monkeypatch.setattr(read_limits, "_SCAN_CHUNK", size)
        assert b"".join(_pieces(SHEET)) == SHEET, size


@pytest.mark.parametrize("before", [b"", b"\n", b"\xef\xbb\xbf"], ids=["nothing", "a-newline", "a-byte-order-mark"])
def test_no_tag_is_cut_between_two_pieces_when_a_read_holds_the_longest_tag(monkeypatch, before):
    """Whatever comes before the root tag, the longest tag of the sheet (the root's, with its namespace)."""
    data = before + SHEET
    tags = re.findall(rb"<[^<>]*>", data)
    assert LONGEST_TAG == len(tags[0])
    for size in range(LONGEST_TAG, len(data) + 2):
        monkeypatch.setattr(read_limits, "_SCAN_CHUNK", size)
        pieces = _pieces(data)
        assert [tag for piece in pieces for tag in re.findall(rb"<[^<>]*>", piece)] == tags, size
        assert b"".join(pieces) == data, size


def test_a_sheet_measures_the_same_whatever_the_read_size_from_the_longest_tag_up(monkeypatch):
    for size in range(LONGEST_TAG, len(SHEET) + 2):
        monkeypatch.setattr(read_limits, "_SCAN_CHUNK", size)
        assert read_limits.sheet_extent(lambda: io.BytesIO(SHEET)) == (12, 28), size     # row 12, column AB


def test_the_stream_is_read_a_read_size_at_a_time_so_no_piece_holds_more_than_two_reads(monkeypatch):
    """Memory stays a few reads whatever the sheet's size: a piece is one read and the tag carried from the last."""
    monkeypatch.setattr(read_limits, "_SCAN_CHUNK", LONGEST_TAG)
    pieces = _pieces(SHEET * 20)
    assert b"".join(pieces) == SHEET * 20
    assert max(len(piece) for piece in pieces) <= 2 * LONGEST_TAG


@pytest.mark.parametrize("head, kept", [
    (b"<a>" + b"x" * 20 + b"<" + b"b" * 8, False),      # 9 bytes of an unfinished tag at the end of a read: over
    (b"<a>" + b"x" * 21 + b"<" + b"b" * 7, True),       # 8 bytes: exactly the limit, carried to the next piece
], ids=["over", "at-the-limit"])
def test_an_unfinished_tag_longer_than_the_carry_limit_is_skipped_and_one_of_the_limit_is_carried(
        monkeypatch, head, kept):
    """A tag longer than the carry limit (64 Ko) is not a cell: it is dropped rather than held in memory; the
    bytes after it are read as usual."""
    monkeypatch.setattr(read_limits, "_CARRY_MAX", 8)
    monkeypatch.setattr(read_limits, "_SCAN_CHUNK", 32)
    assert len(head) == 32
    data = head + b"b><c/>"
    expected = data if kept else head[:head.rfind(b"<")] + b"b><c/>"
    assert b"".join(_pieces(data)) == expected


def _opened(xml_pieces: list[bytes], **stops) -> tuple[tuple[int, int], list[_Pieces]]:
    """The extent, and every stream opened for it (a second one: the exact, tag-by-tag pass)."""
    opened = []

    def open_stream():
        opened.append(_Pieces(xml_pieces))
        return opened[-1]
    return read_limits.sheet_extent(open_stream, **stops), opened


@pytest.mark.parametrize("xml, extent", [
    (b'<worksheet><sheetData><row r="2"><c r="B2"/><c r="D2"/></row><row r="7"><c r="A7"/></row></sheetData>'
     b'</worksheet>', (7, 4)),
    (b"<worksheet><sheetData/></worksheet>", (0, 0)),                     # an empty sheet spans nothing
], ids=["references", "empty"])
def test_a_sheet_whose_rows_and_cells_all_carry_their_reference_is_measured_in_one_pass(xml, extent):
    """The tag-by-tag pass is for cells placed by their order only: the sheets the customs write are read once."""
    measured, opened = _opened([xml[:40], xml[40:]])
    assert (measured, len(opened)) == (extent, 1)


def test_cells_without_reference_early_in_the_sheet_are_placed_by_their_order_even_if_later_ones_have_one():
    pieces = [HEAD + b'<row r="1"><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>',
              b'<row r="2"><c r="A2"><v>4</v></c></row>' + TAIL]
    measured, opened = _opened(pieces)
    assert (measured, len(opened)) == ((2, 3), 2)      # three columns in row 1, found by the second pass


@pytest.mark.parametrize("first, stops, cells, extent", [
    (b'<row r="1"><c r="A1"/><c r="C1"/></row>', {"stop_columns": 2}, 20, (1, 3)),  # over the columns, one row
    (b'<row r="1"><c r="B1"/></row><row r="4"><c r="B4"/></row>', {}, 6, (4, 2)),   # 8 cells over a limit of 6
], ids=["columns", "cells"])
def test_a_sheet_with_references_stops_being_measured_at_the_first_piece_over_a_limit(monkeypatch, first, stops,
                                                                                       cells, extent):
    """Rows 5 to 9 follow: they are left unread, and the extent is the one that proved the sheet too big."""
    monkeypatch.setattr(read_limits, "MAX_CELLS", cells)
    rest = [f'<row r="{n}"><c r="A{n}"/></row>'.encode() for n in range(5, 10)]
    measured, opened = _opened([HEAD + first] + rest + [TAIL], **stops)
    assert (measured, len(opened), len(opened[0].pieces)) == (extent, 1, 6)


@pytest.mark.parametrize("reference", ["AAAA1", "A1234567890123"], ids=["four-letters", "thirteen-digits"])
@pytest.mark.parametrize("stops", [{"stop_rows": 3, "stop_columns": 2}, {}], ids=["small-limits", "limits"])
def test_a_reference_too_long_for_a_cell_makes_the_sheet_one_past_each_limit(reference, stops):
    """Four letters (after XFD) or thirteen digits: no sheet is that big; measuring stops there, just over both."""
    xml = f'<worksheet><sheetData><row r="1"><c r="A1"/><c r="{reference}"/></row></sheetData></worksheet>'.encode()
    measured, opened = _opened([xml], **stops)
    rows, columns = stops.get("stop_rows", read_limits.MAX_ROWS), stops.get("stop_columns", read_limits.MAX_COLUMNS)
    assert (measured, len(opened)) == ((rows + 1, columns + 1), 1)


@pytest.mark.parametrize("reference, said", [("AAAA1", "101 colonnes"), ("XFD1048576", "16\u202f384 colonnes")])
def test_a_workbook_cell_beyond_the_limits_is_refused_naming_the_columns_counted(tmp_path, reference, said):
    """« A1 » and « XFD1048576 »: 16 384 columns × 1 048 576 rows; a reference past XFD: just over the limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", f'<worksheet><sheetData><row r="1"><c r="A1"/><c r="{reference}"/>'
                                                  '</row></sheetData></worksheet>')
    err = read_error(tmp_path, "REGION_93_A_IMPORT.xlsx", buffer.getvalue())
    assert str(err) == (f"Fichier « REGION_93_A_IMPORT.xlsx » : la feuille « sheet1.xml » compte {said} (limite : "
                        "100) : ce n'est pas un fichier des douanes.")


def test_a_sheet_from_a1_to_xfd1048576_spans_16384_columns_and_1048576_rows():
    xml = _sheet('<row r="1"><c r="A1"/></row><row r="1048576"><c r="XFD1048576"/></row>')
    assert read_limits.sheet_extent(lambda: io.BytesIO(xml), stop_rows=10**7, stop_columns=10**5) == (1_048_576, 16_384)


@pytest.mark.parametrize("first, stops, cells, extent", [
    (b'<row r="1"><c r="A1"/></row><row r="4"><c r="A4"/></row>', {"stop_rows": 3}, 20, (4, 1)),   # rows only
], ids=["rows"])
def test_a_sheet_with_references_over_the_row_limit_alone_stops_being_measured(monkeypatch, first, stops, cells,
                                                                                extent):
    monkeypatch.setattr(read_limits, "MAX_CELLS", cells)
    rest = [f'<row r="{n}"><c r="A{n}"/></row>'.encode() for n in range(5, 10)]
    measured, opened = _opened([HEAD + first] + rest + [TAIL], **stops)
    assert (measured, len(opened), len(opened[0].pieces)) == (extent, 1, 6)


@pytest.mark.parametrize("first, stops, cells", [
    (b'<row r="1"><c r="A1"/></row><row r="3"><c r="A3"/></row>', {"stop_rows": 3}, 100),      # 3 rows of 3
    (b'<row r="1"><c r="B1"/></row>', {"stop_columns": 2}, 100),                              # 2 columns of 2
    (b'<row r="3"><c r="B3"/></row>', {}, 6),                                                 # 6 cells of 6
], ids=["rows", "columns", "cells"])
def test_a_sheet_with_references_exactly_at_a_limit_is_measured_to_its_end(monkeypatch, first, stops, cells):
    """Row 9, column B at the end: reaching a limit is not passing it, the rest of the sheet is read."""
    monkeypatch.setattr(read_limits, "MAX_CELLS", cells)
    measured, opened = _opened([HEAD + first, b'<row r="9"><c r="B9"/></row>' + TAIL], **stops)
    assert (measured, len(opened)) == ((9, 2), 1)


def test_one_cell_without_reference_among_referenced_ones_is_placed_by_its_order():
    xml = _sheet('<row r="1"><c r="A1"/><c r="B1"/><c><v>3</v></c></row><row r="2"><c r="A2"/></row>')
    measured, opened = _opened([xml])
    assert (measured, len(opened)) == ((2, 3), 2)


# --------------------------------------------------------------------------- ZIP end records (third pass)

def _zip(entries: int, comment: bytes = b"", member: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(entries):
            archive.writestr(f"f{i}.csv", member)
        archive.comment = comment
    return buffer.getvalue()


def test_an_archive_over_the_entry_limit_is_refused_unopened_and_one_at_it_is_accepted(monkeypatch):
    monkeypatch.setattr(read_limits, "MAX_ZIP_ENTRIES", 3)
    where = read_limits._Named("region_93_A.zip")
    read_limits.check_zip_entries(_zip(3), where, "l'archive")          # accepted: no refusal
    with pytest.raises(DataFileError) as info:
        read_limits.check_zip_entries(_zip(4), where, "l'archive")
    assert str(info.value) == ("Fichier « region_93_A.zip » : l'archive contient 4 fichiers (limite : 3) ; refusé "
                               "sans être ouvert.")


@pytest.mark.parametrize("data, count", [
    (_zip(0), 0),                                                         # an empty archive: its end record alone
    (_zip(2, comment=b"c" * 65535), 2),                                   # the longest comment a ZIP can hold
    (_zip(2, member=_zip(5)), 2),                                         # an archive stored inside: the last record
    (_zip(2) + b"PK\x05\x06" + b"\x00" * 17, None),                       # a record cut short is not read
    (b"not a zip at all", None),
], ids=["empty", "longest-comment", "archive-inside", "cut-record", "no-record"])
def test_the_entries_are_those_the_archives_own_end_record_announces(data, count):
    assert read_limits.zip_entry_count(data) == count


def test_a_count_over_32767_is_read_unsigned():
    data = bytearray(_zip(1))
    at = data.rfind(b"PK\x05\x06")
    data[at + 10:at + 12] = struct.pack("<H", 40_000)
    assert read_limits.zip_entry_count(bytes(data)) == 40_000


def _zip64(entries: int, monkeypatch) -> bytearray:
    """An archive with ZIP64 end records (as zipfile writes them past 65 535 entries), its 16-bit count 0xFFFF."""
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
    data = bytearray(_zip(entries))
    at = data.rfind(b"PK\x05\x06")
    data[at + 8:at + 12] = struct.pack("<HH", 0xFFFF, 0xFFFF)
    return data


def test_a_zip64_archive_is_counted_by_its_zip64_end_record(monkeypatch):
    data = _zip64(3, monkeypatch)
    assert read_limits.zip_entry_count(bytes(data)) == 3
    assert len(zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()) == 3         # as zipfile itself counts


def test_a_zip64_locator_pointing_outside_the_archive_leaves_the_16_bit_count(monkeypatch):
    data = _zip64(3, monkeypatch)
    locator = data.rfind(b"PK\x06\x07")
    data[locator + 8:locator + 16] = struct.pack("<Q", len(data))
    assert read_limits.zip_entry_count(bytes(data)) == 0xFFFF
    del data[locator:locator + 20]                                        # no locator at all
    assert read_limits.zip_entry_count(bytes(data)) == 0xFFFF


@pytest.mark.parametrize("comment, member", [
    (b"c" * 65515, b""),                                  # the locator is then the first byte of the last 64 Ko
    (b"PK\x06\x07" + b"\xff" * 16, b""),                  # a locator's signature in the comment, after the record
    (b"", b"PK\x06\x07" + b"\xff" * 16),                  # and in a member, before the real locator
], ids=["locator-at-the-window-start", "signature-in-the-comment", "signature-in-a-member"])
def test_the_zip64_count_is_found_by_the_last_locator_before_the_end_record(monkeypatch, comment, member):
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(3):
            archive.writestr(f"f{i}.csv", member)
        archive.comment = comment
    data = bytearray(buffer.getvalue())
    at = data.rfind(b"PK\x05\x06", 0, len(data) - len(comment))
    data[at + 8:at + 12] = struct.pack("<HH", 0xFFFF, 0xFFFF)
    if comment.startswith(b"c"):
        assert len(data) - data.rfind(b"PK\x06\x07") == 65535 + 22
    assert read_limits.zip_entry_count(bytes(data)) == 3


def test_a_zip64_count_over_the_signed_range_is_read_unsigned(monkeypatch):
    data = _zip64(3, monkeypatch)
    record = data.rfind(b"PK\x06\x06")
    data[record + 32:record + 40] = struct.pack("<Q", 2**63 + 5)
    assert read_limits.zip_entry_count(bytes(data)) == 2**63 + 5


def test_a_zip64_locator_with_an_offset_past_the_signed_range_is_outside_the_archive(monkeypatch):
    """2**64 − k is not « k bytes before the end »: the 16-bit count stays."""
    data = _zip64(3, monkeypatch)
    record, locator = data.rfind(b"PK\x06\x06"), data.rfind(b"PK\x06\x07")
    data[locator + 8:locator + 16] = struct.pack("<Q", 2**64 - (len(data) - record))
    assert read_limits.zip_entry_count(bytes(data)) == 0xFFFF


def test_a_zip64_record_cut_short_by_the_end_of_the_archive_is_not_read(monkeypatch):
    """The locator points 30 bytes before the end, at a record signature that has no room for its count."""
    data = _zip64(3, monkeypatch) + b"PK\x06\x06" + b"\x00" * 26
    locator = data.rfind(b"PK\x06\x07")
    data[locator + 8:locator + 16] = struct.pack("<Q", len(data) - 30)
    assert read_limits.zip_entry_count(bytes(data)) == 0xFFFF


def test_a_zip64_record_ending_at_the_archives_last_byte_is_read(monkeypatch):
    """The record is the last 40 bytes (here inside the end record's comment): nothing of it is missing."""
    data = _zip64(3, monkeypatch)
    record = bytes(data[data.rfind(b"PK\x06\x06"):][:32]) + struct.pack("<Q", 7)
    data += record
    locator = data.rfind(b"PK\x06\x07")
    data[locator + 8:locator + 16] = struct.pack("<Q", len(data) - 40)
    assert read_limits.zip_entry_count(bytes(data)) == 7


def test_a_sheet_of_the_row_limit_is_accepted_and_one_row_more_refused_naming_the_sheet(monkeypatch):
    monkeypatch.setattr(read_limits, "MAX_ROWS", 3)
    where = read_limits._Named("REGION_93_A_IMPORT.xlsx")
    read_limits.check_extent(3, 2, where, cost=1, extra_bytes=0, sheet="« qdf »")      # accepted: no refusal
    with pytest.raises(DataFileError) as info:
        read_limits.check_extent(4, 2, where, cost=1, extra_bytes=0, sheet="« qdf »")
    assert str(info.value) == ("Fichier « REGION_93_A_IMPORT.xlsx » : la feuille « qdf » compte 4 lignes (limite : 3). "
                               "Découpez le fichier ou envoyez les fichiers régionaux des douanes.")


def test_the_memory_refusal_gives_whole_megabytes_rounded_down(monkeypatch):
    monkeypatch.setattr(read_limits, "memory_ceiling_bytes", lambda: 3 * 2**20 + 2**19)      # 3,5 Mo
    with pytest.raises(DataFileError) as info:
        read_limits.check_extent(9, 1, read_limits._Named("liste.csv"), cost=2**19, extra_bytes=2**18)  # 4,75 Mo
    assert str(info.value) == ("Fichier « liste.csv » : la lecture de ce fichier demanderait environ 4 Mo de mémoire, "
                               "au-delà du plafond de 3 Mo. Plafond réglable par la variable d'environnement "
                               "CET_IMPORT_MEMORY_MB (en Mo).")


def test_without_a_zip64_locator_the_16_bit_count_stands_whatever_a_record_lies_elsewhere():
    """A ZIP64 record with its count is in the file, but no locator points at it: it is not read."""
    record = b"PK\x06\x06" + b"\x00" * 28 + struct.pack("<Q", 9)
    end = b"PK\x05\x06" + b"\x00" * 6 + struct.pack("<HH", 0xFFFF, 0xFFFF) + b"\x00" * 8
    data = b"\x00" * 7 + struct.pack("<Q", 15) + record + end          # bytes 7-15 read as an offset would be 15
    assert data[15:19] == b"PK\x06\x06" and read_limits.zip_entry_count(data) == 0xFFFF
