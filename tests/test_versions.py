"""Data versions: a crash at any step of a switch leaves the old or the new version, never a mix; two
administrators in two processes both get their version; retention; rollback; CLI; audit log.

Every test works in its own data folder (tmp_path: `lib.core.schema` monkeypatched in this process,
CET_DATA_DIR for the child processes); the repository's data/ is never touched.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from lib.data import audit, versions
from lib import cli
from lib.core import schema
from lib.analysis.dataset import data_fingerprint, load_app_data
from lib.core.errors import DataFileError
from lib.data.uploads import accept_uploads
from tests.conftest import PROJECT_DIR
from tests.test_bad_input import KEPT_DEPS, region_zip_bytes


@pytest.fixture
def root(tmp_path, monkeypatch):
    data = tmp_path / "data"
    for name, value in (("DATA_DIR", data), ("OFFICIAL_DIR", data / "officiel"), ("CACHE_DIR", data / "cache"),
                        ("DEMO_DIR", data / "demo")):
        monkeypatch.setattr(schema, name, value)
    monkeypatch.delenv("CET_VERSIONS_KEEP", raising=False)
    return data


def _child(root, body: str, *args: str) -> subprocess.CompletedProcess:
    """Run `body` in a fresh interpreter on the same data folder."""
    code = "import sys\nfrom lib.core import schema; from lib.data import versions, uploads\n" + textwrap.dedent(body)
    env = {**os.environ, "CET_DATA_DIR": str(root), "PYTHONPATH": str(PROJECT_DIR)}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=PROJECT_DIR, env=env, capture_output=True,
                          text=True, timeout=300)


def _files_match_manifest(version: versions.Version) -> None:
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in version.files_dir.iterdir()}
    assert on_disk == {f["name"]: f["sha256"] for f in version.files}


# --------------------------------------------------------------------------- crash at every step

def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    """Row order depends on the order files were read in (validation reads the new ones first)."""
    keys = ["year", "flow", "department", "product", "country"]
    plain = table.astype({k: str for k in keys[1:]})
    return plain.sort_values(keys).reset_index(drop=True)


CRASH_CHILD = """
import os, signal
from pathlib import Path
target = int(sys.argv[1])
seen = []
def checkpoint(step):
    seen.append(step)
    if len(seen) == target:
        os.kill(os.getpid(), signal.SIGKILL)
versions._checkpoint = checkpoint
if sys.argv[2] == "upload":
    uploads.accept_uploads([("region_94_A.zip", Path(sys.argv[3]).read_bytes())], actor="test")
else:
    versions.rollback(sys.argv[3], actor="test")
print("STEPS=" + ",".join(seen))
"""


def test_a_kill_between_any_two_steps_leaves_the_old_or_the_new_version(root, tmp_path):
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS))], actor="test")
    old_table = load_app_data().result.table
    new_zip = tmp_path / "region_94_A.zip"
    new_zip.write_bytes(region_zip_bytes("94", ["2A", "2B"]))

    dry = _child(root, CRASH_CHILD + "versions.rollback('v0001', actor='test')\n", "0", "upload", str(new_zip))
    assert dry.returncode == 0, dry.stderr
    steps = dry.stdout.split("STEPS=")[1].split()[0].split(",")
    # staging, two files, manifest, renamed, CURRENT written, switched
    assert steps == ["staging", "file", "file", "manifest", "renamed", "current-written", "switched"], steps
    new_table = load_app_data(fingerprint="v:v0002").result.table
    assert versions.current_id() == "v0001"        # the dry run put v0001 back: start again from it
    outcomes = set()
    for target in range(1, len(steps) + 1):
        killed = _child(root, CRASH_CHILD, str(target), "upload", str(new_zip))
        assert killed.returncode == -signal.SIGKILL, (target, killed.stderr)
        in_use = versions.current()
        assert in_use is not None and in_use.id in ("v0001", versions.list_versions()[0].id), (target, in_use)
        _files_match_manifest(in_use)
        table = _sorted(load_app_data().result.table)
        expected = _sorted(old_table if in_use.id == "v0001" else new_table)
        pd.testing.assert_frame_equal(table, expected)
        outcomes.add("ancienne" if in_use.id == "v0001" else "nouvelle")
        if in_use.id != "v0001":
            versions.rollback("v0001", actor="test")
        for version in versions.list_versions():
            _files_match_manifest(version)
    assert outcomes == {"ancienne", "nouvelle"}     # the kill came both before and after the switch
    # leftovers of the crashes are cleaned by the next change, which works normally
    report = accept_uploads([("region_94_A.zip", new_zip.read_bytes())], actor="test")
    assert report.version and not [p for p in versions.root().iterdir() if p.name.startswith((".staging", ".CURRENT"))]


def test_a_kill_during_a_rollback_leaves_one_of_the_two_versions(root):
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS))], actor="test")
    accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2A"]))], actor="test")
    for target, expected in ((1, "v0002"), (2, "v0001")):   # after the temporary file / after the rename
        killed = _child(root, CRASH_CHILD, str(target), "rollback", "v0001")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert versions.current_id() == expected
        if expected == "v0001":
            versions.rollback("v0002", actor="test")


# --------------------------------------------------------------------------- several processes

CONCURRENT_CHILD = """
import time
from pathlib import Path
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.01)
report = uploads.accept_uploads([(sys.argv[2], Path(sys.argv[3]).read_bytes())], actor=sys.argv[4])
print("VERSION=" + report.version)
"""


def test_two_administrators_uploading_at_once_from_two_processes(root, tmp_path):
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS))], actor="test")
    go = tmp_path / "go"
    inputs = []
    for number, deps, who in (("94", ["2A", "2B"], "alice@prefecture.test"), ("11", ["75"], "bob@prefecture.test")):
        path = tmp_path / f"region_{number}_A.zip"
        path.write_bytes(region_zip_bytes(number, deps))
        inputs.append((path, who))
    env = {**os.environ, "CET_DATA_DIR": str(root), "PYTHONPATH": str(PROJECT_DIR)}
    code = "import sys\nfrom lib.core import schema; from lib.data import versions, uploads\n" + textwrap.dedent(CONCURRENT_CHILD)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(go), path.name, str(path), who], cwd=PROJECT_DIR,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for path, who in inputs]
    go.write_text("go")
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    created = sorted(out.split("VERSION=")[1].strip() for out, _ in results)
    assert created == ["v0002", "v0003"]
    final = versions.current()
    assert final.id == "v0003"
    # no lost update: the second version was built on top of the first one
    assert sorted(f["name"] for f in final.files) == ["region_11_A.zip", "region_93_A.zip", "region_94_A.zip"]
    assert versions.get("v0003").manifest["replaces"] == "v0002"
    assert versions.get("v0002").manifest["replaces"] == "v0001"
    assert sorted(load_app_data().result.table["department"].unique()) == sorted(KEPT_DEPS + ["2A", "2B", "75"])
    accepted = [e for e in audit.read() if e["action"] == "dépôt" and e["outcome"] == "acceptée"]
    assert sorted(e["actor"] for e in accepted[-2:]) == ["alice@prefecture.test", "bob@prefecture.test"]


def test_the_lock_is_released_when_its_holder_is_killed(root):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from lib.data import versions
        with versions.lock():
            print("HELD", flush=True)
            time.sleep(600)
        """)], cwd=PROJECT_DIR, env={**os.environ, "CET_DATA_DIR": str(root), "PYTHONPATH": str(PROJECT_DIR)},
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HELD"
        with pytest.raises(DataFileError, match="en cours de modification par un autre processus"):
            with versions.file_lock(versions.root() / ".lock", timeout=0.2, what="les données"):
                pass
    finally:
        holder.kill()
        holder.wait(10)
    with versions.lock():          # the kernel released it with the process
        pass


# --------------------------------------------------------------------------- retention, rollback, history

def test_retention_keeps_the_last_n_and_never_the_one_in_use(root, monkeypatch):
    for i, number in enumerate(("93", "94", "11", "24")):
        accept_uploads([(f"region_{number}_A.zip", region_zip_bytes(number, ["04", "2A", "75", "18"][i:i + 1]))],
                       actor="test")
    assert [v.id for v in versions.list_versions()] == ["v0004", "v0003", "v0002", "v0001"]
    for vid in ("v0002", "v0001"):
        load_app_data(fingerprint=f"v:{vid}")               # their Parquet tables exist
    cached = lambda: {m for m in schema.CACHE_DIR.glob("trade-*.json")                     # noqa: E731
                      if any("/versions/v0002/" in p for p in json.loads(m.read_text())["source_paths"])}
    assert cached()
    versions.rollback("v0001", actor="test")
    with versions.lock():
        deleted = versions.apply_retention(keep=2)
    assert deleted == ["v0002"]
    assert not cached()                                    # the deleted version's table went with it
    assert [v.id for v in versions.list_versions()] == ["v0004", "v0003", "v0001"] and versions.current_id() == "v0001"
    assert not list(versions.root().glob(".trash-*"))
    monkeypatch.setenv("CET_VERSIONS_KEEP", "1")     # the rule also runs after each new version
    accept_uploads([("region_28_A.zip", region_zip_bytes("28", ["76"]))], actor="test")
    assert [v.id for v in versions.list_versions()] == ["v0005"]
    assert [e["version"] for e in audit.read() if e["action"] == "suppression"] == ["v0002", "v0004", "v0003", "v0001"]


def test_rollback_restores_the_previous_figures_and_is_logged(root):
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS))], actor="test")
    before = load_app_data().result.table
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS, base=9000))], actor="test")
    assert not load_app_data().result.table.equals(before)
    assert data_fingerprint() == "v:v0002"
    versions.rollback("1", actor="admin@prefecture.test")
    assert data_fingerprint() == "v:v0001"
    pd.testing.assert_frame_equal(load_app_data().result.table, before)
    with pytest.raises(DataFileError, match="déjà celle en service"):
        versions.rollback("v0001", actor="admin@prefecture.test")
    with pytest.raises(DataFileError, match="introuvable"):
        versions.rollback("v0042", actor="admin@prefecture.test")
    rollbacks = [e for e in audit.read() if e["action"] == "retour"]
    assert [(e["outcome"], e["version"]) for e in rollbacks] == [
        ("acceptée", "v0001"), ("refusée", "v0001"), ("refusée", "v0042")]
    assert rollbacks[0]["actor"] == "admin@prefecture.test" and rollbacks[0]["previous"] == "v0002"


def test_manifest_says_when_who_which_files_and_what_it_replaced(root):
    first = region_zip_bytes("93", KEPT_DEPS)
    accept_uploads([("region_93_A.zip", first)], actor="alice@prefecture.test")
    report = accept_uploads([("region_93_A.zip", region_zip_bytes("93", ["04"], base=5000))], actor="bob")
    manifest = versions.get(report.version).manifest
    assert manifest["actor"] == "bob" and manifest["action"] == "dépôt" and manifest["replaces"] == "v0001"
    assert manifest["replaced_files"] == ["region_93_A.zip"]
    assert manifest["rows"] == 16 and manifest["years"] == [2023, 2024] and manifest["departments"] == 1
    assert manifest["release_date"] == "2026-02-06" and manifest["created"].endswith("+00:00")
    assert versions.get("v0001").files[0]["sha256"] == hashlib.sha256(first).hexdigest()
    assert versions.get("v0001").files[0]["rows"] == 96


def test_officiel_files_become_version_one_at_the_first_change(root):
    (root / "officiel").mkdir(parents=True)
    (root / "officiel" / "region_93_A.zip").write_bytes(region_zip_bytes("93", KEPT_DEPS))
    legacy = load_app_data()
    assert legacy.version is None and data_fingerprint().startswith("o:")
    accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2A"]))], actor="test")
    assert [v.id for v in versions.list_versions()] == ["v0002", "v0001"]
    assert versions.get("v0001").manifest["action"] == "reprise"
    versions.rollback("v0001", actor="test")
    pd.testing.assert_frame_equal(load_app_data().result.table, legacy.result.table)


# --------------------------------------------------------------------------- command line

def test_cli_import_versions_rollback(root, tmp_path, capsys):
    for number, deps in (("93", KEPT_DEPS), ("94", ["2A"])):
        (tmp_path / f"region_{number}_A.zip").write_bytes(region_zip_bytes(number, deps))
    assert cli.main(["import", str(tmp_path / "region_93_A.zip")]) == 0
    assert "Version v0001 créée et mise en service" in capsys.readouterr().out
    assert cli.main(["import", str(tmp_path / "region_94_A.zip")]) == 0
    assert cli.main(["import", str(tmp_path / "region_94_A.zip")]) == 0
    assert "Aucun changement" in capsys.readouterr().out
    assert cli.main(["versions"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("* v0002") and listing[1].startswith("  v0001") and "import (ligne de commande)" in listing[0]
    assert cli.main(["versions", "--json"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert [(m["id"], m["in_use"]) for m in parsed] == [("v0002", True), ("v0001", False)]
    assert cli.main(["rollback", "v0001"]) == 0
    assert "Version v0001 du" in capsys.readouterr().out and versions.current_id() == "v0001"
    assert cli.main(["rollback", "v0009"]) == 2
    assert "Version « v0009 » introuvable (versions disponibles : v0002, v0001)" in capsys.readouterr().err
    assert cli.main(["import", str(tmp_path / "absent.zip")]) == 2
    actions = [(e["action"], e["outcome"]) for e in audit.read() if e["action"] != "mise en service"]
    assert actions == [("import", "acceptée")] * 3 + [("retour", "acceptée"), ("retour", "refusée"),
                                                     ("import", "refusée")]
    switches = [(e["outcome"], e["version"], e["previous"]) for e in audit.read() if e["action"] == "mise en service"]
    assert switches == [("en cours", "v0001", None), ("acceptée", "v0001", None), ("en cours", "v0002", "v0001"),
                        ("acceptée", "v0002", "v0001"), ("en cours", "v0001", "v0002"), ("acceptée", "v0001", "v0002")]


def test_cli_fetch_makes_a_version_and_a_refused_download_changes_nothing(root, monkeypatch, capsys):
    from lib.data import fetch
    from tests.test_fetch import FakeSites, ZIPS
    fake = FakeSites()
    import threading
    thread = threading.Thread(target=fake.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    real = fetch.fetch_official_files
    monkeypatch.setattr(fetch, "fetch_official_files", lambda dest, **kw: real(
        dest, kiosque_base=fake.kiosque, datagouv_api=fake.api, timeout=2, **kw))
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    try:
        assert set(ZIPS) == {"03", "18"}          # their members are not real customs sheets: refused
        assert cli.main(["fetch"]) == 2
        assert versions.current_id() is None and not list(root.glob(".telechargement-*"))
        assert "Erreur : " in capsys.readouterr().err
        fake.routes["region_03_A.zip"] = (200, "application/zip", region_zip_bytes("93", ["04"]))
        fake.routes["region_18_A.zip"] = (200, "application/zip", region_zip_bytes("94", ["2A"]))
        assert cli.main(["fetch"]) == 0
        out = capsys.readouterr().out
        assert "Version v0001 créée et mise en service" in out
        manifest = versions.current().manifest
        assert manifest["action"] == "téléchargement" and manifest["actor"].startswith("console")
        assert sorted(f["name"] for f in manifest["files"]) == [
            "liste-ti-com2023-20240115.csv", "region_03_A.zip", "region_18_A.zip"]
        assert not list(root.glob(".telechargement-*"))
        assert [(e["action"], e["outcome"]) for e in audit.read() if e["action"] != "mise en service"] == [
                                                                       ("téléchargement", "refusée"),
                                                                       ("téléchargement", "acceptée")]
    finally:
        fake.server.shutdown()
        fake.server.server_close()
