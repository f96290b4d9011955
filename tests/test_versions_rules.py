"""Rules of the « Historique des données » table and of the first version taken over from data/officiel
(issue 23 item 2: mutants of lib/data/versions.py).

One row per version, newest first: the version in use is marked « oui », rows and release are shown when the
manifest has them (« — » otherwise), the operation in French (an unknown one as written, a missing one empty),
the files counted and listed, the author only when asked. What a version changed is computed for manifests
written before it was recorded, following `replaces` only when it is a version id."""
from __future__ import annotations

import json

from lib.core import schema
from lib.data import versions
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
    assert sorted(f["name"] for f in version.files) == ["liste-ti-com2023-2026.csv", "region_93_A.zip"]
    # one département × two flows × two products × two countries × two years (tests.test_bad_input.trade_rows)
    assert version.manifest["rows"] == 16 and version.manifest["years"] == [2023, 2024]
    assert version.manifest["departments"] == 1
