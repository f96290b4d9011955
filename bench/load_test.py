"""Load test: 20 concurrent browser sessions on one local Streamlit server (`python -m bench.load_test`, `make load`).

One headless Chromium (Debian's), one context per session, driven with asyncio. Each session opens a
DIFFERENT territory from its URL (départements, Territoires d'industrie, régions, France), then switches
pages through the sidebar (Exportations → Importations → Comparaison); 12 of them click the Sankey's PNG
button at the same moment (3 of them twice). Checks, any failure → exit code 1:
- no `[data-testid="stException"]` on any page;
- every page shows ITS territory: the header « <name> — <year> », and on the overview the « Exportations »
  KPI equal to `format_amount(territory_summary(...)["exports"])`;
- every PNG is a valid PNG named after its territory, pixel-closest to the PNG rendered here directly with
  lib (same builder, title, source and size), distinct between territories and identical when one session
  downloads twice (no swapped images);
- the server's memory (streamlit + children, RSS and PSS from /proc), sampled every second, stays under
  ``--max-memory-mb``.
Reports p50/p95 of the page time (goto or click → page drawn) for one session alone vs all together.
Bounded: ``--budget`` seconds in all (default 570), every wait has a timeout, the server is stopped by PID.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
import sys
import threading
import time
from dataclasses import dataclass, field

from bench import page_compute as pc
from bench.local_server import StreamlitServer

YEAR = 2024
PNG_BUTTON = "Télécharger l'image (PNG)"
# (territory id, downloads the PNG, downloads it twice); kinds interleaved so that --sessions N mixes them.
SESSION_PLAN = [
    ("dep:04", True, True), ("ti:0", True, True), ("reg:93", True, False), ("fr", True, True),
    ("dep:75", True, False), ("ti:1", True, False), ("dep:13", True, False), ("reg:11", False, False),
    ("dep:2A", True, False), ("dep:974", True, False), ("ti:2", False, False), ("dep:59", True, False),
    ("dep:69", False, False), ("reg:84", False, False), ("dep:33", True, False), ("dep:31", False, False),
    ("ti:3", False, False), ("dep:67", False, False), ("dep:29", False, False), ("dep:48", False, False),
]
SOLO_PLAN = [("dep:05", True, False), ("dep:83", False, False), ("ti:4", False, False)]
WARMUP = "dep:01"
NAV_TITLES = {"exports": "Exportations", "imports": "Importations", "comparison": "Comparaison"}


@dataclass
class SessionResult:
    territory_id: str
    page_times: list[tuple[str, float]] = field(default_factory=list)
    png_times: list[float] = field(default_factory=list)
    pngs: list[tuple[str, bytes]] = field(default_factory=list)   # (suggested file name, bytes)
    errors: list[str] = field(default_factory=list)


class Budget:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def timeout_ms(self, cap_s: float = 240) -> int:
        return int(max(1.0, min(cap_s, self.left() - 20)) * 1000)


class MemorySampler(threading.Thread):
    """Every second until stopped: the server tree's memory, and how long `/_stcore/health` takes to answer
    (the server's event loop responsiveness, independent of the browser's rendering)."""

    def __init__(self, pid: int, url: str):
        super().__init__(daemon=True, name="memory-sampler")
        self.pid, self.url, self.samples, self.health, self._halt = pid, url, [], [], threading.Event()

    def run(self) -> None:
        import urllib.request
        while not self._halt.is_set():
            now = time.monotonic()
            self.samples.append((now, pc.tree_memory(self.pid)))
            start = time.perf_counter()
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=10).read()
                self.health.append((now, time.perf_counter() - start))
            except OSError:
                self.health.append((now, float("inf")))
            self._halt.wait(max(0.0, 1.0 - (time.monotonic() - now)))

    def stop(self) -> None:
        self._halt.set()
        self.join(5)

    def peak(self, since: float = 0.0):
        chosen = [m for t, m in self.samples if t >= since] or [pc.Memory()]
        return max(chosen, key=lambda m: m.pss), max(chosen, key=lambda m: m.rss)


# --------------------------------------------------------------------------- one browser session

async def _wait_drawn(page, view: pc.ExpectedView, title: str, need_metric: bool, budget: Budget) -> None:
    try:
        outcome = await page.wait_for_function(pc.DRAWN_JS, arg=[title, view.header, need_metric],
                                               timeout=budget.timeout_ms(), polling=250)
    except Exception as exc:  # noqa: BLE001 - turned into a readable French failure
        seen = await page.evaluate("() => [...document.querySelectorAll('h1, h4')].map(e => e.innerText)")
        raise AssertionError(f"page « {title} » non dessinée ({type(exc).__name__}) ; titres vus : {seen}") from None
    if await outcome.json_value() == "exception":
        text = await page.locator('[data-testid="stException"]').first.inner_text()
        raise AssertionError(f"exception dans la page « {title} » : {text[:300]}")


async def _png_download(page, budget: Budget) -> tuple[float, str, bytes]:
    button = page.locator('[data-testid="stDownloadButton"] button', has_text=PNG_BUTTON).first
    start = time.perf_counter()
    async with page.expect_download(timeout=budget.timeout_ms()) as info:
        await button.click(timeout=budget.timeout_ms())
    download = await info.value
    failure = await download.failure()
    if failure:
        raise AssertionError(f"téléchargement « {download.suggested_filename} » échoué : {failure}")
    path = await download.path()
    seconds = time.perf_counter() - start
    with open(path, "rb") as handle:
        content = handle.read()
    await download.delete()
    return seconds, download.suggested_filename, content


async def run_session(browser, base_url: str, view: pc.ExpectedView, png: bool, twice: bool, budget: Budget,
                      png_gate: "PngGate | None" = None) -> SessionResult:
    result = SessionResult(view.territory_id)
    context = await browser.new_context(viewport=pc.VIEWPORT, locale="fr-FR", accept_downloads=True)
    reached_gate = False

    def media_failure(response) -> None:
        if "/media/" in response.url and response.status >= 400:
            result.errors.append(f"GET {response.url.rsplit('/', 1)[-1]} → HTTP {response.status} (fichier "
                                 "généré déjà supprimé par le serveur ?)")
    context.on("response", media_failure)
    try:
        page = await context.new_page()
        start = time.perf_counter()
        await page.goto(pc.territory_url(base_url, view.territory_id, YEAR), timeout=budget.timeout_ms())
        await _wait_drawn(page, view, "Vue d'ensemble", True, budget)
        result.page_times.append(("overview", time.perf_counter() - start))
        metrics = {pc.norm_text(k): pc.norm_text(v) for k, v in await page.evaluate(pc.METRICS_JS)}
        if metrics.get("Exportations") != pc.norm_text(view.exports_kpi):
            result.errors.append(f"KPI « Exportations » affiché {metrics.get('Exportations')!r}, attendu "
                                 f"{pc.norm_text(view.exports_kpi)!r}")
        for key, title in NAV_TITLES.items():
            start = time.perf_counter()
            await page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click(
                timeout=budget.timeout_ms())
            await _wait_drawn(page, view, title, False, budget)
            result.page_times.append((key, time.perf_counter() - start))
            if key == "exports" and png:
                if png_gate is not None:
                    reached_gate = True
                    await png_gate.arrive_and_wait(budget)
                for _ in range(2 if twice else 1):
                    seconds, name, content = await _png_download(page, budget)
                    result.png_times.append(seconds)
                    result.pngs.append((name, content))
        if await page.locator('[data-testid="stException"]').count():
            result.errors.append("exception affichée en fin de parcours")
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the other sessions
        result.errors.append(f"{type(exc).__name__}: {exc}"[:500])
    finally:
        if png and png_gate is not None and not reached_gate:
            png_gate.give_up()
        await context.close()
    return result


class PngGate:
    """The PNG sessions click together: each waits until all have reached the Exportations page (bounded)."""

    def __init__(self, expected: int):
        self.expected, self.count, self.event = expected, 0, asyncio.Event()

    def _tick(self) -> None:
        self.count += 1
        if self.count >= self.expected:
            self.event.set()

    def give_up(self) -> None:
        self._tick()

    async def arrive_and_wait(self, budget: Budget) -> None:
        self._tick()
        try:
            await asyncio.wait_for(self.event.wait(), timeout=min(120, max(1, budget.left() - 60)))
        except asyncio.TimeoutError:
            pass


# --------------------------------------------------------------------------- PNG checks

def _pixels(content: bytes):
    """(SHA-1 of the decoded RGB pixels, small grey thumbnail as float array, size); raises on a bad PNG."""
    import numpy as np
    from PIL import Image
    if content[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("signature PNG absente")
    image = Image.open(io.BytesIO(content))
    image.load()
    rgb = image.convert("RGB")
    thumb = np.asarray(rgb.convert("L").resize((320, 180)), dtype=float)
    return hashlib.sha1(rgb.tobytes()).hexdigest(), thumb, rgb.size


def save_pngs(results: list[SessionResult], references: dict[str, bytes]) -> None:
    """Downloads and references side by side in bench/results/load-pngs/ (replaced at every run)."""
    folder = pc.RESULTS_DIR / "load-pngs"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    for tid, content in references.items():
        (folder / f"{tid.replace(':', '-')}_reference.png").write_bytes(content)
    for result in results:
        for i, (_, content) in enumerate(result.pngs, start=1):
            (folder / f"{result.territory_id.replace(':', '-')}_telecharge-{i}.png").write_bytes(content)


def check_pngs(results: list[SessionResult], references: dict[str, bytes], catalog) -> tuple[list[str], dict]:
    """Each download against every reference: its own must be the nearest (ideally identical)."""
    from lib.outputs.file_names import download_name
    from lib.core.schema import EXPORT
    from lib.presentation.texts import FLOW_WORDS
    errors: list[str] = []
    refs = {tid: _pixels(content) for tid, content in references.items()}
    stats = {"downloads": 0, "identical": 0, "max_own_diff": 0.0, "min_other_diff": float("inf")}
    hashes_by_territory: dict[str, set[str]] = {}
    for result in results:
        for name, content in result.pngs:
            stats["downloads"] += 1
            tid = result.territory_id
            try:
                digest, thumb, size = _pixels(content)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{tid} : PNG illisible ({exc})")
                continue
            hashes_by_territory.setdefault(tid, set()).add(digest)
            expected_name = download_name(FLOW_WORDS[EXPORT]["title"], "flux", catalog.resolve(tid), YEAR, "png")
            if name != expected_name:
                errors.append(f"{tid} : fichier « {name} » au lieu de « {expected_name} »")
            if tid not in refs:
                continue
            own_digest, own_thumb, own_size = refs[tid]
            if size != own_size:
                errors.append(f"{tid} : taille {size} ≠ référence {own_size}")
                continue
            if digest == own_digest:
                stats["identical"] += 1
            diffs = {other: float(abs(thumb - ref[1]).mean()) for other, ref in refs.items()}
            own = diffs.pop(tid)
            nearest_other = min(diffs.values()) if diffs else float("inf")
            stats["max_own_diff"] = max(stats["max_own_diff"], own)
            stats["min_other_diff"] = min(stats["min_other_diff"], nearest_other)
            if digest != own_digest and not (own < 2.0 and own * 2 < nearest_other):
                errors.append(f"{tid} : PNG plus proche d'un autre territoire que du sien (écart {own:.2f}, "
                              f"autre {nearest_other:.2f}) : image échangée ?")
    for tid, digests in hashes_by_territory.items():
        if len(digests) > 1:
            errors.append(f"{tid} : deux téléchargements du même graphique diffèrent")
    owners: dict[str, str] = {}
    for tid, digests in hashes_by_territory.items():
        for digest in digests:
            if digest in owners and owners[digest] != tid:
                errors.append(f"PNG identiques pour {owners[digest]} et {tid}")
            owners[digest] = tid
    stats["territories"] = len(hashes_by_territory)
    return errors, stats


# --------------------------------------------------------------------------- orchestration

def _resolve_plan(plan, catalog):
    tis = catalog.territories_of_kind("ti")
    resolved = []
    for tid, png, twice in plan:
        if tid.startswith("ti:") and tid[3:].isdigit():
            tid = tis[(int(tid[3:]) * 23) % len(tis)].id if tis else f"dep:{10 + int(tid[3:])}"
        resolved.append((catalog.resolve(tid), png, twice))
    return resolved


def _summary_rows(label: str, times: list[float]) -> list[str]:
    return [label, str(len(times)), pc.fmt_s(pc.percentile(times, 50)), pc.fmt_s(pc.percentile(times, 95)),
            pc.fmt_s(max(times) if times else float("nan"))]


async def drive(args, data, server: StreamlitServer, sampler: MemorySampler, budget: Budget) -> dict:
    from playwright.async_api import async_playwright
    catalog, cube = data.catalog, data.cube
    concurrent_plan = _resolve_plan(SESSION_PLAN, catalog)[: args.sessions]
    solo_plan = _resolve_plan(SOLO_PLAN, catalog)
    ids = [t.id for t, _, _ in concurrent_plan + solo_plan]
    assert len(set(ids)) == len(ids), f"territoires en double : {ids}"
    views = {t.id: pc.expected_view(cube, t, YEAR) for t, _, _ in concurrent_plan + solo_plan}
    views[WARMUP] = pc.expected_view(cube, catalog.resolve(WARMUP), YEAR)
    out: dict = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=pc.CHROMIUM, args=pc.CHROMIUM_ARGS)
        try:
            # Warm-up: loads the data in the server and starts its kaleido Chromium (first PNG).
            warm = await run_session(browser, server.url, views[WARMUP], True, False, budget)
            out["warmup"] = warm
            print(f"Échauffement ({WARMUP}) : {len(warm.page_times)} pages, erreurs : {warm.errors or 'aucune'}",
                  flush=True)
            out["solo"] = []
            for territory, png, twice in solo_plan:
                out["solo"].append(await run_session(browser, server.url, views[territory.id], png, twice, budget))
            print(f"Session seule : {sum(len(r.page_times) for r in out['solo'])} pages mesurées", flush=True)
            out["memory_before"] = pc.tree_memory(server.pid)
            gate = PngGate(sum(1 for _, png, _ in concurrent_plan if png))
            own = lambda: [p for p in pc.process_tree(os.getpid(), exclude={server.pid}) if p != os.getpid()]  # noqa: E731
            cpu_server0 = pc.cpu_seconds(pc.process_tree(server.pid))
            cpu_browser0 = pc.cpu_seconds(own())
            out["concurrent_start"] = time.monotonic()
            wall0 = time.perf_counter()
            tasks = [run_session(browser, server.url, views[t.id], png, twice, budget, gate)
                     for t, png, twice in concurrent_plan]
            try:
                out["concurrent"] = await asyncio.wait_for(asyncio.gather(*tasks),
                                                           timeout=max(10, budget.left() - 15))
            except asyncio.TimeoutError:
                out["concurrent"] = []
                out["timeout"] = True
            out["wall"] = time.perf_counter() - wall0
            out["cpu_server"] = pc.cpu_seconds(pc.process_tree(server.pid)) - cpu_server0
            out["cpu_browser"] = pc.cpu_seconds(own()) - cpu_browser0
            out["memory_after"] = pc.tree_memory(server.pid)
        finally:
            await browser.close()
    return out


def render_references(data, plan) -> dict[str, bytes]:
    from lib.outputs import png_export
    refs = {}
    try:
        for territory, png, _ in plan:
            if png:
                refs[territory.id] = pc.export_sankey_png(data, territory, YEAR)
    finally:
        png_export.shutdown()
    return refs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_test", description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="sessions simultanées (20 au plus)")
    parser.add_argument("--budget", type=float, default=570, help="durée maximale en secondes")
    parser.add_argument("--max-memory-mb", type=float, default=2500,
                        help="plafond de la PSS du serveur (streamlit + enfants)")
    args = parser.parse_args(argv)
    args.sessions = max(1, min(args.sessions, len(SESSION_PLAN)))
    budget = Budget(args.budget)
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    if not os.access(pc.CHROMIUM, os.X_OK):
        print(f"Chromium absent ({pc.CHROMIUM}) : test de charge impossible.", file=sys.stderr)
        return 2
    from lib.analysis.dataset import load_app_data
    data = load_app_data()
    plan = _resolve_plan(SESSION_PLAN, data.catalog)[: args.sessions] + _resolve_plan(SOLO_PLAN, data.catalog)
    t0 = time.perf_counter()
    references = render_references(data, plan)
    print(f"{len(references)} PNG de référence rendus avec lib en {time.perf_counter() - t0:.0f} s", flush=True)

    server = StreamlitServer(pc.RESULTS_DIR / "load-streamlit.log")
    server.start()
    sampler = None
    try:
        server.wait_healthy()
        sampler = MemorySampler(server.pid, server.url)
        sampler.start()
        out = asyncio.run(drive(args, data, server, sampler, budget))
    finally:
        try:
            if sampler is not None:
                sampler.stop()
        finally:
            server.stop()       # always, by its PID

    errors: list[str] = []
    if out.get("timeout"):
        errors.append(f"budget de {args.budget:.0f} s dépassé pendant la phase simultanée")
    sessions = out["concurrent"]
    for result in [out["warmup"]] + out["solo"] + sessions:
        errors += [f"{result.territory_id} : {e}" for e in result.errors]
    save_pngs(out["solo"] + sessions, references)
    png_errors, png_stats = check_pngs(out["solo"] + sessions, references, data.catalog)
    errors += png_errors
    expected_pngs = sum((2 if twice else 1) for _, png, twice in _resolve_plan(SESSION_PLAN, data.catalog)[
        : args.sessions] if png)
    got_pngs = sum(len(r.pngs) for r in sessions)
    if sessions and got_pngs != expected_pngs:
        errors.append(f"{got_pngs} PNG reçus sur {expected_pngs} attendus")
    peak_pss, peak_rss = sampler.peak(out["concurrent_start"])
    if peak_pss.pss > args.max_memory_mb * 2**20:
        errors.append(f"mémoire du serveur {pc.fmt_mb(peak_pss.pss)} > plafond {args.max_memory_mb:.0f} Mo")

    health = [h for t, h in sampler.health if t >= out["concurrent_start"]]
    solo_times = [s for r in out["solo"] for _, s in r.page_times]
    conc_times = [s for r in sessions for _, s in r.page_times]
    rows = [_summary_rows("1 session seule (3 parcours à la suite)", solo_times),
            _summary_rows(f"{len(sessions)} sessions simultanées", conc_times)]
    ratio50 = pc.percentile(conc_times, 50) / pc.percentile(solo_times, 50) if solo_times and conc_times else float("nan")
    ratio95 = pc.percentile(conc_times, 95) / pc.percentile(solo_times, 95) if solo_times and conc_times else float("nan")
    rows.append(["rapport simultané ÷ seul", "", pc.fmt_ratio(ratio50), pc.fmt_ratio(ratio95), ""])
    lines = [f"## Test de charge — {len(sessions)} sessions simultanées, année {YEAR}\n",
             f"Machine : {os.cpu_count()} cœurs partagés avec d'autres travaux, charge moyenne {load_start:.1f} au "
             f"départ, {os.getloadavg()[0]:.1f} à la fin. "
             f"Un seul Chromium (Playwright) ; serveur local `python -m lib.ui.server`.\n",
             "### Temps de page (goto ou clic dans le menu → page dessinée)\n",
             pc.markdown_table(["Scénario", "pages", "p50", "p95", "max"], rows), ""]
    per_page = []
    for key, label in (("overview", "Vue d'ensemble (goto)"), ("exports", "Exportations (clic)"),
                       ("imports", "Importations (clic)"), ("comparison", "Comparaison (clic)")):
        solo = [s for r in out["solo"] for k, s in r.page_times if k == key]
        conc = [s for r in sessions for k, s in r.page_times if k == key]
        ratio = pc.percentile(conc, 50) / pc.percentile(solo, 50) if solo and conc else float("nan")
        per_page.append([label, pc.fmt_s(pc.percentile(solo, 50)), pc.fmt_s(pc.percentile(conc, 50)),
                         pc.fmt_s(pc.percentile(conc, 95)), pc.fmt_ratio(ratio)])
    lines += [pc.markdown_table(["Page", "seule p50", "simultané p50", "simultané p95", "rapport p50"], per_page),
              ""]
    solo_png = [s for r in out["solo"] for s in r.png_times]
    conc_png = [s for r in sessions for s in r.png_times]
    cores = (out["cpu_server"] + out["cpu_browser"]) / out["wall"] if out.get("wall") else float("nan")
    lines += ["### PNG, mémoire, CPU\n", pc.markdown_table(["Mesure", "Valeur"], [
        ["PNG seul (serveur chaud)", pc.fmt_s(pc.median(solo_png))],
        [f"PNG simultanés ({len(conc_png)} clics dans {sum(1 for r in sessions if r.png_times)} sessions) p50 / p95",
         f"{pc.fmt_s(pc.percentile(conc_png, 50))} / {pc.fmt_s(pc.percentile(conc_png, 95))}"],
        ["PNG vérifiés : identiques au pixel près à la référence lib / total",
         (f"{png_stats['identical']} / {png_stats['downloads']} ({png_stats.get('territories', 0)} territoires ; "
          f"écart moyen max au sien {png_stats['max_own_diff']:.2f}, écart min à un autre "
          f"{png_stats['min_other_diff']:.1f} sur 255)").replace(".", ",")],
        ["Réponse de `/_stcore/health` pendant la charge, p50 / p95 / max (1 par seconde)",
         " / ".join(pc.fmt_s(pc.percentile(health, q), 3) for q in (50, 95, 100))],
        ["Mémoire serveur avant la charge (PSS streamlit + enfants)", pc.fmt_mb(out["memory_before"].pss)],
        ["Pic pendant la charge : PSS total (streamlit / enfants)",
         f"{pc.fmt_mb(peak_pss.pss)} ({pc.fmt_mb(peak_pss.pss_main)} / {pc.fmt_mb(peak_pss.pss_children)}, "
         f"{peak_pss.n_children} enfants)"],
        ["Pic pendant la charge : RSS total (somme, pages partagées comptées plusieurs fois)",
         pc.fmt_mb(peak_rss.rss)],
        ["Mémoire à la fin (sessions fermées)", pc.fmt_mb(out["memory_after"].pss)],
        ["Échantillons mémoire (1 par seconde)", str(len(sampler.samples))],
        ["Phase simultanée : durée ; CPU serveur ; CPU navigateur",
         f"{pc.fmt_s(out.get('wall', float('nan')), 1)} ; {pc.fmt_s(out['cpu_server'], 1)} ; "
         f"{pc.fmt_s(out['cpu_browser'], 1)} (≈ {cores:.1f} cœurs occupés)".replace(".", ",")],
    ]), ""]
    lines.append(f"Durée totale : {time.perf_counter() - started:.0f} s. "
                 + ("**Aucune erreur.**" if not errors else f"**{len(errors)} erreur(s)** :"))
    lines += [f"- {e}" for e in errors[:40]]
    text = "\n".join(lines)
    print("\n" + text)
    pc.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (pc.RESULTS_DIR / "load-latest.md").write_text(text + "\n", encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
