"""Issue 22, item 1: with Streamlit's look written into the figures (lib/ui/screen_theme), treemaps and Sankey
diagrams are drawn once by plotly, and so are bar charts whose labels get their margins up front
(lib/ui/screen_margins; before, plotly redrew them for the axes' automatic margins), and so are the tile maps
(drawn twice with Streamlit's theme), as the page opens and when
the page is left and opened again; with Streamlit's theme they were drawn two or three times. Counted with
bench.plotly_draws' probe (plotly's own `plotly_beforeplot`)."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import CHROMIUM_AVAILABLE, SKIP_REASON

if not CHROMIUM_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import Browser  # noqa: E402

from bench.plotly_draws import DRAW_PROBE_JS  # noqa: E402
from tests.e2e.test_browser import BY_PATH, wait_drawn  # noqa: E402

_KINDS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .map(c => { const gd = c.querySelector('.js-plotly-plot'); return gd && gd.data ? gd.data[0].type : null; })"""


def _draws(page) -> dict[int, int]:
    """Drawings of each chart shown, counted on its own element: a chart's place among the page's charts can
    change while the page builds (a chart mounted above it later), which misattributed drawings on a loaded
    machine (CI: « {0: 2} », the second chart's drawing counted for the first)."""
    page.wait_for_timeout(1500)            # a late redraw would come now
    counts = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
      .map(c => { const gd = c.querySelector('.js-plotly-plot'); return gd ? gd.__draws || 0 : 0; })""")
    return {index: count for index, count in enumerate(counts) if count}


def _too_many(kinds: list[str], counts: dict[int, int], most: dict[str, int]) -> list[str]:
    """The charts of a kind in `most` drawn more often than allowed there (or never)."""
    return [f"{kind} n° {index} dessiné {counts.get(index)} fois" for index, kind in enumerate(kinds)
            if kind in most and counts.get(index) not in range(1, most[kind] + 1)]


@pytest.mark.parametrize("path, most", [("", {"treemap": 1, "bar": 1}), ("exportations", {"sankey": 1}),
                                        ("carte", {"scatter": 1}), ("par-pays", {"scatter": 1}),
                                        ("droits-de-douane", {"bar": 1})])
def test_charts_are_drawn_once_or_twice(path, most, browser: Browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    context.add_init_script(DRAW_PROBE_JS)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{path}?territoire=dep:13&annee=2024")
        wait_drawn(page, BY_PATH[path], "Bouches-du-Rhône — 2024")
        kinds = page.evaluate(_KINDS_JS)
        assert set(most) <= set(kinds), kinds
        counts = _draws(page)
        assert not _too_many(kinds, counts, most), counts
        assert all(counts.get(i, 0) >= 1 for i in range(len(kinds))), counts     # the others are drawn too
        # leaving the page and coming back: drawn once again, not twice
        nav = page.get_by_test_id("stSidebarNav")
        nav.get_by_role("link", name="À propos des données", exact=True).click()
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length === 0")
        page.evaluate("() => window.__draws.splice(0)")
        nav.get_by_role("link", name=BY_PATH[path].title, exact=True).click()
        wait_drawn(page, BY_PATH[path], "Bouches-du-Rhône — 2024")
        counts = _draws(page)
        assert not _too_many(page.evaluate(_KINDS_JS), counts, most), f"retour : {counts}"
    finally:
        context.close()
