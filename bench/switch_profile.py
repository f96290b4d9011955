"""Where a page switch's time goes: `python -m bench.switch_profile [--rounds 5] [--page "Vue d'ensemble"]
[--before DIR]`.

bench.perceived_speed says how long a switch takes; this says where the time goes, in one browser clock
(``performance.now()`` in the page), for each switch from « Exportations » to the page studied:

- the click, the rerun request sent on the websocket, the first and the last message received (server time
  and transfer: Streamlit sends each element as it is produced, so the last message is the end of the run),
  the bytes received (figure JSON included);
- when the new page's title is shown, when each chart's SVG appears (in page order), when all are drawn;
- the browser's work during the switch (CDP ``Performance.getMetrics`` deltas: script, layout, style, all
  tasks) and a sampled JavaScript profile grouped by script file (plotly's chunk, Streamlit's bundle, our
  inline scripts, garbage collection, idle).

Prints medians in ms. A measure, not a test: nothing is asserted.
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
from bench.perceived_speed import (_DRAWN_JS, _RESET_JS, CDP_METRICS, CHROMIUM, CHROMIUM_ARGS, SHARED_LINK,
                                   new_probed_context, wait_probe)

def _metrics(cdp) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def _script_group(url: str, name: str) -> str:
    if not url:
        return name or "(programme)"
    base = url.rsplit("/", 1)[-1].split("?")[0]
    if "plotly" in base.lower():
        return "plotly (" + base[:40] + ")"
    return base[:48] or url[:48]


def _profile_by_script(profile: dict) -> dict[str, float]:
    """Self time in ms per script file from a CDP sampled profile."""
    group = {node["id"]: _script_group(node["callFrame"].get("url", ""), node["callFrame"].get("functionName", ""))
             for node in profile["nodes"]}
    spent: dict[str, float] = defaultdict(float)
    for sample, delta in zip(profile.get("samples", []), profile.get("timeDeltas", [])):
        spent[group[sample]] += delta / 1000
    return dict(spent)


def switch_once(page, cdp, source: tuple[str, int], target: tuple[str, int]) -> dict:
    """Go to `source`, then click `target` in the sidebar; the breakdown of that switch in ms."""
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name=source[0], exact=True).click()
    page.wait_for_function(_DRAWN_JS, arg=list(source), timeout=120_000, polling="raf")
    page.wait_for_timeout(300)
    before = _metrics(cdp)
    page.evaluate(_RESET_JS, list(target))
    cdp.send("Profiler.start")
    nav.get_by_role("link", name=target[0], exact=True).click()
    probe = wait_probe(page, target, reset=False)
    profile = cdp.send("Profiler.stop")["profile"]
    after = _metrics(cdp)
    click = probe["click"]
    sent = [t for kind, t, _ in probe["ws"] if kind == "out" and t >= click]
    received = [(t, size) for kind, t, size in probe["ws"] if kind == "in" and t >= click and t <= probe["drawn"]]
    row = {
        "requête envoyée": (sent[0] - click) if sent else float("nan"),
        "premier message reçu": (received[0][0] - click) if received else float("nan"),
        "dernier message reçu": (received[-1][0] - click) if received else float("nan"),
        "titre affiché": probe["title"] - click,
        "premier écran dessiné": probe["screen"] - click,
        "tout dessiné": probe["drawn"] - click,
        "messages reçus": len(received),
        "octets reçus (ko)": sum(size or 0 for _, size in received) / 1000,
    }
    for i, t in enumerate(probe["charts"]):
        if t is not None:
            row[f"graphique {i + 1} dessiné"] = t - click
    for key, label in CDP_METRICS.items():
        row[f"navigateur : {label}"] = (after.get(key, 0) - before.get(key, 0)) * 1000
    for group, ms in _profile_by_script(profile).items():
        row[f"profil JS : {group}"] = ms
    return row


LANDING = ("Vue d'ensemble", 3)


def run(url: str, source: tuple[str, int], target: tuple[str, int], rounds: int, browser) -> list[dict]:
    context = new_probed_context(browser)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 250})
    page.goto(url)
    page.wait_for_function(_DRAWN_JS, arg=list(LANDING), timeout=120_000)    # the shared link's page
    rows = [switch_once(page, cdp, source, target) for _ in range(rounds)]
    context.close()
    return rows


def report(name: str, rows: list[dict]) -> None:
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    print(f"\n{name} — médiane de {len(rows)} changements (ms, depuis le clic)")
    order = sorted(keys, key=lambda k: (k.startswith("profil"), k.startswith("navigateur"),
                                        -median(r.get(k, 0) for r in rows) if k.startswith("profil") else 0))
    for key in order:
        values = [r.get(key, 0.0) for r in rows]
        if key.startswith("profil") and median(values) < 5:
            continue
        print(f"  {key:<58} {median(values):>9.0f}   (min {min(values):.0f}, max {max(values):.0f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Où passe le temps d'un changement de page.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--page", default="Vue d'ensemble")
    parser.add_argument("--charts", type=int, default=3)
    parser.add_argument("--url", help="serveur déjà lancé (sinon l'application est lancée ici)")
    parser.add_argument("--before", type=Path, help="une autre copie de l'application, mesurée à tour de rôle")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    print(f"Charge (1 min) : {os.getloadavg()[0]:.2f}".replace(".", ","))
    source, target = ("Exportations", 1), (args.page, args.charts)
    quiet = {"CET_PRECOMPUTE": "0"}   # no background precomputation during the measure (see perceived_speed)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        urls = {"application": args.url}
        if not args.url:
            urls["application"] = stack.enter_context(StreamlitServer(Path(tmp) / "app.log", env=quiet)).url
        if args.before:
            urls["avant"] = stack.enter_context(StreamlitServer(Path(tmp) / "before.log", env=quiet,
                                                                project_dir=args.before)).url
        browser = stack.enter_context(sync_playwright()).chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for url in urls.values():
            run(url + SHARED_LINK, source, target, 1, browser)             # warm the server's caches
        rows: dict[str, list[dict]] = {name: [] for name in urls}
        for _ in range(args.rounds):                                        # in turn: the same machine load
            for name, url in urls.items():
                rows[name] += run(url + SHARED_LINK, source, target, 1, browser)
        browser.close()
    for name, measured in rows.items():
        report(f"{args.page}, {name}", measured)
    print(f"Charge (1 min) : {os.getloadavg()[0]:.2f}".replace(".", ","))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
