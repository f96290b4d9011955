"""In a real browser: an anonymous visitor of a default run finds no file input on any page and the
upload endpoint refuses it; an administrator (console link, then shared secret) uploads, which
creates a version, rolls back, which restores the previous figures, and the audit log holds both.
Another open session picks up each change at its next action and says so."""
from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.e2e_upload.conftest import ADMIN_SECRET, ARTIFACTS_DIR, console_link
from tests.test_bad_input import region_zip_bytes

TIMEOUT = 60_000
PAGES = {"": "Vue d'ensemble", "/exportations": "Exportations", "/importations": "Importations",
         "/comparaison": "Comparaison", "/exposition": "Exposition et dépendances", "/carte": "Carte de France",
         "/par-produit": "Par produit", "/par-pays": "Par pays", "/donnees": "À propos des données"}


def _wait_idle(page):
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT)


def _journal(data_dir) -> list[dict]:
    path = data_dir / "versions" / "journal.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_anonymous_visitor_finds_no_upload_control_anywhere(page, upload_server):
    url, data_dir, _ = upload_server
    for path, title in PAGES.items():
        page.goto(f"{url}{path}?territoire=dep:04")
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=TIMEOUT)
        _wait_idle(page)
        expect(page.locator("input[type=file]")).to_have_count(0)
    expect(page.get_by_text("Pour devenir administrateur", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Historique des données")).to_be_visible()
    page.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS_DIR / "visiteur-donnees.png"))
    # a direct call to Streamlit's upload endpoint, as a script in the visitor's page would make it
    answer = page.evaluate("""async () => {
        const body = new FormData(); body.append('file', new Blob(['PK']), 'region_94_A.zip');
        const r = await fetch('/_stcore/upload_file/une-session/un-fichier', {method: 'PUT', body});
        return [r.status, await r.text()];
    }""")
    assert answer[0] == 403 and "réservé aux administrateurs" in answer[1]
    page.goto(f"{url}/donnees?admin=jeton-devine")             # a guessed link is refused, and logged
    expect(page.get_by_text("n'est pas (ou plus) valable", exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("input[type=file]")).to_have_count(0)
    assert _journal(data_dir)[-1]["outcome"] == "refusée"


def _upload(page, name, data):
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": name, "mimeType": "application/octet-stream", "buffer": data}])
    expect(page.get_by_role("button", name=f"Retirer {name}", exact=True)).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Vérifier et charger").click()
    _wait_idle(page)


def _rollback(page, version):
    combo = page.get_by_role("combobox", name="Revenir à la version")
    expect(combo).to_be_visible(timeout=TIMEOUT)
    if version not in combo.input_value():           # the first earlier version is chosen by default
        combo.click()
        page.get_by_role("option").filter(has_text=version).first.click()
    expect(combo).to_have_value(re.compile(version))
    page.get_by_role("button", name="Mettre cette version en service").click()
    _wait_idle(page)


def _upload_then_rollback(page, other, url, data_dir, who):
    """Upload (a version), check another session follows, roll back, check the figures come back."""
    expect(page.get_by_text("Données chargées : 96 lignes", exact=False)).to_be_visible(timeout=TIMEOUT)
    other.goto(f"{url}/?territoire=dep:04")
    first = other.get_by_test_id("stMetricValue").first
    expect(first).to_be_visible(timeout=TIMEOUT)
    _wait_idle(other)           # the run done: a value read mid-run (once « 1,00 ») is not the page's figure
    before = first.inner_text()

    _upload(page, "region_93_A.zip", region_zip_bytes("93", ["04", "05", "06", "13", "83", "84"], base=9000))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Version v0002 créée", timeout=TIMEOUT)
    expect(page.get_by_text("Données chargées : 96 lignes", exact=False)).to_be_visible()
    history = page.get_by_test_id("stDataFrame").first
    expect(history).to_be_visible()
    page.screenshot(path=str(ARTIFACTS_DIR / f"admin-{who}-depot.png"))

    other.get_by_test_id("stSidebarNav").get_by_role("link", name="Exportations").click()   # its next action
    expect(other.get_by_text("Données mises à jour le", exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(other.get_by_text("version v0002", exact=False)).to_be_visible()

    _rollback(page, "v0001")
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Version v0001 remise en service",
                                                                         timeout=TIMEOUT)
    # the other session's next action: the rollback says it is one, on every page until closed (issue 20 item 6)
    other.get_by_test_id("stSidebarNav").get_by_role("link", name="Vue d'ensemble").click()
    back = other.get_by_text("Retour à la version du", exact=False)
    expect(back).to_be_visible(timeout=TIMEOUT)
    expect(back).to_contain_text("(v0001)")
    expect(other.get_by_text("Données mises à jour", exact=False)).to_have_count(0)
    other.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    other.screenshot(path=str(ARTIFACTS_DIR / f"retour-{who}.png"))
    other.get_by_test_id("stSidebarNav").get_by_role("link", name="Importations").click()
    expect(other.get_by_role("heading", name="Importations", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(back).to_be_visible()
    other.get_by_role("button", name="Fermer ce message").click()
    expect(back).to_have_count(0, timeout=TIMEOUT)
    other.goto(f"{url}/?territoire=dep:04")
    expect(other.get_by_test_id("stMetricValue").first).to_have_text(before, timeout=TIMEOUT)
    assert (data_dir / "versions" / "CURRENT").read_text().strip() == "v0001"
    journal = _journal(data_dir)
    upload = [e for e in journal if e["action"] == "dépôt" and e["outcome"] == "acceptée"]
    rollback = [e for e in journal if e["action"] == "retour" and e["outcome"] == "acceptée"]
    assert upload[-1]["version"] == "v0002" and upload[-1]["files"][0]["name"] == "region_93_A.zip"
    assert len(upload[-1]["files"][0]["sha256"]) == 64
    assert rollback[-1]["version"] == "v0001" and rollback[-1]["previous"] == "v0002"
    return upload[-1]["actor"], rollback[-1]["actor"]


def test_administrator_by_console_link_uploads_and_rolls_back(page, upload_server):
    url, data_dir, server = upload_server
    link = console_link(server)
    page.goto(link)
    expect(page.get_by_text("Vous êtes administrateur (console)", exact=False)).to_be_visible(timeout=TIMEOUT)
    assert "admin=" not in page.url                       # the token leaves the address bar
    expect(page.locator("input[type=file]")).to_have_count(1)
    other = page.context.browser.new_page()
    actors = _upload_then_rollback(page, other, url, data_dir, "console")
    assert actors == ("console", "console")
    other.goto(link)                                       # the same link a second time: refused
    expect(other.get_by_text("n'est pas (ou plus) valable", exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(other.locator("input[type=file]")).to_have_count(0)
    assert console_link(server) != link                    # the console shows the next one
    other.close()


def test_administrator_by_shared_secret_uploads_and_rolls_back(page, secret_server):
    url, data_dir, server = secret_server
    assert "admin=" not in server.log_text()               # a configured access: no console link
    page.goto(f"{url}/donnees")
    expect(page.get_by_role("heading", name="À propos des données")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("input[type=file]")).to_have_count(0)
    page.get_by_label("Secret administrateur").fill("pas-le-bon-secret")
    page.get_by_role("button", name="Accéder à l'administration").click()
    expect(page.get_by_text("Secret incorrect", exact=False)).to_be_visible(timeout=TIMEOUT)
    page.get_by_label("Secret administrateur").fill(ADMIN_SECRET)
    page.get_by_role("button", name="Accéder à l'administration").click()
    expect(page.get_by_text("Vous êtes administrateur (secret partagé)", exact=False)).to_be_visible(timeout=TIMEOUT)
    other = page.context.browser.new_page()
    actors = _upload_then_rollback(page, other, url, data_dir, "secret")
    assert actors == ("secret partagé", "secret partagé")
    logins = [(e["actor"], e["outcome"]) for e in _journal(data_dir) if e["action"] == "connexion"]
    assert logins == [("inconnu", "refusée"), ("secret partagé", "acceptée")]
    other.close()
