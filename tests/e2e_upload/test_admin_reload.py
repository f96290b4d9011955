"""In a real browser (issue 20 item 5): an administrator stays one after F5, for the browser session, thanks to
a signed HttpOnly cookie; « Quitter » ends it (the cookie is cleared, and the same cookie put back is refused);
a forged cookie opens nothing; each step is in the journal."""
from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.e2e_upload.conftest import ARTIFACTS_DIR, console_link

TIMEOUT = 60_000
ADMIN = "Vous êtes administrateur (console)"


def _journal(data_dir) -> list[dict]:
    path = data_dir / "versions" / "journal.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _cookie(page):
    found = [c for c in page.context.cookies() if c["name"] == "cet_admin"]
    return found[0] if found else None


def _wait_cookie(page, present: bool):
    for _ in range(100):
        if (_cookie(page) is not None) == present:
            return _cookie(page)
        page.wait_for_timeout(100)
    raise AssertionError(f"cookie cet_admin {'absent' if present else 'toujours présent'}")


def _visitor(page):
    expect(page.get_by_text("Pour devenir administrateur", exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("input[type=file]")).to_have_count(0)


def test_administration_survives_a_reload_and_ends_on_quitter(page, upload_server):
    url, data_dir, server = upload_server
    page.goto(console_link(server))
    expect(page.get_by_text(ADMIN, exact=False)).to_be_visible(timeout=TIMEOUT)
    cookie = _wait_cookie(page, True)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] == -1   # ends with the browser
    assert cookie["value"].count(".") == 1                     # body.signature (lib/data/admin_session.py)

    page.reload()                                              # F5: Streamlit opens a new session
    expect(page.get_by_text(ADMIN, exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("input[type=file]")).to_have_count(1)
    expect(page.get_by_text("même après un rechargement de la page", exact=False)).to_be_visible()
    page.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS_DIR / "admin-apres-rechargement.png"))
    reprise = [e for e in _journal(data_dir) if e["action"] == "connexion" and e["actor"] == "console"]
    assert reprise[-1]["message"].startswith("session administrateur reprise après un rechargement de la page")

    page.goto(f"{url}/exportations?territoire=dep:04")         # another page, then back: still administrator
    expect(page.get_by_role("heading", name="Exportations", exact=True)).to_be_visible(timeout=TIMEOUT)
    page.goto(f"{url}/donnees")
    expect(page.get_by_text(ADMIN, exact=False)).to_be_visible(timeout=TIMEOUT)

    page.get_by_role("button", name="Quitter l'administration").click()
    _visitor(page)
    _wait_cookie(page, False)
    assert _journal(data_dir)[-1]["action"] == "déconnexion"
    assert _journal(data_dir)[-1]["message"] == "fin de la session administrateur : « Quitter l'administration »"
    page.reload()
    _visitor(page)

    page.context.add_cookies([{"name": cookie["name"], "value": cookie["value"], "domain": cookie["domain"],
                               "path": cookie["path"]}])          # the old cookie put back: closed, refused
    page.reload()
    _visitor(page)
    body, signature = cookie["value"].split(".")
    page.context.add_cookies([{"name": "cet_admin", "value": f"{body}.{signature[::-1]}",
                               "domain": cookie["domain"], "path": cookie["path"]}])   # a forged signature
    page.reload()
    _visitor(page)
