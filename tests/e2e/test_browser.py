"""Prove it as users would: shared links, the sidebar, the page links and the downloads in a real browser.

Run: ``.venv/bin/pytest -W ignore::pytest.PytestRemovedIn10Warning tests/e2e``. Every figure on screen is
compared with ``python -m lib.cli summary --json`` (the contract), formatted by ``lib.core.formatting``.
Screenshots: ``test-artifacts/screenshots/``; timings (recorded, never asserted): ``test-artifacts/e2e-timings.json``.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest

from tests.e2e.conftest import CHROMIUM_AVAILABLE, SKIP_REASON, VIEWPORT

if not CHROMIUM_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from openpyxl import load_workbook  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from lib.core.formatting import format_amount, format_millions_words, format_percent, format_ratio  # noqa: E402

YEAR = 2024
TI_ID = "ti:TI-DEMO-001"          # « Val de Durance (démo) », two départements (04, 05) in the demo list
TERRITORIES = {"dep": "dep:04", "ti": TI_ID, "reg": "reg:93", "fr": "fr"}
DRAW_TIMEOUT_MS = 90_000          # a cold server loads the data on the first visit
DOWNLOAD_TIMEOUT_MS = 120_000     # the first PNG starts kaleido's Chromium


@dataclass(frozen=True)
class AppPage:
    path: str           # url path: "" for the default page
    title: str          # st.title, and the sidebar link
    marker: str         # text drawn at the end of the page
    min_charts: int     # plotly charts visible once drawn

    @property
    def slug(self) -> str:
        return self.path or "vue-ensemble"


PAGES = [
    AppPage("", "Vue d'ensemble", "Principales activités à l'export et à l'import", 2),
    AppPage("exportations", "Exportations", "Tableau des flux", 1),
    AppPage("importations", "Importations", "Tableau des flux", 1),
    AppPage("comparaison", "Comparaison", "Comparaison avec d'autres départements", 2),
    AppPage("un-pays", "Un pays, plusieurs territoires", "Chaque ligne est la valeur", 1),
    AppPage("exposition", "Exposition et dépendances", "Union européenne et reste du monde", 3),
    AppPage("droits-de-douane", "Droits de douane : exposition", "Le territoire, sa région et la France", 2),
    AppPage("carte", "Carte de France", "Ouvrir un département", 1),
    AppPage("par-produit", "Par produit", "Évolution en France", 2),
    AppPage("par-pays", "Par pays", "Évolution en France", 2),
    AppPage("donnees", "À propos des données", "Glossaire", 0),
]
BY_PATH = {p.path: p for p in PAGES}

_DRAWN_JS = """
(minCharts) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.querySelector('[data-stale="true"]')) return false;
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(c => c.offsetParent !== null);
  return charts.length >= minCharts && charts.every(c => c.querySelector('.main-svg'));
}
"""


# --------------------------------------------------------------------------------------------- helpers
def territory_label(summary: dict) -> str:
    """What the « Territoire » select box shows (lib.data.territories.Territory.label)."""
    info = summary["territory"]
    kind, _, code = info["id"].partition(":")
    if kind in ("dep", "reg"):
        return f"{code} – {info['name']}"
    if kind == "ti":
        name, demo = info["name"], ""
        if name.endswith(" (démo)"):
            name, demo = name[: -len(" (démo)")], " (démo)"
        return f"{name} – {', '.join(info['departments'])}{demo}"
    return info["name"]


def shared_link(app_url: str, path: str, territory_id: str, year: int | str) -> str:
    return f"{app_url}/{path}?territoire={territory_id}&annee={year}"


def query_of(page: Page) -> dict[str, str]:
    """The shared selection in the URL (an explorer page may add its own parameters beside it)."""
    query = {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}
    return {k: v for k, v in query.items() if k in ("territoire", "annee")}


def path_of(page: Page) -> str:
    return urlparse(page.url).path.strip("/")


def assert_no_exception(page: Page) -> None:
    assert page.get_by_test_id("stException").count() == 0, \
        f"exception affichée sur {page.url} : {page.get_by_test_id('stException').first.inner_text()[:500]}"
    assert page.get_by_text("Page not found").count() == 0, f"« Page not found » sur {page.url}"


def wait_drawn(page: Page, app_page: AppPage, header: str) -> None:
    """Title and « Territoire — année » header shown, script finished, every visible chart drawn."""
    main = page.get_by_test_id("stMain")
    expect(main.locator("h1").first).to_have_text(app_page.title, timeout=DRAW_TIMEOUT_MS)
    expect(main.locator("h4").first).to_have_text(header, timeout=DRAW_TIMEOUT_MS)
    expect(main.get_by_text(app_page.marker, exact=False).first).to_be_visible(timeout=DRAW_TIMEOUT_MS)
    page.wait_for_function(_DRAWN_JS, arg=app_page.min_charts, timeout=DRAW_TIMEOUT_MS)
    assert_no_exception(page)


def header_of(summary: dict) -> str:
    return f"{summary['territory']['name']} — {summary['year']}"


def metric_value(page: Page, label: str) -> str:
    card = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    expect(card).to_have_count(1)
    return card.get_by_test_id("stMetricValue").inner_text().strip()


def sidebar_values(page: Page) -> list[str]:
    """[type de territoire, territoire, année] as the select boxes show them (waiting for the sidebar,
    which can still be redrawing when a chart-less page is already complete)."""
    boxes = page.get_by_test_id("stSidebar").locator("input[role=combobox]")
    expect(boxes).to_have_count(3, timeout=DRAW_TIMEOUT_MS)
    return [box.input_value() for box in boxes.all()]


def choose(page: Page, box_index: int, option: str, typed: str | None = None) -> None:
    """Click a sidebar select box, optionally type a few characters, click the option."""
    box = page.get_by_test_id("stSidebar").locator("input[role=combobox]").nth(box_index)
    box.click()
    if typed:
        page.keyboard.type(typed)
    page.get_by_role("option", name=option, exact=True).click()


def check_overview_figures(page: Page, summary: dict) -> None:
    assert metric_value(page, "Exportations") == format_amount(summary["exports"])
    assert metric_value(page, "Importations") == format_amount(summary["imports"])
    assert metric_value(page, "Solde commercial") == format_amount(summary["balance"])
    assert metric_value(page, "Taux de couverture") == format_ratio(summary["coverage"])
    if summary["share_of_region"]:
        assert metric_value(page, "Part de la région (export)") == format_percent(summary["share_of_region"]["exports"])
        assert metric_value(page, "Part de la région (import)") == format_percent(summary["share_of_region"]["imports"])
    if summary["territory"]["id"] != "fr":
        assert metric_value(page, "Part de la France (export)") == format_percent(summary["share_of_france"]["exports"])


def check_flow_sentence(page: Page, summary: dict, flow_path: str) -> None:
    key, word = ("exports", "exportations") if flow_path == "exportations" else ("imports", "importations")
    sentence = f"Total des {word} : {format_millions_words(summary[key])}"
    text = page.get_by_test_id("stMain").inner_text()
    assert sentence in text, f"« {sentence} » absent de {page.url}"


def check_figures(page: Page, app_page: AppPage, summary: dict) -> None:
    if app_page.path == "":
        check_overview_figures(page, summary)
    elif app_page.path in ("exportations", "importations"):
        check_flow_sentence(page, summary, app_page.path)


def screenshot(page: Page, folder: Path, name: str, full_length: bool = True) -> Path:
    """Viewport 1400×1800 from the top of stMain; and the whole page (viewport stretched) for review."""
    main = page.get_by_test_id("stMain")
    main.evaluate("e => e.scrollTo(0, 0)")
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    if full_length:
        height = min(int(main.evaluate("e => e.scrollHeight")), 12_000)
        if height > VIEWPORT["height"]:
            page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
            page.wait_for_function(_DRAWN_JS, arg=0)
            page.wait_for_timeout(600)   # plotly relayouts after a resize (visual only, nothing asserted)
            main.evaluate("e => e.scrollTo(0, 0)")
            page.screenshot(path=str(folder / f"{name}_complet.png"))
            page.set_viewport_size(VIEWPORT)
            main.evaluate("e => e.scrollTo(0, 0)")
    return path


def dark_fraction(png: Path) -> float:
    image = Image.open(png).convert("RGB")
    colors = image.getcolors(image.width * image.height)
    dark = sum(count for count, rgb in colors if max(rgb) < 30)
    return dark / (image.width * image.height)


# ---------------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize("kind", list(TERRITORIES))
def test_shared_links_show_the_cli_figures(kind, page: Page, app_url, cli_summary, screenshots_dir, timings):
    """Each of the 5 pages opened from a shared link: drawn, same figures as the CLI, selection kept."""
    territory_id = TERRITORIES[kind]
    summary = cli_summary(territory_id, YEAR)
    if kind == "ti":
        assert len(summary["territory"]["departments"]) == 2, summary["territory"]
    for app_page in PAGES:
        start = time.perf_counter()
        page.goto(shared_link(app_url, app_page.path, territory_id, YEAR))
        wait_drawn(page, app_page, header_of(summary))
        timings[f"lien partagé → page dessinée | {territory_id} | /{app_page.path}"] = time.perf_counter() - start
        assert path_of(page) == app_page.path
        assert query_of(page) == {"territoire": territory_id, "annee": str(YEAR)}
        kind_shown, territory_shown, year_shown = sidebar_values(page)
        assert (territory_shown, year_shown) == (territory_label(summary), str(YEAR))
        check_figures(page, app_page, summary)
        if kind == "ti" and app_page.path in ("", "exportations"):
            expect(page.get_by_test_id("stMain")).to_contain_text("Données départementales")
        screenshot(page, screenshots_dir, f"{kind}_{app_page.slug}")


@pytest.mark.parametrize("territory_id", ["dep:04", "reg:93"])
def test_kpi_changes_point_the_right_way(territory_id, page: Page, app_url, cli_summary):
    """« sur un an » changes: a fall shows a down arrow, a rise an up arrow (the sign of the CLI figures)."""
    now, before = cli_summary(territory_id, YEAR), cli_summary(territory_id, YEAR - 1)
    page.goto(shared_link(app_url, "", territory_id, YEAR))
    wait_drawn(page, BY_PATH[""], header_of(now))
    wrong = []
    for label, key in (("Exportations", "exports"), ("Importations", "imports"), ("Solde commercial", "balance")):
        if now[key] == before[key]:
            continue
        card = page.get_by_test_id("stMetric").filter(
            has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        expected = "Up" if now[key] > before[key] else "Down"
        icon = card.locator('[data-testid^="stMetricDeltaIcon-"]')
        expect(icon).to_have_count(1)
        shown = icon.get_attribute("data-testid").rsplit("-", 1)[1]
        if shown != expected:
            wrong.append(f"{label} : « {card.get_by_test_id('stMetricDelta').inner_text().strip()} » "
                         f"affiché avec la flèche {shown}, attendu {expected}")
    assert not wrong, wrong


def test_sidebar_changes_follow_in_url_figures_and_pages(page: Page, app_url, cli_summary, screenshots_dir, timings):
    alpes, paris = cli_summary("dep:04", YEAR), cli_summary("dep:75", YEAR)
    page.goto(shared_link(app_url, "", "dep:04", YEAR))
    wait_drawn(page, BY_PATH[""], header_of(alpes))

    # Territory: type « 75 » in the « Territoire » box, pick « 75 – Paris ».
    start = time.perf_counter()
    choose(page, 1, "75 – Paris", typed="75")
    wait_drawn(page, BY_PATH[""], "Paris — 2024")
    timings["changement de territoire → page redessinée"] = time.perf_counter() - start
    assert query_of(page) == {"territoire": "dep:75", "annee": str(YEAR)}
    check_overview_figures(page, paris)
    assert metric_value(page, "Exportations") != format_amount(alpes["exports"])
    screenshot(page, screenshots_dir, "sidebar_paris_vue-ensemble", full_length=False)

    # The page links keep the selection (URL, sidebar, header).
    for app_page in PAGES[1:] + PAGES[:1]:
        start = time.perf_counter()
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=app_page.title).click()
        wait_drawn(page, app_page, "Paris — 2024")
        timings[f"lien de la barre latérale → page dessinée | /{app_page.path}"] = time.perf_counter() - start
        assert path_of(page) == app_page.path
        assert query_of(page) == {"territoire": "dep:75", "annee": str(YEAR)}
        assert sidebar_values(page) == ["Département", "75 – Paris", str(YEAR)]
        check_figures(page, app_page, paris)

    # Year: 2023 in the « Année » box; the figures follow, then survive a page switch.
    paris_2023 = cli_summary("dep:75", 2023)
    start = time.perf_counter()
    choose(page, 2, "2023")
    wait_drawn(page, BY_PATH[""], "Paris — 2023")
    timings["changement d'année → page redessinée"] = time.perf_counter() - start
    assert query_of(page) == {"territoire": "dep:75", "annee": "2023"}
    check_overview_figures(page, paris_2023)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Exportations").click()
    wait_drawn(page, BY_PATH["exportations"], "Paris — 2023")
    assert query_of(page) == {"territoire": "dep:75", "annee": "2023"}
    assert sidebar_values(page) == ["Département", "75 – Paris", "2023"]
    check_flow_sentence(page, paris_2023, "exportations")
    screenshot(page, screenshots_dir, "sidebar_paris-2023_exportations", full_length=False)


def test_png_and_excel_downloads_open(page: Page, app_url, cli_summary, downloads_dir, screenshots_dir, timings):
    summary = cli_summary("dep:04", YEAR)
    page.goto(shared_link(app_url, "exportations", "dep:04", YEAR))
    wait_drawn(page, BY_PATH["exportations"], header_of(summary))
    buttons = page.get_by_test_id("stDownloadButton")

    start = time.perf_counter()
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        buttons.filter(has_text="Télécharger l'image (PNG)").first.locator("button").click()
    download = info.value
    assert download.suggested_filename == "exportations_flux_dep-04_alpes-de-haute-provence_2024.png"
    png = downloads_dir / download.suggested_filename
    download.save_as(png)
    timings["clic → PNG reçu (Exportations)"] = time.perf_counter() - start
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(png).size == (3200, 1800)
    assert dark_fraction(png) < 0.05

    start = time.perf_counter()
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        buttons.filter(has_text="Télécharger le tableau (Excel)").first.locator("button").click()
    download = info.value
    assert download.suggested_filename == "exportations_flux_dep-04_alpes-de-haute-provence_2024.xlsx"
    xlsx = downloads_dir / download.suggested_filename
    download.save_as(xlsx)
    timings["clic → Excel reçu (Exportations)"] = time.perf_counter() - start
    sheet = load_workbook(xlsx).active
    header_row = int(re.sub(r"\D", "", sheet.freeze_panes)) - 1
    headers = [c.value for c in sheet[header_row]]
    assert {"Catégorie", "Libellé", "Valeur (€)", "Part du total"} <= set(headers), headers
    rows = [dict(zip(headers, (c.value for c in row))) for row in sheet.iter_rows(min_row=header_row + 1)]
    assert len(rows) >= 4
    for row in rows:
        for column in ("Valeur (€)", "Part du total"):
            assert isinstance(row[column], (int, float)) and not isinstance(row[column], bool), (column, row)
    products = sum(r["Valeur (€)"] for r in rows if r["Catégorie"] == "Produit")
    assert products == pytest.approx(summary["exports"], rel=1e-6)
    assert sum(r["Part du total"] for r in rows if r["Catégorie"] == "Produit") == pytest.approx(1, abs=1e-6)
    assert_no_exception(page)
    screenshot(page, screenshots_dir, "telechargements_exportations", full_length=False)


@pytest.mark.parametrize("path", ["", "importations"])
def test_malformed_link_warns_in_french_and_shows_the_default(path, page: Page, app_url, cli_summary,
                                                             screenshots_dir):
    default = cli_summary("dep:04", None)          # the app's default territory, latest year
    page.goto(f"{app_url}/{path}?territoire={quote('<script>x</script>')}&annee=1900")
    wait_drawn(page, BY_PATH[path], header_of(default))
    alerts = page.get_by_test_id("stAlert")
    expect(alerts.filter(has_text="Paramètre « territoire » de l'adresse non reconnu")).to_have_count(1)
    expect(alerts.filter(has_text="Paramètre « annee » de l'adresse non valable")).to_have_count(1)
    assert not page.evaluate("() => [...document.scripts].some(s => s.textContent.trim() === 'x')")
    assert query_of(page) == {"territoire": "dep:04", "annee": str(default["year"])}
    assert sidebar_values(page)[1:] == ["04 – Alpes-de-Haute-Provence", str(default["year"])]
    screenshot(page, screenshots_dir, f"adresse-invalide_{BY_PATH[path].slug}", full_length=False)
    for app_page in PAGES:
        if app_page.path == path:
            continue
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=app_page.title).click()
        wait_drawn(page, app_page, header_of(default))
        assert query_of(page) == {"territoire": "dep:04", "annee": str(default["year"])}
