"""The upload guard's patches, installed afresh on small fakes (fast tier, issue 23).

lib/ui/upload_guard.py patches Streamlit's in-memory upload store and its upload route factory, once per
process. tests/test_admin_access.py checks the guard on the store as the process has it, which a test run has
usually patched long before: a broken patch was never seen. Here each test gives the guard a fresh state and
a store and a route factory of its own (recording fakes put in place of Streamlit's methods, restored by
monkeypatch), installs it, and states the rules:
- a session without the upload form gets no upload URL and stores no file; one with the form gets both, and
  the file ids handed out are remembered so that the route accepts only them;
- every refusal is written to the server log, naming the session by its first 8 characters only;
- the upload route answers 403 before reading the body, keeps its path and name, answers PUT only;
- `install()` patches once, however often it is called, and tries the route again when it could not.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import sys
from types import SimpleNamespace

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.web.server.starlette import starlette_app

from lib.core import schema
from lib.ui import upload_guard

ADMIN = "admin-0123456789"          # session ids longer than the 8 characters the log may show
VISITOR = "visiteur-0123456789"
UPLOAD_PATH = "/_stcore/upload_file/{session_id}/{file_id}"


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A process where the guard was never installed, with recording fakes as Streamlit's store methods and
    route factory; ADMIN drew the upload form, VISITOR did not."""
    monkeypatch.setattr(schema, "DATA_DIR", tmp_path)               # the audit log of refused PUTs
    monkeypatch.setattr(upload_guard, "_installed", {"store": False, "routes": False})
    monkeypatch.setattr(upload_guard, "_allowed", {ADMIN})
    monkeypatch.setattr(upload_guard, "_issued", {})
    monkeypatch.setattr(upload_guard, "_audited", [])
    calls = []

    def add_file(self, session_id, file):
        calls.append(("add_file", self, session_id, file))
        return "stored"

    def get_upload_urls(self, session_id, file_names):
        calls.append(("get_upload_urls", self, session_id, file_names))
        return [SimpleNamespace(file_id=f"id-{name}") for name in file_names]

    def create_upload_routes(runtime, upload_mgr, base_url):
        calls.append(("create_upload_routes", runtime, upload_mgr, base_url))
        return [Route(UPLOAD_PATH, _streamlit_put, methods=["PUT"]),
                Route(UPLOAD_PATH, _streamlit_put, methods=["DELETE"])]

    monkeypatch.setattr(MemoryUploadedFileManager, "add_file", add_file)
    monkeypatch.setattr(MemoryUploadedFileManager, "get_upload_urls", get_upload_urls)
    monkeypatch.setattr(starlette_app, "create_upload_routes", create_upload_routes)
    return calls


async def _streamlit_put(request):
    return Response(status_code=204)


def _put(route: Route, session_id: str, file_id: str):
    path = f"/_stcore/upload_file/{session_id}/{file_id}"
    scope = {"type": "http", "method": "PUT", "path": path, "query_string": b"", "headers": [],
             "path_params": {"session_id": session_id, "file_id": file_id}}
    # A thread of its own: an event loop may already run in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, route.endpoint(Request(scope))).result()


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == upload_guard.__name__ and r.levelno == logging.WARNING]


def test_the_store_serves_only_a_session_that_drew_the_form_and_remembers_the_ids_it_handed_out(fresh, caplog):
    upload_guard.install()
    store = MemoryUploadedFileManager("/_stcore/upload_file")
    caplog.set_level(logging.WARNING, logger=upload_guard.__name__)

    assert store.get_upload_urls(VISITOR, ["a.zip"]) == []
    assert store.add_file(VISITOR, "fichier") is None
    assert fresh == []                                              # Streamlit's store never reached
    assert upload_guard._issued == {}
    assert _warnings(caplog) == [
        "adresses d'envoi refusées (session visiteur sans formulaire d'envoi)",
        "fichier envoyé refusé (session visiteur sans formulaire d'envoi)",
    ]

    infos = store.get_upload_urls(ADMIN, ["a.zip", "b.zip"])
    assert [info.file_id for info in infos] == ["id-a.zip", "id-b.zip"]
    assert upload_guard._issued == {ADMIN: {"id-a.zip", "id-b.zip"}}
    assert store.get_upload_urls(ADMIN, ["c.zip"])[0].file_id == "id-c.zip"
    assert upload_guard._issued == {ADMIN: {"id-a.zip", "id-b.zip", "id-c.zip"}}   # added to, not replaced
    assert store.add_file(session_id=ADMIN, file="fichier") == "stored"             # Streamlit passes keywords
    assert fresh[0] == ("get_upload_urls", store, ADMIN, ["a.zip", "b.zip"])
    assert fresh[-1] == ("add_file", store, ADMIN, "fichier")
    assert len(_warnings(caplog)) == 2                              # nothing logged for the administrator


def test_install_patches_the_store_and_the_route_factory_once(fresh):
    upload_guard.install()
    assert upload_guard._installed == {"store": True, "routes": True}
    patched = (MemoryUploadedFileManager.add_file, MemoryUploadedFileManager.get_upload_urls,
               starlette_app.create_upload_routes)
    upload_guard.install()                                          # plain `streamlit run`: the entry point again
    assert (MemoryUploadedFileManager.add_file, MemoryUploadedFileManager.get_upload_urls,
            starlette_app.create_upload_routes) == patched
    assert upload_guard._installed == {"store": True, "routes": True}

    routes = starlette_app.create_upload_routes("runtime", "store", "/base")
    assert fresh == [("create_upload_routes", "runtime", "store", "/base")]
    put, delete = routes
    assert put.path == UPLOAD_PATH and put.methods == {"PUT"} and put.endpoint is not _streamlit_put
    assert delete.methods == {"DELETE"} and delete.endpoint is _streamlit_put      # left as Streamlit made it
    assert _put(put, VISITOR, "f1").status_code == 403


def test_without_the_starlette_server_the_store_is_guarded_and_the_route_is_tried_again(fresh, monkeypatch):
    with monkeypatch.context() as no_starlette:
        no_starlette.setitem(sys.modules, "streamlit.web.server.starlette", None)
        upload_guard.install()
        assert upload_guard._installed == {"store": True, "routes": False}
    assert MemoryUploadedFileManager("/u").get_upload_urls(VISITOR, ["a.zip"]) == []
    upload_guard.install()
    assert upload_guard._installed == {"store": True, "routes": True}
    assert starlette_app.create_upload_routes("runtime", "store", None)[0].endpoint is not _streamlit_put


def test_the_guarded_route_keeps_path_and_name_answers_put_only_and_logs_a_short_path(fresh, caplog):
    original = Route(UPLOAD_PATH, _streamlit_put, methods=["PUT"], name="envoi")
    guarded = upload_guard.guard_route(original)
    assert (guarded.path, guarded.name, guarded.methods) == (UPLOAD_PATH, "envoi", {"PUT"})
    assert upload_guard.guard_route(Route(UPLOAD_PATH, _streamlit_put, methods=["DELETE"], name="x")).endpoint \
        is _streamlit_put
    unnamed = upload_guard.guard_route(Route(UPLOAD_PATH, _streamlit_put, methods=["PUT"]))
    assert unnamed.name == "_streamlit_put"                        # Streamlit's routes have no explicit name

    caplog.set_level(logging.WARNING, logger=upload_guard.__name__)
    file_id = "f" * 100
    refused = _put(guarded, VISITOR, file_id)
    assert refused.status_code == 403 and refused.body.decode() == upload_guard.REFUSED_MESSAGE
    path = f"/_stcore/upload_file/{VISITOR}/{file_id}"
    assert _warnings(caplog) == [f"envoi refusé sur {path[:80]} (session sans formulaire d'envoi)"]
    upload_guard._issued[ADMIN] = {"f1"}
    assert _put(guarded, ADMIN, "f1").status_code == 204


def test_quitting_without_any_upload_url_issued_withdraws_the_right_quietly(monkeypatch):
    monkeypatch.setattr(upload_guard, "_session_id", lambda: ADMIN)
    monkeypatch.setattr(upload_guard, "_allowed", {ADMIN})
    monkeypatch.setattr(upload_guard, "_issued", {})
    upload_guard.revoke()
    assert not upload_guard.is_allowed(ADMIN) and upload_guard._issued == {}


def test_the_session_is_the_one_of_the_running_script_and_none_outside_a_run(monkeypatch):
    monkeypatch.setattr(upload_guard, "get_script_run_ctx", lambda: SimpleNamespace(session_id=ADMIN))
    assert upload_guard._session_id() == ADMIN
    monkeypatch.setattr(upload_guard, "get_script_run_ctx", lambda: None)
    assert upload_guard._session_id() is None
