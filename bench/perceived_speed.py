"""Speed as a person perceives it: `python -m bench.perceived_speed [--loads 5] [--switches 3] [--before DIR]`.

Servers in the same run on this machine: the app (`python -m lib.ui.server`), optionally another checkout of
it (`--before`, for a before/after in one run), and a floor, a bare Streamlit app of two pages with one plotly
chart each (the least any Streamlit page with a chart costs). All warmed by one visit, then, in headless
Chromium (Playwright, Debian's chromium), taking turns so that all see the same machine load:

- first load of a shared link in a new tab (empty browser cache): until the first screen is drawn (filled
  with the page's content, nothing stale on it, the charts on it drawn) and until every chart of the page
  is drawn;
- page switch through the sidebar, the same two moments (p50, p95);
- where the browser's time goes during a first load (CDP ``Performance.getMetrics``: script, layout, style
  recalculation, all tasks).

Prints one French table with the ratios to the floor and the machine's load (this machine is shared:
compare ratios of one run, not seconds of different runs). Nothing is asserted: measures, not tests.
"""
from __future__ import annotations

import argparse
import contextlib
import json
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

# What a person sees first: the screen filled with the new page's content, nothing stale and no placeholder on
# it, every chart on it drawn; charts below the fold may still be coming. (A page shorter than the screen: use
# _DRAWN_JS.)
_SCREEN_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const height = window.innerHeight;
  const onScreen = e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < height && r.height > 0; };
  if ([...main.querySelectorAll('[data-stale="true"]')].some(onScreen)) return false;
  // a placeholder is not content: an element whose code is still loading shows a grey skeleton (key figures,
  // the sidebar's boxes on a first visit)
  if ([...document.querySelectorAll('[data-testid^="stSkeleton"]')].some(onScreen)) return false;
  const block = main.querySelector('[data-testid="stMainBlockContainer"]');
  if (!block || block.getBoundingClientRect().bottom < height) return false;
  return [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(onScreen)
    .every(c => c.querySelector('.main-svg'));
}"""


# Installed before any page script (one clock, the page's `performance.now()`): every websocket message, the
# last click, and a frame loop noting when the wanted page's title, each of its charts, its first screen and
# the whole page are drawn. bench.switch_profile reads the rest of it.
_PROBE_JS = """(() => {
  window.__probe = {ws: [], click: null, title: null, charts: [], screen: null, drawn: null, want: null};
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => window.__probe.ws.push(
        ['in', performance.now(), e.data.byteLength ?? e.data.size ?? e.data.length]));
    }
    send(data) {
      window.__probe.ws.push(['out', performance.now(), data.byteLength ?? data.size ?? data.length]);
      super.send(data);
    }
  };
  document.addEventListener('click', () => { window.__probe.click = performance.now(); }, true);
  const drawn = %s;
  const screenDrawn = %s;
  const frame = () => {
    const p = window.__probe;
    if (p.want && p.drawn === null) {
      const now = performance.now();
      const main = document.querySelector('[data-testid="stMain"]');
      const h1 = main && main.querySelector('h1');
      if (p.title === null && h1 && h1.innerText.trim() === p.want[0]) p.title = now;
      if (p.title !== null) {
        const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')];
        charts.forEach((c, i) => { if (p.charts[i] == null && c.querySelector('.main-svg')) p.charts[i] = now; });
        if (p.screen === null && screenDrawn()) p.screen = now;
      }
      if (drawn(p.want)) { p.drawn = now; if (p.screen === null) p.screen = now; }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();"""
_RESET_JS = ("want => Object.assign(window.__probe, {ws: [], click: null, title: null, charts: [], screen: null, "
             "drawn: null, want})")


def new_probed_context(browser):
    """A fresh browser context (empty cache) whose pages carry the probe."""
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    context.add_init_script(_PROBE_JS % (_DRAWN_JS, _SCREEN_JS))
    return context


def wait_probe(page, want: tuple[str, int], *, reset: bool = True):
    """Arm the probe for `want` (title, charts) if `reset`, and wait for the page drawn; returns the probe."""
    if reset:
        page.evaluate(_RESET_JS, list(want))
    page.wait_for_function("() => window.__probe.drawn !== null", timeout=120_000, polling="raf")
    return page.evaluate("() => window.__probe")


def first_load(browser, url: str, title: str, charts: int) -> tuple[float, float, dict[str, float]]:
    """Seconds from navigation start to the first screen and to every chart drawn in a new tab, and the CDP
    durations of that load."""
    context = new_probed_context(browser)
    context.add_init_script(f"window.__probe.want = {json.dumps([title, charts])};")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url, wait_until="commit")
    probe = wait_probe(page, (title, charts), reset=False)
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    context.close()
    return (probe["screen"] / 1000, probe["drawn"] / 1000,
            {name: metrics.get(name, float("nan")) for name in CDP_METRICS})


def page_switches(browser, url: str, home: tuple[str, int], pages: list[tuple[str, int]],
                  rounds: int) -> list[tuple[float, float, str]]:
    """(first screen, every chart drawn, page title) in seconds from a click on a sidebar link, `rounds` times round
    `pages` after one unmeasured round (a warm server: a page's first visit computes its results)."""
    context = new_probed_context(browser)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(_DRAWN_JS, arg=list(home), timeout=120_000)
    times = []
    for measured in [False] + [True] * rounds:     # a first round unmeasured: every page's results cached
        for title, charts in pages:
            link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
            page.evaluate(_RESET_JS, [title, charts])
            link.click()
            probe = wait_probe(page, (title, charts), reset=False)
            if measured:
                times.append(((probe["screen"] - probe["click"]) / 1000, (probe["drawn"] - probe["click"]) / 1000,
                              title))
    context.close()
    return times


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s".replace(".", ",")


def _ratio(app: float, floor: float) -> str:
    return f"{app / floor:.2f}×".replace(".", ",") if floor > 0 else "–"


def _table(targets: list[str], loads: dict, switches: dict, profile: dict) -> list[tuple[str, dict[str, float]]]:
    """(label, {target: seconds}) rows of the printed table."""
    def row(label, values):
        return label, {name: values(name) for name in targets}
    rows = [row("Premier chargement d'un lien partagé : premier écran, médiane",
                lambda n: median(screen for screen, _ in loads[n])),
            row("Premier chargement : tous les graphiques dessinés, médiane", lambda n: median(d for _, d in loads[n])),
            row("Premier chargement : tous les graphiques, pire des essais", lambda n: max(d for _, d in loads[n]))]
    for q in (50, 95):
        rows.append(row(f"Changement de page : premier écran, p{q}",
                        lambda n, q=q: percentile([screen for screen, _, _ in switches[n]], q)))
        rows.append(row(f"Changement de page : tous les graphiques dessinés, p{q}",
                        lambda n, q=q: percentile([d for _, d, _ in switches[n]], q)))
    for title, _ in APP_PAGES:              # which page makes the p95 (the floor: all its switches)
        for label, statistic in (("médiane", median), ("pire", max)):
            rows.append(row(f"  vers « {title} » : tous dessinés, {label}",
                            lambda n, t=title, f=statistic: f([d for _, d, page in switches[n]
                                                               if n == "plancher" or page == t])))
    for key, label in CDP_METRICS.items():
        rows.append(row(f"Premier chargement : temps du navigateur, {label} (médiane)",
                        lambda n, key=key: median(m[key] for m in profile[n])))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vitesse perçue : premier chargement et changement de page, "
                                                 "face à une page Streamlit nue.")
    parser.add_argument("--loads", type=int, default=5, help="premiers chargements par serveur (défaut 5)")
    parser.add_argument("--switches", type=int, default=3, help="tours des pages (défaut 3)")
    parser.add_argument("--before", type=Path, help="une autre copie de l'application (« avant »), servie dans "
                                                    "la même mesure (ex. : git worktree de main)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"Chromium absent ({CHROMIUM}) : installez-le avec « apt-get install chromium ».")
        return 1
    from playwright.sync_api import sync_playwright

    # No background precomputation of every territory during the measure (lib/ui/warm_build.py): on a fresh
    # cache it takes minutes of CPU, and it would land on whichever server started first.
    quiet = {"CET_PRECOMPUTE": "0"}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        floor_script = Path(tmp) / "floor_app.py"
        floor_script.write_text(FLOOR_APP, encoding="utf-8")
        servers = {"application": StreamlitServer(Path(tmp) / "app.log", env=quiet)}
        if args.before:
            servers["avant"] = StreamlitServer(Path(tmp) / "before.log", env=quiet, project_dir=args.before)
        servers["plancher"] = StreamlitServer(Path(tmp) / "floor.log", script=floor_script,  # the app's config,
                                              extra_args=["--client.showSidebarNavigation", "true"])  # nav shown
        for server in servers.values():
            stack.enter_context(server)
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        targets = {name: (server.url + SHARED_LINK, ("Vue d'ensemble", 3), APP_PAGES)
                   for name, server in servers.items() if name != "plancher"}
        targets["plancher"] = (servers["plancher"].url + "/", ("Page A", 1), FLOOR_PAGES)
        for url, home, _ in targets.values():            # warm: data loaded, caches filled
            first_load(browser, url, *home)
        loads: dict[str, list[tuple[float, float]]] = {name: [] for name in targets}
        profile: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        for _ in range(args.loads):                       # alternated: all see the same machine load
            for name, (url, home, _) in targets.items():
                screen, drawn, metrics = first_load(browser, url, *home)
                loads[name].append((screen, drawn))
                profile[name].append(metrics)
        switches: dict[str, list[tuple[float, float]]] = {name: [] for name in targets}
        for _ in range(args.switches):                    # one round each in turn, for the same reason
            for name, (url, home, pages) in targets.items():
                switches[name] += page_switches(browser, url, home, pages, 1)
        browser.close()
    load_after = os.getloadavg()

    names = list(targets)
    print(f"\nVitesse perçue — Chromium sans affichage, {VIEWPORT['width']} × {VIEWPORT['height']}, "
          f"{args.loads} premiers chargements par serveur, {len(switches['application'])} changements de page "
          f"(plancher : {len(switches['plancher'])})")
    print(f"Charge de la machine (uptime, 1 min) : {load_before[0]:.2f} avant, {load_after[0]:.2f} après"
          .replace(".", ","))
    ratios = [name for name in names if name != "plancher"]
    print(f"{'mesure':<66}" + "".join(f"{name:>13}" for name in names)
          + "".join(f"{'÷ plancher' if len(ratios) == 1 else name[:5] + ' ÷ pl.':>13}" for name in ratios))
    for label, values in _table(names, loads, switches, profile):
        print(f"{label:<66}" + "".join(f"{_s(values[n]):>13}" for n in names)
              + "".join(f"{_ratio(values[n], values['plancher']):>13}" for n in ratios))
    print("Plancher : une application Streamlit nue de deux pages, un graphique plotly chacune, servie en même temps. "
          "Premier écran : l'écran rempli par la nouvelle page, rien de périmé ni d'espace réservé gris dessus, "
          "ses graphiques visibles dessinés.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
