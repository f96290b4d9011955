"""Administration survives a reload (issue 20 item 5): the signed, expiring ticket of the browser's cookie
(lib/data/admin_session.py), and what the app does with it (AppTest; the real reload is in
tests/e2e_upload/test_admin_reload.py)."""
from __future__ import annotations

import pytest

from lib.core import schema
from lib.data import admin_session, audit

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
    from tests.test_admin_access import _app
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
    from tests.test_admin_access import _app
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


from tests.test_admin_access import app_root  # noqa: E402,F401  (the private data folder of the AppTest tests)
