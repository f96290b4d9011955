"""Item 1 of issue 20: a version says which files it changed against the one it replaced (by SHA-256), in
its manifest, in `lib.cli versions --json`, in the history table and in one sentence after an upload."""
from __future__ import annotations

import json

from lib import cli
from lib.data import versions
from lib.data.file_changes import changes_cell, changes_sentence, file_changes
from lib.data.uploads import accept_uploads
from tests.test_bad_input import region_zip_bytes
from tests.test_versions import root  # noqa: F401  (fixture: an isolated data folder)


def _files(**hashes):
    return [{"name": name.replace("_zip", ".zip"), "sha256": sha} for name, sha in hashes.items()]


def test_file_changes_compares_names_and_hashes():
    before = _files(a_zip="1", b_zip="2", c_zip="3")
    after = _files(a_zip="1", b_zip="9", d_zip="4")
    assert file_changes(before, after) == {"added": ["d.zip"], "changed": ["b.zip"], "unchanged": ["a.zip"],
                                           "removed": ["c.zip"]}
    assert file_changes(None, after) == {"added": ["a.zip", "b.zip", "d.zip"], "changed": [], "unchanged": [],
                                         "removed": []}


def test_the_sentence_names_what_moved_and_counts_the_rest():
    one = {"added": [], "changed": ["region_13_A.zip"], "unchanged": [f"region_{i:02d}_A.zip" for i in range(17)],
           "removed": []}
    assert changes_sentence(one) == "1 fichier modifié : region_13_A.zip ; 17 inchangés"
    assert changes_cell(one) == "1 modifié (region_13_A.zip), 17 inchangés"
    many = {"added": ["x.zip"], "changed": [f"r{i}.zip" for i in range(6)], "unchanged": ["u.zip"],
            "removed": ["old.csv"]}
    assert changes_sentence(many) == ("6 fichiers modifiés : r0.zip, r1.zip, r2.zip, r3.zip et 2 autres ; "
                                      "1 fichier ajouté : x.zip ; 1 fichier retiré : old.csv ; 1 inchangé")
    same = {"added": [], "changed": [], "unchanged": ["a.zip", "b.zip"], "removed": []}
    assert changes_sentence(same) == "aucun fichier modifié (2 fichiers inchangés)"
    assert changes_sentence(None) == "" and changes_cell(None) == "—"


def test_an_upload_with_one_altered_file_says_only_that_one_changed(root, capsys):
    first = [("region_93_A.zip", region_zip_bytes("93", ["04", "05"])),
             ("region_94_A.zip", region_zip_bytes("94", ["2A"]))]
    assert accept_uploads(first).changes_sentence == "2 fichiers ajoutés : region_93_A.zip, region_94_A.zip"
    altered = [first[0], ("region_94_A.zip", region_zip_bytes("94", ["2A"], base=2000))]
    report = accept_uploads(altered, actor="alice")
    assert report.changes_sentence == "1 fichier modifié : region_94_A.zip ; 1 inchangé"
    assert not [w for w in report.warnings if "remplacé" in w]
    manifest = versions.get(report.version).manifest
    assert manifest["changes"] == {"added": [], "changed": ["region_94_A.zip"], "unchanged": ["region_93_A.zip"],
                                   "removed": []}
    assert versions.history_rows()[0]["Changements"] == "1 modifié (region_94_A.zip), 1 inchangé"
    assert cli.main(["versions", "--json"]) == 0
    listed = {m["id"]: m["changes"] for m in json.loads(capsys.readouterr().out)}
    assert listed["v0002"]["changed"] == ["region_94_A.zip"]
    assert listed["v0001"]["added"] == ["region_93_A.zip", "region_94_A.zip"]


def test_a_manifest_written_before_changes_were_recorded_gets_them_computed(root):
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", ["04"]))])
    accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2A"]))])
    path = versions.get("v0002").path / "manifest.json"
    old = json.loads(path.read_text(encoding="utf-8"))
    del old["changes"]
    path.write_text(json.dumps(old), encoding="utf-8")
    assert versions.changes_of(versions.get("v0002")) == {"added": ["region_94_A.zip"], "changed": [],
                                                          "unchanged": ["region_93_A.zip"], "removed": []}


def test_the_cli_import_prints_the_sentence(root, tmp_path, capsys):
    (tmp_path / "region_93_A.zip").write_bytes(region_zip_bytes("93", ["04"]))
    assert cli.main(["import", str(tmp_path / "region_93_A.zip")]) == 0
    capsys.readouterr()
    (tmp_path / "region_93_A.zip").write_bytes(region_zip_bytes("93", ["04"], base=3000))
    assert cli.main(["import", str(tmp_path / "region_93_A.zip")]) == 0
    assert "Changements : 1 fichier modifié : region_93_A.zip." in capsys.readouterr().out
