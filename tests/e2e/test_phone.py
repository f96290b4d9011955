"""Issue 22, item 4, in a real browser: the overview, the flow pages, the map, « Un pays » and the tariff page read
on a phone (390 × 844),
with the take-away files' text checks (tests/render_check.py) run on the live page's charts; the comparison
table whole at 1 440 px; the « Par pays » indicator keeps its choice when the country changes.

Run: ``.venv/bin/pytest -W ignore::pytest.PytestRemovedIn10Warning tests/e2e/test_phone.py``.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import CHROMIUM_AVAILABLE, SKIP_REASON

if not CHROMIUM_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from lib.data.reference.countries import country_name  # noqa: E402
from tests.e2e.test_browser import DRAW_TIMEOUT_MS, assert_no_exception  # noqa: E402
from tests.render_check import MEASURE_DRAWN_JS, Drawn, problems_in  # noqa: E402

PHONE = {"width": 390, "height": 844}
MIN_SCREEN_TEXT_PX = 11        # a chart's text on a phone; plotly shrank the trend's amounts to 9 px
SHRUNK_IN_TILES = ("tuile",)   # treemap labels: plotly fits them in their tile (render_check's rule)

# The page has finished its run and every chart it shows is drawn (hidden ones, e.g. the Sankey on a
# phone, are not waited for).
_SETTLED_JS = """(minCharts) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.querySelector('[data-stale="true"]')) return false;
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(c => c.offsetParent !== null);
  return charts.length >= minCharts && charts.every(c => c.querySelector('.main-svg'));
}"""

# plotly's toolbar, when some of its buttons can be seen: its box in the chart's coordinates.
_TOOLBAR_JS = """(gd) => {
  const bar = gd.querySelector('.modebar');
  if (!bar || !bar.checkVisibility() ||
      ![...bar.querySelectorAll('.modebar-group')].some(g => g.checkVisibility({opacityProperty: true}))) return null;
  const o = gd.getBoundingClientRect(), r = bar.getBoundingClientRect();
  return {x0: r.left - o.left, y0: r.top - o.top, x1: r.right - o.left, y1: r.bottom - o.top};
}"""


def live_chart_problems(page: Page) -> list[str]:
    """render_check's problems for every chart the page shows, measured where it is drawn, after a pointer
    rested on it (a touch on a phone is a lasting hover); plus the toolbar over a text and text too small."""
    problems = []
    charts = [c for c in page.locator('[data-testid="stMain"] .js-plotly-plot').all() if c.is_visible()]
    for number, chart in enumerate(charts, start=1):
        chart.scroll_into_view_if_needed()
        chart.hover(position={"x": 4, "y": 4})
        page.wait_for_timeout(300)
        width, height = chart.evaluate("g => [g.getBoundingClientRect().width, g.getBoundingClientRect().height]")
        drawn = Drawn(**chart.evaluate(MEASURE_DRAWN_JS))
        found = problems_in(drawn, width, height)
        toolbar = chart.evaluate(_TOOLBAR_JS)
        for text in drawn.texts:
            if toolbar and min(text["x1"], toolbar["x1"]) - max(text["x0"], toolbar["x0"]) > 1 \
                    and min(text["y1"], toolbar["y1"]) - max(text["y0"], toolbar["y0"]) > 1:
                found.append(f"barre d'outils sur « {text['text']} » ({text['role']})")
            if text["role"] not in SHRUNK_IN_TILES and text["size"] < MIN_SCREEN_TEXT_PX - 0.05:
                found.append(f"trop petit : « {text['text']} » ({text['role']}) à {text['size']:.1f} px")
        problems += [f"graphique {number} : {problem}" for problem in found]
    return problems


def horizontal_overflow(page: Page) -> list[str]:
    """Elements of the page wider than the screen (a table scrolling inside its own box is fine)."""
    return page.evaluate("""() => {
      const width = window.innerWidth, out = [];
      if (document.documentElement.scrollWidth > width) out.push(`page : ${document.documentElement.scrollWidth} px`);
      const main = document.querySelector('[data-testid="stMain"]');
      if (main.scrollWidth > main.clientWidth) out.push(`zone principale : ${main.scrollWidth} px`);
      return out;
    }""")


@pytest.fixture
def phone(browser: Browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    yield context.new_page()
    context.close()


def _open(page: Page, url: str, marker: str, charts: int = 0) -> None:
    page.goto(url)
    expect(page.get_by_test_id("stMain").get_by_text(marker, exact=False).first).to_be_visible(
        timeout=DRAW_TIMEOUT_MS)
    page.wait_for_function(_SETTLED_JS, arg=charts, timeout=DRAW_TIMEOUT_MS)
    page.wait_for_timeout(800)            # plotly's last relayout after the fonts settle
    assert_no_exception(page)


@pytest.mark.parametrize("path, territory, marker, charts", [
    ("", "dep:04", "Principales activités", 3), ("", "ti:TI-DEMO-001", "Principales activités", 3),
    ("exportations", "dep:04", "Tableau des flux", 0), ("importations", "reg:93", "Tableau des flux", 0),
    ("carte", "dep:04", "Ouvrir un département", 1), ("un-pays", "dep:13", "Chaque ligne est la valeur", 1),
    ("droits-de-douane", "dep:13", "Le territoire, sa région et la France", 2)])
def test_pages_read_on_a_phone(path, territory, marker, charts, phone: Page, app_url, screenshots_dir):
    _open(phone, f"{app_url}/{path}?territoire={territory}&annee=2024", marker, charts)
    expect(phone.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")   # closed at first
    shown = [c for c in phone.locator('[data-testid="stMain"] .js-plotly-plot').all() if c.is_visible()]
    assert len(shown) == charts
    assert horizontal_overflow(phone) == []
    assert live_chart_problems(phone) == []
    phone.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    phone.screenshot(path=str(screenshots_dir / f"telephone_{path or 'vue-ensemble'}_{territory.replace(':', '-')}.png"))


def test_flow_page_shows_the_sankey_as_lists_on_a_phone_and_as_a_diagram_wider(phone: Page, app_url, cli_summary):
    url = f"{app_url}/exportations?territoire=dep:04&annee=2024"
    _open(phone, url, "Tableau des flux")
    lists = phone.locator(".cet-flow-list")
    expect(lists).to_be_visible()
    assert phone.locator('[data-testid="stMain"] .sankey').first.is_visible() is False
    countries = cli_summary("dep:04")["export_flows"]["countries"]        # top 10 and « AUTRES »
    shown = [line.split("\n")[0] for line in lists.locator("ul").nth(1).locator("li").all_inner_texts()]
    assert len(shown) == len(countries) and shown[0] == country_name(countries[0]["code"])
    assert lists.locator("ol li").count() == 5          # the five largest flows, as the Sankey's red bands
    phone.set_viewport_size({"width": 1024, "height": 768})
    expect(phone.locator('[data-testid="stMain"] .sankey').first).to_be_visible(timeout=DRAW_TIMEOUT_MS)
    expect(lists).to_be_hidden()


@pytest.mark.parametrize("path", ["comparaison", "droits-de-douane"])
def test_territory_region_france_table_is_whole_at_1440(path, page: Page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    _open(page, f"{app_url}/{path}?territoire=dep:04&annee=2024", "Le territoire, sa région et la France")
    table = page.get_by_test_id("stMain").get_by_test_id("stTable").first
    table.scroll_into_view_if_needed()
    widths = table.evaluate("e => [e.querySelector('table').getBoundingClientRect().width, e.clientWidth]")
    assert widths[0] <= widths[1] + 1, widths
    assert table.locator("th").last.is_visible()


def test_country_explorer_indicator_keeps_its_choice_when_the_country_changes(page: Page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    _open(page, f"{app_url}/par-pays?territoire=dep:04&annee=2024", "Évolution en France", 2)
    radio = page.get_by_test_id("stRadio").filter(has_text="Indicateur")
    radio.get_by_text("Importations", exact=True).click()
    expect(page).to_have_url(re.compile(r"carte=importations"), timeout=DRAW_TIMEOUT_MS)
    box = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text="Pays partenaire")
    box.click()
    page.keyboard.type("Espagne")
    page.get_by_role("option").filter(has_text="Espagne").first.click()
    expect(page).to_have_url(re.compile(r"pays=ES"), timeout=DRAW_TIMEOUT_MS)
    page.wait_for_function(_SETTLED_JS, arg=2, timeout=DRAW_TIMEOUT_MS)
    checked = radio.evaluate("e => [...e.querySelectorAll('input')].filter(i => i.checked)"
                             ".map(i => i.closest('label').innerText.trim())")
    assert checked == ["Importations"]
    expect(page.get_by_test_id("stMain").get_by_text("Importations en provenance de l'Espagne").first).to_be_visible()
