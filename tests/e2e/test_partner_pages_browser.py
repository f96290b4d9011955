"""Issue 21 in a real browser: « Un pays, plusieurs territoires » (Nord, Pas-de-Calais, Somme and the United
States) and « Droits de douane : exposition » for a Territoire d'industrie, from shared links; what the page
shows and what its downloads hold equal the CLI contracts (`partner`, `tariff`)."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from tests.e2e.conftest import CHROMIUM_AVAILABLE, PROJECT_DIR, SKIP_REASON

if not CHROMIUM_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from openpyxl import load_workbook  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from lib.core.formatting import format_amount, format_percent  # noqa: E402
from tests.e2e.test_browser import BY_PATH, DOWNLOAD_TIMEOUT_MS, metric_value, screenshot, wait_drawn  # noqa: E402

TI = "ti:TI-DEMO-065"


def _cli(*args) -> dict:
    done = subprocess.run([sys.executable, "-m", "lib.cli", *args, "--json"], cwd=PROJECT_DIR, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _download(page: Page, chart_key: str, label: str, folder) -> bytes:
    button = page.locator(f".st-key-{label}_{chart_key} button")
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        button.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


def test_nord_pas_de_calais_somme_to_the_united_states(page: Page, app_url, tmp_path, screenshots_dir):
    contract = _cli("partner", "--territories", "dep:59,dep:62,dep:80", "--country", "US")
    page.goto(f"{app_url}/un-pays?territoire=dep:59&annee=2024&territoires=dep:59,dep:62,dep:80&partenaire=US")
    wait_drawn(page, BY_PATH["un-pays"], "Nord — 2024")
    legend = page.locator('[data-testid="stPlotlyChart"] .legendtext').all_text_contents()
    assert legend == ["Nord", "Pas-de-Calais", "Somme"]
    expect(page.get_by_test_id("stMain").locator("h3").filter(has_text="Exportations vers les États-Unis, 2023-2025"))\
        .to_have_count(1)
    workbook = load_workbook(io.BytesIO(_download(page, "partner-trend", "xlsx", tmp_path)))
    sheet = workbook[workbook.sheetnames[-1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "Territoire")
    for territory in contract["territories"]:
        row = next(r for r in rows if r and r[0] == territory["name"])
        for year, value in territory["values"].items():
            assert row[header.index(f"{year} (€)")] == pytest.approx(value, abs=0.01)
    png = _download(page, "partner-trend", "png", tmp_path)
    assert Image.open(io.BytesIO(png)).size == (3200, 1800)
    screenshot(page, screenshots_dir, "un-pays_nord-pas-de-calais-somme_us")


def test_tariff_page_for_a_ti_equals_the_contract(page: Page, app_url, tmp_path, screenshots_dir):
    contract = _cli("tariff", "--territory", TI, "--country", "US", "--rate", "10", "--year", "2024")
    page.goto(f"{app_url}/droits-de-douane?territoire={TI}&annee=2024&taux=10")
    wait_drawn(page, BY_PATH["droits-de-douane"], "Vallée du Clairet (démo) — 2024")
    assert metric_value(page, "Exportations concernées") == format_amount(contract["exposed"])
    assert metric_value(page, "Part des exportations") == format_percent(contract["share_of_exports"])
    assert metric_value(page, "Droits à 10\u00a0%") == format_amount(contract["duty"])
    assert metric_value(page, "Part pour la région") == format_percent(contract["region"]["share_of_exports"])
    expect(page.get_by_test_id("stMain")).to_contain_text("pas une prévision de pertes")
    workbook = load_workbook(io.BytesIO(_download(page, "tariff-products", "xlsx", tmp_path)))
    sheet = workbook[workbook.sheetnames[-1]]
    codes = [row[0].value for row in sheet.iter_rows() if row[0].value in {p["code"] for p in contract["products"]}]
    assert codes == [p["code"] for p in contract["products"]]           # biggest first, every product exposed
    png = _download(page, "tariff-products", "png", tmp_path)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    screenshot(page, screenshots_dir, "droits-de-douane_ti")
