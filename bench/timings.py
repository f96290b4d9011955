"""Benchmark of the app on the national-scale demo data: `python -m bench.timings [--quick]` (`make bench`).

Prints one French table and writes it as Markdown to bench/results/latest.md (git-ignored):
cold start of the server (`python -m lib.ui.server`) to the first drawn page (headless Chromium, Playwright), cache build and
load, what each page computes for every département and Territoire d'industrie (bench/page_compute.py),
the first-call cost of the memoised national results, PNG export (first call, then median of 5), Excel
export, the « dossier complet » (lib.outputs.dossier) and the server's memory after 1 and 20 browser sessions.
``--quick``: 10 départements and 10 TI, one repetition, no browser (about a minute).

Everything runs on 127.0.0.1; the server is started on a free port and stopped by its PID.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import page_compute as pc
from bench.local_server import StreamlitServer

PAGE_LABELS = {"overview": "Vue d'ensemble", "exports": "Exportations", "imports": "Importations",
               "comparison": "Comparaison"}
COLD_START_TERRITORY = "dep:04"
DOSSIER_TERRITORIES = ("dep:75", "dep:48")
PNG_TERRITORIES = ("dep:04", "dep:75", "dep:13", "dep:2A", "dep:974", "dep:59")
SESSIONS = 20
SESSIONS_PHASE_S = 300      # opening the extra sessions stops after this (reported)


class Report:
    """Sections of (label, value, note) rows, printed and saved as Markdown."""

    def __init__(self):
        self.parts: list[str] = []

    def section(self, title: str, headers: list[str], rows: list[list[str]], note: str | None = None) -> None:
        text = f"### {title}\n\n{pc.markdown_table(headers, rows)}\n"
        if note:
            text += f"\n{note}\n"
        self.parts.append(text)
        print("\n" + text, flush=True)

    def text(self, text: str) -> None:
        self.parts.append(text + "\n")
        print(text, flush=True)

    def markdown(self) -> str:
        return "\n".join(self.parts)


def _git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=pc.PROJECT_DIR, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=pc.PROJECT_DIR, capture_output=True,
                               text=True, timeout=10).stdout.strip()
        return f"{head}{' + modifications non commitées' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return "inconnu"


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


# --------------------------------------------------------------------------- cache

def bench_cache(report: Report, sources: list[Path]) -> object:
    from lib.analysis.dataset import load_app_data, split_sources
    from lib.core.formatting import format_number
    from lib.analysis.indicators import TradeCube
    from lib.data.trade_cache import load_trade_data
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp:
        trade_paths, _ = split_sources(sources)
        build, result = _timed(load_trade_data, trade_paths, Path(tmp))
        loads = [_timed(load_trade_data, trade_paths, Path(tmp))[0] for _ in range(3)]
        cubes = [_timed(TradeCube, result.table)[0] for _ in range(3)]
        full, data = _timed(load_app_data, sources, Path(tmp))
        parquet = sum(p.stat().st_size for p in Path(tmp).glob("*.parquet"))
    n_files = len([p for p in trade_paths[0].iterdir() if p.suffix == ".zip"]) if trade_paths[0].is_dir() else 1
    rows = [
        [f"Construction du cache ({n_files} ZIP → Parquet, répertoire temporaire)", pc.fmt_s(build),
         f"{format_number(len(result.table))} lignes, Parquet {pc.fmt_mb(parquet)}"],
        ["Chargement du cache (Parquet → table), médiane de 3", pc.fmt_s(pc.median(loads)),
         f"max {pc.fmt_s(max(loads))}"],
        ["Construction du TradeCube (découpage année × flux), médiane de 3", pc.fmt_s(pc.median(cubes)),
         f"max {pc.fmt_s(max(cubes))}"],
        ["`load_app_data` complet depuis le cache (table + cube + TI)", pc.fmt_s(full), ""],
    ]
    report.section("Cache des données", ["Mesure", "Durée", "Détail"], rows)
    return data


# --------------------------------------------------------------------------- analysis functions

def _first_and_median_ms(call, repeats: int = 5) -> tuple[float, float]:
    first, _ = _timed(call)
    runs = [_timed(call)[0] for _ in range(repeats)]
    return first * 1000, pc.median(runs) * 1000


def bench_functions(report: Report, data, year: int) -> None:
    """The analysis functions behind the exposure page, the trends and the explorers, one by one.

    These were timing tests once; a shared machine makes wall-clock assertions flaky, so they are measured
    here and read as numbers (first call fills the cube's memo, then the median of 5).
    """
    from lib.analysis import explorers as ex
    from lib.analysis import exposure as expo
    from lib.analysis import trends
    from lib.analysis.indicators import TradeCube
    from lib.core.schema import COUNTRY, PRODUCT
    from lib.data.territories import FRANCE, department
    cube = data.cube
    territories = (department("04"), department("75"), FRANCE)
    functions = {
        "exposure.exposure_to_partner (US)": lambda t: expo.exposure_to_partner(cube, t, year, "US"),
        "exposure.import_dependency": lambda t: expo.import_dependency(cube, t, year),
        "exposure.concentration": lambda t: expo.concentration(cube, t, year),
        "exposure.eu_split": lambda t: expo.eu_split(cube, t, year),
        "trends.yearly_totals": lambda t: trends.yearly_totals(cube, t),
        "trends.partner_changes (export)": lambda t: trends.partner_changes(cube, t, year, "export"),
        "trends.product_changes (import)": lambda t: trends.product_changes(cube, t, year, "import"),
        "trends.change_sentences (export)": lambda t: trends.change_sentences(cube, t, year, "export"),
    }
    rows = []
    for name, function in functions.items():
        cells = [_first_and_median_ms(lambda t=t: function(t)) for t in territories]
        rows.append([name] + [f"{first:.1f} / {median:.1f}" for first, median in cells])
    fresh = TradeCube(data.cube.table)          # its own memo: the explorer index is built from scratch
    index_s, _ = _timed(lambda: [ex.matrix(fresh, y, f, PRODUCT, COUNTRY) for y in fresh.years
                                 for f in ("export", "import")])
    product, country = ex.top_code(fresh, year, PRODUCT), ex.top_code(fresh, year, COUNTRY)
    explorer_calls = [
        ("explorers.product_departments", product, lambda: ex.product_departments(fresh, product, year)),
        ("explorers.product_countries", product, lambda: ex.product_countries(fresh, product, year, "export")),
        ("explorers.country_departments", country, lambda: ex.country_departments(fresh, country, year)),
        ("explorers.country_products", country, lambda: ex.country_products(fresh, country, year)),
        ("explorers.country_trend", country, lambda: ex.country_trend(fresh, country)),
    ]
    for name, code, call in explorer_calls:
        first, median = _first_and_median_ms(call)
        rows.append([f"{name} ({code}, national)", f"{first:.1f} / {median:.1f}", "", ""])
    report.section("Fonctions d'analyse (ms, premier appel / médiane de 5)",
                   ["Fonction", "dep:04", "dep:75", "France"], rows,
                   note=f"Index des explorateurs ({len(fresh.years)} années × 2 flux) construit en "
                        f"{index_s * 1000:.0f} ms, une fois par chargement des données.")


# --------------------------------------------------------------------------- page computations

def bench_pages(report: Report, data, year: int, quick: bool) -> None:
    from lib.analysis.indicators import TradeCube
    from lib.data.territories import FRANCE
    catalog = data.catalog
    deps = catalog.departments()
    tis = catalog.territories_of_kind("ti")
    regs = catalog.regions() + [FRANCE]
    if quick:
        deps, tis, regs = deps[::10], tis[::12], catalog.regions()[::6] + [FRANCE]
    repeats = 1 if quick else 2

    # A fresh cube: its memoised national results are cold, timed first call by first call.
    build, cube = _timed(TradeCube, data.result.table)
    first_calls = pc.warm_national(cube, year)
    rows = [["Construction du TradeCube", pc.fmt_ms(build)]]
    rows += [[label, pc.fmt_ms(seconds)] for label, seconds in first_calls.items()]
    report.section("Premiers appels des résultats nationaux mémorisés (cube neuf, une fois par processus)",
                   ["Calcul", "Durée"], rows,
                   "Payés une fois par processus serveur (au premier visiteur d'une région ou de la France) ; "
                   "exclus des temps par territoire ci-dessous, mesurés cube déjà chaud.")

    groups = [(f"Départements ({len(deps)})", deps), (f"Territoires d'industrie ({len(tis)})", tis),
              (f"Régions + France ({len(regs)})", regs)]
    timings: dict[tuple[str, str], list[tuple[float, str]]] = {}
    start = time.perf_counter()
    for group, territories in groups:
        for territory in territories:
            total = 0.0
            for page, function in pc.PAGE_FUNCTIONS.items():
                best = min(_timed(function, cube, catalog, territory, year)[0] for _ in range(repeats))
                timings.setdefault((group, page), []).append((best, territory.id))
                total += best
            timings.setdefault((group, "total"), []).append((total, territory.id))
    elapsed = time.perf_counter() - start

    headers = ["Page (calcul par territoire)"]
    for group, _ in groups:
        headers += [f"{group} médiane", "max (territoire)"]
    rows = []
    for page in list(pc.PAGE_FUNCTIONS) + ["total"]:
        row = [PAGE_LABELS.get(page, "**Total des 4 pages**")]
        for group, _ in groups:
            values = timings[(group, page)]
            worst = max(values)
            row += [pc.fmt_ms(pc.median(v for v, _ in values)), f"{pc.fmt_ms(worst[0])} ({worst[1]})"]
        rows.append(row)
    report.section(f"Calcul de chaque page par territoire, année {year} (indicateurs + tableaux + tableaux affichés)",
                   headers, rows,
                   f"Meilleur de {repeats} essai(s) par territoire ; {elapsed:.0f} s au total. Vue d'ensemble = "
                   "résumé + chiffres clés + évolution annuelle + partenaires + 2 répartitions par produit ; "
                   "Exportations / Importations = structure du Sankey + tableaux + évolutions sur un an ; "
                   "Comparaison = structures "
                   "territoire / région / France (2 flux) + spécialisation × 2 + comparaison de départements. "
                   "Sans le cache `st.cache_data` de l'application (première visite de chaque territoire).")

    # Figures: rebuilt on every Streamlit rerun (not cached); a sample is enough.
    sample = deps[::7] + tis[::12]
    fig_times: dict[str, list[tuple[float, str]]] = {}
    for territory in sample:
        for page, function in pc.PAGE_FUNCTIONS.items():
            result = function(cube, catalog, territory, year)
            seconds = min(_timed(pc._build_all, result["builds"])[0] for _ in range(repeats))
            fig_times.setdefault(page, []).append((seconds, territory.id))
    rows = []
    for page, values in fig_times.items():
        worst = max(values)
        rows.append([PAGE_LABELS[page], pc.fmt_ms(pc.median(v for v, _ in values)),
                     f"{pc.fmt_ms(worst[0])} ({worst[1]})"])
    report.section(f"Construction des figures plotly à l'écran (échantillon de {len(sample)} territoires : "
                   "1 département sur 7, 1 TI sur 12)", ["Page", "Médiane", "Max (territoire)"], rows,
                   "Refaites à chaque exécution du script de la page (elles ne sont pas mises en cache).")


# --------------------------------------------------------------------------- exports

def bench_exports(report: Report, data, year: int, quick: bool) -> None:
    from lib.outputs import png_export
    from lib.outputs.excel_export import table_to_xlsx, workbook_to_xlsx
    from lib.data.official_files import citation
    from lib.presentation.texts import source_line
    catalog, cube = data.catalog, data.cube
    rows = []
    if png_export.chrome_available():
        first_png, png = _timed(pc.export_sankey_png, data, catalog.resolve(PNG_TERRITORIES[0]), year)
        later, sizes = [], []
        for territory_id in PNG_TERRITORIES[1:6]:
            seconds, png = _timed(pc.export_sankey_png, data, catalog.resolve(territory_id), year)
            later.append(seconds)
            sizes.append(len(png))
        rows += [["PNG (Sankey export, 3200 × 1800 px) : 1er appel, démarrage de Chromium compris",
                  pc.fmt_s(first_png), PNG_TERRITORIES[0]],
                 ["PNG : appels suivants, médiane de 5", pc.fmt_s(pc.median(later)),
                  f"max {pc.fmt_s(max(later))}, {pc.median(sizes) / 1024:.0f} Ko"]]
    else:
        rows.append(["PNG", "–", "Chromium absent : export PNG non mesuré"])

    source = source_line(citation(data.result.release_date))
    territory = catalog.resolve("dep:75")
    links = pc.exports_page(cube, catalog, territory, year)["tables"][1]
    overview = pc.overview(cube, catalog, territory, year)["tables"]
    single = [_timed(table_to_xlsx, links, territory_label=territory.label, year=year, source=source)[0]
              for _ in range(5)]
    multi = [_timed(workbook_to_xlsx, overview[1:], territory_label=territory.label, year=year, source=source,
                    readme=None, images=None)[0] for _ in range(5)]
    rows += [[f"Excel : un tableau (liens produit × pays, {len(links.frame)} lignes), médiane de 5",
              pc.fmt_s(pc.median(single), 3), f"max {pc.fmt_s(max(single), 3)}"],
             [f"Excel : 2 feuilles (produits export + import, {sum(len(t.frame) for t in overview[1:])} lignes), "
              "médiane de 5", pc.fmt_s(pc.median(multi), 3), f"max {pc.fmt_s(max(multi), 3)}"]]

    try:
        from lib.outputs.dossier import DossierReport, build_dossier
    except ImportError as exc:
        rows.append(["Dossier complet", "–", f"lib.outputs.dossier indisponible ({exc}) : seul l'export Excel est mesuré"])
    else:
        for territory_id in DOSSIER_TERRITORIES[:1] if quick else DOSSIER_TERRITORIES:
            info = DossierReport()
            try:
                seconds, content = _timed(build_dossier, data, territory_id, year, report=info)
            except Exception as exc:  # noqa: BLE001 - a module in progress must not stop the benchmark
                rows.append([f"Dossier complet {territory_id}", "échec", f"{type(exc).__name__}: {exc}"[:120]])
                continue
            rows.append([f"Dossier complet {territory_id} (Excel + images)", pc.fmt_s(seconds),
                         f"{len(info.sheets)} feuilles, {info.images} images, {len(content) / 2**20:.1f} Mo".replace(".", ",")])
        seconds, content = _timed(build_dossier, data, DOSSIER_TERRITORIES[0], year, with_images=False)
        rows.append([f"Dossier complet {DOSSIER_TERRITORIES[0]} sans images", pc.fmt_s(seconds),
                     f"{len(content) / 1024:.0f} Ko"])
    report.section("Exports (dans le processus, Chromium de kaleido persistant)", ["Export", "Durée", "Détail"], rows)
    png_export.shutdown()


# --------------------------------------------------------------------------- browser

def _drawn(page, view: "pc.ExpectedView", title: str, timeout_ms: int, need_metric: bool) -> None:
    outcome = page.wait_for_function(pc.DRAWN_JS, arg=[title, view.header, need_metric], timeout=timeout_ms,
                                     polling=100)
    if outcome.json_value() == "exception":
        raise AssertionError(f"{view.territory_id} : exception affichée dans la page")


def bench_browser(report: Report, data, year: int, sessions: int = SESSIONS) -> None:
    from playwright.sync_api import sync_playwright
    catalog, cube = data.catalog, data.cube
    log = pc.RESULTS_DIR / "bench-streamlit.log"
    others = [t for t in catalog.departments() if t.id != COLD_START_TERRITORY][::5][:sessions - 1]
    rows, memory_rows = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=pc.CHROMIUM, args=pc.CHROMIUM_ARGS)
        try:
            cold = []
            for attempt in range(2):
                server = StreamlitServer(log)
                contexts = []
                try:
                    started = server.start()
                    healthy = server.wait_healthy()
                    context = browser.new_context(viewport=pc.VIEWPORT, locale="fr-FR")
                    contexts.append(context)
                    page = context.new_page()
                    view = pc.expected_view(cube, catalog.resolve(COLD_START_TERRITORY), year)
                    page.goto(pc.territory_url(server.url, COLD_START_TERRITORY, year), timeout=90_000)
                    page.get_by_text(view.header, exact=True).first.wait_for(timeout=90_000)
                    header = time.perf_counter() - started
                    _drawn(page, view, "Vue d'ensemble", 90_000, True)
                    drawn = time.perf_counter() - started
                    metrics = {pc.norm_text(k): pc.norm_text(v) for k, v in page.evaluate(pc.METRICS_JS)}
                    if metrics.get("Exportations") != pc.norm_text(view.exports_kpi):
                        raise AssertionError(f"KPI Exportations {metrics.get('Exportations')!r} ≠ {view.exports_kpi!r}")
                    cold.append((healthy, header, drawn))
                    if attempt:
                        continue
                    time.sleep(1.0)
                    after_one = pc.tree_memory(server.pid)
                    session_times = []
                    phase_end = time.monotonic() + SESSIONS_PHASE_S
                    for territory in others:
                        if time.monotonic() > phase_end:
                            break
                        context = browser.new_context(viewport=pc.VIEWPORT, locale="fr-FR")
                        contexts.append(context)
                        page = context.new_page()
                        view = pc.expected_view(cube, territory, year)
                        start = time.perf_counter()
                        page.goto(pc.territory_url(server.url, territory.id, year), timeout=90_000)
                        _drawn(page, view, "Vue d'ensemble", 60_000, True)
                        session_times.append(time.perf_counter() - start)
                    opened = len(contexts)
                    time.sleep(2.0)
                    after_many = pc.tree_memory(server.pid)
                    for context in contexts:
                        context.close()
                    contexts.clear()
                    time.sleep(5.0)
                    after_close = pc.tree_memory(server.pid)
                finally:
                    try:
                        for context in contexts:
                            context.close()
                    finally:
                        server.stop()       # always, by its PID
        finally:
            browser.close()
    healthy, header, drawn = (pc.median(c[i] for c in cold) for i in range(3))
    cold_header = pc.expected_view(cube, catalog.resolve(COLD_START_TERRITORY), year).header
    runs = " / ".join(pc.fmt_s(c[2]) for c in cold)
    rows = [["Lancement → `/_stcore/health` = ok", pc.fmt_s(healthy), ""],
            [f"Lancement → en-tête « {cold_header} » affiché", pc.fmt_s(header),
             "données chargées depuis le cache Parquet"],
            ["Lancement → chiffres clés + graphique plotly dessinés", pc.fmt_s(drawn), f"essais : {runs}"],
            [f"Nouvelle session, serveur chaud : goto → page dessinée (médiane de {len(session_times)})",
             pc.fmt_s(pc.median(session_times)), f"max {pc.fmt_s(max(session_times))}"]]
    report.section("Démarrage à froid (`python -m lib.ui.server` = `streamlit run streamlit_app.py`, Chromium sans "
                   "interface déjà lancé), médiane de 2",
                   ["Étape", "Durée", "Détail"], rows)
    for label, memory in (("après 1 session", after_one), (f"après {opened} sessions ouvertes", after_many),
                          (f"{opened} sessions fermées depuis 5 s", after_close)):
        memory_rows.append([label, pc.fmt_mb(memory.rss_main), pc.fmt_mb(memory.pss_main),
                            f"{memory.n_children} / {pc.fmt_mb(memory.pss_children)}", pc.fmt_mb(memory.pss)])
    report.section("Mémoire du serveur (processus streamlit et ses enfants, /proc)",
                   ["Moment", "RSS streamlit", "PSS streamlit", "Enfants : nombre / PSS", "PSS total"], memory_rows,
                   "Sans export PNG dans ce scénario (pas de Chromium kaleido côté serveur) : voir `make load` "
                   "pour le pic avec exports PNG. Machine partagée : la RSS peut baisser quand le noyau récupère "
                   "des pages ; ce qui compte est l'absence de croissance par session.")


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.timings", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="10 départements et 10 TI, une répétition, sans navigateur")
    parser.add_argument("--with-browser", action="store_true",
                        help="avec --quick : mesurer quand même démarrage à froid et mémoire")
    parser.add_argument("--sessions", type=int, default=SESSIONS, help="sessions navigateur pour la mémoire")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=pc.RESULTS_DIR / "latest.md")
    args = parser.parse_args(argv)
    from lib.analysis.dataset import default_sources, load_app_data
    started = time.perf_counter()
    report = Report()
    sources, is_demo = default_sources()
    load1 = os.getloadavg()
    report.text(f"## Banc de mesure — {dt.datetime.now():%Y-%m-%d %H:%M}{' (--quick)' if args.quick else ''}\n\n"
                f"Données : {'démonstration' if is_demo else 'fichiers officiels'} ({', '.join(map(str, sources))}), "
                f"année {args.year}. Machine : {os.cpu_count()} cœurs, charge moyenne {load1[0]:.1f} au départ "
                f"(partagée : temps bruités), Python {platform.python_version()}, commit {_git_state()}.")
    data = bench_cache(report, sources)
    load_app_data()           # the server's own cache (data/cache) is valid before any cold start
    bench_functions(report, data, args.year)
    bench_pages(report, data, args.year, args.quick)
    bench_exports(report, data, args.year, args.quick)
    if args.quick and not args.with_browser:
        report.text("\n`--quick` : démarrage à froid et mémoire du serveur non mesurés (pas de navigateur).")
    elif not Path(pc.CHROMIUM).is_file():
        report.text(f"\nChromium absent ({pc.CHROMIUM}) : démarrage à froid et mémoire non mesurés.")
    else:
        bench_browser(report, data, args.year, max(2, args.sessions))
    report.text(f"\nDurée totale du banc : {time.perf_counter() - started:.0f} s ; charge moyenne à la fin "
                f"{os.getloadavg()[0]:.1f}.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report.markdown(), encoding="utf-8")
    print(f"\nTableau écrit dans {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
