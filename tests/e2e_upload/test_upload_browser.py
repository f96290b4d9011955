"""In a real browser: a bad upload shows a French error, changes no byte and the server keeps serving;
a good upload is then used by every page; a bad one after it keeps the good one."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e_upload.conftest import ARTIFACTS_DIR, console_link, health
from tests.test_bad_input import BAD_FILES, _materialise, region_zip_bytes, snapshot

TIMEOUT = 60_000


def _wait_idle(page):
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT)


def _send(page, files):
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": name, "mimeType": "application/octet-stream", "buffer": data} for name, data in files])
    for name, _ in files:
        expect(page.get_by_role("button", name=f"Retirer {name}", exact=True)).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Vérifier et charger").click()
    _wait_idle(page)


def _version_files(data_dir) -> list[str]:
    current = (data_dir / "versions" / "CURRENT").read_text().strip()
    return sorted(p.name for p in (data_dir / "versions" / current / "files").iterdir())


def test_upload_in_the_browser(page, upload_server):
    url, data_dir, server = upload_server
    page.goto(url + "/donnees")                             # a deep link as the very first visit of the server
    expect(page.get_by_role("heading", name="À propos des données")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("input[type=file]")).to_have_count(0)
    page.goto(console_link(server))                         # the administrator opens the console link
    expect(page.get_by_text("Vous êtes administrateur (console)", exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Données chargées : 96 lignes", exact=False)).to_be_visible(timeout=TIMEOUT)
    _wait_idle(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    officiel, cache = snapshot(data_dir / "officiel"), snapshot(data_dir / "cache")
    assert cache, "le serveur aurait dû écrire son cache Parquet"
    assert not (data_dir / "versions" / "CURRENT").exists()

    for case in ("html_renamed_zip", "negative_value", "zip_bomb_declared_size"):
        name, payload, expected, _ = BAD_FILES[case]
        _send(page, [(name, _materialise(payload))])
        error = page.get_by_test_id("stAlertContentError")
        expect(error).to_have_count(1, timeout=TIMEOUT)
        expect(error).to_contain_text(f"Fichier refusé : Fichier « {name} »")
        expect(error).to_contain_text(expected[-1])
        expect(error).to_contain_text("Les données déjà chargées restent utilisées.")
        expect(page.get_by_test_id("stAlertContentSuccess")).to_have_count(0)
        expect(page.get_by_text("Données chargées : 96 lignes", exact=False)).to_be_visible()
        assert snapshot(data_dir / "officiel") == officiel and snapshot(data_dir / "cache") == cache, case
        assert not (data_dir / "versions" / "CURRENT").exists(), case
        assert not list(data_dir.glob(".upload-*")) and not list(data_dir.glob("versions/.upload-*"))
        assert health(url) == b"ok"
    page.screenshot(path=str(ARTIFACTS_DIR / "envoi-refuse.png"))

    other = page.context.new_page()                         # another visitor is still served
    other.goto(url)
    expect(other.get_by_test_id("stMetricValue").first).to_be_visible(timeout=TIMEOUT)
    other.close()

    _send(page, [("region_94_A.zip", region_zip_bytes("94", ["2A", "2B"]))])
    success = page.get_by_test_id("stAlertContentSuccess")
    expect(success).to_contain_text("Fichiers retenus : region_94_A.zip — 32 valeurs lues", timeout=TIMEOUT)
    expect(page.get_by_text("Données partielles", exact=False)).to_be_visible()
    expect(page.get_by_text("Données chargées : 128 lignes", exact=False)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS_DIR / "envoi-accepte.png"))
    assert _version_files(data_dir) == ["liste-ti-com2023-20250101.csv", "region_93_A.zip", "region_94_A.zip"]
    kept = snapshot(data_dir / "versions")
    kept.pop("journal.jsonl")

    _send(page, [("REGION_11_A_IMPORT.xlsx", _materialise(BAD_FILES["text_in_values"][1]))])
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("« n.d. » n'est pas un nombre",
                                                                       timeout=TIMEOUT)
    expect(page.get_by_text("Données chargées : 128 lignes", exact=False)).to_be_visible()
    after = snapshot(data_dir / "versions")
    after.pop("journal.jsonl")
    assert after == kept

    page.goto(url + "/?territoire=dep:2A&annee=2024")       # the uploaded Corse rows are used by the app
    expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Corse-du-Sud", exact=False).first).to_be_visible()
    expect(page.get_by_test_id("stAlertContentWarning")).to_have_count(0)
