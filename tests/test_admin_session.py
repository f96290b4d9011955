"""Administration survives a reload (issue 20 item 5): the signed, expiring ticket of the browser's cookie
(lib/data/admin_session.py), and what the app does with it (AppTest; the real reload is in
tests/e2e_upload/test_admin_reload.py)."""
from __future__ import annotations

import pytest

from lib.core import schema
from lib.data import admin_session, audit
from tests.test_admin_access import _app, app_root  # noqa: F401  (app_root: the AppTest tests' private data folder)

NOW = 1_800_000_000.0


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "DATA_DIR", tmp_path / "data")
    return tmp_path / "data"


def test_a_ticket_reads_back_until_it_expires(data_dir):
    key = admin_session.server_key()
    value, ticket = admin_session.issue("secret partagé", key, now=NOW, ttl=3600)
    assert admin_session.read(value, key, now=NOW + 3599) == ticket
    assert ticket.identity == "secret partagé" and ticket.expires == NOW + 3600
    assert admin_session.read(value, key, now=NOW + 3600) is None            # expired on the second


def test_a_forged_or_foreign_ticket_is_refused(data_dir):
    key = admin_session.server_key()
    value, _ = admin_session.issue("console", key, now=NOW, ttl=3600)
    body, signature = value.split(".")
    forged_body = admin_session._b64(b'{"i": "console", "e": 9999999999, "n": "x"}')
    for bad in (f"{forged_body}.{signature}", f"{body}.{signature[:-2]}AA", body, "", "a.b.c", "é.é", "x" * 3000):
        assert admin_session.read(bad, key, now=NOW) is None, bad
    other_key = admin_session.server_key("une-autre-cle-configuree")
    assert admin_session.read(value, other_key, now=NOW) is None


def test_the_key_is_made_once_private_and_shared_by_every_process(data_dir):
    first = admin_session.server_key()
    path = data_dir / "sessions" / "key"
    assert path.stat().st_mode & 0o777 == 0o600 and len(first) == admin_session.KEY_BYTES
    assert admin_session.server_key() == first                  # read back, not regenerated
    assert admin_session.server_key("cle-des-secrets") != first  # a configured key wins


def test_a_closed_ticket_is_refused_and_others_are_not(data_dir):
    key = admin_session.server_key()
    value, ticket = admin_session.issue("console", key, now=NOW, ttl=3600)
    other_value, _ = admin_session.issue("console", key, now=NOW, ttl=3600)
    admin_session.close(ticket)
    assert admin_session.read(value, key, now=NOW) is None
    assert admin_session.read(other_value, key, now=NOW) is not None


def test_lifetime_comes_from_the_environment_with_a_default_of_eight_hours():
    assert admin_session.ttl_seconds({}) == 8 * 3600
    assert admin_session.ttl_seconds({admin_session.TTL_ENV: "90"}) == 90
    for wrong in ("0", "-5", "huit", " "):
        assert admin_session.ttl_seconds({admin_session.TTL_ENV: wrong}) == 8 * 3600


# --------------------------------------------------------------------------- in the app (AppTest)

SECRET = "le-secret-de-la-prefecture"


def _sign_in(at):
    at.switch_page("pages/about.py").run()
    at.text_input(key="admin_secret").input(SECRET)
    next(b for b in at.button if b.label == "Accéder à l'administration").click()
    at.run()
    assert any("Vous êtes administrateur (secret partagé)" in i.value for i in at.info)
    assert [c.value for c in at.caption if c.value.startswith("Administration ouverte jusqu'au ")]


def _admin(at) -> bool:
    return len(at.get("file_uploader")) == 1


def test_a_new_session_with_the_browser_ticket_is_administrator_until_quitter(app_root, monkeypatch):
    """The reload's new session reads the cookie (simulated: AppTest has no browser) and is journaled; after
    « Quitter », the same cookie no longer opens anything."""
    from lib.data.auth import SECRET_ENV
    from lib.ui import admin_cookie
    monkeypatch.setenv(SECRET_ENV, SECRET)
    at = _app()
    _sign_in(at)
    issued = at.session_state["_admin_ticket"]
    value, _ = admin_session.issue(issued.identity, admin_session.server_key())   # what the browser holds
    monkeypatch.setattr(admin_cookie, "from_browser", lambda: admin_session.read(value, admin_session.server_key()))
    reloaded = _app()                                           # F5: a new session
    reloaded.switch_page("pages/about.py").run()
    assert _admin(reloaded) and any("Vous êtes administrateur (secret partagé)" in i.value for i in reloaded.info)
    entry = audit.read()[-1]
    assert (entry["action"], entry["actor"]) == ("connexion", "secret partagé")
    assert entry["message"].startswith("session administrateur reprise après un rechargement de la page")
    next(b for b in reloaded.button if b.label == "Quitter l'administration").click()
    reloaded.run()
    assert not _admin(reloaded)
    assert [(e["action"], e["message"]) for e in audit.read()][-1] == (
        "déconnexion", "fin de la session administrateur : « Quitter l'administration »")
    again = _app()                                              # the same cookie sent again
    again.switch_page("pages/about.py").run()
    assert not _admin(again)


def test_administration_ends_at_the_ticket_expiry_in_an_open_session(app_root, monkeypatch):
    from lib.data.auth import SECRET_ENV
    monkeypatch.setenv(SECRET_ENV, SECRET)
    monkeypatch.setenv(admin_session.TTL_ENV, "60")
    at = _app()
    _sign_in(at)
    expires = at.session_state["_admin_ticket"].expires
    monkeypatch.setattr(admin_session.time, "time", lambda: expires + 1)
    at.run()
    assert not _admin(at)
    assert any("Pour devenir administrateur" in i.value for i in at.info)
    assert [(e["action"], e["actor"], e["message"]) for e in audit.read()][-1] == (
        "déconnexion", "secret partagé", "fin de la session administrateur : expirée")
    assert any("a expiré" in t.value for t in at.toast)


# --------------------------------------------------------------------------- the cookie route (lib/ui/admin_cookie.py)

def _get(route, query: str):
    import asyncio
    import concurrent.futures
    from starlette.requests import Request
    scope = {"type": "http", "method": "GET", "path": route.path, "path_params": {}, "headers": [],
             "query_string": query.encode("ascii"), "scheme": "http", "server": ("127.0.0.1", 8501)}
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:   # an event loop may run in this thread
        return pool.submit(asyncio.run, route.endpoint(Request(scope))).result()


def _set_cookie(response) -> str:
    return next((v.decode() for k, v in response.raw_headers if k == b"set-cookie"), "")


def test_the_route_hands_a_ticket_out_once_and_clears_it_on_request(monkeypatch):
    from lib.ui import admin_cookie
    monkeypatch.setattr(admin_cookie, "_pickups", {"retrait-1": ("corps.signature", admin_cookie.time.monotonic() + 60),
                                                   "retrait-vieux": ("x.y", admin_cookie.time.monotonic() - 1)})
    route = admin_cookie.cookie_route()
    assert route.path == "/_cet/session-admin"
    first = _get(route, "retrait=retrait-1")
    cookie = _set_cookie(first)
    assert first.media_type == "image/gif" and first.headers["cache-control"] == "no-store"
    assert cookie.startswith("cet_admin=corps.signature;") and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower() and "Max-Age" not in cookie and "Path=/" in cookie
    assert _set_cookie(_get(route, "retrait=retrait-1")) == ""          # once only
    assert _set_cookie(_get(route, "retrait=retrait-vieux")) == ""      # past its two minutes
    assert _set_cookie(_get(route, "retrait=devine")) == ""
    cleared = _set_cookie(_get(route, "fin=1"))
    assert cleared.startswith('cet_admin="";') and "Max-Age=0" in cleared


def test_the_launcher_adds_the_route_before_streamlit_s_own(monkeypatch):
    from streamlit.web.server.starlette import starlette_app
    from lib.ui import admin_cookie
    monkeypatch.setattr(admin_cookie, "_installed", {"routes": False})
    monkeypatch.setattr(starlette_app, "create_streamlit_routes", lambda runtime: ["les routes de Streamlit"])
    assert not admin_cookie.available()
    admin_cookie.install()
    admin_cookie.install()                                  # idempotent: wrapped once
    routes = starlette_app.create_streamlit_routes(None)
    assert admin_cookie.available() and len(routes) == 2 and routes[1] == "les routes de Streamlit"
    assert routes[0].path == "/_cet/session-admin"          # first: before the frontend's catch-all route


def test_a_sign_in_whose_token_has_no_address_is_explained_and_can_be_left(app_root, monkeypatch):
    """Found against oidc-provider: an ID token without `email` left the page offering « Se connecter » forever."""
    from lib.ui import auth as ui_auth
    secrets = {"auth": {"client_id": "cet", "server_metadata_url": "https://idp.example/.well-known"},
               "admin": {"emails": ["admin@prefecture.gouv.fr"]}}
    monkeypatch.setattr(ui_auth, "_secrets", lambda: secrets)
    monkeypatch.setattr(ui_auth, "_oidc_user_email", lambda: None)
    monkeypatch.setattr(ui_auth, "signed_in_without_address", lambda: True)
    at = _app()
    at.switch_page("pages/about.py").run()
    assert any("n'a pas transmis d'adresse électronique" in c.value for c in at.caption)
    labels = [b.label for b in at.button]
    assert "Se déconnecter" in labels and "Se connecter (administrateurs)" not in labels
    assert not _admin(at)
