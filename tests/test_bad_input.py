"""« Prove it », bad input: every refused upload names its problem in French and changes nothing.

Each test runs on its own data folder (tmp_path; `lib.core.schema.*_DIR` monkeypatched): the repository's
data/officiel and data/cache are never read nor written. « Nothing changed » is checked on bytes: the
files of data/officiel, every file of the Parquet cache, no staging folder left behind, and the
table the app loads afterwards.
"""
from __future__ import annotations

import hashlib
import io
import mmap
import re
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import streamlit

from lib.data import audit, official_files, uploads, versions
from lib.core import schema
from lib.analysis.dataset import load_app_data
from lib.core.errors import DataFileError
from lib.data.territories import find_ti_file
from lib.data.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, accept_uploads
from tests.conftest import PROJECT_DIR
from tests.official_builders import HEADER, RELEASE, csv_text, xlsx_bytes

KEPT_DEPS = ["04", "05", "06", "13", "83", "84"]      # Provence-Alpes-Côte d'Azur (région 93)


def trade_rows(deps, flux, products=("C10A", "C20B"), countries=("DE", "IT"), base=1000):
    rows = []
    for i, dep in enumerate(deps):
        for j, product in enumerate(products):
            for k, country in enumerate(countries):
                value = base + 100 * i + 10 * j + k
                rows.append(["93", dep, flux, product, country, value, value + 0.5])
    return rows


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """Like official_builders.write_zip (kiosque release date on each member), in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members.items():
            info = zipfile.ZipInfo(name, date_time=RELEASE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, payload)
    return buffer.getvalue()


def region_zip_bytes(number: str, deps, base=1000) -> bytes:
    return zip_bytes({
        f"REGION_{number}_A_IMPORT.xlsx": xlsx_bytes(trade_rows(deps, "Import", base=base)),
        f"REGION_{number}_A_EXPORT.xlsx": xlsx_bytes(trade_rows(deps, "Export", base=base)),
    })


def ti_csv(rows, header=("insee_com", "lib_com", "id_ti", "lib_ti"), encoding="utf-8") -> bytes:
    lines = [";".join(header)] + [";".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


TI_ROWS = [(f"0400{i}", f"Commune {i}", "T04", "Durance–Provence Agglomération") for i in range(1, 7)]


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under folder: relative path → (SHA-256 of the bytes, mtime in ns)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An isolated data folder holding one good regional file, already loaded once (cache written)."""
    root = tmp_path / "data"
    monkeypatch.setattr(schema, "DATA_DIR", root)
    monkeypatch.setattr(schema, "OFFICIAL_DIR", root / "officiel")
    monkeypatch.setattr(schema, "CACHE_DIR", root / "cache")
    monkeypatch.setattr(schema, "DEMO_DIR", root / "demo")        # empty: never the repository's demo
    schema.OFFICIAL_DIR.mkdir(parents=True)
    (schema.OFFICIAL_DIR / "region_93_A.zip").write_bytes(region_zip_bytes("93", KEPT_DEPS))
    before = load_app_data()
    assert not before.is_demo and sorted(before.result.table["department"].unique()) == KEPT_DEPS
    assert list(schema.CACHE_DIR.glob("trade-*.parquet")), "le cache Parquet aurait dû être écrit"
    return root


def version_files(root: Path) -> list[str]:
    """Names of the files of the data version in use."""
    return sorted(p.name for p in versions.current().files_dir.iterdir())


def _versions_snapshot(root: Path) -> dict:
    """The versions and the pointer to the one in use (the audit log and the lock file aside)."""
    return {k: v for k, v in snapshot(root / "versions").items() if k not in ("journal.jsonl", ".lock")}


class Unchanged:
    """Take a byte snapshot of data/officiel, data/versions and data/cache, and check it after a refused upload."""

    def __init__(self, root: Path):
        self.root = root
        self.table = load_app_data().result.table
        self.officiel = snapshot(root / "officiel")
        self.versions = _versions_snapshot(root)
        self.cache = snapshot(root / "cache")

    def check(self) -> None:
        assert snapshot(self.root / "officiel") == self.officiel, "data/officiel a changé"
        assert _versions_snapshot(self.root) == self.versions, "les versions ont changé"
        assert snapshot(self.root / "cache") == self.cache, "le cache Parquet a changé"
        assert not list(self.root.glob(".upload-*")), "copie de travail laissée derrière"
        assert not list((self.root / "versions").glob(".*-*")), "copie de travail laissée derrière"
        after = load_app_data()                      # what the app shows after reload_data()
        pd.testing.assert_frame_equal(after.result.table, self.table)
        assert snapshot(self.root / "cache") == self.cache, "le rechargement a réécrit le cache"


def refuse(home: Path, files: list[tuple[str, bytes]]) -> DataFileError:
    unchanged = Unchanged(home)
    logged = len(audit.read())
    with pytest.raises(DataFileError) as info:
        accept_uploads(files, actor="admin@prefecture.test")
    unchanged.check()
    entries = audit.read()
    assert len(entries) == logged + 1, "la tentative refusée aurait dû être inscrite au journal"
    last = entries[-1]
    assert (last["outcome"], last["actor"], last["message"]) == ("refusée", "admin@prefecture.test", str(info.value))
    assert [f["name"] for f in last["files"]] == [name for name, _ in files]
    assert [f["sha256"] for f in last["files"]] == [hashlib.sha256(data).hexdigest() for _, data in files]
    return info.value


def _replace_value(rows, row_index, column_index, value):
    rows = [r[:] for r in rows]
    rows[row_index][column_index] = value
    return rows


def _patched_sizes(data: bytes, size: int) -> bytes:
    """A ZIP whose members *claim* `size` uncompressed bytes (central directory and local headers)."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            out[start + offset:start + offset + 4] = size.to_bytes(4, "little")
            start += 4
    return bytes(out)


IMPORT_94 = [["94", "2A", "Import", "C10A", "DE", 10, 20], ["94", "2B", "Import", "C10A", "IT", 30, 40]]
BOMB = _patched_sizes(zip_bytes({"REGION_94_A_IMPORT.xlsx": xlsx_bytes(IMPORT_94)}), 3_000_000_000)

# (name, bytes, what the message must say, (column, row) the error must carry or None)
BAD_FILES = {
    "html_renamed_zip": ("region_94_A.zip", b"<html><body>Erreur 404</body></html>",
                         ["« region_94_A.zip »", "n'est pas une archive ZIP", "HTML"], None),
    "random_bytes_zip": ("region_94_A.zip", bytes(range(256)) * 4,
                         ["« region_94_A.zip »", "n'est pas une archive ZIP"], None),
    "zip_other_files": ("region_94_A.zip", "OTHER_ZIP",
                        ["« region_94_A.zip »", "aucun fichier REGION_XX_A_IMPORT.xlsx", "LisezMoi.txt",
                         "carte.pdf"], None),
    "no_qdf_sheet": ("REGION_94_A_IMPORT.xlsx", xlsx_bytes(IMPORT_94, sheet="Feuil1", extra_sheets=["Notes"]),
                     ["« REGION_94_A_IMPORT.xlsx »", "aucune feuille « qdf »", "« Feuil1 »", "« Notes »"],
                     None),
    "missing_column": ("REGION_94_A_IMPORT.xlsx",
                       xlsx_bytes([r[:4] + r[5:] for r in IMPORT_94], header=HEADER[:4] + HEADER[5:]),
                       ["feuille « qdf »", "la colonne « Pays » est absente", "colonnes trouvées"],
                       ("Pays", None)),
    "text_in_values": ("REGION_94_A_IMPORT.xlsx", xlsx_bytes(_replace_value(IMPORT_94, 1, 6, "n.d.")),
                       ["feuille « qdf »", "« n.d. » n'est pas un nombre", "ligne 3"],
                       ("annee2024_valeur_en_euros", 3)),
    "negative_value": ("REGION_94_A_IMPORT.xlsx", xlsx_bytes(_replace_value(IMPORT_94, 0, 5, -12)),
                       ["valeur négative (-12", "ligne 2"], ("annee2023_valeur_en_euros", 2)),
    "unknown_flux": ("donnees_corse.xlsx", xlsx_bytes(_replace_value(IMPORT_94, 1, 2, "Transit")),
                     ["flux « Transit » inconnu", "« Import » ou « Export »"], ("Flux", 3)),
    "unknown_department": ("REGION_94_A_IMPORT.xlsx", xlsx_bytes(_replace_value(IMPORT_94, 1, 1, "2C")),
                           ["« 2C » n'est pas un code de département"], ("Dep", 3)),
    "duplicate_in_one_file": ("REGION_94_A_IMPORT.xlsx", xlsx_bytes(IMPORT_94 + [IMPORT_94[0][:5] + [10, 21]]),
                              ["figure deux fois avec des valeurs différentes", "département 2A",
                               "« REGION_94_A_IMPORT.xlsx » ligne 2", "« REGION_94_A_IMPORT.xlsx » ligne 4"], None),
    "header_only_xlsx": ("REGION_94_A_IMPORT.xlsx", xlsx_bytes([]), ["seulement l'en-tête"], None),
    "header_only_csv": ("douanes_corse_import.csv", csv_text([]).encode(), ["« douanes_corse_import.csv »",
                                                                          "seulement l'en-tête"], None),
    "zero_bytes": ("region_94_A.zip", b"", ["« region_94_A.zip »", "vide (0 octet)"], None),
    "zip_bomb_declared_size": ("region_94_A.zip", BOMB,
                               ["« region_94_A.zip »", "REGION_94_A_IMPORT.xlsx", "une fois décompressé",
                                "limite : 500 Mo", "refusée par précaution"], None),
    "xls_renamed_xlsx": ("REGION_94_A_IMPORT.xlsx", b"\xd0\xcf\x11\xe0" + bytes(600),
                         ["n'est pas un classeur Excel .xlsx valide", ".xls"], None),
    "truncated_zip": ("region_94_A.zip", "TRUNCATED", ["« region_94_A.zip »"], None),
    "ods_file": ("donnees.ods", b"PK\x03\x04 whatever", ["type de fichier non accepté", "« .ods »"], None),
    "no_suffix": ("region_94_A", b"PK\x03\x04", ["sans extension"], None),
}


def _materialise(payload):
    if payload == "OTHER_ZIP":
        return zip_bytes({"LisezMoi.txt": b"bonjour", "carte.pdf": b"%PDF-1.4"})
    if payload == "TRUNCATED":
        return region_zip_bytes("94", ["2A", "2B"])[:700]
    return payload


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_upload_is_refused_in_french_and_changes_nothing(home, case):
    name, payload, expected, place = BAD_FILES[case]
    err = refuse(home, [(name, _materialise(payload))])
    message = str(err)
    for text in expected:
        assert text in message, (case, message)
    assert err.file == name or err.file is None and name in message
    if place:
        column, row = place
        assert err.column == column and (row is None or err.row == row), (case, err.column, err.row)
    assert message.endswith(".") and message[0].isupper()


def test_zip_bomb_is_refused_before_any_extraction(home, monkeypatch):
    def no_extraction(*args, **kwargs):
        raise AssertionError("extraction tentée malgré la taille déclarée")
    real_open = zipfile.ZipFile.open

    def open_member(self, name, *args, **kwargs):
        if "REGION_94" in getattr(name, "filename", name):
            no_extraction()
        return real_open(self, name, *args, **kwargs)
    monkeypatch.setattr(official_files, "_read_member", no_extraction)
    monkeypatch.setattr(zipfile.ZipFile, "open", open_member)
    err = refuse(home, [("region_94_A.zip", BOMB)])
    assert "2 861 Mo une fois décompressé" in str(err)


def test_conflicting_duplicate_across_upload_and_kept_file_names_both(home):
    changed = _replace_value(trade_rows(["04"], "Import"), 0, 6, 999_999)
    err = refuse(home, [("complement_paca_import.xlsx", xlsx_bytes(changed))])
    message = str(err)
    assert "valeurs différentes" in message and "département 04" in message and "pays DE" in message
    assert "« REGION_93_A_IMPORT.xlsx » de « region_93_A.zip » ligne 2" in message
    assert "« complement_paca_import.xlsx » ligne 2" in message
    assert "999\u202f999" in message


def test_identical_overlap_with_kept_file_is_accepted_once(home):
    same = trade_rows(["04"], "Import")
    report = accept_uploads([("complement_paca_import.xlsx", xlsx_bytes(same))])
    assert any("en double" in w for w in report.warnings)
    assert len(load_app_data().result.table) == report.total_rows == len(Unchanged(home).table)


def test_upload_larger_than_the_limit_is_refused_without_reading_it(home, monkeypatch):
    monkeypatch.setattr(uploads, "read_official_files", lambda *a, **k: pytest.fail("fichier lu"))
    with mmap.mmap(-1, MAX_UPLOAD_BYTES + 1) as huge:       # 200 Mio + 1 octet, jamais touché en mémoire
        err = refuse(home, [("region_94_A.zip", huge)])
    assert "dépasse la taille maximale acceptée (200 Mo)" in str(err) and "« region_94_A.zip »" in str(err)


def test_upload_limit_boundary(home, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    assert "taille maximale" in str(refuse(home, [("region_94_A.zip", b"PK" + bytes(999))]))
    with pytest.raises(DataFileError) as info:                  # exactly the limit: size accepted, content read
        accept_uploads([("region_94_A.zip", b"PK" + bytes(998))])
    assert "taille maximale" not in str(info.value)


def test_upload_limit_matches_the_streamlit_setting():
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert MAX_UPLOAD_BYTES == config["server"]["maxUploadSize"] * 1024 * 1024   # as Streamlit's upload route
    routes = Path(streamlit.__file__).parent / "web/server/starlette/starlette_routes.py"
    if routes.is_file():
        assert 'config.get_option("server.maxUploadSize") * 1024 * 1024' in routes.read_text(encoding="utf-8")


@pytest.mark.parametrize("name, expected", [
    ("../region_94_A.zip", "contient un chemin"), ("..\\..\\region_94_A.zip", "contient un chemin"),
    ("/etc/region_94_A.zip", "contient un chemin"), ("sous/dossier.csv", "contient un chemin"),
    ("..", "contient un chemin"), ("region\n94.zip", "caractères invisibles"),
    ("region\x0094.zip", "caractères invisibles"), ("a\u202eqiz.exe.zip", "caractères invisibles"),
    (".region_94_A.zip", "caché ou temporaire"), ("~$REGION_94_A_IMPORT.xlsx", "caché ou temporaire"),
    ("x" * 200 + ".zip", "trop long"), ("demo-manifest.csv", "manifest"),
    ("liste-ti-com2023.xlsx", "doit être un fichier CSV"), ("   ", "sans nom")])
def test_path_tricks_and_unreadable_names_are_refused(home, name, expected):
    err = refuse(home, [(name, region_zip_bytes("94", ["2A", "2B"]))])
    assert expected in str(err)
    assert "\n" not in str(err) and "\x00" not in str(err)
    assert not (home / "region_94_A.zip").exists() and not (home.parent / "region_94_A.zip").exists()


def test_two_different_files_with_the_same_name_are_refused(home):
    err = refuse(home, [("region_94_A.zip", region_zip_bytes("94", ["2A"])),
                        ("region_94_A.zip", region_zip_bytes("94", ["2B"]))])
    assert "même nom" in str(err)


def test_one_bad_file_in_a_batch_keeps_none_of_them(home):
    err = refuse(home, [("region_94_A.zip", region_zip_bytes("94", ["2A", "2B"])),
                        ("REGION_11_A_IMPORT.xlsx", xlsx_bytes([["11", "75", "Import", "C10A", "DE", "abc", 1]]))])
    assert "REGION_11_A_IMPORT.xlsx" in str(err) and "« abc »" in str(err)


@pytest.mark.parametrize("rows, header, expected, column, row", [
    (TI_ROWS, ("insee_com", "lib_com", "lib_ti"), "colonne(s) manquante(s) : id_ti", "id_ti", None),
    (TI_ROWS + [("99001", "Nulle part", "T04", "Durance")], None, "son département « 99 » n'existe pas",
     "insee_com", 8),
    ([], None, "aucune commune rattachée", None, None)])
def test_bad_industry_territory_list_is_refused(home, rows, header, expected, column, row):
    payload = ti_csv(rows, header) if header else ti_csv(rows)
    err = refuse(home, [("liste-ti-com2023-20250301.csv", payload)])
    assert expected in str(err) and "« liste-ti-com2023-20250301.csv »" in str(err)
    assert err.column == column
    assert err.row == row


def test_empty_industry_territory_list_is_refused(home):
    assert "vide" in str(refuse(home, [("liste-ti-com2023-20250301.csv", b"")]))
    assert "vide" in str(refuse(home, [("liste-ti-com2023-20250301.csv", b"\r\n \r\n")]))


# --------------------------------------------------------------------------- accepted uploads

def test_good_upload_is_kept_and_used_by_the_app_after_reload(home):
    before = load_app_data().result.table
    report = accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2A", "2B"], base=5000))])
    assert report.trade_files == ["region_94_A.zip"] and report.rows == 2 * 2 * 2 * 2 * 2
    assert version_files(home) == ["region_93_A.zip", "region_94_A.zip"] and report.version == "v0002"
    assert sorted(p.name for p in (home / "officiel").iterdir()) == ["region_93_A.zip"]   # never modified
    after = load_app_data()                                     # what reload_data() makes the app call
    table = after.result.table
    assert len(table) == len(before) + report.rows == report.total_rows
    assert sorted(table["department"].unique()) == sorted(KEPT_DEPS + ["2A", "2B"]) and report.departments == 8
    corse = table[(table["department"] == "2A") & (table["flow"] == "import") & (table["product"] == "C10A")
                  & (table["country"] == "DE") & (table["year"] == 2024)]
    assert corse["value_eur"].tolist() == [5000.5]
    assert {"region_93_A.zip", "region_94_A.zip"} == {s["file"] for s in after.result.sources}
    assert not list(home.glob(".upload-*"))


def test_partial_upload_warns_that_france_totals_are_incomplete(home):
    report = accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2A", "2B"]))])
    partial = [w for w in report.warnings if w.startswith("Données partielles")]
    assert len(partial) == 1 and report.regions == 2
    assert "2 régions sur 18" in partial[0] and "8 départements sur 101" in partial[0]
    assert "totaux « France »" in partial[0] and "incomplets" in partial[0] and "Île-de-France" in partial[0]


def test_good_upload_then_bad_one_keeps_the_good_one(home):
    accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2A", "2B"]))])
    with_good = load_app_data().result.table
    assert "2A" in set(with_good["department"])
    err = refuse(home, [("REGION_11_A_IMPORT.xlsx", xlsx_bytes([["11", "75", "Import", "C10A", "DE", -1, 1]]))])
    assert "négative" in str(err)
    assert version_files(home) == ["region_93_A.zip", "region_94_A.zip"]
    pd.testing.assert_frame_equal(load_app_data().result.table, with_good)


def test_windows_1252_csv_is_accepted_with_accents_intact(home):
    header = HEADER + ["Libellé du produit"]
    rows = [row + ["Préparations et conserves à base de poisson – crème brûlée"] for row in IMPORT_94]
    payload = csv_text(rows, header=header).encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        payload.decode("utf-8")                                 # really Windows-1252, not UTF-8
    report = accept_uploads([("données_corse_import.csv", payload)])
    assert report.trade_files == ["données_corse_import.csv"] and report.rows == 4
    assert (versions.current().files_dir / "données_corse_import.csv").read_bytes() == payload
    table = load_app_data().result.table
    assert table.loc[table["department"] == "2B", "value_eur"].sort_values().tolist() == [30.0, 40.0]
    ti = ti_csv([(c, "Château-Arnoux-Saint-Auban", i, "Pays de Forcalquier – Montagne de Lure (Sisteron)")
                 for c, _, i, _ in TI_ROWS], encoding="cp1252")
    accept_uploads([("liste-ti-com2023-20250301.csv", ti)])
    names = {t.name for t in load_app_data().catalog.industry_territories.values()}
    assert names == {"Pays de Forcalquier – Montagne de Lure (Sisteron)"}


def test_industry_territory_list_under_another_name_is_found_and_replaces_the_old_one(home):
    accept_uploads([("liste-ti-com2023-20250101.csv", ti_csv(TI_ROWS))])
    report = accept_uploads([("territoires.csv", ti_csv([(c, n, "T05", "Nouvelle liste") for c, n, _, _ in TI_ROWS]))])
    assert report.ti_file == "liste-ti-com-territoires.csv" and report.replaced == ["liste-ti-com2023-20250101.csv"]
    assert find_ti_file(versions.current().files_dir).name == "liste-ti-com-territoires.csv"
    catalog = load_app_data().catalog
    assert set(catalog.industry_territories) == {"T05"}


def test_industry_territory_list_alone_says_the_demo_stays_until_customs_files_come(tmp_path):
    report = accept_uploads([("liste-ti-com2023-20250101.csv", ti_csv(TI_ROWS))], dest=tmp_path / "officiel")
    assert report.ti_file == "liste-ti-com2023-20250101.csv" and report.trade_files == []
    assert any("données de démonstration" in w for w in report.warnings)


def test_same_name_replaces_the_kept_file_after_validation(home):
    report = accept_uploads([("region_93_A.zip", region_zip_bytes("93", ["04"], base=7000))])
    assert report.replaced == ["region_93_A.zip"] and not any("remplacé" in w for w in report.warnings)
    assert report.changes_sentence == "1 fichier modifié : region_93_A.zip"
    table = load_app_data().result.table
    assert sorted(table["department"].unique()) == ["04"] and table["value_eur"].min() == 7000


@pytest.mark.parametrize("first_upload", [True, False], ids=["versions-existantes", "reprise-de-officiel"])
def test_failed_write_of_the_version_changes_nothing(home, monkeypatch, first_upload):
    if first_upload:
        accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2B"]))])
    unchanged = Unchanged(home)
    real_link = versions.os.link
    calls = {"n": 0}

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == (2 if first_upload else 1):
            raise OSError(28, "No space left on device")
        return real_link(src, dst)
    with monkeypatch.context() as patched:
        patched.setattr(versions.os, "link", flaky)
        patched.setattr(versions.shutil, "copy2", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "disque plein")))
        with pytest.raises(DataFileError) as info:
            accept_uploads([("region_93_A.zip", region_zip_bytes("93", ["04"], base=7000)),
                            ("region_94_A.zip", region_zip_bytes("94", ["2A"]))])
    assert "n'ont pas pu être enregistrés" in str(info.value) and "rien n'a été modifié" in str(info.value)
    unchanged.check()


def test_nothing_received(tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "DATA_DIR", tmp_path / "data")      # the refusal is logged: not in the project's
    with pytest.raises(DataFileError, match="Aucun fichier reçu"):
        accept_uploads([])
    assert "Aucun fichier reçu" in (tmp_path / "data" / "versions" / "journal.jsonl").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- in the app (AppTest)

@pytest.fixture
def app_home(home, monkeypatch):
    """The isolated data folder, with the process-wide Streamlit caches emptied before and after."""
    import streamlit as st
    (home / "officiel" / "liste-ti-com2023-20250101.csv").write_bytes(ti_csv(TI_ROWS))
    monkeypatch.setenv("CET_ADMIN_SECRET", ADMIN_SECRET)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield home
    st.cache_resource.clear()
    st.cache_data.clear()


def _plain(text: str) -> str:
    """What the user reads: Markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", text)


def _start(query: dict | None = None):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    for key, value in (query or {"territoire": "dep:04"}).items():
        at.query_params[key] = value
    return at.run()


ADMIN_SECRET = "secret-de-test-0123456789"


def _about(query: dict | None = None, admin: bool = True):
    at = _start(query)
    assert not at.exception, at.exception
    at = at.switch_page("pages/about.py").run()
    if admin:
        at.text_input(key="admin_secret").input(ADMIN_SECRET)
        next(b for b in at.button if b.label == "Accéder à l'administration").click()
        at = at.run()
        assert not at.exception, at.exception
        assert any("Vous êtes administrateur (secret partagé)" in s.value for s in at.info)
    return at


def _upload(at, files: list[tuple[str, bytes]]):
    at.file_uploader(key="uploads").set_value([(name, data, "application/octet-stream") for name, data in files])
    next(b for b in at.button if b.label == "Vérifier et charger").click()
    return at.run()


def _loaded_line(at) -> str:
    return next(_plain(m.value) for m in at.markdown if "Données chargées" in m.value)


def test_about_page_refuses_each_bad_upload_and_keeps_the_loaded_data(app_home):
    at = _about()
    assert "Données chargées : 96 lignes" in _loaded_line(at)
    unchanged = Unchanged(app_home)
    cases = [("html_renamed_zip", "n'est pas une archive ZIP"), ("zip_bomb_declared_size", "une fois décompressé"),
             ("negative_value", "colonne « annee2023_valeur_en_euros », ligne 2"),
             ("duplicate_in_one_file", "valeurs différentes"), ("zero_bytes", "vide (0 octet)"),
             ("no_qdf_sheet", "aucune feuille « qdf »")]
    for case, expected in cases:
        name, payload, _, _ = BAD_FILES[case]
        at = _upload(at, [(name, _materialise(payload))])
        assert not at.exception, (case, at.exception)
        errors = [_plain(e.value) for e in at.error]
        assert len(errors) == 1 and not at.success, (case, errors)
        assert errors[0].startswith("Fichier refusé : Fichier « ") and f"« {name} »" in errors[0], errors
        assert expected in errors[0] and errors[0].endswith("Les données déjà chargées restent utilisées.")
        assert "Données chargées : 96 lignes" in _loaded_line(at)
        unchanged.check()
    at = _upload(at, [("liste-ti-com2023-20250301.csv", ti_csv(TI_ROWS, ("insee_com", "lib_com", "lib_ti")))])
    assert "colonne « id_ti »" in _plain(at.error[0].value)
    unchanged.check()
    at.switch_page("pages/overview.py").run()                  # the rest of the app still serves
    assert not at.exception and at.metric[0].value


def test_about_page_good_upload_is_used_then_a_bad_one_keeps_it(app_home):
    at = _about()
    at = _upload(at, [("region_94_A.zip", region_zip_bytes("94", ["2A", "2B"]))])
    assert not at.exception and not at.error
    success = _plain(at.success[0].value)
    assert "Fichiers retenus : region_94_A.zip — 32 valeurs lues" in success
    assert "128 lignes, 8 départements" in success
    assert any("Données partielles" in w.value and "totaux « France »" in w.value for w in at.warning)
    assert "Données chargées : 128 lignes" in _loaded_line(at) and "8 départements" in _loaded_line(at)
    kept = snapshot(app_home / "officiel")
    at = _upload(at, [("REGION_11_A_IMPORT.xlsx", xlsx_bytes([["11", "75", "Import", "C10A", "DE", "abc", 1]]))])
    assert "« abc » n'est pas un nombre" in _plain(at.error[0].value) and not at.success
    assert "Données chargées : 128 lignes" in _loaded_line(at)
    assert snapshot(app_home / "officiel") == kept
    at.switch_page("pages/overview.py").run()
    assert not at.exception and at.metric[0].value


def test_about_page_uploader_limit_is_the_lib_limit(app_home):
    at = _about()
    uploader = at.file_uploader(key="uploads")
    assert uploader.proto.max_upload_size_mb == MAX_UPLOAD_MB and list(uploader.proto.type) == [".zip", ".xlsx", ".csv"]


def test_about_page_survives_an_unexpected_failure(app_home, monkeypatch):
    def broken(files, **kwargs):
        raise MemoryError()
    monkeypatch.setattr(uploads, "accept_uploads", broken)
    at = _upload(_about(), [("region_94_A.zip", region_zip_bytes("94", ["2A"]))])
    assert not at.exception
    assert "erreur inattendue : MemoryError" in at.error[0].value and "Rien n'a été modifié" in at.error[0].value
    assert "Données chargées : 96 lignes" in _loaded_line(at)


def test_about_page_never_renders_markdown_from_a_file(app_home):
    name = "![img](x.png)[clic](javascript:alert(1))_**gras**.xlsx"
    at = _upload(_about(), [(name, xlsx_bytes([["94", "2A", "Import", "C10A", "DE", "<b>`code`</b>", 1]]))])
    raw = at.error[0].value
    assert "\\!\\[img\\]" in raw and "\\[clic\\]" in raw and "\\*\\*gras\\*\\*" in raw and "\\<b\\>" in raw
    assert "\\`code\\`" in raw
    assert "« <b>`code`</b> » n'est pas un nombre" in _plain(raw)


# --------------------------------------------------------------------------- malformed URL parameters

LONG_INJECTION = "dep:04" + "<img src=x onerror=alert(1)>[lien](javascript:alert(1))**" * 400


@pytest.mark.parametrize("query, parameter", [
    ({"territoire": "ti:XYZ"}, "territoire"), ({"territoire": "reg:00"}, "territoire"),
    ({"territoire": "dep:04", "annee": "2024abc"}, "annee"), ({"territoire": LONG_INJECTION}, "territoire"),
    ({"territoire": "dep:04", "annee": LONG_INJECTION}, "annee"), ({"territoire": "ti:"}, "territoire"),
    ({"territoire": "reg:93", "annee": "-2024"}, "annee"), ({"territoire": "dep:04", "annee": " "}, "annee"),
    ({"territoire": "dep:04\u0000"}, "territoire")])
def test_malformed_url_parameters_warn_and_fall_back(app_home, query, parameter):
    at = _start(query)
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    mine = [w for w in warnings if f"Paramètre « {parameter} »" in w]
    assert len(mine) == 1, warnings
    assert len(mine[0]) < 700 and not re.search(r"[<>\[\]`*\x00]", mine[0]), mine[0]
    assert at.metric[0].value                                      # the default view is drawn
    if parameter == "territoire":
        assert "Affichage de 04 – Alpes-de-Haute-Provence à la place" in mine[0]
    else:
        assert "Affichage de 2024" in mine[0]


def test_known_industry_territory_in_url_is_accepted(app_home):
    at = _start({"territoire": "ti:T04", "annee": "2023"})
    assert not at.exception and not at.warning
    assert any("Durance–Provence Agglomération" in m.value for m in at.markdown)


def test_unicode_digit_year_in_url_falls_back(app_home):
    at = _start({"territoire": "dep:04", "annee": "²"})
    assert not at.exception
    assert any("Paramètre « annee »" in w.value for w in at.warning)
