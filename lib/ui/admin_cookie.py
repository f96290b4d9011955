"""The administrator's cookie (issue 20 item 5): set after a sign-in, read by the session a reload opens,
cleared on « Quitter ». The ticket itself is lib/data/admin_session.py.

A Streamlit script cannot set a cookie: it runs behind a websocket. So the launcher adds one small route
to Streamlit's server (as lib/ui/upload_guard.py wraps the upload route): after a sign-in, the page
draws an invisible image whose address carries a one-time pickup id (valid 2 minutes, in this process
only: nginx's sticky cookie brings the image request here); the route answers with the signed ticket as
an HttpOnly, SameSite=Strict cookie with no Max-Age (it ends with the browser). On a reload, the new session
reads it from `st.context.cookies`. With plain `streamlit run` the route comes too late: administration
then lasts until the page is reloaded, as before.
"""
from __future__ import annotations

import base64
import secrets as pysecrets
import threading
import time

import streamlit as st

from lib.data import admin_session
from lib.data.admin_session import COOKIE_NAME, Ticket

ROUTE = "_cet/session-admin"
PICKUP_S = 120
_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")   # 1×1, transparent
_PENDING = "_admin_cookie_pending"      # a pickup id to deliver, or _CLEAR
_TICKET = "_admin_ticket"               # this session's Ticket
_CLEAR = "fin"
_lock = threading.Lock()
_pickups: dict[str, tuple[str, float]] = {}      # pickup id → (cookie value, monotonic deadline)
_installed = {"routes": False}


def _configured_key() -> str | None:
    try:
        return str((st.secrets.get("admin") or {}).get("session_key") or "") or None
    except Exception:     # no secrets.toml
        return None


def _key() -> bytes:
    return admin_session.server_key(_configured_key())


def available() -> bool:
    """The route is served (the project's launcher installed it before the server started)."""
    return _installed["routes"]


def start(identity: str) -> Ticket:
    """After a sign-in: a ticket for this session, and its cookie delivered at the next drawing."""
    value, ticket = admin_session.issue(identity, _key())
    st.session_state[_TICKET] = ticket
    if available():
        pickup = pysecrets.token_urlsafe(24)
        now = time.monotonic()
        with _lock:
            for stale in [p for p, (_, deadline) in _pickups.items() if deadline < now]:
                del _pickups[stale]
            _pickups[pickup] = (value, now + PICKUP_S)
        st.session_state[_PENDING] = pickup
    return ticket


def adopt(ticket: Ticket) -> None:
    """A session restored from the cookie keeps its ticket (for its expiry and « Quitter »)."""
    st.session_state[_TICKET] = ticket


def ticket() -> Ticket | None:
    return st.session_state.get(_TICKET)


def end() -> Ticket | None:
    """« Quitter » or expiry: the ticket is closed for every process and the browser drops the cookie."""
    closing = st.session_state.pop(_TICKET, None)
    if closing is not None:
        admin_session.close(closing)
    if available():
        st.session_state[_PENDING] = _CLEAR
    return closing


def from_browser() -> Ticket | None:
    """The valid ticket the browser sent when this session opened, if any."""
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:      # no browser (AppTest, a bare script run)
        return None
    return admin_session.read(value, _key()) if value else None


def deliver() -> None:
    """Called by the entry point at each run: draws the invisible image that sets or clears the cookie."""
    pending = st.session_state.pop(_PENDING, None)
    if not pending:
        return
    from streamlit import config
    from streamlit.url_util import make_url_path
    query = "fin=1" if pending == _CLEAR else f"retrait={pending}"
    src = make_url_path(config.get_option("server.baseUrlPath") or "", ROUTE) + "?" + query
    with st.container(key="admin_cookie"):   # hidden, so the page does not move (the image still loads)
        st.html('<style>.st-key-admin_cookie, [data-testid="stLayoutWrapper"]:has(> .st-key-admin_cookie) '
                f'{{ display: none; }}</style><img src="{src}" alt="" width="1" height="1">')


def take(pickup: str) -> str | None:
    """The cookie value of a pickup id, once, before its deadline."""
    with _lock:
        found = _pickups.pop(pickup or "", None)
    return found[0] if found is not None and found[1] >= time.monotonic() else None


# --------------------------------------------------------------------------- the route

def install() -> None:
    """Add the route to Streamlit's server (before it starts; idempotent)."""
    with _lock:
        if _installed["routes"]:
            return
        try:
            from streamlit.web.server.starlette import starlette_app
        except ImportError:
            return
        original = starlette_app.create_streamlit_routes

        def create_streamlit_routes(runtime):
            return [cookie_route(), *original(runtime)]

        starlette_app.create_streamlit_routes = create_streamlit_routes
        _installed["routes"] = True


def cookie_route():
    from starlette.responses import Response
    from starlette.routing import Route
    from streamlit import config
    from streamlit.url_util import make_url_path
    base = config.get_option("server.baseUrlPath") or ""
    cookie_path = make_url_path(base, "")

    async def endpoint(request):
        response = Response(_GIF, media_type="image/gif", headers={"Cache-Control": "no-store"})
        if request.query_params.get("fin"):
            response.delete_cookie(COOKIE_NAME, path=cookie_path)
            return response
        value = take(request.query_params.get("retrait", ""))
        if value is not None:
            response.set_cookie(COOKIE_NAME, value, path=cookie_path, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")
        return response

    return Route(make_url_path(base, ROUTE), endpoint, methods=["GET"], name="cet_admin_cookie")
