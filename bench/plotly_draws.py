"""How many times plotly draws each chart: `python -m bench.plotly_draws [--rounds 5] [--port 8750]`, or on
every page: `python -m bench.plotly_draws --every-page [--before ../wt-main] [--territory dep:13]`.

In headless Chromium (Playwright), an init script counts, per chart, plotly's full draws (`_doPlot`, seen through
its `plotly_beforeplot` hook, an auto-margin redraw included) and times each `Plotly.react` call Streamlit makes
(its synchronous part, where the drawing happens). Measured on a first load and on page switches, for:

- the app's « Vue d'ensemble » (from « Exportations »);
- a bare Streamlit page with one bar chart, as `st.plotly_chart` draws it by default, and with the three
  things that remove the extra draws (no Streamlit theme, no plotly template in the figure, a fixed
  `layout.datarevision`).

Why a chart is drawn more than once (Streamlit 1.67, its plotly.js 4.2; read in
streamlit/static/static/js/PlotlyChart.*.js): the chart mounts before its frame is measured (width -1), so the
first `Plotly.react` has no `layout.width` (plotly autosizes); a mount effect then re-themes the figure through a
JSON copy and the measured width is set, and the second `Plotly.react` gets new objects. plotly's react compares
`layout.template` (valType any, editType calc) and, without `layout.datarevision`, data arrays by identity:
a full redraw. A treemap is redrawn even without those: its drawing writes `marker.color` into plotly's
full data (src/traces/sunburst/fill_one.js), a `calc` change for the next react. Cartesian charts also
redraw once inside the first draw (the theme's axis automargin). The plotly `config` (« Plein écran »
button included) is the same object in both calls: it is not the cause.

Prints medians; the three are measured one after the other (counts compare; times only roughly, on a shared
machine). A measure, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.local_server import StreamlitServer
from bench.page_compute import median
from bench.perceived_speed import _DRAWN_JS, CHROMIUM, CHROMIUM_ARGS, SHARED_LINK, VIEWPORT

BARE_APP = '''"""Page of bench.plotly_draws: one bar chart, as Streamlit draws it by default, or drawn once."""
import plotly.graph_objects as go
import streamlit as st


def source():
    st.title("Source")


def chart(name, single):
    def draw():
        st.title(name)
        fig = go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2]))
        if single:
            fig.layout.template = None
            fig.update_layout(datarevision="1")
        st.plotly_chart(fig, theme=None if single else "streamlit")
    return draw


st.navigation([st.Page(source, title="Source", default=True),
               st.Page(chart("Par défaut", False), title="Par défaut", url_path="defaut"),
               st.Page(chart("Un seul dessin", True), title="Un seul dessin", url_path="un")]).run()
'''

# Counts every full draw (plotly_beforeplot, emitted by _doPlot only) and times every Plotly.react, per chart
# (index among the page's charts). Plotly is caught as the bundle assigns window.Plotly; a graph div's event
# hooks as plotly's Events.init assigns gd.emit (after gd._ev), again after each purge.
DRAW_PROBE_JS = """(() => {
  const log = window.__draws = [];
  const index = gd => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .indexOf(gd.closest('[data-testid="stPlotlyChart"]'));
  Object.defineProperty(HTMLElement.prototype, 'emit', {
    configurable: true,
    get() { return undefined; },
    set(fn) {
      const gd = this;
      if (gd._ev && gd._ev.on) {
        const seen = new WeakSet();   // plotly.react re-adds the listeners it saved: count each draw once
        gd._ev.on('plotly_beforeplot', args => {
          if (args && typeof args === 'object') { if (seen.has(args)) return; seen.add(args); }
          log.push({ev: 'draw', chart: index(gd)});
          gd.__draws = (gd.__draws || 0) + 1;      // per chart, whatever mounts above it meanwhile
        });
      }
      Object.defineProperty(gd, 'emit', {configurable: true, writable: true, value: fn});
    },
  });
  let plotly;
  Object.defineProperty(window, 'Plotly', {configurable: true, get() { return plotly; }, set(value) {
    plotly = value;
    const react = value.react;
    value.react = function (gd) {
      const start = performance.now();
      const result = react.apply(this, arguments);
      log.push({ev: 'react', chart: index(gd), ms: performance.now() - start});
      return result;
    };
  }});
})();"""


def _take(page, charts: int) -> dict[str, float]:
    page.wait_for_timeout(1500)            # a late redraw (fonts, resize) would come now
    log = page.evaluate("() => window.__draws.splice(0)")
    row: dict[str, float] = {}
    for chart in range(charts):
        reacts = [e["ms"] for e in log if e["ev"] == "react" and e["chart"] == chart]
        row[f"graphique {chart + 1} : dessins complets"] = sum(e["ev"] == "draw" and e["chart"] == chart for e in log)
        row[f"graphique {chart + 1} : appels Plotly.react"] = len(reacts)
        for n, ms in enumerate(reacts[:2], start=1):
            row[f"graphique {chart + 1} : Plotly.react n° {n} (ms)"] = ms
    return row


def measure(browser, url: str, source: str, target: tuple[str, int], rounds: int) -> dict[str, list[dict]]:
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    context.add_init_script(DRAW_PROBE_JS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"] h1')", timeout=120_000)
    rows: dict[str, list[dict]] = defaultdict(list)
    if source == "":       # the landing page is the target: its first load
        page.wait_for_function(_DRAWN_JS, arg=list(target), timeout=120_000)
        rows["premier chargement"].append(_take(page, target[1]))
        source = "Exportations"
    nav = page.get_by_test_id("stSidebarNav")
    for _ in range(rounds):
        nav.get_by_role("link", name=source, exact=True).click()
        page.wait_for_function(_DRAWN_JS, arg=[source, 0], timeout=120_000)
        page.wait_for_timeout(800)
        page.evaluate("() => window.__draws.splice(0)")
        before = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        nav.get_by_role("link", name=target[0], exact=True).click()
        page.wait_for_function(_DRAWN_JS, arg=list(target), timeout=120_000)
        row = _take(page, target[1])
        after = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        row["navigateur : toutes les tâches (ms)"] = (after["TaskDuration"] - before["TaskDuration"]) * 1000
        rows["changement de page"].append(row)
    context.close()
    return rows


def report(name: str, rows: list[dict]) -> None:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    print(f"\n{name} — médiane de {len(rows)}")
    for key in keys:
        values = [row[key] for row in rows if key in row]
        print(f"  {key:<44} {median(values):>8.1f}   (min {min(values):.0f}, max {max(values):.0f})")


_COUNTS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
  .map(gd => [gd.data.map(t => t.type).join('+'), gd.__draws || 0])"""


def every_page(browser, url: str, territory: str) -> list[tuple[str, list]]:
    """Each page opened in a new tab: (page, [(trace types, full draws)] per chart)."""
    from bench.chart_pixels import _SETTLED_JS, PAGES
    found = []
    for path in PAGES:
        context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
        context.add_init_script(DRAW_PROBE_JS)
        page = context.new_page()
        page.goto(f"{url}/{path}?territoire={territory}&annee=2024")
        page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"] h1')", timeout=120_000)
        page.wait_for_function(_SETTLED_JS, timeout=120_000)
        page.wait_for_timeout(2500)            # a late redraw would come now
        found.append((path or "/", page.evaluate(_COUNTS_JS)))
        context.close()
    return found


def report_every_page(name: str, found: list[tuple[str, list]]) -> None:
    tally: dict[int, int] = defaultdict(int)
    print(f"\n{name} — dessins complets de chaque graphique, page ouverte dans un nouvel onglet")
    for path, charts in found:
        print(f"  {path:<18} " + "  ".join(f"{kinds} : {draws}" for kinds, draws in charts))
        for _, draws in charts:
            tally[draws] += 1
    print("  graphiques par nombre de dessins : " + ", ".join(f"{n} dessin(s) : {tally[n]}" for n in sorted(tally)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Combien de fois plotly dessine chaque graphique.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, help="premier de deux ports (sinon : ports libres)")
    parser.add_argument("--every-page", action="store_true",
                        help="chaque page de l'application, chaque graphique (avec --before : deux copies)")
    parser.add_argument("--before", type=Path, help="avec --every-page : une autre copie de l'application")
    parser.add_argument("--territory", default="dep:13", help="avec --every-page (défaut dep:13)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    if args.every_page:
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
            copies = {"application": None, **({"avant": args.before} if args.before else {})}
            urls = {name: stack.enter_context(StreamlitServer(Path(tmp) / f"{name}.log", env={"CET_PRECOMPUTE": "0"},
                                                              project_dir=folder)).url
                    for name, folder in copies.items()}
            browser = stack.enter_context(sync_playwright()).chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for name, url in urls.items():
                report_every_page(f"{name}, {args.territory}", every_page(browser, url, args.territory))
        return 0

    print(f"Charge (1 min) : {os.getloadavg()[0]:.2f}".replace(".", ","))
    ports = (args.port, args.port + 1) if args.port else (None, None)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        app = stack.enter_context(StreamlitServer(Path(tmp) / "app.log", port=ports[0], env={"CET_PRECOMPUTE": "0"}))
        floor = stack.enter_context(StreamlitServer(Path(tmp) / "bare.log", port=ports[1], script=bare,  # app's theme
                                                    extra_args=["--client.showSidebarNavigation", "true"]))
        browser = stack.enter_context(sync_playwright()).chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        results = {
            "Vue d'ensemble": measure(browser, app.url + SHARED_LINK, "", ("Vue d'ensemble", 3), args.rounds),
            "page nue, par défaut": measure(browser, floor.url, "Source", ("Par défaut", 1), args.rounds),
            "page nue, sans thème ni modèle, datarevision": measure(browser, floor.url, "Source",
                                                                    ("Un seul dessin", 1), args.rounds),
        }
        browser.close()
    for name, kinds in results.items():
        for kind, rows in kinds.items():
            report(f"{name}, {kind}", rows)
    print(f"\nCharge (1 min) : {os.getloadavg()[0]:.2f}".replace(".", ","))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
