"""OpenID Connect end to end (issue 20 item 7): the OpenID Certified `oidc-provider` (npm, scripts/oidc/) on
loopback, the app started with an `[auth]` section pointing to it, and `st.login` driven in Chromium.
An address listed in `[admin] emails` becomes administrator (and stays one after a reload), another address
stays a visitor, « Quitter l'administration » signs out at the provider too; the journal holds each step.

Skipped, with the reason, without npm's oidc-provider (`scripts/ensure_oidc.sh`, run by `make test`) or
without Authlib (Streamlit's `st.login` needs it: requirements.txt)."""
from __future__ import annotations

import importlib.util
import json
import re
import secrets
import shutil
import subprocess
import time

import pytest
from playwright.sync_api import expect

from bench.local_server import StreamlitServer, free_port
from tests.e2e_upload.conftest import ARTIFACTS_DIR, PROJECT_DIR, _seeded_data_dir


def as_shown(text: str) -> re.Pattern:
    """The text as the page draws it: an e-mail address is text, not a mailto link, so an invisible word
    joiner follows its « @ » (lib/presentation/plain_text.py)."""
    return re.compile(re.escape(text).replace("@", "@\u2060?"))


TIMEOUT = 60_000
OIDC_DIR = PROJECT_DIR / "scripts" / "oidc"
CLIENT_ID = "commerce-exterieur-test"
ADMIN_EMAIL, AGENT_EMAIL = "admin@prefecture.test", "agent@prefecture.test"


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "Node.js absent : test OpenID Connect (oidc-provider) ignoré. Installez npm (apt-get install npm)."
    if not (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        return ("oidc-provider absent (scripts/oidc/node_modules) : test OpenID Connect ignoré. Lancez "
                "« ./scripts/ensure_oidc.sh » (fait par make test).")
    if importlib.util.find_spec("authlib") is None:
        return ("Authlib absent : st.login ne peut pas fonctionner, test OpenID Connect ignoré. Lancez "
                "« pip install -r requirements.txt ».")
    return None


@pytest.fixture(scope="module")
def provider_and_app(tmp_path_factory):
    """(app url, data folder): the provider on one free loopback port, the app on another, the app's
    secrets.toml in a temporary folder (never the project's); both stopped by their PID."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    idp_port, app_port = free_port(), free_port()
    app_url, issuer = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{idp_port}"
    client_secret = secrets.token_urlsafe(24)
    log = (ARTIFACTS_DIR / "oidc-provider.log").open("w")
    idp = subprocess.Popen(["node", "provider.mjs", str(idp_port), app_url, client_secret], cwd=OIDC_DIR,
                           stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "oidc-provider prêt" not in (ARTIFACTS_DIR / "oidc-provider.log").read_text(errors="replace"):
            if idp.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("oidc-provider n'a pas démarré :\n"
                                   + (ARTIFACTS_DIR / "oidc-provider.log").read_text(errors="replace"))
            time.sleep(0.1)
        folder = tmp_path_factory.mktemp("oidc")
        (folder / ".streamlit").mkdir()
        secrets_file = folder / ".streamlit" / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{app_url}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{client_secret}"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
            # Streamlit asks for prompt=select_account by default, which oidc-provider (like several
            # providers) refuses: « login » makes the provider ask who signs in each time (README).
            'client_kwargs = { prompt = "login" }\n'
            "\n[admin]\n"
            f'emails = ["{ADMIN_EMAIL}"]\n', encoding="utf-8")
        data_dir = _seeded_data_dir(tmp_path_factory)
        env = {"CET_DATA_DIR": str(data_dir), "CET_ADMIN_SECRET": "", "CET_ADMIN_EMAILS": ""}
        with StreamlitServer(ARTIFACTS_DIR / "streamlit-oidc.log", port=app_port, env=env,
                             extra_args=["--secrets.files", str(secrets_file)]) as server:
            yield server.url, data_dir
    finally:
        idp.terminate()
        try:
            idp.wait(10)
        except subprocess.TimeoutExpired:
            idp.kill()
        log.close()


def _journal(data_dir) -> list[dict]:
    path = data_dir / "versions" / "journal.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _sign_in(page, url, account):
    """The app's button, then the provider's own login and consent pages; Streamlit then opens its home page."""
    page.goto(f"{url}/donnees")
    page.get_by_role("button", name="Se connecter (administrateurs)").click(timeout=TIMEOUT)
    page.locator("input[name=login]").fill(account, timeout=TIMEOUT)
    page.locator("input[name=password]").fill("mot-de-passe-quelconque")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").filter(has_text="Continue").click(timeout=TIMEOUT)   # consent
    expect(page.get_by_role("heading", name="Vue d'ensemble")).to_be_visible(timeout=TIMEOUT)  # Streamlit's home
    page.goto(f"{url}/donnees")
    expect(page.get_by_role("heading", name="À propos des données")).to_be_visible(timeout=TIMEOUT)


def test_an_allowed_address_becomes_administrator_another_stays_a_visitor(page, provider_and_app):
    url, data_dir = provider_and_app
    _sign_in(page, url, "admin")
    expect(page.get_by_text(as_shown(f"Vous êtes administrateur ({ADMIN_EMAIL})"))).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("input[type=file]")).to_have_count(1)
    page.reload()                                               # Streamlit's own signed cookie
    expect(page.get_by_text(as_shown(f"Vous êtes administrateur ({ADMIN_EMAIL})"))).to_be_visible(timeout=TIMEOUT)
    page.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS_DIR / "oidc-administrateur.png"))
    logins = [(e["actor"], e["outcome"], e["message"]) for e in _journal(data_dir) if e["action"] == "connexion"]
    assert logins == [(ADMIN_EMAIL, "acceptée", "OpenID Connect")] * 2     # one line per session

    page.get_by_role("button", name="Quitter l'administration").click()
    page.locator("button[type=submit]").filter(has_text="Yes, sign me out").click(timeout=TIMEOUT)   # provider
    page.goto(f"{url}/donnees")
    expect(page.get_by_role("button", name="Se connecter (administrateurs)")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("input[type=file]")).to_have_count(0)
    last = _journal(data_dir)[-1]
    assert (last["action"], last["actor"]) == ("déconnexion", ADMIN_EMAIL)

    _sign_in(page, url, "agent")                                # the provider asks again: its session ended
    expect(page.get_by_text(as_shown(f"Connecté en tant que {AGENT_EMAIL}"))).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("ne figure pas dans la liste des administrateurs", exact=False)).to_be_visible()
    expect(page.locator("input[type=file]")).to_have_count(0)
    page.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS_DIR / "oidc-visiteur.png"))
    assert [e["actor"] for e in _journal(data_dir) if e["action"] == "connexion"] == [ADMIN_EMAIL] * 2
    page.get_by_role("button", name="Se déconnecter").click()       # the visitor may leave too
    page.locator("button[type=submit]").filter(has_text="Yes, sign me out").click(timeout=TIMEOUT)
    page.goto(f"{url}/donnees")
    expect(page.get_by_role("button", name="Se connecter (administrateurs)")).to_be_visible(timeout=TIMEOUT)
    assert (_journal(data_dir)[-1]["action"], _journal(data_dir)[-1]["actor"]) == ("déconnexion", AGENT_EMAIL)
