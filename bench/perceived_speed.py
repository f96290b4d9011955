"""Speed as a person perceives it: `python -m bench.perceived_speed [--loads 5] [--switches 3]`.

Two servers in the same run on this machine: the app (`python -m lib.ui.server`) and a floor, a bare
Streamlit app of two pages with one plotly chart each (the least any Streamlit page with a chart costs).
Both warmed by one visit, then, in headless Chromium (Playwright, Debian's chromium):

- first load of a shared link in a new tab (empty browser cache), until every chart of the page is drawn;
- page switch through the sidebar until the new page's charts are all drawn (p50, p95);
- where the browser's time goes during a first load (CDP ``Performance.getMetrics``: script, layout, style
  recalculation, all tasks).

Prints one French table with the ratios to the floor and the machine's load (this machine is shared:
compare ratios of one run, not seconds of different runs). Nothing is asserted: measures, not tests.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.local_server import StreamlitServer
from bench.page_compute import median, percentile

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1440, "height": 900}
SHARED_LINK = "/?territoire=dep:04&annee=2024"
# (sidebar title, charts drawn at 1 440 px) of the pages a switch visits, in turn
APP_PAGES = [("Exportations", 1), ("Importations", 1), ("Carte de France", 1), ("Vue d'ensemble", 3)]
FLOOR_PAGES = [("Page B", 1), ("Page A", 1)]
CDP_METRICS = {"ScriptDuration": "scripts", "LayoutDuration": "mise en page", "RecalcStyleDuration": "styles",
               "TaskDuration": "toutes les tâches"}

FLOOR_APP = '''"""Floor of bench.perceived_speed: two bare pages, one plotly chart each."""
import plotly.graph_objects as go
import streamlit as st


def page(name):
    def draw():
        st.title(name)
        st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])))
    return draw


st.navigation([st.Page(page("Page A"), title="Page A", default=True),
               st.Page(page("Page B"), title="Page B", url_path="b")]).run()
'''

# The page has finished its run (no status widget, nothing stale), shows `title`, and its charts are drawn.
_DRAWN_JS = """([title, charts]) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.querySelector('[data-stale="true"]')) return false;
  const h1 = main.querySelector('h1');
  if (!h1 || h1.innerText.trim() !== title) return false;
  const drawn = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(c => c.offsetParent !== null);
  return drawn.length >= charts && drawn.every(c => c.querySelector('.main-svg'));
}"""


def first_load(browser, url: str, title: str, charts: int) -> tuple[float, dict[str, float]]:
    """Seconds from the request to every chart drawn in a new tab, and the CDP durations of that load."""
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(_DRAWN_JS, arg=[title, charts], timeout=120_000, polling="raf")
    seconds = time.perf_counter() - started
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    context.close()
    return seconds, {name: metrics.get(name, float("nan")) for name in CDP_METRICS}


def page_switches(browser, url: str, home: tuple[str, int], pages: list[tuple[str, int]], rounds: int) -> list[float]:
    """Seconds from a click on a sidebar link to that page's charts drawn, `rounds` times round `pages`."""
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(_DRAWN_JS, arg=list(home), timeout=120_000)
    times = []
    for _ in range(rounds):
        for title, charts in pages:
            link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
            started = time.perf_counter()
            link.click()
            page.wait_for_function(_DRAWN_JS, arg=[title, charts], timeout=120_000, polling="raf")
            times.append(time.perf_counter() - started)
    context.close()
    return times


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s".replace(".", ",")


def _ratio(app: float, floor: float) -> str:
    return f"{app / floor:.2f}×".replace(".", ",") if floor > 0 else "–"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vitesse perçue : premier chargement et changement de page, "
                                                 "face à une page Streamlit nue.")
    parser.add_argument("--loads", type=int, default=5, help="premiers chargements par serveur (défaut 5)")
    parser.add_argument("--switches", type=int, default=3, help="tours des pages (défaut 3)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"Chromium absent ({CHROMIUM}) : installez-le avec « apt-get install chromium ».")
        return 1
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        floor_script = Path(tmp) / "floor_app.py"
        floor_script.write_text(FLOOR_APP, encoding="utf-8")
        with StreamlitServer(Path(tmp) / "app.log") as app, \
                StreamlitServer(Path(tmp) / "floor.log", script=floor_script,   # the app's config, its nav shown
                                extra_args=["--client.showSidebarNavigation", "true"]) as floor, \
                sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            targets = {"app": (app.url + SHARED_LINK, ("Vue d'ensemble", 3), APP_PAGES),
                       "floor": (floor.url + "/", ("Page A", 1), FLOOR_PAGES)}
            for url, home, _ in targets.values():            # warm: data loaded, caches filled
                first_load(browser, url, *home)
            loads: dict[str, list[float]] = {name: [] for name in targets}
            profile: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
            for _ in range(args.loads):                       # alternated: both see the same machine load
                for name, (url, home, _) in targets.items():
                    seconds, metrics = first_load(browser, url, *home)
                    loads[name].append(seconds)
                    profile[name].append(metrics)
            switches = {name: page_switches(browser, url, home, pages, args.switches)
                        for name, (url, home, pages) in targets.items()}
            browser.close()
    load_after = os.getloadavg()

    rows = [("Premier chargement d'un lien partagé, médiane", median(loads["app"]), median(loads["floor"])),
            ("Premier chargement, pire des essais", max(loads["app"]), max(loads["floor"])),
            ("Changement de page, p50", percentile(switches["app"], 50), percentile(switches["floor"], 50)),
            ("Changement de page, p95", percentile(switches["app"], 95), percentile(switches["floor"], 95))]
    for key, label in CDP_METRICS.items():
        rows.append((f"Premier chargement : temps du navigateur, {label} (médiane)",
                     median(m[key] for m in profile["app"]), median(m[key] for m in profile["floor"])))
    print(f"\nVitesse perçue — Chromium sans affichage, {VIEWPORT['width']} × {VIEWPORT['height']}, "
          f"{args.loads} premiers chargements par serveur, {len(switches['app'])} changements de page "
          f"(plancher : {len(switches['floor'])})")
    print(f"Charge de la machine (uptime, 1 min) : {load_before[0]:.2f} avant, {load_after[0]:.2f} après"
          .replace(".", ","))
    print(f"{'mesure':<72} {'application':>12} {'plancher':>10} {'rapport':>8}")
    for label, app_s, floor_s in rows:
        print(f"{label:<72} {_s(app_s):>12} {_s(floor_s):>10} {_ratio(app_s, floor_s):>8}")
    print("Plancher : une application Streamlit nue de deux pages, un graphique plotly chacune, servie en même temps.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
