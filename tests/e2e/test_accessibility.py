"""Accessibility (RGAA is binding on State services): axe-core on every page for dep:04, chart text
alternatives, every download reached with the keyboard.

axe-core is the npm package pinned in ``scripts/axe/package.json``, installed by ``make test``
(``npm install --prefix scripts/axe``); the test skips with a French reason when it is absent.
Rules: WCAG 2.0/2.1 A and AA tags; serious and critical violations fail the test.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM_AVAILABLE, PROJECT_DIR, SKIP_REASON
from tests.e2e.test_browser import PAGES, wait_drawn

if not CHROMIUM_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import Page  # noqa: E402

AXE = PROJECT_DIR / "scripts" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
HEADER = "Alpes-de-Haute-Provence — 2024"
QUERY = "?territoire=dep:04&annee=2024"
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
                                                                      'wcag21aa']}});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}) : ` + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — '
      + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).join(' | '));
}"""
# the page's own CSS and naming script have run (lib.ui.accessibility)
READY = """() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('sr-only-description'))
  && [...document.querySelectorAll('p.sr-only-description')].every(p =>
       document.querySelector(`[aria-describedby="${p.id}"]`))"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip("axe-core absent (scripts/axe) : lancez « make test » ou « npm install --prefix scripts/axe »")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("app_page", PAGES, ids=[p.path or "vue-ensemble" for p in PAGES])
def test_no_serious_or_critical_axe_violation(app_page, page: Page, app_url, axe_source):
    page.goto(f"{app_url}/{app_page.path}{QUERY}")
    wait_drawn(page, app_page, HEADER)
    page.wait_for_function(READY, timeout=30_000)
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(RUN_AXE)
    assert not violations, f"/{app_page.path} :\n" + "\n".join(violations)


def test_every_chart_has_a_text_alternative_from_its_figures(page: Page, app_url):
    app_page = PAGES[1]                       # Exportations: the Sankey
    page.goto(f"{app_url}/{app_page.path}{QUERY}")
    wait_drawn(page, app_page, HEADER)
    page.wait_for_function(READY, timeout=30_000)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() >= 1
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "figure"
        description = page.locator(f'#{chart.get_attribute("aria-describedby")}').text_content()
        assert description.startswith("Graphique « ") and description.endswith(".")
    first = page.locator(f'#{charts.first.get_attribute("aria-describedby")}').text_content()
    assert "le plus gros flux relie « Savons, parfums, entretien » à « Italie »" in first


@pytest.mark.parametrize("app_page", [PAGES[0], PAGES[1]], ids=["vue-ensemble", "exportations"])
def test_the_keyboard_reaches_every_download(app_page, page: Page, app_url):
    page.goto(f"{app_url}/{app_page.path}{QUERY}")
    wait_drawn(page, app_page, HEADER)
    # visible buttons only (Streamlit keeps a hidden copy of the sidebar's buttons)
    total = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stDownloadButton\"] button')]"
                          ".filter(b => b.offsetParent !== null)"
                          ".map((b, i) => b.setAttribute('data-dl', String(i))).length")
    assert total >= 4
    reached = set()
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); window.focus(); }")
    for _ in range(600):
        page.keyboard.press("Tab")
        mark = page.evaluate("() => document.activeElement && document.activeElement.getAttribute('data-dl')")
        if mark is not None:
            reached.add(mark)
            if len(reached) == total:
                break
    assert len(reached) == total, f"{total - len(reached)} téléchargement(s) hors d'atteinte du clavier"
