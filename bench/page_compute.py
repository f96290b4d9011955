"""What each page computes for one (territory, year), without Streamlit, plus the helpers both scripts share.

`bench.timings` times these functions over every département and Territoire d'industrie; `bench.load_test`
uses them (and `expected_view`) to know what a browser session must see. Each function builds what its
page shows from the report registry (lib.outputs.report.PAGE_ITEMS, the pages' own list): the items'
results, their tables (and the on-screen French version), and, with ``with_figures=True``, the
on-screen plotly figures; plus the few texts a page computes beside its items.

The rest is plumbing for measuring a local Streamlit server without psutil: a free port, starting and
stopping `streamlit run` by PID, reading RSS/PSS and CPU time of a process tree from /proc, and the
headless Chromium settings (Debian's /usr/bin/chromium, no network but 127.0.0.1).
"""
from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from lib.presentation import figures, tables
from lib.analysis import indicators as ind, trends
from lib.core.formatting import format_amount
from lib.presentation.overview_metrics import kpi_cards
from lib.core.schema import EXPORT, FLOWS, IMPORT
from lib.analysis.summary import territory_summary
from lib.data.territories import FRANCE, Territory, region
from lib.presentation.texts import total_sentences
from lib.outputs.report import page_items, report_item

PROJECT_DIR = Path(__file__).resolve().parents[1]
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# No request may leave the machine: every host name but localhost is unresolvable for the test browser.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, "
                 "EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 1400, "height": 1600}
PAGES = ("overview", "exports", "imports", "comparison")
PAGE_TITLES = {"overview": "Vue d'ensemble", "exports": "Exportations", "imports": "Importations",
               "comparison": "Comparaison"}


# --------------------------------------------------------------------------- page computations

def _shown(table) -> None:
    tables.display_frame(table)


def page_view(cube: ind.TradeCube, catalog, territory: Territory, year: int, page: str,
              with_figures: bool = False) -> dict:
    """What a territory page shows, from the registry (lib.outputs.report.PAGE_ITEMS) with the pages'
    default choices: its items' results and tables (and their on-screen French version), and with
    ``with_figures=True`` the on-screen plotly figures. The comparison page counts both tabs and both
    specialisation flows (a visitor opens them)."""
    items = page_items(cube, catalog, territory, year, page)
    sheets = [sheet for item in items for sheet in item.tables]
    for sheet in sheets:
        _shown(sheet)
    builds = [item.build for item in items if item.build is not None]
    if with_figures:
        _build_all(builds)
    return {"items": items, "tables": sheets, "builds": builds}


def overview(cube: ind.TradeCube, catalog, territory: Territory, year: int, with_figures: bool = False) -> dict:
    """pages/overview.py: the summary, its KPI cards and change sentences (text), then the registry's items."""
    summary = territory_summary(cube, territory, year)
    cards = kpi_cards(cube, territory, year, summary)
    if territory.kind == "dep":
        catalog.industry_territories_of_department(territory.departments[0])
    for flow in FLOWS:
        trends.change_sentences(cube, territory, year, flow, 1)
    return {"summary": summary, "cards": cards, **page_view(cube, catalog, territory, year, "overview", with_figures)}


def flow_page(cube: ind.TradeCube, catalog, territory: Territory, year: int, flow: str,
              with_figures: bool = False) -> dict:
    """lib/ui/flow_page.py (Exportations / Importations): the totals and change sentences (text), then the
    registry's items (Sankey, links table, changes since the previous year)."""
    summary = territory_summary(cube, territory, year)
    lines = total_sentences(summary, territory, flow)
    trends.change_sentences(cube, territory, year, flow, 2)
    return {"summary": summary, "lines": lines, **page_view(cube, catalog, territory, year, flow, with_figures)}


def exports_page(cube, catalog, territory, year, with_figures=False) -> dict:
    return flow_page(cube, catalog, territory, year, EXPORT, with_figures)


def imports_page(cube, catalog, territory, year, with_figures=False) -> dict:
    return flow_page(cube, catalog, territory, year, IMPORT, with_figures)


def comparison(cube: ind.TradeCube, catalog, territory: Territory, year: int, with_figures: bool = False) -> dict:
    """pages/comparison.py: the registry's items of the page."""
    summary = territory_summary(cube, territory, year)
    return {"summary": summary, **page_view(cube, catalog, territory, year, "comparison", with_figures)}


PAGE_FUNCTIONS = {"overview": overview, "exports": exports_page, "imports": imports_page,
                  "comparison": comparison}


def _build_all(builds) -> None:
    for build in builds:
        try:
            build()
        except figures.EmptyDataError:
            pass


def warm_national(cube: ind.TradeCube, year: int) -> dict[str, float]:
    """First calls of the results a TradeCube memoises (national and regional), timed one by one."""
    from lib.data.reference.departments import REGIONS
    timings = {}
    start = time.perf_counter()
    for flow in FLOWS:
        cube.department_totals(year, flow)
    timings["totaux des 101 départements (2 flux)"] = time.perf_counter() - start
    if year - 1 in cube.years:
        start = time.perf_counter()
        for flow in FLOWS:
            cube.department_totals(year - 1, flow)
        timings["totaux des 101 départements, année précédente"] = time.perf_counter() - start
    start = time.perf_counter()
    for flow in FLOWS:
        ind.flow_structure(cube, FRANCE, year, flow)
    timings["France : structure des flux (2 flux)"] = time.perf_counter() - start
    start = time.perf_counter()
    for flow in FLOWS:
        ind.product_shares(cube, FRANCE, year, flow)
    timings["France : parts par produit (2 flux)"] = time.perf_counter() - start
    codes = REGIONS["code"].tolist()
    start = time.perf_counter()
    for code in codes:
        for flow in FLOWS:
            ind.flow_structure(cube, region(code), year, flow)
            ind.product_shares(cube, region(code), year, flow)
    timings[f"{len(codes)} régions : structures + parts (2 flux), total"] = time.perf_counter() - start
    return timings


# --------------------------------------------------------------------------- what a session must show

@dataclass(frozen=True)
class ExpectedView:
    territory_id: str
    header: str          # « <name> — <year> » under every page title
    exports_kpi: str     # the « Exportations » metric of the overview


def expected_view(cube: ind.TradeCube, territory: Territory, year: int) -> ExpectedView:
    summary = territory_summary(cube, territory, year)
    return ExpectedView(territory.id, f"{territory.name} — {year}", format_amount(summary["exports"]))


def export_sankey_png(data, territory: Territory, year: int) -> bytes:
    """The Exportations page's PNG download, rendered here with lib (the registry's item: same builder,
    title, size): the source line comes from the page's own `download_context`, so both follow the same code."""
    from lib.presentation.figures import ExportFrame
    from lib.outputs.png_export import figure_to_png
    from lib.ui.selection import Selection          # imports streamlit: harmless, the template is explicit
    from lib.ui.widgets import EXPORT_TEMPLATE, download_context
    selection = Selection(territory=territory, year=year)
    item = report_item(data.cube, data.catalog, territory, year, "export-flows")
    frame = ExportFrame(title=item.title, source=download_context(data, selection).source)
    figure = item.build(template=EXPORT_TEMPLATE, palette=selection.palette, export=frame)
    return figure_to_png(figure, frame.width, frame.height, frame.scale)


# --------------------------------------------------------------------------- statistics

def percentile(values, q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), -(-len(ordered) * q // 100)))
    return ordered[int(rank) - 1]


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def fmt_s(seconds: float, digits: int = 2) -> str:
    return "–" if seconds != seconds else f"{seconds:.{digits}f} s".replace(".", ",")


def fmt_ms(seconds: float) -> str:
    if seconds != seconds:
        return "–"
    ms = seconds * 1000
    return (f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms").replace(".", ",")


def fmt_mb(n_bytes: float) -> str:
    return "–" if n_bytes != n_bytes else f"{n_bytes / 2**20:.0f} Mo"


def fmt_ratio(value: float) -> str:
    return "–" if value != value else f"× {value:.1f}".replace(".", ",")


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- processes (/proc, no psutil)

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def process_tree(pid: int, exclude: set[int] | None = None) -> list[int]:
    """pid and all its descendants (those alive now), skipping the subtrees rooted at `exclude`."""
    children, found, stack = _children_map(), [], [pid]
    while stack:
        current = stack.pop()
        if exclude and current in exclude:
            continue
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Memory:
    rss_main: int = 0       # bytes, the streamlit process itself
    pss_main: int = 0
    rss_children: int = 0   # its descendants (kaleido's Chromium)
    pss_children: int = 0
    n_children: int = 0

    @property
    def rss(self) -> int:
        return self.rss_main + self.rss_children

    @property
    def pss(self) -> int:
        return self.pss_main + self.pss_children


def tree_memory(pid: int) -> Memory:
    memory = Memory()
    for member in process_tree(pid):
        rss, pss = _status_kb(member, "VmRSS") * 1024, _pss_kb(member) * 1024
        if member == pid:
            memory.rss_main, memory.pss_main = rss, pss
        else:
            memory.rss_children += rss
            memory.pss_children += pss
            memory.n_children += 1
    return memory


def cpu_seconds(pids: list[int], include_reaped_children: bool = True) -> float:
    """utime + stime of the processes (and of their already reaped children), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                stat = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])
        if include_reaped_children:
            total += int(fields[13]) + int(fields[14])
    return total / tick


def territory_url(base: str, territory_id: str, year: int, page: str = "overview") -> str:
    path = {"overview": "", "exports": "exportations", "imports": "importations", "comparison": "comparaison"}[page]
    return f"{base}/{path}?territoire={territory_id}&annee={year}"


# JS predicate: the page is drawn for this territory (title, header, no stale element, no run in
# progress, a plotly SVG, and KPI values on the overview). Returns "exception" as soon as one shows.
DRAWN_JS = """([title, header, needMetric]) => {
  const norm = s => (s || '').replace(/[\\s\\u00a0\\u202f]+/g, ' ').trim();
  if (document.querySelector('[data-testid="stException"]')) return 'exception';
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const h1 = main.querySelector('h1');
  if (!h1 || !norm(h1.innerText).startsWith(title)) return false;
  if (![...main.querySelectorAll('h4')].some(e => norm(e.innerText) === norm(header))) return false;
  if (main.querySelector('[data-stale="true"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (needMetric && !main.querySelector('[data-testid="stMetricValue"]')) return false;
  return !!main.querySelector('[data-testid="stPlotlyChart"] .main-svg');
}"""

METRICS_JS = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
  (m.querySelector('[data-testid="stMetricLabel"]') || {}).innerText || '',
  (m.querySelector('[data-testid="stMetricValue"]') || {}).innerText || ''])"""


def norm_text(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


# --------------------------------------------------------------------------- command line

def main() -> None:
    """`python -m bench.page_compute [--figures]`: median time of each page's computation over a sample of
    territories (warm cube, as on a running server), to compare two versions of the pages quickly."""
    import argparse
    from lib.analysis.dataset import load_app_data
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--figures", action="store_true", help="construire aussi les figures plotly à l'écran")
    args = parser.parse_args()
    data = load_app_data()
    cube, catalog, year = data.cube, data.catalog, data.latest_year
    deps = [catalog.resolve(f"dep:{code}") for code in ("04", "13", "2A", "59", "69", "75", "974")]
    tis = sorted(catalog.industry_territories.values(), key=lambda t: t.id)[::40]
    sample = deps + tis + [catalog.resolve("reg:93"), catalog.resolve("reg:11"), FRANCE]
    for territory in sample:                      # warm the cube's memoised national and regional results
        for function in PAGE_FUNCTIONS.values():
            function(cube, catalog, territory, year)
    rows = []
    for page, function in PAGE_FUNCTIONS.items():
        times = []
        for territory in sample:
            start = time.perf_counter()
            function(cube, catalog, territory, year, with_figures=args.figures)
            times.append(time.perf_counter() - start)
        rows.append([page, fmt_ms(median(times)), fmt_ms(max(times)), fmt_ms(sum(times))])
    print(f"{len(sample)} territoires, année {year}{', figures comprises' if args.figures else ''}")
    print(markdown_table(["Page", "Médiane", "Max", "Total"], rows))


if __name__ == "__main__":
    main()
