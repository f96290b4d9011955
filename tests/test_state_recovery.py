"""A damaged or missing CURRENT, or a damaged manifest, is recovered (issue 19, item 5): the newest complete
version is served (never the demo while one exists), every page says so, the journal gets one line, the CLI
never prints a traceback; a version switch writes its intent before and its outcome after."""
from __future__ import annotations

import json
import signal

import pytest

from lib import cli
from lib.analysis.dataset import default_sources
from lib.data import audit, versions
from lib.data.uploads import accept_uploads
from tests.test_bad_input import KEPT_DEPS, region_zip_bytes
from tests.test_versions import CRASH_CHILD, _child, root  # noqa: F401 - the fixture


@pytest.fixture
def two_versions(root):          # noqa: F811 - the imported fixture
    """v0001 and v0002, CURRENT naming v0001 (so that the newest complete version is another one)."""
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS))], actor="test")
    accept_uploads([("region_94_A.zip", region_zip_bytes("94", ["2A"]))], actor="test")
    versions.rollback("v0001", actor="test")
    return versions.root()


def _recoveries() -> list[dict]:
    return [e for e in audit.read() if e["action"] == "récupération"]


DAMAGES = {
    "non-UTF-8": lambda base: (base / "CURRENT").write_bytes(b"\xff\xfe\x00v\x00"),
    "vide": lambda base: (base / "CURRENT").write_bytes(b""),
    "charabia": lambda base: (base / "CURRENT").write_bytes(b"n'importe quoi " * 10_000),
    "absent": lambda base: (base / "CURRENT").unlink(),
    "version absente": lambda base: (base / "CURRENT").write_text("v0009\n"),
    "manifeste absent": lambda base: (base / "v0001" / "manifest.json").unlink(),
    "manifeste corrompu": lambda base: (base / "v0001" / "manifest.json").write_bytes(b'{"id": "v0001", "crea'),
    "manifeste mal typé": lambda base: (base / "v0001" / "manifest.json").write_text(json.dumps(
        {"id": "v0001", "created": 12, "files": "tout", "action": ["dépôt"]})),
}
EXPECTED = {"non-UTF-8": "illisible", "vide": "illisible", "charabia": "illisible", "absent": "absent",
            "version absente": "désigne la version v0009, introuvable",
            "manifeste absent": "manifeste de la version v0001", "manifeste corrompu": "manifeste de la version v0001",
            "manifeste mal typé": "manifeste de la version v0001"}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_state_serves_the_newest_complete_version(two_versions, damage, capsys):
    DAMAGES[damage](two_versions)
    state = versions.in_service()
    assert state.version is not None and state.version.id == "v0002"
    assert EXPECTED[damage] in state.problem and "v0002" in state.message and "la plus récente complète" in state.message
    assert len(state.message) < 300                                  # the damaged bytes are never quoted
    sources, is_demo = default_sources()
    assert not is_demo and sources == [two_versions / "v0002" / "files"]
    for _ in range(3):
        versions.current_id()                                       # every rerun asks; one journal line
    assert [e["message"] for e in _recoveries()] == [state.message] and _recoveries()[0]["outcome"] == "échec"
    assert cli.main(["versions"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("* v0002") and f"Attention : {state.message}." in err and "Traceback" not in out + err
    assert cli.main(["versions", "--json"]) == 0
    assert [m["id"] for m in json.loads(capsys.readouterr().out) if m["in_use"]] == ["v0002"]


def test_putting_the_served_version_back_in_service_repairs_current(two_versions):
    (two_versions / "CURRENT").write_bytes(b"\x00\x00")
    assert versions.in_service().problem is not None
    versions.rollback("v0002", actor="admin")                # the version already served: CURRENT is rewritten
    state = versions.in_service()
    assert state.problem is None and state.version.id == "v0002"
    assert (two_versions / "CURRENT").read_text() == "v0002\n"
    with pytest.raises(Exception, match="déjà celle en service"):
        versions.rollback("v0002", actor="admin")


def test_no_version_at_all_is_not_a_damage_and_a_damaged_current_alone_is_said(root):  # noqa: F811
    assert versions.in_service() == versions.InService(None)
    versions.root().mkdir(parents=True)
    (versions.root() / "CURRENT").write_text("v0001\n")
    state = versions.in_service()
    assert state.version is None and "aucune version complète" in state.message
    assert versions.current() is None and versions.current_id() is None     # nothing to serve instead


def test_a_first_version_being_put_in_service_is_not_reported_as_damage(two_versions):
    (two_versions / "CURRENT").unlink()
    with versions.lock():                                      # a writer between the rename and CURRENT
        state = versions.in_service()
        assert state.version.id == "v0002" and state.problem is None and not _recoveries()
    assert "absent" in versions.in_service().problem and len(_recoveries()) == 1


def test_a_kill_between_intent_and_outcome_leaves_a_trace(two_versions):
    seen = len(audit.read())
    killed = _child(two_versions.parent, CRASH_CHILD, "2", "rollback", "v0002")     # killed once CURRENT is renamed
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert versions.current_id() == "v0002"
    lines = [(e["action"], e["outcome"], e["version"], e.get("previous")) for e in audit.read()[seen:]]
    assert lines == [("mise en service", "en cours", "v0002", "v0001")]     # no outcome, no « retour »: interrupted


def test_every_page_shows_the_recovery_banner(two_versions):
    from streamlit.testing.v1 import AppTest
    import streamlit as st
    from tests.conftest import PROJECT_DIR
    (two_versions / "CURRENT").write_bytes(b"\xff\xff\xff")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    at.query_params["territoire"] = "dep:04"
    at.run()
    for page in ("pages/overview.py", "pages/map.py", "pages/about.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        warnings = [w.value for w in at.warning if "CURRENT" in w.value]
        assert len(warnings) == 1 and "v0002" in warnings[0] and "À propos des données" in warnings[0], page
    st.cache_resource.clear()
    st.cache_data.clear()
