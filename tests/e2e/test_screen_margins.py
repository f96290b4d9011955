"""Issue 22, item 1: the margins lib/ui/screen_margins gives a chart's labels up front are the ones plotly's
automargin would have taken: never less (plotly would draw the chart a second time), at most a few pixels more
(the picture would move). tests/e2e/test_draws.py counts the drawings. Measured in Chromium on every chart of the
overview whose labels the figure names, for a département and a region (longer country names), at two widths."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import CHROMIUM_AVAILABLE, SKIP_REASON

if not CHROMIUM_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import Browser  # noqa: E402

from lib.ui.screen_margins import axis_depths, settled_depths  # noqa: E402
from tests.e2e.test_browser import BY_PATH, wait_drawn  # noqa: E402

SPARE_PX = 4        # room given beyond what the labels take, at most
TITLE_SLACK_PX = 4  # plotly's own estimate of an axis title's depth exceeds the title's box by about 3,7 px

# For each chart: its margins as given, as drawn, the paper's size, and where its tick labels (and title) reach
# on the paper (left edge of the left axis' labels, bottom edge of the bottom axis' labels), axis by axis.
_MEASURE_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const fl = gd._fullLayout, paper = gd.querySelector('.main-svg').getBoundingClientRect();
  const reach = {};
  for (const name of Object.keys(fl)) {
    if (!/^[xy]axis\\d*$/.test(name) || !fl[name].visible || !fl[name].showticklabels) continue;
    const ax = fl[name], texts = [...gd.querySelectorAll('g.' + ax._id + 'tick text')];
    if (!texts.length) continue;
    const title = gd.querySelector('text.' + ax._id + 'title');       // its title, beyond its labels
    const titled = !!(title && title.textContent);
    if (titled) texts.push(title);
    const boxes = texts.map(t => t.getBoundingClientRect());
    if (ax.side === 'left') reach[name] = {side: 'l', titled, edge: Math.min(...boxes.map(b => b.left)) - paper.left};
    if (ax.side === 'bottom') reach[name] = {side: 'b', titled,
                                             edge: paper.bottom - Math.max(...boxes.map(b => b.bottom))};
  }
  return {layout: JSON.parse(JSON.stringify(gd.layout)),
          data: gd.data.map(t => ({type: t.type, x: t.x, y: t.y, xaxis: t.xaxis, yaxis: t.yaxis})), given: gd.layout.margin, drawn: {l: fl._size.l, b: fl._size.b}, pad: Math.min(12, fl.margin.l, fl.margin.r,
          fl.margin.t, fl.margin.b), reach, kind: gd.data[0].type};
})"""


def _checked_margins(page) -> int:
    """Asserts every computed margin of the page's charts; returns how many were checked."""
    checked = 0
    for index, chart in enumerate(page.evaluate(_MEASURE_JS)):
        measured = axis_depths(chart["layout"], chart["data"])          # the axes whose labels' room was computed…
        settled = set(settled_depths(chart["layout"], chart["data"]))   # …and the sides given up front
        for name, label in chart["reach"].items():
            side, given = label["side"], chart["given"].get(label["side"])
            slack = SPARE_PX + (TITLE_SLACK_PX if label["titled"] else 0)
            if name not in measured or side not in settled or given > measured[name][1] + chart["pad"] + slack:
                continue                                  # left to plotly, or the figure's own wider margin
            checked += 1
            # what the labels take, from the plot area's edge (plotly may have widened this margin for
            # something else, a legend wrapped on more lines at 1 024 px: the labels moved with the plot)
            taken = chart["drawn"][side] - label["edge"]
            spare = given - chart["pad"] - taken
            where = f"graphique {index + 1} ({chart['kind']}), {name}"
            assert spare >= -0.5, f"{where} : il manque {-spare:.1f} px aux libellés (second dessin)"
            assert spare <= slack, f"{where} : {spare:.1f} px de plus que les libellés"
    return checked


@pytest.mark.parametrize("territory, header", [("dep:13", "Bouches-du-Rhône — 2024"),
                                               ("reg:84", "Auvergne-Rhône-Alpes — 2024")])
@pytest.mark.parametrize("width", [1440, 1024])
def test_margins_given_up_front_are_the_ones_plotly_takes(territory, header, width, browser: Browser, app_url):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/?territoire={territory}&annee=2024")
        wait_drawn(page, BY_PATH[""], header)
        page.wait_for_timeout(500)
        # the overview's two bar charts: the years' lines and the countries
        assert _checked_margins(page) >= 3
    finally:
        context.close()


@pytest.mark.parametrize("path, at_least", [("exposition", 3), ("comparaison", 1), ("par-pays", 2)])
def test_other_pages_margins_too(path, at_least, browser: Browser, app_url):
    """Product names (with or without the axis' suffix), amounts and countries on other pages."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{path}?territoire=dep:13&annee=2024")
        wait_drawn(page, BY_PATH[path], "Bouches-du-Rhône — 2024")
        page.wait_for_timeout(1000)
        assert _checked_margins(page) >= at_least
    finally:
        context.close()


_SHOWN_X_LABELS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const paper = gd.querySelector('.main-svg').getBoundingClientRect();
  const shown = [...gd.querySelectorAll('g.xtick text')].filter(t => {
    const box = t.getBoundingClientRect();
    return getComputedStyle(t).display !== 'none' && t.textContent && box.left >= paper.left - 0.5
      && box.right <= paper.right + 0.5;
  });
  const ax = gd.layout.xaxis || {};
  return {named: ax.tickvals && ax.ticktext && ax.range ? ax.tickvals.filter(v => typeof v === 'number'
            && v >= Math.min(...ax.range) && v <= Math.max(...ax.range)).length : null, shown: shown.length};
})"""


@pytest.mark.parametrize("path", ["exposition", "comparaison", ""])
def test_on_a_phone_no_named_label_is_lost(path, browser: Browser, app_url):
    """Drawn first at its final, narrow width, a chart lost « 100 % » past its edge (plotly hides it and gives
    it no room); every label a figure names stays shown whole on a 390 px phone."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{path}?territoire=dep:13&annee=2024")
        wait_drawn(page, BY_PATH[path], "Bouches-du-Rhône — 2024")
        page.wait_for_timeout(1000)
        counts = page.evaluate(_SHOWN_X_LABELS_JS)
        assert any(c["named"] for c in counts), counts
        for index, count in enumerate(counts):
            if count["named"]:
                assert count["shown"] == count["named"], f"graphique {index + 1} : {count}"
    finally:
        context.close()


def test_category_labels_named_by_the_traces_get_their_margin_up_front(browser: Browser, app_url):
    """« Droits de douane » : products and départements on a category axis without a category list."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/droits-de-douane?territoire=dep:13&annee=2024")
        wait_drawn(page, BY_PATH["droits-de-douane"], "Bouches-du-Rhône — 2024")
        page.wait_for_timeout(500)
        assert _checked_margins(page) >= 2          # both charts' category axes (on screen, no value axis)
    finally:
        context.close()
