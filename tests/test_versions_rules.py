"""Rules of the « Historique des données » table and of the first version taken over from data/officiel
(issue 23 item 2: mutants of lib/data/versions.py).

One row per version, newest first: the version in use is marked « oui », rows and release are shown when the
manifest has them (« — » otherwise), the operation in French (an unknown one as written, a missing one empty),
the files counted and listed, the author only when asked. What a version changed is computed for manifests
written before it was recorded, following `replaces` only when it is a version id.

Second pass: every switch is journaled as intent then outcome (failure with its cause), in the order of its
checkpoints; a rollback and each deletion of the retention rule say what they did; a manifest with a field of
the wrong type is not a complete version, and manifests are read as UTF-8 whatever the server's locale.

Third pass: each folder is flushed to the disk before the step that relies on it; a new version first removes
what crashed switches left (and only that), and neither a leftover that cannot be deleted nor one removed meanwhile
stops it; a failed build reports its own cause; a file that cannot be hard-linked is copied and flushed; the
manifest keeps the warnings and is written for a person to read; of the older layout, only the visible data files
are taken; a writer kept waiting for the data lock is told so in French.

Fourth pass: a missing or damaged CURRENT is said in one French sentence (the same in the banner, the CLI and the
journal), journaled by « serveur » once per data folder and sentence with the version served instead; CURRENT is
read within its size bound, and an unreadable one is damaged; only folders named like a version are versions."""
from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import types
from pathlib import Path

import pandas as pd
import pytest

from lib.core import filelock, schema
from lib import cli
from lib.core.errors import DataFileError
from lib.data import audit, versions
from tests.test_bad_input import TI_ROWS, region_zip_bytes, ti_csv
from tests.test_versions import root  # noqa: F401  (fixture: an isolated data folder)


def _publish(tmp_path, names, **kwargs) -> versions.Version:
    files = {}
    for name in names:
        (tmp_path / name).write_bytes(f"{name} {kwargs.get('actor')}".encode())
        files[name] = tmp_path / name
    with versions.lock():
        return versions.publish(files, **kwargs)


def _edit_manifest(version_id: str, **changes) -> None:
    """What a manifest edited by hand, or written by an older release, looks like (None: key removed)."""
    path = versions.get(version_id).path / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            manifest.pop(key, None)
        else:
            manifest[key] = value
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_the_history_shows_each_version_newest_first_in_french(root, tmp_path):
    _publish(tmp_path, ["a.zip", "b.zip"], actor="alice", action="import",
             summary={"rows": 12345, "release_date": "2026-02-15"})
    _publish(tmp_path, ["a.zip"], actor="bob", action="dépôt")
    _edit_manifest("v0002", action=None, actor=None)
    _publish(tmp_path, ["c.csv"], actor="carol", action="essai manuel")
    rows = versions.history_rows()
    assert [r["Version"] for r in rows] == ["v0003", "v0002", "v0001"]
    assert [r["En service"] for r in rows] == ["oui", "", ""]
    assert [r["Lignes"] for r in rows] == ["—", "—", "12\u202f345"]
    assert [r["Diffusion"] for r in rows] == ["—", "—", "février 2026"]
    assert [r["Opération"] for r in rows] == ["essai manuel", "", "import (ligne de commande)"]
    assert [r["Fichiers"] for r in rows] == ["1 : c.csv", "1 : a.zip", "2 : a.zip, b.zip"]
    assert all("Par" not in r for r in rows)
    assert [r["Par"] for r in versions.history_rows(with_actor=True)] == ["carol", "", "alice"]


def test_changes_of_an_older_manifest_are_computed_and_replaces_must_be_a_version_id(root, tmp_path):
    _publish(tmp_path, ["a.zip", "b.zip"], actor="alice", action="import")
    _publish(tmp_path, ["a.zip"], actor="bob", action="import")
    _edit_manifest("v0001", changes=None)                             # the first version, recorded before
    _edit_manifest("v0002", changes=None, replaces="v0001/../v0001")  # not a version id: not followed
    rows = {r["Version"]: r["Changements"] for r in versions.history_rows()}
    assert rows == {"v0001": "2 ajoutés (a.zip, b.zip)", "v0002": "—"}
    assert versions.changes_of(versions.get("v0002")) is None


def test_the_first_version_taken_from_data_officiel_counts_the_trade_rows_not_the_ti_list(root):
    legacy = schema.OFFICIAL_DIR
    legacy.mkdir(parents=True)
    (legacy / "region_93_A.zip").write_bytes(region_zip_bytes("93", ["04"]))
    (legacy / "liste-ti-com2023-2026.csv").write_bytes(ti_csv(TI_ROWS))
    with versions.lock():
        version = versions.ensure_migrated()
        assert versions.ensure_migrated() is None                      # only before the first version
    assert _journal("reprise") == [("reprise de data/officiel", "acceptée",
                                    "fichiers de data/officiel repris comme première version", "v0001", None)]
    [entry] = [e for e in audit.read() if e["action"] == "reprise"]
    assert entry["files"] == [{k: f[k] for k in ("name", "bytes", "sha256")} for f in version.files]
    assert _journal("mise en service")[0][0] == "reprise de data/officiel"
    assert sorted(f["name"] for f in version.files) == ["liste-ti-com2023-2026.csv", "region_93_A.zip"]
    # one département × two flows × two products × two countries × two years (tests.test_bad_input.trade_rows)
    assert version.manifest["rows"] == 16 and version.manifest["years"] == [2023, 2024]
    assert version.manifest["departments"] == 1


def _journal(action: str) -> list[tuple]:
    return [(e["actor"], e["outcome"], e["message"], e["version"], e.get("previous"))
            for e in audit.read() if e["action"] == action]


def test_each_switch_is_journaled_as_intent_then_outcome_and_a_rollback_says_what_it_replaced(root, tmp_path):
    _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    _publish(tmp_path, ["b.zip"], actor="bob", action="import")
    versions.rollback("1", "carol")
    first = "mise en service de la version v0001 à la place de aucune"
    second = "mise en service de la version v0002 à la place de v0001"
    back = "mise en service de la version v0001 à la place de v0002"
    assert _journal("mise en service") == [
        ("alice", "en cours", first, "v0001", None), ("alice", "acceptée", first, "v0001", None),
        ("bob", "en cours", second, "v0002", "v0001"), ("bob", "acceptée", second, "v0002", "v0001"),
        ("carol", "en cours", back, "v0001", "v0002"), ("carol", "acceptée", back, "v0001", "v0002")]
    with pytest.raises(DataFileError, match="^La version v0001 est déjà celle en service.$"):
        versions.rollback("v0001", "dave")
    with pytest.raises(DataFileError, match="^Version « 7 » introuvable"):
        versions.rollback("7", "erin")
    assert _journal("retour") == [
        ("carol", "acceptée", "retour à la version v0001 (à la place de v0002)", "v0001", "v0002"),
        ("dave", "refusée", "La version v0001 est déjà celle en service.", "v0001", None),
        ("erin", "refusée", "Version « 7 » introuvable (versions disponibles : v0002, v0001).", "7", None)]
    assert versions.current_id() == "v0001"


def test_a_version_is_built_then_named_in_current_in_this_order_of_steps(root, tmp_path, monkeypatch):
    steps = []
    monkeypatch.setattr(versions, "_checkpoint", steps.append)
    _publish(tmp_path, ["a.zip", "b.zip"], actor="alice", action="import")
    assert steps == ["staging", "file", "file", "manifest", "renamed", "current-written", "switched"]


def test_each_folder_is_flushed_to_the_disk_before_the_step_that_relies_on_it(root, tmp_path, monkeypatch):
    events = []
    base = versions.root()

    def fsync_dir(folder):
        name = re.sub(r"-[0-9a-f]{8}", "", str(folder.relative_to(base)))    # the staging folder's random part
        events.append(f"fsync {name} ({'existe' if folder.is_dir() else 'absent'})")
    monkeypatch.setattr(versions, "_checkpoint", events.append)
    monkeypatch.setattr(versions, "fsync_dir", fsync_dir)
    _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    assert events == ["staging", "file", "fsync .staging-v0001/files (existe)", "fsync .staging-v0001 (existe)",
                      "manifest", "fsync . (existe)", "renamed", "current-written", "fsync . (existe)", "switched"]


def test_a_failed_switch_is_journaled_with_its_cause_and_leaves_the_old_version_in_service(root, tmp_path,
                                                                                           monkeypatch):
    _publish(tmp_path, ["a.zip"], actor="alice", action="import")

    def crash(step):
        if step == "current-written":
            raise OSError("disque plein")
    monkeypatch.setattr(versions, "_checkpoint", crash)
    with pytest.raises(OSError):
        _publish(tmp_path, ["b.zip"], actor="bob", action="import")
    change = "mise en service de la version v0002 à la place de v0001"
    assert _journal("mise en service")[2:] == [("bob", "en cours", change, "v0002", "v0001"),
                                               ("bob", "échec", f"{change} : échec (OSError)", "v0002", "v0001")]
    assert versions.current_id() == "v0001"


def _manifest_path(version: versions.Version):
    return version.path / "manifest.json"


def test_a_manifest_edited_by_hand_with_a_field_of_the_wrong_type_is_not_a_complete_version(root, tmp_path):
    version = _publish(tmp_path, ["a.zip"], actor="alice", action="import", summary={"rows": 3, "years": [2024]})
    good = json.loads(_manifest_path(version).read_text(encoding="utf-8"))
    older = {"id": "v0001", "created": good["created"]}        # an older manifest: only its id and date
    _manifest_path(version).write_text(json.dumps(older), encoding="utf-8")
    assert [v.id for v in versions.list_versions()] == ["v0001"] and versions.get("1").files == []
    damaged = [{"files": "a.zip"}, {"files": ["a.zip"]}, {"files": [{"bytes": 3}]}, {"action": 5},
               {"actor": ["alice"]}, {"rows": "3"}, {"years": "2024"}, {"created": "hier"},
               {"release_date": "demain"}, {"id": "v0002"}]
    for change in damaged:
        _manifest_path(version).write_text(json.dumps({**good, **change}), encoding="utf-8")
        assert versions.list_versions() == [], change
    _manifest_path(version).write_text(json.dumps([good]), encoding="utf-8")
    assert versions.list_versions() == []


def test_a_manifest_is_read_as_utf8_whatever_the_server_locale(root, tmp_path, monkeypatch):
    _publish(tmp_path, ["données.zip"], actor="Élodie Müller", action="dépôt")
    # a server whose locale is ASCII: text read without an explicit encoding would be decoded as ASCII
    monkeypatch.setattr(io, "text_encoding", lambda encoding, stacklevel=2: encoding or "ascii")
    [version] = versions.list_versions()
    assert version.manifest["actor"] == "Élodie Müller" and version.files[0]["name"] == "données.zip"


def test_an_unknown_version_or_id_is_refused_in_french_naming_what_exists(root):
    with pytest.raises(DataFileError, match=r"^Version « 3 » introuvable \(versions disponibles : aucune\)\.$"):
        versions.get("3")
    with pytest.raises(DataFileError, match=r"^Identifiant de version « v3b » non reconnu "
                                            r"\(attendu : v0003 ou 3\)\.$"):
        versions.get("v3b")


def test_retention_keeps_at_least_one_version_and_journals_each_deletion(root, tmp_path):
    for name in ("a.zip", "b.zip", "c.zip"):
        _publish(tmp_path, [name], actor="alice", action="import")
    with versions.lock():
        assert versions.apply_retention(keep=0) == ["v0002", "v0001"]
    assert [v.id for v in versions.list_versions()] == ["v0003"]
    assert _journal("suppression") == [
        ("règle de conservation", "acceptée", "version v0002 supprimée (conservation des 1 dernières)", "v0002", None),
        ("règle de conservation", "acceptée", "version v0001 supprimée (conservation des 1 dernières)", "v0001", None)]


def test_retention_is_not_stopped_by_a_file_that_cannot_be_deleted(root, tmp_path, monkeypatch):
    _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    _publish(tmp_path, ["b.zip"], actor="alice", action="import")
    unlink = os.unlink

    def refuse(path, *args, **kwargs):
        if str(path).endswith("a.zip"):
            raise PermissionError(path)
        return unlink(path, *args, **kwargs)
    monkeypatch.setattr(os, "unlink", refuse)
    with versions.lock():
        assert versions.apply_retention(keep=1, actor="bob") == ["v0001"]
    assert [v.id for v in versions.list_versions()] == ["v0002"]
    assert [e[:2] for e in _journal("suppression")] == [("bob", "acceptée")]


def test_the_summary_of_a_table_without_release_date_has_none(tmp_path):
    table = pd.DataFrame({schema.YEAR: [2024, 2023, 2024], schema.DEPARTMENT: ["04", "04", "05"]})
    result = types.SimpleNamespace(table=table, release_date=None,
                                   sources=[{"file": "a.zip", "rows": 3, "release_date": None}])
    assert versions.summary_of_result(result) == {
        "rows": 3, "years": [2023, 2024], "departments": 2, "release_date": None,
        "file_rows": {"a.zip": 3}, "file_releases": {"a.zip": None}}


def _leftovers_of_crashes(base: Path) -> dict[str, Path]:
    """What a switch killed mid-way leaves in data/versions: a staging folder, a trash folder, a CURRENT file."""
    staging = base / ".staging-v0009-deadbeef"
    trash = base / ".trash-v0003-cafe1234"
    for folder in (staging, trash):
        (folder / "files").mkdir(parents=True)
        (folder / "files" / "a.zip").write_bytes(b"PK")
    (base / ".CURRENT.0badf00d.tmp").write_text("v0003\n", encoding="ascii")
    return {"staging": staging, "trash": trash, "current": base / ".CURRENT.0badf00d.tmp"}


def test_a_new_version_removes_what_crashed_switches_left_and_nothing_else(root, tmp_path):
    base = versions.root()
    left = _leftovers_of_crashes(base)
    kept = [base / "notes.tmp", base / ".CURRENT.sauvegarde", base / ".staging-notes"]
    for path in kept:
        path.write_text("à garder", encoding="utf-8")
    (base / ".copie.tmp").mkdir()                        # a folder whose name ends like a temporary file
    kept.append(base / ".copie.tmp")
    _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    assert [name for name, path in left.items() if path.exists()] == []
    assert [path.name for path in kept if not path.exists()] == []
    assert versions.current_id() == "v0001"


def test_a_leftover_that_cannot_be_deleted_or_is_removed_meanwhile_does_not_stop_a_new_version(root, tmp_path,
                                                                                                 monkeypatch):
    base = versions.root()
    left = _leftovers_of_crashes(base)
    unlink, iterdir = os.unlink, Path.iterdir

    def refuse(path, *args, **kwargs):
        if str(path).endswith("a.zip") and kwargs.get("dir_fd") is not None:    # inside a leftover folder
            raise PermissionError(errno.EACCES, "refusé", str(path))
        return unlink(path, *args, **kwargs)

    def listed_then_removed(self):
        """The folder's listing, after which someone else removes the temporary CURRENT file."""
        listing = list(iterdir(self))
        if self == base:
            left["current"].unlink(missing_ok=True)
        return iter(listing)
    monkeypatch.setattr(os, "unlink", refuse)
    monkeypatch.setattr(Path, "iterdir", listed_then_removed)
    _publish(tmp_path, ["b.zip"], actor="alice", action="import")
    assert versions.current_id() == "v0001"
    assert (left["staging"] / "files" / "a.zip").exists() and not left["current"].exists()


def test_a_failed_build_reports_its_own_cause_even_if_its_staging_folder_cannot_be_removed(root, tmp_path,
                                                                                            monkeypatch):
    _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    unlink = os.unlink

    def refuse(path, *args, **kwargs):
        if kwargs.get("dir_fd") is not None:          # shutil.rmtree's deletions inside the staging folder
            raise PermissionError(errno.EACCES, "refusé", str(path))
        return unlink(path, *args, **kwargs)

    def crash(step):
        if step == "file":
            raise OSError("disque plein")
    with monkeypatch.context() as failing:
        failing.setattr(os, "unlink", refuse)
        failing.setattr(versions, "_checkpoint", crash)
        with pytest.raises(OSError, match="^disque plein$"):
            _publish(tmp_path, ["b.zip"], actor="bob", action="import")
    assert versions.current_id() == "v0001"
    assert sorted(p.name[:15] for p in versions.root().iterdir() if p.is_dir()) == [".staging-v0002-", "v0001"]
    _publish(tmp_path, ["c.zip"], actor="carol", action="import")   # the next version removes what stayed
    assert sorted(p.name for p in versions.root().iterdir() if p.is_dir()) == ["v0001", "v0002"]


def test_a_file_that_cannot_be_hard_linked_is_copied_and_flushed_to_the_disk(root, tmp_path, monkeypatch):
    synced = []

    def no_link(source, target):
        raise OSError(errno.EXDEV, "autre disque")

    def fsync(path):
        synced.append(Path(path))
        return real_fsync(path)
    real_fsync = versions.fsync_file
    monkeypatch.setattr(os, "link", no_link)
    monkeypatch.setattr(versions, "fsync_file", fsync)
    version = _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    copy = version.files_dir / "a.zip"
    assert copy.read_bytes() == (tmp_path / "a.zip").read_bytes() == b"a.zip alice"
    assert copy.stat().st_ino != (tmp_path / "a.zip").stat().st_ino
    assert [(p.parent.name, p.name) for p in synced] == [("files", "a.zip")]
    assert synced[0].parent.parent.name.startswith(".staging-v0001-")     # flushed before the version is named


def test_the_manifest_keeps_the_warnings_and_is_written_for_a_person_to_read(root, tmp_path):
    warnings = ["fichier « données.zip » : 3 lignes sans département, ignorées"]
    version = _publish(tmp_path, ["données.zip"], actor="Élodie Müller", action="dépôt", warnings=warnings)
    assert versions.get("v0001").manifest["warnings"] == version.manifest["warnings"] == warnings
    lines = [line.strip() for line in _manifest_path(version).read_text(encoding="utf-8").splitlines()]
    # accents as they are (not « \\u00c9 »), one field per line
    assert '"actor": "Élodie Müller",' in lines and '"name": "données.zip",' in lines
    assert '"fichier « données.zip » : 3 lignes sans département, ignorées"' in lines


def test_before_the_first_version_only_the_visible_data_files_of_data_officiel_are_read(root):
    legacy = schema.OFFICIAL_DIR
    (legacy / "archives.zip").mkdir(parents=True)           # a folder, whatever its name
    (legacy / "ancien").mkdir()
    for name in ("region_93_A.zip", "LISTE-TI.XLSX", "b.csv", "notes.txt", "._region_93_A.zip", ".b.csv",
                 "~$LISTE-TI.XLSX"):
        (legacy / name).write_bytes(b"x")
    assert list(versions.legacy_files()) == ["LISTE-TI.XLSX", "b.csv", "region_93_A.zip"]
    assert versions.legacy_files()["b.csv"] == legacy / "b.csv"


def test_a_writer_kept_waiting_too_long_for_the_data_lock_is_told_so_in_french(root, monkeypatch):
    clock = iter(range(0, 10**6, 601))                  # each look at the clock: ten minutes later
    monkeypatch.setattr(filelock, "time", types.SimpleNamespace(monotonic=lambda: next(clock),
                                                                sleep=lambda seconds: None))
    with versions.lock():
        with pytest.raises(DataFileError) as refused:
            with versions.lock():                       # its own descriptor: excluded as another process is
                pass
    assert str(refused.value) == ("Les données sont en cours de modification par un autre processus depuis plus "
                                  "de 600 s ; réessayez dans un instant.")


def test_the_version_in_service_is_read_once_while_nothing_changes(root, tmp_path):
    """in_service() runs at every rerun: while data/versions, CURRENT and its manifest are unchanged it hands
    back the state it read, also when CURRENT is damaged and the newest version is served instead."""
    _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    first = versions.in_service()
    assert first.version.id == "v0001" and first.problem is None
    assert versions.in_service() is first
    (root / "versions" / "CURRENT").write_text("n'importe quoi\n", encoding="utf-8")
    damaged = versions.in_service()
    assert damaged.version.id == "v0001" and damaged.problem is not None
    assert versions.in_service() is damaged


def test_a_manifest_rewritten_in_place_is_read_again(root, tmp_path):
    """The manifest of the version in service is part of what the state was read from: a manifest changed
    since (an administrator's note added by hand) is read again at the next call."""
    _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    assert versions.in_service().version.manifest.get("note") is None
    _edit_manifest("v0001", note="vérifié à la main")
    assert versions.in_service().version.manifest["note"] == "vérifié à la main"


def _current_naming_the_older_of_two_versions(tmp_path) -> Path:
    """v0001 and v0002, CURRENT naming v0001: a recovery serves v0002, the newest complete version."""
    _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    _publish(tmp_path, ["b.zip"], actor="bob", action="import")
    versions.rollback("1", "carol")
    assert versions.current_id() == "v0001"
    return versions.root() / "CURRENT"


ABSENT = "Le fichier CURRENT, qui désigne la version en service, est absent"
UNREADABLE = "Le fichier CURRENT, qui désigne la version en service, est illisible (vide ou contenu non reconnu)"


def test_a_missing_or_damaged_current_is_said_in_one_french_sentence_journaled_by_the_server(root, tmp_path,
                                                                                              capsys):
    current = _current_naming_the_older_of_two_versions(tmp_path)
    served = f"la version {versions.describe(versions.get('v0002'))}, la plus récente complète, est servie à la place"
    current.unlink()
    absent = versions.in_service()
    assert absent.version.id == "v0002"
    assert absent.message == f"{ABSENT} : {served}"
    current.write_bytes(b"v0001 ?\n")
    damaged = versions.in_service()
    assert damaged.version.id == "v0002"
    assert damaged.message == f"{UNREADABLE} : {served}"
    assert cli.main(["versions"]) == 0
    assert capsys.readouterr().err == f"Attention : {damaged.message}.\n"
    assert _journal("récupération") == [("serveur", "échec", absent.message, "v0002", None),
                                        ("serveur", "échec", damaged.message, "v0002", None)]


def test_a_recovery_is_journaled_once_per_sentence_however_often_current_is_read_again(root, tmp_path):
    current = _current_naming_the_older_of_two_versions(tmp_path)
    current.write_bytes(b"n'importe quoi\n")
    first = versions.in_service()
    current.write_bytes(b"autre chose\n")            # another damage, the same sentence: read again, not journaled
    again = versions.in_service()
    assert again == first and again is not first
    assert _journal("récupération") == [("serveur", "échec", first.message, "v0002", None)]
    current.unlink()                                   # another sentence: a second line
    assert versions.in_service().message.startswith(ABSENT)
    assert [e[2] for e in _journal("récupération")] == [first.message, versions.in_service().message]


def test_the_same_recovery_sentence_is_journaled_in_each_data_folder(root, tmp_path, monkeypatch):
    sentence = f"{UNREADABLE}, et aucune version complète n'existe"
    for folder in (root, tmp_path / "autres-données"):
        monkeypatch.setattr(schema, "DATA_DIR", folder)
        versions.root().mkdir(parents=True, exist_ok=True)
        (versions.root() / "CURRENT").write_bytes(b"")
        state = versions.in_service()
        assert state.version is None and state.message == sentence
        assert _journal("récupération") == [("serveur", "échec", sentence, None, None)], folder


def test_current_is_read_within_its_size_bound(root, tmp_path):
    current = _current_naming_the_older_of_two_versions(tmp_path)
    limit = versions._CURRENT_MAX_BYTES
    current.write_bytes(b"v0001" + b" " * (limit - 6) + b"\n")      # exactly the maximum: read
    assert len(current.read_bytes()) == limit
    state = versions.in_service()
    assert state.version.id == "v0001" and state.problem is None
    current.write_bytes(b"v0001" + b" " * (limit - 5) + b"\n")      # one byte more: damaged
    state = versions.in_service()
    assert state.version.id == "v0002" and state.problem == UNREADABLE
    long = b"v0001\n" + b" " * 10_000
    current.write_bytes(long)                                           # never read whole: one byte over is enough
    assert versions._read_current_bytes(versions.root()) == long[:limit + 1]


def test_an_unreadable_current_such_as_a_folder_is_damaged_not_a_version(root, tmp_path):
    current = _current_naming_the_older_of_two_versions(tmp_path)
    current.unlink()
    (current / "v0001").mkdir(parents=True)
    state = versions.in_service()
    assert state.version.id == "v0002" and state.problem == UNREADABLE


def test_only_a_folder_named_like_a_version_is_a_version(root, tmp_path):
    version = _publish(tmp_path, ["a.zip"], actor="alice", action="import")
    copy = versions.root() / "v0001-copie"                  # a copy made by hand, its manifest naming it
    shutil.copytree(version.path, copy)
    manifest = json.loads(_manifest_path(version).read_text(encoding="utf-8"))
    (copy / "manifest.json").write_text(json.dumps({**manifest, "id": copy.name}), encoding="utf-8")
    (versions.root() / "v0007").write_text("un fichier, pas un dossier", encoding="utf-8")
    assert [v.id for v in versions.list_versions()] == ["v0001"]
