"""Sessions follow the data (issue 9 item 6, issue 12 item 3): the Parquet cache key moves with the code
that shapes the table; a running app notices a new version at its next rerun with one cheap check and
says so; a cached result is always the result of the data its token names; a run never mixes two
versions; a dossier names the version it was built on."""
from __future__ import annotations

import ast
import io

import openpyxl
import pytest

from lib.analysis import dataset
from lib.core import schema
from lib.data import trade_cache, versions
from lib.analysis.dataset import load_app_data
from lib.data.uploads import accept_uploads
from tests.conftest import PROJECT_DIR
from tests.test_bad_input import KEPT_DEPS, region_zip_bytes


@pytest.fixture
def root(tmp_path, monkeypatch):
    import streamlit as st
    data = tmp_path / "data"
    for name, value in (("DATA_DIR", data), ("OFFICIAL_DIR", data / "officiel"), ("CACHE_DIR", data / "cache"),
                        ("DEMO_DIR", data / "demo")):
        monkeypatch.setattr(schema, name, value)
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS))], actor="test")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield data
    st.cache_resource.clear()
    st.cache_data.clear()


def _second_version() -> None:
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS, base=9000))], actor="test")


# --------------------------------------------------------------------------- Parquet cache key

def test_cache_key_changes_with_the_code_that_shapes_the_table(tmp_path, monkeypatch):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "reader.py").write_text("RULE = 'older release wins'\n")
    monkeypatch.setattr(schema, "PROJECT_DIR", tmp_path)
    before = trade_cache.code_version(["lib/reader.py"])
    (tmp_path / "lib" / "reader.py").write_text("RULE = 'newer release wins'\n")
    assert trade_cache.code_version(["lib/reader.py"]) != before


def test_every_lib_module_the_reader_imports_is_in_the_cache_key():
    """A shaping module missing from SHAPING_MODULES would let a code change serve an old table."""
    listed = set(trade_cache.SHAPING_MODULES)
    todo, seen = ["lib/data/official_files.py", "lib/data/trade_cache.py"], set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        tree = ast.parse((PROJECT_DIR / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lib"):
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("lib")]
            for name in names:
                path = name.replace(".", "/") + ".py"
                if (PROJECT_DIR / path).is_file():
                    todo.append(path)
    assert seen <= listed, sorted(seen - listed)


def test_a_cache_written_by_other_code_is_not_used(root, monkeypatch):
    files = versions.current().files_dir
    first = trade_cache.load_trade_data([files], schema.CACHE_DIR)
    monkeypatch.setattr(trade_cache, "CACHE_VERSION", "code-modifie")
    calls = []

    def reread(*args, **kwargs):
        calls.append(args)
        return first
    monkeypatch.setattr(trade_cache, "read_official_files", reread)
    trade_cache.load_trade_data([files], schema.CACHE_DIR)
    assert len(calls) == 1                                   # the other code's entry was not trusted
    trade_cache.load_trade_data([files], schema.CACHE_DIR)
    assert len(calls) == 1                                   # and the new one is used afterwards


# --------------------------------------------------------------------------- tokens carry their data

def test_a_result_is_computed_from_the_data_its_token_names(root):
    from lib.ui import loaders
    old = loaders._load(dataset.data_fingerprint())[0]
    old_token = loaders.data_token(old)
    _second_version()
    new = loaders._load(dataset.data_fingerprint())[0]
    assert loaders.data_token(new) != old_token
    # a run that started before the switch asks with its old token *after* the new data were loaded
    late = loaders.compute(old_token, "summary", "dep:04", 2024)
    fresh = loaders.compute(loaders.data_token(new), "summary", "dep:04", 2024)
    from lib.analysis.summary import territory_summary
    assert late == territory_summary(old.cube, old.catalog.resolve("dep:04"), 2024)
    assert fresh == territory_summary(new.cube, new.catalog.resolve("dep:04"), 2024)
    assert late["exports"] != fresh["exports"]


# --------------------------------------------------------------------------- sessions (AppTest)

def _app():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    at.query_params["territoire"] = "dep:04"
    at.run()
    assert not at.exception, at.exception
    return at


def test_an_open_session_picks_up_a_new_version_at_its_next_rerun_and_says_so(root, monkeypatch):
    from lib.ui import loaders
    at = _app()
    first = at.metric[0].value
    loads = []
    real_load = loaders.load_app_data
    monkeypatch.setattr(loaders, "load_app_data", lambda *a, **k: loads.append(k) or real_load(*a, **k))
    at.run()
    assert at.metric[0].value == first and not loads           # nothing changed: no reload, no notice
    assert not [i for i in at.info if "Données mises à jour" in i.value]
    _second_version()                                          # e.g. `lib.cli import` in a console
    at.run()
    assert len(loads) == 1 and at.metric[0].value != first
    notice = [i.value for i in at.info if "Données mises à jour le" in i.value]
    assert len(notice) == 1 and "résultats de février 2026 (version v0002" in notice[0]
    at.run()
    assert [i.value for i in at.info if "Données mises à jour le" in i.value] == notice   # until closed
    at.button(key="update_banner_close").click().run()
    assert not [i for i in at.info if "Données mises à jour" in i.value]
    at.run()
    assert not [i for i in at.info if "Données mises à jour" in i.value]    # closed for the session


def test_a_rollback_says_it_is_one_on_every_page_until_closed(root):
    """Issue 20 item 6: « Retour à la version du … », not « Données mises à jour », and on the next pages too."""
    _second_version()
    at = _app()
    assert not [i for i in at.info if "version" in i.value]
    versions.rollback("v0001", actor="test")
    at.run()
    back = [i.value for i in at.info if i.value.startswith("Retour à la version du")]
    assert len(back) == 1 and "(v0001)" in back[0] and "à la place de la version v0002" in back[0]
    assert not [i for i in at.info if "mises à jour" in i.value]
    for page in ("pages/exports.py", "pages/about.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert [i.value for i in at.info if i.value.startswith("Retour à la version du")] == back, page
    at.button(key="update_banner_close").click().run()
    assert not [i for i in at.info if i.value.startswith("Retour à la version du")]


def test_a_run_never_mixes_two_versions(root, monkeypatch):
    """A switch between the entry point's read and the page's: the page keeps the run's version."""
    from lib.ui import loaders
    at = _app()
    first = at.metric[0].value
    _second_version()
    versions.rollback("v0001", actor="test")
    calls = []
    real = loaders.data_fingerprint

    def switch_after_first_read():
        value = real()
        calls.append(value)
        if len(calls) == 1:
            versions.rollback("v0002", actor="test")        # lands while the run is under way
        return value
    monkeypatch.setattr(loaders, "data_fingerprint", switch_after_first_read)
    at.run()
    assert calls == ["v:v0001"] and at.metric[0].value == first       # one read per run, one version
    at.run()
    assert calls == ["v:v0001", "v:v0002"] and at.metric[0].value != first


def test_dossier_names_the_version_it_was_built_on(root):
    from lib.outputs.dossier import build_dossier
    data = load_app_data()
    _second_version()                                    # a new version arrives during the build
    content = build_dossier(data, "dep:04", 2024, with_images=False)
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = [str(c.value) for ws in book.worksheets[:2] for row in ws.iter_rows(max_row=6) for c in row if c.value]
    assert any("données : version v0001 du" in t for t in texts), texts[:12]
    assert not any("v0002" in t for t in texts)


def test_word_sheet_names_the_version_it_was_built_on(root):
    import docx
    from lib.outputs.fiche_docx import build_fiche
    data = load_app_data()
    _second_version()
    content = build_fiche(data, "dep:04", 2024, with_images=False)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    assert "données : version v0001 du" in text and "v0002" not in text
