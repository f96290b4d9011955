"""Hostile files and broken state (issue 19): bounded reading, bounded messages, no traceback, leftovers.

Every hostile file is built by the test in tmp_path (nothing is committed). Sizes are the ones of the
issue where they are cheap (2 MB header of a million columns, 20 MB and 100 MB lines); the row and memory
limits are lowered by monkeypatch instead of building gigabytes. Time and peak memory are measured by
bench/hostile_files.py, not asserted here, except memory through a subprocess's own peak (ru_maxrss).
"""
from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from lib import cli
from lib.core.errors import DataFileError
from lib.core.filelock import file_lock
from lib.core.text_limits import MESSAGE_CHARS, cap, summarise
from lib.data import audit, leftovers, read_limits, versions
from lib.data.official_files import read_official_files
from lib.data.uploads import accept_uploads
from tests.conftest import PROJECT_DIR
from tests.official_builders import HEADER, xlsx_bytes
from tests.test_bad_input import home, refuse, region_zip_bytes, zip_bytes  # noqa: F401  (fixture)

CSV_HEADER = ";".join(HEADER)
GOOD_ROW = "93;04;Import;C10A;DE;12;13"


def csv_bytes(*rows: str, header: str = CSV_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def read_error(tmp_path: Path, name: str, data: bytes) -> DataFileError:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataFileError) as info:
        read_official_files([path])
    return info.value


# --------------------------------------------------------------------------- bounded texts

def test_cap_keeps_short_texts_and_says_how_long_a_cut_one_was():
    assert cap("court", 10) == "court"
    cut = cap("x" * 5000, 60)
    assert len(cut) == 60 and cut.endswith("(5\u202f000 caractères au total)")


def test_summarise_names_the_first_items_and_counts_the_rest():
    assert summarise(["a", "b"]) == "a, b"
    text = summarise((f"f{i}" for i in range(10_000)), shown=3)
    assert text == "f0, f1, f2 … et 9\u202f997 autres"


def test_error_message_is_capped_whatever_its_parts_hold():
    err = DataFileError("p" * 100_000, file="f" * 100_000, member="m" * 50_000, column="c" * 10_000,
                        row=3, hint="h" * 100_000)
    assert len(str(err)) <= MESSAGE_CHARS
    assert str(err).startswith("Fichier « mmm") and "(archive « fff" in str(err) and "au total)" in str(err)


# --------------------------------------------------------------------------- bounded reading

def test_csv_header_of_a_million_columns_is_refused_from_its_first_bytes(tmp_path):
    data = b"a;" * 1_000_000 + b"a\n1;2\n"                      # 2 MB, the file
    err = read_error(tmp_path, "entete_import.csv", data)
    assert "« entete_import.csv »" in str(err) and "10\u202f000 caractères (limite)" in str(err)
    assert err.row == 1 and len(str(err)) < 300


def test_csv_with_too_many_columns_under_the_line_limit_is_refused_by_their_count(tmp_path):
    err = read_error(tmp_path, "large_import.csv", (";".join(["a"] * 150) + "\n1\n").encode())
    assert "150 colonnes (limite : 100)" in str(err) and "« large_import.csv »" in str(err)


def test_long_data_line_is_refused_naming_the_limit(tmp_path):
    err = read_error(tmp_path, "ligne_import.csv", csv_bytes(GOOD_ROW, "93;04;Import;C10A;DE;1;" + "9" * 20_000))
    assert "20\u202f0" in str(err) and "(limite : 10\u202f000)" in str(err) and "« ligne_import.csv »" in str(err)


def test_too_many_rows_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(read_limits, "MAX_ROWS", 5)
    err = read_error(tmp_path, "lignes_import.csv", csv_bytes(*[GOOD_ROW] * 8))
    assert "9 lignes (limite : 5)" in str(err)


def test_memory_ceiling_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv(read_limits.MEMORY_ENV, raising=False)
    assert read_limits.memory_ceiling_bytes() == 1536 * 2**20
    monkeypatch.setenv(read_limits.MEMORY_ENV, "800")
    assert read_limits.memory_ceiling_bytes() == 800 * 2**20
    monkeypatch.setenv(read_limits.MEMORY_ENV, "beaucoup")
    assert read_limits.memory_ceiling_bytes() == 1536 * 2**20


def test_file_over_the_memory_ceiling_is_refused_naming_the_ceiling_and_its_setting(tmp_path, monkeypatch):
    monkeypatch.setenv(read_limits.MEMORY_ENV, "64")
    monkeypatch.setattr(read_limits, "CSV_BYTES_PER_CELL", 2**20)   # 7 columns × 20 lines « cost » 140 Mo
    err = read_error(tmp_path, "memoire_import.csv", csv_bytes(*[GOOD_ROW] * 19))
    assert "plafond de 64 Mo" in str(err) and read_limits.MEMORY_ENV in str(err)
    monkeypatch.setattr(read_limits, "XLSX_BYTES_PER_CELL", 2**20)
    err = read_error(tmp_path, "REGION_93_A_IMPORT.xlsx", xlsx_bytes([["93", "04", "Import", "C10A", "DE", 1, 2]] * 9))
    assert "environ 70 Mo de mémoire, au-delà du plafond de 64 Mo" in str(err)


def test_sparse_workbook_is_refused_before_calamine_allocates_its_rectangle(tmp_path):
    from openpyxl import Workbook
    book = Workbook()
    book.active.title = "qdf"
    book.active["A1"], book.active["XFD1048576"] = "Region", "x"      # 17 milliards de cellules
    buffer = io.BytesIO()
    book.save(buffer)
    err = read_error(tmp_path, "REGION_93_A_IMPORT.xlsx", buffer.getvalue())
    assert "16\u202f384 colonnes (limite : 100)" in str(err)


def test_sheet_extent_follows_references_and_implicit_order():
    explicit = b'<sheetData><row r="1"><c r="A1"/><c r="H1"/></row><row r="42481"><c r="B42481"/></row></sheetData>'
    assert read_limits.sheet_extent(lambda: io.BytesIO(explicit)) == (42481, 8)
    implicit = b"<sheetData><row><c/><c/><c/></row><row><c/></row></sheetData>"
    assert read_limits.sheet_extent(lambda: io.BytesIO(implicit)) == (2, 3)
    prefixed = b'<x:sheetData><x:row r="3"><x:c r="C3"/><x:c/></x:row></x:sheetData>'
    assert read_limits.sheet_extent(lambda: io.BytesIO(prefixed)) == (3, 4)


def test_zip_of_ten_thousand_members_is_refused_without_listing_them(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(10_000):
            archive.writestr(f"notes_{i}.txt", b"")
    err = read_error(tmp_path, "region_93_A.zip", buffer.getvalue())
    assert "10\u202f000 fichiers (limite : 1\u202f000)" in str(err) and "notes_" not in str(err)


def test_zip_of_many_data_members_is_refused_and_summarised(tmp_path):
    members = {f"REGION_{i}_A_IMPORT.csv": csv_bytes(GOOD_ROW) for i in range(50)}
    err = read_error(tmp_path, "region_93_A.zip", zip_bytes(members))
    assert "50 fichiers de données" in str(err) and "(limite : 20)" in str(err)
    assert str(err).count("REGION_") == 4 and "… et 47 autres" in str(err)   # « REGION_… » + 3 names


def test_zip_of_many_matching_members_is_never_accepted_so_never_reread(home):  # noqa: F811
    members = {f"REGION_{i:04d}_A_IMPORT.csv": csv_bytes(GOOD_ROW) for i in range(10_000)}
    err = refuse(home, [("region_94_A.zip", zip_bytes(members))])
    assert "10\u202f000 fichiers (limite : 1\u202f000)" in str(err)


def test_twenty_and_hundred_megabyte_lines_are_refused_without_leftovers(home):  # noqa: F811
    for size in (20, 100):
        err = refuse(home, [(f"ligne_{size}_import.csv", b"x" * (size * 2**20))])
        assert "la première ligne (l'en-tête) dépasse 10\u202f000 caractères" in str(err)
        last = audit.read(limit=1)[0]
        assert len(json.dumps(last, ensure_ascii=False)) < 2000
    assert not list((home / "versions").glob(".upload-*"))


def test_import_peak_memory_stays_within_three_times_the_file(tmp_path):
    """A 20 MB hostile file imported in a fresh process: its peak (the file included) stays under 3 × 20 MB.
    VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's (pytest's) peak."""
    script = (
        "import sys\n"
        "from lib.core import schema\n"
        "from pathlib import Path\n"
        "import lib.data.uploads as u, lib.analysis.dataset, pandas, numpy, python_calamine\n"
        "def status(field):\n"
        "    return next(int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith(field))\n"
        "root = Path(sys.argv[1]); schema.DATA_DIR = root; schema.CACHE_DIR = root / 'cache'\n"
        "schema.OFFICIAL_DIR = root / 'officiel'; schema.DEMO_DIR = root / 'demo'\n"
        "before = status('VmRSS')\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"   # high-water mark reset: this import's own peak
        "data = b'a;' * (10 * 2**20)\n"
        "try:\n"
        "    u.accept_uploads([('entete_import.csv', data)], actor='test')\n"
        "except u.DataFileError as exc:\n"
        "    print(len(str(exc)))\n"
        "print(status('VmHWM') - before)\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "data")], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    message_length, growth = (int(x) for x in done.stdout.split())
    assert message_length < 300
    assert growth < 3 * 20 * 2**20, f"pic mémoire : +{growth / 2**20:.0f} Mo pour un fichier de 20 Mo"


# --------------------------------------------------------------------------- no traceback

def test_five_thousand_digit_number_names_file_column_row_and_digits(tmp_path):
    csv_err = read_error(tmp_path, "grand_import.csv", csv_bytes(GOOD_ROW, "93;04;Import;C20B;DE;" + "9" * 5000 + ";1"))
    assert (csv_err.column, csv_err.row) == ("annee2023_valeur_en_euros", 3)
    assert "« grand_import.csv »" in str(csv_err) and "(5\u202f000 chiffres) est trop grand" in str(csv_err)
    rows = [["93", "04", "Import", "C10A", "DE", 1, 2], ["93", "04", "Import", "C20B", "DE", "9" * 5000, 1]]
    xlsx_err = read_error(tmp_path, "REGION_93_A_IMPORT.xlsx", xlsx_bytes(rows))
    assert (xlsx_err.column, xlsx_err.row, xlsx_err.sheet) == ("annee2023_valeur_en_euros", 3, "qdf")
    assert "5\u202f000 chiffres" in str(xlsx_err) and len(str(xlsx_err)) < 300


def test_cli_import_of_a_huge_number_prints_french_and_no_traceback(tmp_path):
    path = tmp_path / "grand_import.csv"
    path.write_bytes(csv_bytes("93;04;Import;C10A;DE;" + "9" * 5000 + ";1"))
    env = {**os.environ, "CET_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "lib.cli", "import", str(path)], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "5\u202f000 chiffres" in done.stderr and "« grand_import.csv »" in done.stderr


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom_are_read_as_such(tmp_path, codec):
    text = csv_bytes(GOOD_ROW, "93;04;Import;C20B;IT;1 234,5;7").decode()
    data = text.encode(codec) if codec != "utf-16-be" else b"\xfe\xff" + text.encode("utf-16-be")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x_import.csv").write_bytes(data)
    (tmp_path / "b" / "x_import.csv").write_bytes(text.encode())
    pd.testing.assert_frame_equal(read_official_files([tmp_path / "a" / "x_import.csv"]).table,
                                  read_official_files([tmp_path / "b" / "x_import.csv"]).table)


def test_utf16_file_with_a_wrong_header_says_its_encoding(tmp_path):
    err = read_error(tmp_path, "x_import.csv", "Région;Dep\n93;04\n".encode("utf-16-le"))
    assert "fichier lu comme UTF-16 (petit-boutiste, sans BOM)" in str(err) and "ÿþ" not in str(err)
    err = read_error(tmp_path, "y_import.csv", "Région;Dep\n93;04\n".encode("utf-16"))
    assert "UTF-16 (petit-boutiste, avec BOM)" in str(err) and "« Région, Dep »" not in str(err)


def test_bad_crc_is_a_french_message(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("REGION_93_A_IMPORT.csv", csv_bytes(GOOD_ROW))
    data = bytearray(buffer.getvalue())
    data[data.find(b"93;04;Import")] = ord("8")
    err = read_error(tmp_path, "region_93_A.zip", bytes(data))
    assert "somme de contrôle CRC incorrecte" in str(err) and "Bad CRC" not in str(err)
    assert err.member == "REGION_93_A_IMPORT.csv"


def test_disk_full_while_staging_is_refused_in_french_and_leaves_nothing(home, monkeypatch):  # noqa: F811
    real_write = Path.write_bytes

    def full_disk(self, data):
        if ".upload-" in str(self):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    err = refuse(home, [("region_94_A.zip", region_zip_bytes("94", ["2A", "2B"]))])
    assert "espace disque insuffisant" in str(err) and "rien n'a été modifié" in str(err)


def test_cli_unexpected_error_is_french_without_traceback(monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(cli, "_cmd_versions", broken)
    monkeypatch.delenv("CET_DEBUG", raising=False)
    assert cli.main(["versions"]) == 1
    err = capsys.readouterr().err
    assert "erreur inattendue (RuntimeError)" in err and "Traceback" not in err and "CET_DEBUG=1" in err
    monkeypatch.setenv("CET_DEBUG", "1")
    assert cli.main(["versions"]) == 1
    assert "Traceback" in capsys.readouterr().err


# --------------------------------------------------------------------------- bounded journal

class CountingReader(io.BufferedReader):
    """A file that counts the bytes read from it."""
    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        CountingReader.read_bytes += len(data)
        return data


def test_journal_record_caps_every_field(home):  # noqa: F811
    files = [{"name": f"f{i}.zip" + "x" * 1000, "bytes": 1, "sha256": "0"} for i in range(10_000)]
    entry = audit.record("dépôt", "a" * 10_000, audit.REFUSED, "m" * 10**6, files=files, removed=["r"] * 500)
    assert len(entry["message"]) <= MESSAGE_CHARS and len(entry["actor"]) <= 200
    assert len(entry["files"]) == audit.FILES_KEPT + 1 and entry["files"][-1]["omitted"] == 9980
    assert len(entry["removed"]) == audit.FILES_KEPT + 1
    assert len(audit.log_path().read_bytes().splitlines()[-1]) < 20_000


def test_data_page_reads_the_journal_tail_only(home):  # noqa: F811
    """100 MB of journal (one 100 MB line written before the caps, then 30 entries): the last 20 come from
    reading a few hundred kilobytes from the end."""
    path = audit.log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b'{"message": "' + b"x" * (100 * 2**20) + b'"}\n')
    for i in range(30):
        audit.record("dépôt", "admin", audit.REFUSED, f"essai {i}")
    CountingReader.read_bytes = 0
    with CountingReader(open(path, "rb", buffering=0)) as handle:
        lines = audit.tail_lines(handle, 20)
    assert [json.loads(line)["message"] for line in lines] == [f"essai {i}" for i in range(29, 9, -1)]
    assert CountingReader.read_bytes < 2**20
    assert [e["message"] for e in audit.read(limit=20)][-1] == "essai 29"
    everything = audit.read(limit=40)
    assert everything[0]["message"] == audit.OVERLONG and len(everything) == 31


# --------------------------------------------------------------------------- leftovers

def _leftovers(home: Path) -> tuple[Path, Path, Path]:
    staging = versions.root() / ".upload-abcd1234"
    (staging / "envoi").mkdir(parents=True)
    (staging / "envoi" / "region_93_A.zip").write_bytes(b"z" * 3 * 2**20)
    cache = home / "cache"
    dead = cache / ".trade-x.parquet.999999999-0123456789ab.tmp"        # no such process
    live = cache / f".trade-y.parquet.{os.getpid()}-0123456789ab.tmp"   # this process, still writing
    dead.write_bytes(b"p" * 2**20)
    live.write_bytes(b"p")
    return staging, dead, live


def test_startup_removes_stale_staging_and_temp_files_and_says_so(home):  # noqa: F811
    staging, dead, live = _leftovers(home)
    cleanup = leftovers.clean_at_startup()
    assert not staging.exists() and not dead.exists() and live.exists()
    assert cleanup.message == ("1 dossier de dépôt interrompu et 1 fichier temporaire du cache supprimés "
                               "(4,0 Mo libérés)")
    last = audit.read(limit=1)[0]
    assert (last["action"], last["actor"]) == ("nettoyage", "démarrage de l'application")
    assert last["message"] == "Au démarrage : " + cleanup.message
    assert not leftovers.clean_at_startup() and audit.read(limit=1)[0] == last   # nothing left, no new line


def test_startup_keeps_the_staging_folder_of_an_import_in_progress(home):  # noqa: F811
    staging, _, _ = _leftovers(home)
    with file_lock(versions.root() / ".lock"):               # another process is importing
        cleanup = leftovers.clean_at_startup()
    assert staging.exists() and cleanup.folders == []


def test_next_import_removes_stale_staging_first(home):  # noqa: F811
    staging, _, _ = _leftovers(home)
    accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2A", "2B"]))], actor="admin@prefecture.test")
    assert not staging.exists() and not list(versions.root().glob(".upload-*"))
    cleaning = [e for e in audit.read() if e["action"] == "nettoyage"]
    assert [e["message"] for e in cleaning] == ["Avant un import : 1 dossier de dépôt interrompu supprimé "
                                                "(3,0 Mo libérés)"]


def test_journal_table_counts_the_files_a_line_left_out(home):  # noqa: F811
    from lib.ui.data_admin import _journal_rows
    files = [{"name": f"REGION_{i}.csv", "bytes": 1, "sha256": "0"} for i in range(40)]
    audit.record("dépôt", "admin", audit.REFUSED, "m" * 5000, files=files)
    row = _journal_rows(audit.read(limit=1))[0]
    assert row["Fichiers"] == "REGION_0.csv, REGION_1.csv, REGION_2.csv, REGION_3.csv, REGION_4.csv … et 35 autres"
    assert len(row["Message"]) == 300


@pytest.mark.parametrize("rows, row", [
    (["93;04;Import;C10A;DE;1;234;5"], 2),                         # first row: pandas would take an index
    (["93;04;Import;C10A;DE;1;234;5;6", GOOD_ROW], 2),
    (["93;04;Import;C10A;DE;1;2;;"], 2),
    ([GOOD_ROW, "93;04;Import;C10B;DE;1;1;5"], 3),
    ([GOOD_ROW, "93;04;Import;C10B;DE;1;2;3;4"], 3),
])
def test_csv_row_longer_than_the_header_is_refused_not_shifted(tmp_path, rows, row):
    err = read_error(tmp_path, "champs_import.csv", csv_bytes(*rows))
    assert err.row == row and "plus que les 7 colonnes de l'en-tête (séparateur « ; »)" in str(err)


def test_csv_row_shorter_than_the_header_ends_with_blank_cells(tmp_path):
    path = tmp_path / "court_import.csv"
    path.write_bytes(csv_bytes("93;04;Import;C10A;DE;5", "93;04;Import;C10B;DE;1;2;"))
    table = read_official_files([path]).table
    assert sorted(zip(table["product"], table["year"], table["value_eur"])) == [
        ("C10A", 2023, 5.0), ("C10B", 2023, 1.0), ("C10B", 2024, 2.0)]


def test_hostile_industry_territory_list_is_refused_from_its_first_bytes(home):  # noqa: F811
    err = refuse(home, [("liste-ti-com2023-hostile.csv", b"insee_com;id_ti;" + b"a;" * 1_000_000 + b"a\n")])
    assert "« liste-ti-com2023-hostile.csv »" in str(err) and "10\u202f000 caractères (limite)" in str(err)


def test_decode_text_reads_utf16_and_utf32_lists_and_names_their_encoding():
    from lib.core.files import decode_text, detect_encoding
    for codec, label in (("utf-16", "UTF-16 (petit-boutiste, avec BOM)"), ("utf-32", "UTF-32 (petit-boutiste, avec BOM)"),
                         ("utf-16-le", "UTF-16 (petit-boutiste, sans BOM)"), ("cp1252", "Windows-1252")):
        data = "insee_com;lib_ti\n04001;Région Sud\n".encode(codec)
        assert decode_text(data) == "insee_com;lib_ti\n04001;Région Sud\n" and detect_encoding(data).label == label


@pytest.mark.parametrize("seed", range(5))
def test_coded_columns_merge_like_a_factorisation_of_the_texts(seed):
    import numpy as np
    from lib.data.coded_text import CodedText, merged
    rng = np.random.default_rng(seed)
    columns = [pd.Series(rng.choice(["04", " 05", "2A", 4.0, None, "974"], size=50), dtype=object) for _ in range(3)]
    from lib.data.official_files import _text as to_text
    coded = [CodedText.from_column(c, to_text).take(np.arange(0, 50, 2)) for c in columns]
    texts = np.concatenate([np.array([to_text(v) for v in c], dtype=object)[::2] for c in columns])
    codes, uniques = merged(coded)
    expected_codes, expected_uniques = pd.factorize(texts, sort=True)
    assert list(uniques) == list(expected_uniques) and codes.tolist() == expected_codes.tolist()
