"""Streamlit's upload endpoint accepts files only for a session whose last run drew the upload form.

Streamlit 1.67 checks only that the session id of `PUT /_stcore/upload_file/{session_id}/{file_id}`
belongs to an open session (`starlette_routes.create_upload_routes`): any visitor's browser could
store files in the server's memory, up to `server.maxUploadSize` each, as often as it likes, and the
upload URLs of `FileURLsRequest` are handed to any session. Here:
- the about page calls `uploader_rendered()` when it draws the form, which it does for administrators
  only; the entry point calls `begin_run()` / `end_run()` around each run, so a run that does not draw
  it withdraws the permission;
- upload URLs are issued only to such sessions, and a PUT is refused (403, before its body is read)
  unless both its session and its file id were issued that way; the in-memory store refuses the same.
`install()` patches the running process (idempotent); the launcher calls it before the server starts,
the entry point again for plain `streamlit run` (then the route check comes too late, the store
check still applies).
"""
from __future__ import annotations

import logging
import threading
import time

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_allowed: set[str] = set()
_issued: dict[str, set[str]] = {}
_rendered: dict[str, bool] = {}
_installed = {"store": False, "routes": False}
_AUDIT_PER_MINUTE = 30          # refused PUTs written to the audit log; beyond, the server log only
_audited: list[float] = []
REFUSED_MESSAGE = "Envoi de fichier refusé : réservé aux administrateurs, depuis la page « À propos des données »."


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def begin_run() -> None:
    sid = _session_id()
    if sid is not None:
        with _lock:
            _rendered[sid] = False


def uploader_rendered() -> None:
    """The about page drew the upload form for an administrator in this run."""
    sid = _session_id()
    if sid is not None:
        with _lock:
            _rendered[sid] = True
            _allowed.add(sid)


def end_run() -> None:
    sid = _session_id()
    if sid is None:
        return
    with _lock:
        if not _rendered.pop(sid, False):
            _allowed.discard(sid)
            _issued.pop(sid, None)


def revoke() -> None:
    sid = _session_id()
    if sid is not None:
        with _lock:
            _allowed.discard(sid)
            _issued.pop(sid, None)


def is_allowed(session_id: str, file_id: str | None = None) -> bool:
    with _lock:
        if session_id not in _allowed:
            return False
        return file_id is None or file_id in _issued.get(session_id, set())


def install() -> None:
    """Patch the upload store (any time) and the upload route (before the server builds its routes)."""
    with _lock:
        if not _installed["store"]:
            _patch_store()
            _installed["store"] = True
        if not _installed["routes"]:
            _installed["routes"] = _patch_routes()


def _patch_store() -> None:
    original_add = MemoryUploadedFileManager.add_file
    original_urls = MemoryUploadedFileManager.get_upload_urls

    def add_file(self, session_id, file):
        if not is_allowed(session_id):      # the file id is checked by the route (AppTest makes its own ids)
            _log.warning("fichier envoyé refusé (session %s sans formulaire d'envoi)", session_id[:8])
            return None
        return original_add(self, session_id, file)

    def get_upload_urls(self, session_id, file_names):
        if not is_allowed(session_id):
            _log.warning("adresses d'envoi refusées (session %s sans formulaire d'envoi)", session_id[:8])
            return []
        infos = original_urls(self, session_id, file_names)
        with _lock:
            _issued.setdefault(session_id, set()).update(info.file_id for info in infos)
        return infos

    MemoryUploadedFileManager.add_file = add_file
    MemoryUploadedFileManager.get_upload_urls = get_upload_urls


def _patch_routes() -> bool:
    """Wrap the PUT handler so a refused upload is answered before its body is read."""
    try:
        from streamlit.web.server.starlette import starlette_app
    except ImportError:   # another server implementation: the store check still applies
        return False
    original = starlette_app.create_upload_routes

    def create_upload_routes(runtime, upload_mgr, base_url):
        return [guard_route(route) for route in original(runtime, upload_mgr, base_url)]

    starlette_app.create_upload_routes = create_upload_routes
    return True


def guard_route(route):
    """The same route, whose PUT answers 403 unless the session and the file id were issued an URL."""
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    if "PUT" not in (route.methods or set()):
        return route
    endpoint = route.endpoint

    async def guarded(request):
        session_id = request.path_params.get("session_id", "")
        file_id = request.path_params.get("file_id", "")
        if not is_allowed(session_id, file_id):
            _log.warning("envoi refusé sur %s (session sans formulaire d'envoi)", request.url.path[:80])
            _audit_refusal(session_id, request)
            return PlainTextResponse(REFUSED_MESSAGE, status_code=403)
        return await endpoint(request)

    return Route(route.path, guarded, methods=["PUT"], name=route.name)


def _audit_refusal(session_id: str, request) -> None:
    """One audit line per refused direct upload, at most _AUDIT_PER_MINUTE a minute (a flood must not fill
    the disk); the body is never read, so the file is unknown."""
    now = time.monotonic()
    with _lock:
        _audited[:] = [t for t in _audited if now - t < 60]
        if len(_audited) >= _AUDIT_PER_MINUTE:
            return
        _audited.append(now)
    from lib.data import audit
    client = request.client.host if request.client else "inconnu"
    audit.record("envoi direct", f"session {session_id[:8]} ({client})", audit.REFUSED,
                 "envoi sur /_stcore/upload_file sans formulaire d'envoi d'administrateur")
