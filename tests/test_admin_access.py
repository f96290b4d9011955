"""Visitors read, administrators change the data: configuration, the secret, the console link, the
upload endpoint, and what each sees in the app (AppTest, on a private data folder)."""
from __future__ import annotations

import asyncio
import concurrent.futures
import io

import pytest

from lib.data import audit, auth
from lib.data.refusal_journal import RefusalJournal
from lib.data.signin_throttle import AttemptThrottle
from lib.core import schema
from lib.ui import admin_link
from tests.conftest import PROJECT_DIR
from tests.test_bad_input import KEPT_DEPS, region_zip_bytes

PAGES = ["pages/overview.py", "pages/exports.py", "pages/imports.py", "pages/comparison.py", "pages/exposure.py",
         "pages/map.py", "pages/product_explorer.py", "pages/country_explorer.py", "pages/about.py"]


# --------------------------------------------------------------------------- configuration (lib/data/auth.py)

def test_configuration_from_environment_and_secrets_file():
    assert not auth.load_config({}, {}).configured
    env = auth.load_config({}, {auth.SECRET_ENV: "  un-secret-assez-long  "})
    assert env.configured and env.secret == "un-secret-assez-long"
    from_file = auth.load_config({"admin": {"secret": "secret-du-fichier-toml", "emails": ["A@Prefecture.gouv.fr"]}}, {})
    assert from_file.secret == "secret-du-fichier-toml" and from_file.admin_emails == {"a@prefecture.gouv.fr"}
    short = auth.load_config({}, {auth.SECRET_ENV: "court"})
    assert not short.configured and "moins de 12 caractères" in short.problems[0]
    oidc = auth.load_config({"auth": {"client_id": "x"}}, {auth.EMAILS_ENV: "a@b.fr, C@D.fr"})
    assert oidc.configured and oidc.oidc and oidc.admin_emails == {"a@b.fr", "c@d.fr"}
    lonely = auth.load_config({"auth": {"client_id": "x"}}, {})
    assert not lonely.configured and "sans liste d'administrateurs" in lonely.problems[0]


def test_secret_is_compared_in_constant_time(monkeypatch):
    calls = []
    real = auth.hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)
    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert auth.check_secret("le-bon-secret-123", "le-bon-secret-123")
    assert not auth.check_secret("x", "le-bon-secret-123")
    assert not auth.check_secret("", "le-bon-secret-123")
    assert calls == [(32, 32)] * 3          # hashed first: the length of the guess tells nothing


def test_a_secret_is_accepted_only_whole():
    """Not a prefix (one right first character), not an extension, not another case or padding: the whole."""
    secret = "le-bon-secret-123"
    assert auth.check_secret(secret, secret)
    near = [secret[:n] for n in range(len(secret))] + [secret + "x", "x" + secret, secret.upper(), f" {secret}",
                                                     f"{secret} ", secret[:-1] + "4", secret[1:]]
    accepted = [guess for guess in near if auth.check_secret(guess, secret)]
    assert not accepted, accepted
    assert not auth.check_secret(None, secret)


def test_a_console_token_is_accepted_only_whole():
    for guess in ("jeton-initia", "j", "", "jeton-initiall", "JETON-INITIAL"):
        token = auth.ConsoleToken("jeton-initial")
        assert not token.consume(guess), guess
    assert auth.ConsoleToken("jeton-initial").consume("jeton-initial")


def test_console_token_works_once_and_announces_the_next_one():
    announced = []
    token = auth.ConsoleToken("jeton-initial", announced.append)
    assert not token.consume("mauvais") and not announced
    assert token.consume("jeton-initial") and len(announced) == 1
    assert not token.consume("jeton-initial")
    assert token.consume(announced[0]) and len(announced) == 2
    assert not auth.ConsoleToken(None).enabled and not auth.ConsoleToken(None).consume("")


def test_secret_length_limit_is_twelve_characters_inclusive():
    assert auth.load_config({}, {auth.SECRET_ENV: "a" * 12}).secret == "a" * 12
    short = auth.load_config({}, {auth.SECRET_ENV: "a" * 11})
    assert short.secret is None and not short.configured
    assert short.problems == ("Secret administrateur ignoré : il compte moins de 12 caractères.",)


def test_administrator_addresses_are_cleaned_and_blank_ones_dropped():
    config = auth.load_config({"auth": {"client_id": "x"}, "admin": {"emails": ["", "  ", " A@B.fr "]}}, {})
    assert config.admin_emails == {"a@b.fr"} and config.problems == ()
    only_secret = auth.load_config({}, {auth.SECRET_ENV: "un-secret-assez-long"})
    assert only_secret.problems == () and not only_secret.oidc      # no OIDC: no complaint about addresses
    lonely = auth.load_config({"auth": {"client_id": "x"}}, {})
    assert lonely.problems[0].startswith("Connexion OpenID Connect configurée ([auth]) sans liste")
    assert lonely.problems[0].endswith("personne ne peut charger de fichiers par ce moyen.")


def test_secrets_files_are_read_from_home_then_project(monkeypatch, tmp_path):
    home, project = tmp_path / "home", tmp_path / "project"
    monkeypatch.setattr(auth.Path, "home", staticmethod(lambda: home))
    assert auth.read_secrets_files(project) == {}
    (project / ".streamlit").mkdir(parents=True)
    (project / ".streamlit" / "secrets.toml").write_text('[admin]\nsecret = "projet-é-secret"\n', encoding="utf-8")
    assert auth.read_secrets_files(project) == {"admin": {"secret": "projet-é-secret"}}   # home absent: go on
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text('x = 1\n[admin]\nsecret = "maison"\n', encoding="utf-8")
    assert auth.read_secrets_files(project) == {"x": 1, "admin": {"secret": "projet-é-secret"}}


def test_a_new_token_carries_256_random_bits():
    tokens = {auth.new_token() for _ in range(20)}
    assert len(tokens) == 20 and {len(t) for t in tokens} == {43}       # 32 bytes, URL-safe base64


def test_console_link_joins_the_address_and_the_token():
    assert auth.console_link("http://localhost:8501/", "abc") == "http://localhost:8501/donnees?admin=abc"
    assert auth.console_link("http://BOX/", "abc") == "http://BOX/donnees?admin=abc"
    assert auth.console_link("/base ", "t") == "/base /donnees?admin=t"


def test_launcher_prints_a_one_time_link_only_when_nothing_is_configured(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(auth.Path, "home", lambda: tmp_path)              # no secrets.toml there
    for name in (auth.SECRET_ENV, auth.EMAILS_ENV, auth.CONSOLE_TOKEN_ENV, auth.CONSOLE_URL_ENV):
        monkeypatch.setenv(name, "")                   # recorded, so restored as it was after the test
        monkeypatch.delenv(name)
    admin_link.announce(["--server.port", "8765", "--server.address", "127.0.0.1"], tmp_path)
    printed = capsys.readouterr().out
    token = admin_link.os.environ[auth.CONSOLE_TOKEN_ENV]
    assert len(token) >= 40 and f"http://127.0.0.1:8765/donnees?admin={token}" in printed
    monkeypatch.setenv(auth.SECRET_ENV, "secret-configure-par-la-prefecture")
    admin_link.announce([], tmp_path)
    assert auth.CONSOLE_TOKEN_ENV not in admin_link.os.environ and "admin=" not in capsys.readouterr().out
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[admin]\nsecret = "court"\n', encoding="utf-8")
    monkeypatch.delenv(auth.SECRET_ENV)
    admin_link.announce([], tmp_path)
    out = capsys.readouterr().out
    assert "Secret administrateur ignoré" in out and "admin=" in out    # a too short secret is not an access


# --------------------------------------------------------------------------- upload endpoint (lib/ui/upload_guard.py)

def _put(route, session_id: str, file_id: str):
    from starlette.requests import Request
    scope = {"type": "http", "method": "PUT", "path": f"/_stcore/upload_file/{session_id}/{file_id}",
             "path_params": {"session_id": session_id, "file_id": file_id}, "headers": [], "query_string": b""}
    # A thread of its own: an event loop may already run in this one (Playwright's sync API, earlier tests).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, route.endpoint(Request(scope))).result()


def test_upload_route_refuses_a_session_without_the_form_before_reading_the_body(monkeypatch, tmp_path):
    monkeypatch.setattr(schema, "DATA_DIR", tmp_path)
    from starlette.responses import Response
    from starlette.routing import Route
    from lib.ui import upload_guard
    reached = []

    async def streamlit_put(request):
        reached.append(request.path_params["file_id"])
        return Response(status_code=204)
    guarded = upload_guard.guard_route(Route("/_stcore/upload_file/{session_id}/{file_id}", streamlit_put,
                                             methods=["PUT"]))
    monkeypatch.setattr(upload_guard, "_allowed", set())
    monkeypatch.setattr(upload_guard, "_issued", {})
    refused = _put(guarded, "visiteur", "f1")
    assert refused.status_code == 403 and "réservé aux administrateurs" in refused.body.decode() and not reached
    upload_guard._allowed.add("admin")
    assert _put(guarded, "admin", "f1").status_code == 403          # a file id never issued to it
    upload_guard._issued["admin"] = {"f1"}
    assert _put(guarded, "admin", "f1").status_code == 204 and reached == ["f1"]
    refusals = [e for e in audit.read() if e["action"] == "envoi direct"]
    assert [e["outcome"] for e in refusals] == ["refusée", "refusée"] and refusals[0]["actor"].startswith("session visiteur")


def test_upload_store_refuses_files_and_urls_for_a_session_without_the_form(monkeypatch):
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec
    from lib.ui import upload_guard
    upload_guard.install()
    monkeypatch.setattr(upload_guard, "_allowed", {"admin"})
    monkeypatch.setattr(upload_guard, "_issued", {})
    store = MemoryUploadedFileManager("/_stcore/upload_file")
    assert store.get_upload_urls("visiteur", ["a.zip"]) == []
    store.add_file("visiteur", UploadedFileRec(file_id="x", name="a.zip", type="application/zip", data=b"PK"))
    assert store.get_files("visiteur", ["x"]) == []
    urls = store.get_upload_urls("admin", ["a.zip"])
    assert len(urls) == 1 and upload_guard._issued["admin"] == {urls[0].file_id}


def test_upload_permission_lives_as_long_as_the_form_is_drawn(monkeypatch):
    """A run that draws the form allows the session; the next run that does not withdraws it and forgets the
    file ids issued to it; « Quitter » (revoke) does too; another session is never affected."""
    from lib.ui import upload_guard
    session = {"id": "admin"}
    monkeypatch.setattr(upload_guard, "_session_id", lambda: session["id"])
    for name, empty in (("_allowed", set()), ("_issued", {}), ("_rendered", {})):
        monkeypatch.setattr(upload_guard, name, empty)
    upload_guard.begin_run()
    assert upload_guard._rendered == {"admin": False} and not upload_guard.is_allowed("admin")
    upload_guard.uploader_rendered()
    upload_guard.end_run()
    assert upload_guard.is_allowed("admin") and upload_guard._rendered == {}
    upload_guard._issued["admin"] = {"f1"}
    assert upload_guard.is_allowed("admin", "f1") and not upload_guard.is_allowed("admin", "f2")
    session["id"] = "other"
    upload_guard.begin_run()
    upload_guard.end_run()                       # another session's run without the form changes nothing here
    assert upload_guard.is_allowed("admin", "f1") and not upload_guard.is_allowed("other")
    session["id"] = "admin"
    upload_guard.begin_run()
    upload_guard.end_run()                       # this session's next run has no form: permission withdrawn
    assert not upload_guard.is_allowed("admin") and "admin" not in upload_guard._issued
    upload_guard.begin_run()
    upload_guard.uploader_rendered()
    upload_guard.end_run()
    upload_guard._issued["admin"] = {"f3"}
    upload_guard.revoke()
    assert not upload_guard.is_allowed("admin") and upload_guard._issued == {}
    session["id"] = None                         # outside a run (no script context): nothing happens
    for step in (upload_guard.begin_run, upload_guard.uploader_rendered, upload_guard.end_run, upload_guard.revoke):
        step()
    assert upload_guard._allowed == set() and upload_guard._rendered == {}


def test_a_run_that_never_began_ends_without_permission_and_install_patches_once(monkeypatch):
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from lib.ui import upload_guard
    monkeypatch.setattr(upload_guard, "_session_id", lambda: "s1")
    monkeypatch.setattr(upload_guard, "_allowed", {"s1"})
    monkeypatch.setattr(upload_guard, "_issued", {})
    monkeypatch.setattr(upload_guard, "_rendered", {})
    upload_guard.end_run()                       # no begin_run recorded (a run cut short): no permission kept
    assert not upload_guard.is_allowed("s1") and upload_guard._issued == {}
    upload_guard.install()
    patched = (MemoryUploadedFileManager.add_file, MemoryUploadedFileManager.get_upload_urls)
    upload_guard.install()                       # a second call (plain `streamlit run`) wraps nothing again
    assert (MemoryUploadedFileManager.add_file, MemoryUploadedFileManager.get_upload_urls) == patched
    assert upload_guard._installed == {"store": True, "routes": True}


def test_refused_uploads_are_audited_thirty_a_minute_at_most(monkeypatch):
    from types import SimpleNamespace
    from lib.ui import upload_guard
    recorded = []
    monkeypatch.setattr(audit, "record", lambda *args: recorded.append(args))
    monkeypatch.setattr(upload_guard, "_audited", [])
    clock = {"t": 1000.0}
    monkeypatch.setattr(upload_guard.time, "monotonic", lambda: clock["t"])
    request = SimpleNamespace(client=SimpleNamespace(host="10.0.0.7"))
    for _ in range(35):
        upload_guard._audit_refusal("0123456789abcdef", request)
    assert len(recorded) == 30
    action, actor, outcome, detail = recorded[0]
    assert (action, actor, outcome) == ("envoi direct", "session 01234567 (10.0.0.7)", audit.REFUSED)
    assert detail == "envoi sur /_stcore/upload_file sans formulaire d'envoi d'administrateur"
    clock["t"] = 1059.9                          # still within the minute
    upload_guard._audit_refusal("s", SimpleNamespace(client=None))
    assert len(recorded) == 30
    clock["t"] = 1060.0                          # a minute after the first ones: room again
    upload_guard._audit_refusal("s", SimpleNamespace(client=None))
    assert len(recorded) == 31 and recorded[-1][1] == "session s (inconnu)"


def test_launcher_patches_the_route_factory_of_the_server():
    from streamlit.web.server.starlette import starlette_app
    from lib.ui import upload_guard
    upload_guard.install()
    assert starlette_app.create_upload_routes.__module__ == "lib.ui.upload_guard"


# --------------------------------------------------------------------------- in the app (AppTest)

@pytest.fixture
def app_root(tmp_path, monkeypatch):
    """A private data folder holding one version, fresh Streamlit caches, no configured access."""
    import streamlit as st
    from lib.ui import auth as ui_auth
    from lib.data.uploads import accept_uploads
    data = tmp_path / "data"
    for name, value in (("DATA_DIR", data), ("OFFICIAL_DIR", data / "officiel"), ("CACHE_DIR", data / "cache"),
                        ("DEMO_DIR", data / "demo")):
        monkeypatch.setattr(schema, name, value)
    for name in (auth.SECRET_ENV, auth.EMAILS_ENV, auth.CONSOLE_TOKEN_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(ui_auth, "_console", {})
    clock, delays = {"t": 1000.0}, []

    def sleep(seconds):             # the delays are read, and the time they would take goes by at once
        delays.append(seconds)
        clock["t"] += seconds

    monkeypatch.setattr(ui_auth, "_throttle", AttemptThrottle(None, clock=lambda: clock["t"]))   # in memory
    monkeypatch.setattr(ui_auth, "_refusals", RefusalJournal())
    monkeypatch.setattr(ui_auth, "_sleep", sleep)
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS))], actor="test")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield delays
    st.cache_resource.clear()
    st.cache_data.clear()


def _app(query: dict | None = None):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    for key, value in (query or {"territoire": "dep:04"}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _submit_secret(at, guess: str) -> None:
    at.text_input(key="admin_secret").input(guess)
    next(b for b in at.button if b.label == "Accéder à l'administration").click()
    at.run()


def _uploaders(at) -> int:
    return len(at.get("file_uploader"))


def test_an_anonymous_visitor_finds_no_upload_control_on_any_page(app_root):
    at = _app()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert _uploaders(at) == 0, page
        assert not [b for b in at.button if b.label in ("Vérifier et charger", "Mettre cette version en service")]
    about = at                                       # the last page: « À propos des données »
    assert any("Pour devenir administrateur" in i.value and "responsable de l'application" in i.value
               for i in about.info)
    assert any("Historique des données" in h.value for h in about.subheader)
    history = about.dataframe[0].value
    assert list(history["Version"]) == ["v0001"] and "Par" not in history.columns   # no identities for visitors


def test_console_link_makes_one_session_administrator_once(app_root, monkeypatch):
    monkeypatch.setenv(auth.CONSOLE_TOKEN_ENV, "jeton-de-console-pour-le-test")
    at = _app({"territoire": "dep:04", "admin": "jeton-de-console-pour-le-test"})
    assert "admin" not in at.query_params                   # the token does not stay in the address bar
    at.switch_page("pages/about.py").run()
    assert _uploaders(at) == 1 and any("Vous êtes administrateur (console)" in i.value for i in at.info)
    assert "Par" in at.dataframe[0].value.columns
    again = _app({"territoire": "dep:04", "admin": "jeton-de-console-pour-le-test"})   # another browser, same link
    assert any("n'est pas (ou plus) valable" in e.value for e in again.error)
    again.switch_page("pages/about.py").run()
    assert _uploaders(again) == 0
    logins = [(e["actor"], e["outcome"]) for e in audit.read() if e["action"] == "connexion"]
    assert logins == [("console", "acceptée"), ("inconnu", "refusée")]
    assert app_root == []           # the session's first attempt after its success: compared without waiting
    at.switch_page("pages/overview.py").run()               # leaving the page withdraws the upload permission
    from lib.ui import upload_guard
    assert not upload_guard.is_allowed("test session id")


def test_wrong_secrets_are_logged_and_slowed_down(app_root, monkeypatch):
    monkeypatch.setenv(auth.SECRET_ENV, "le-secret-de-la-prefecture")
    at = _app()
    at.switch_page("pages/about.py").run()
    for guess in ("123456", "admin"):
        _submit_secret(at, guess)
        assert any("Secret incorrect" in e.value for e in at.error) and _uploaders(at) == 0
    assert app_root == [1.0]                         # the second attempt waited its turn, the first did not
    _submit_secret(at, "le-secret-de-la-prefecture")
    assert app_root == [1.0, 2.0]                    # the right secret too is compared only at its turn
    assert _uploaders(at) == 1 and any("Vous êtes administrateur (secret partagé)" in i.value for i in at.info)
    logins = [(e["actor"], e["outcome"], e["message"]) for e in audit.read() if e["action"] == "connexion"]
    assert logins == [("inconnu", "refusée", "secret administrateur incorrect")] * 2 + [
        ("secret partagé", "acceptée", "secret administrateur")]
    next(b for b in at.button if b.label == "Quitter l'administration").click()
    at.run()
    assert _uploaders(at) == 0


def test_administrator_rolls_back_in_the_app(app_root, monkeypatch):
    from lib.data.uploads import accept_uploads
    monkeypatch.setenv(auth.SECRET_ENV, "le-secret-de-la-prefecture")
    at = _app()
    first = at.metric[0].value
    accept_uploads([("region_93_A.zip", region_zip_bytes("93", KEPT_DEPS, base=9000))], actor="autre")
    at.run()
    assert at.metric[0].value != first
    at.switch_page("pages/about.py").run()
    _submit_secret(at, "le-secret-de-la-prefecture")
    at.selectbox(key="rollback_target").select("v0001")
    next(b for b in at.button if b.label == "Mettre cette version en service").click()
    at.run()
    assert any("Version v0001 remise en service" in s.value for s in at.success)
    at.switch_page("pages/overview.py").run()
    assert at.metric[0].value == first
    assert [e["outcome"] for e in audit.read() if e["action"] == "retour"] == ["acceptée"]


def test_openid_connect_configuration_lets_listed_addresses_in(app_root, monkeypatch):
    """No provider can be reached offline: the signed-in user is simulated, the configuration path is real."""
    from lib.ui import auth as ui_auth
    secrets = {"auth": {"client_id": "cet", "server_metadata_url": "https://idp.example/.well-known"},
               "admin": {"emails": ["Admin@Prefecture.gouv.fr"]}}
    monkeypatch.setattr(ui_auth, "_secrets", lambda: secrets)
    monkeypatch.setattr(ui_auth, "_oidc_user_email", lambda: None)
    at = _app()
    at.switch_page("pages/about.py").run()
    assert [b.label for b in at.button if b.label.startswith("Se connecter")] == ["Se connecter (administrateurs)"]
    assert _uploaders(at) == 0
    monkeypatch.setattr(ui_auth, "_oidc_user_email", lambda: "agent@prefecture.gouv.fr")
    at.run()
    assert _uploaders(at) == 0 and any("ne figure pas dans la liste" in c.value for c in at.caption)
    monkeypatch.setattr(ui_auth, "_oidc_user_email", lambda: "admin@prefecture.gouv.fr")
    at.run()
    # the address is text, not a mailto link: an invisible word joiner follows its « @ » (plain_text)
    assert _uploaders(at) == 1 and any("Vous êtes administrateur (admin@prefecture.gouv.fr)" in i.value.replace("\u2060", "")
                                       for i in at.info)
    at.run()
    logins = [(e["actor"], e["message"]) for e in audit.read() if e["action"] == "connexion"]
    assert logins == [("admin@prefecture.gouv.fr", "OpenID Connect")]


def test_an_attempt_beyond_its_turn_is_refused_unexamined(app_root, monkeypatch):
    """A guess sent while the previous ones still wait is not compared, even when it is the right secret."""
    from lib.ui import auth as ui_auth
    monkeypatch.setenv(auth.SECRET_ENV, "le-secret-de-la-prefecture")
    monkeypatch.setattr(ui_auth, "_throttle", AttemptThrottle(None, max_wait=0.5, clock=lambda: 1000.0))
    at = _app()
    at.switch_page("pages/about.py").run()
    for guess in ("123456", "le-secret-de-la-prefecture"):
        _submit_secret(at, guess)
    assert any("Trop de tentatives de connexion récentes" in e.value and "Réessayez dans 1 s" in e.value
               for e in at.error)
    assert _uploaders(at) == 0 and app_root == []
    logins = [e["message"] for e in audit.read() if e["action"] == "connexion"]
    assert logins == ["secret administrateur incorrect", "secret administrateur non examiné : trop de tentatives récentes"]
