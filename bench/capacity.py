"""Capacity in people (`python -m bench.capacity`): how many people reading at once the app holds.

A load model with thinking time, unlike bench.server_load (everyone clicking at once): N people arrive
spread evenly over ``--arrival`` seconds; each opens a shared link (a territory drawn among all of
them: départements, Territoires d'industrie, régions, France), then clicks every 10 s on average
(exponential pauses): another page of the publication, or, one click in five, another territory in the
sidebar list. Every rerun's wait is recorded (from the click to the end of the server's answer, as
bench.protocol reads it; nothing is drawn). Each N runs on fresh app processes (1 or 2 behind nginx,
bench.nginx_local), warmed on one territory; their precomputed page results (lib/outputs/warm_store)
are those of the data in use if built.

Reported per N: waits p50 / p95 / max, reruns, errors, server CPU, memory (PSS of the app processes) at
the end and per session, the machine's load (/proc/loadavg) before and after; "held" means p95 ≤ 1 s
and no error. Results: bench/results/capacity-LABEL.md / .json and a PNG curve (p95 against N).
Bounded: every wait has a timeout; loopback only.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.local_server import StreamlitServer
from bench.page_compute import RESULTS_DIR, cpu_seconds, tree_memory
from bench.protocol import AppSession, ProtocolError
from websockets.exceptions import WebSocketException
from bench.server_load import PAGES, YEAR, _loadavg, _q, warm_up

THINK_SECONDS = 10.0        # a click every 10 s on average
TERRITORY_CLICK = 0.2       # one click in five picks another territory
HELD_P95 = 1.0              # seconds


@dataclass
class Person:
    waits: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def territories() -> list[str]:
    """Every territory a shared link can name, from the data in use."""
    from lib.analysis.dataset import load_app_data
    from lib.data.territories import FRANCE
    data = load_app_data()
    catalog = data.catalog
    return [t.id for t in [*catalog.departments(), *catalog.territories_of_kind("ti"), *catalog.regions(), FRANCE]]


def person(url: str, start_at: float, stop_at: float, seed: int, ids: list[str], timeout: float) -> Person:
    rng = random.Random(seed)
    log = Person()
    time.sleep(max(0.0, start_at - time.monotonic()))
    session = AppSession(url, timeout=timeout)
    try:
        session.connect()
        page = rng.choice(PAGES)
        rerun = session.open(f"/{page}?territoire={rng.choice(ids)}&annee={YEAR}")
        log.waits.append(rerun.seconds)
        while True:
            pause = rng.expovariate(1 / THINK_SECONDS)
            if time.monotonic() + pause > stop_at:
                break
            time.sleep(pause)
            label = "Territoire" if session.options("Territoire") else None
            if label and rng.random() < TERRITORY_CLICK:
                rerun = session.choose(label, rng.choice(session.options(label)))
            else:
                page = rng.choice([p for p in PAGES if p != page])
                rerun = session.switch_page(page)
            log.waits.append(rerun.seconds)
            if rerun.exceptions or rerun.status != "FINISHED_SUCCESSFULLY":
                log.errors.append(f"{rerun.status} {rerun.exceptions[:1]}")
    except (ProtocolError, OSError, WebSocketException) as exc:
        log.errors.append(f"{type(exc).__name__} : {str(exc)[:200]}")
    finally:
        session.close()
    return log


@dataclass
class Step:
    people: int
    processes: int
    loadavg_before: str
    loadavg_after: str
    reruns: int
    wait_p50: float
    wait_p95: float
    wait_max: float
    errors: int
    cpu_seconds: float
    pss_mb: float
    pss_idle_mb: float
    mb_per_session: float
    held: bool
    error_samples: list[str]


def run_step(people: int, processes: int, arrival: float, steady: float, timeout: float, ids: list[str]) -> Step:
    from bench.nginx_local import LocalNginx
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(StreamlitServer(RESULTS_DIR / f"capacity-server-{i}.log"))
                   for i in range(processes)]
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cet-capacity-")))
        proxy = stack.enter_context(LocalNginx([s.port for s in servers], workdir))
        for server in servers:
            warm_up(server.url, timeout)
        pids = [s.pid for s in servers]
        idle = sum(tree_memory(pid).pss_main for pid in pids) / 2**20
        load_before, cpu_before = _loadavg(), cpu_seconds(pids, include_reaped_children=False)
        begin = time.monotonic()
        stop_at = begin + arrival + steady
        logs: list[Person | None] = [None] * people

        def worker(i: int) -> None:
            logs[i] = person(proxy.url, begin + arrival * i / people, stop_at, i, ids, timeout)

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(people)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(1.0, stop_at - time.monotonic() + timeout))
        pss = sum(tree_memory(pid).pss_main for pid in pids) / 2**20
        cpu = cpu_seconds(pids, include_reaped_children=False) - cpu_before
        logs = [log or Person(errors=["personne non terminée"]) for log in logs]
    waits = [w for log in logs for w in log.waits]
    errors = [e for log in logs for e in log.errors]
    p95 = _q(waits, 0.95)
    return Step(people=people, processes=processes, loadavg_before=load_before, loadavg_after=_loadavg(),
                reruns=len(waits), wait_p50=_q(waits, 0.5), wait_p95=p95, wait_max=max(waits, default=float("nan")),
                errors=len(errors), cpu_seconds=cpu, pss_mb=pss, pss_idle_mb=idle,
                mb_per_session=(pss - idle) / people, held=p95 <= HELD_P95 and not errors,
                error_samples=errors[:5])


def _fmt(value: float, digits: int = 2) -> str:
    return "—" if value != value else f"{value:.{digits}f}".replace(".", ",")


def markdown(label: str, steps: list[Step], note: str) -> str:
    lines = [f"### capacité — {label}", "", note, "",
             "| processus | personnes | charge avant → après | attente p50 / p95 / max (s) | reruns | erreurs "
             "| CPU serveur (s) | PSS fin / repos (Mo) | Mo par session | tenu (p95 ≤ 1 s) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for s in steps:
        lines.append(f"| {s.processes} | {s.people} | {s.loadavg_before} → {s.loadavg_after} "
                     f"| {_fmt(s.wait_p50)} / {_fmt(s.wait_p95)} / {_fmt(s.wait_max)} | {s.reruns} | {s.errors} "
                     f"| {_fmt(s.cpu_seconds, 1)} | {_fmt(s.pss_mb, 0)} / {_fmt(s.pss_idle_mb, 0)} "
                     f"| {_fmt(s.mb_per_session, 2)} | {'oui' if s.held else 'non'} |")
    for processes in sorted({s.processes for s in steps}):
        held = [s.people for s in steps if s.processes == processes and s.held]
        lines.append(f"\n{processes} processus : {max(held) if held else 'aucun palier'} personnes tenues au plus "
                     f"parmi les paliers mesurés.")
    for s in steps:
        for text in s.error_samples:
            lines.append(f"\n- {s.processes} processus, {s.people} personnes : {text}")
    return "\n".join(lines) + "\n"


def curve(steps: list[Step], path: Path) -> None:
    """p95 wait against the number of people, one line per number of processes, the 1 s line dashed."""
    import plotly.graph_objects as go
    from lib.outputs.png_export import figure_to_png
    figure = go.Figure(layout={"template": "plotly_white", "separators": ", "})
    for processes in sorted({s.processes for s in steps}):
        mine = [s for s in steps if s.processes == processes]
        figure.add_scatter(x=[s.people for s in mine], y=[s.wait_p95 for s in mine], mode="lines+markers",
                           name=f"{processes} processus derrière nginx")
    figure.add_hline(y=HELD_P95, line_dash="dash", annotation_text="1 s")
    figure.update_layout(title="Attente au 95e centile selon le nombre de personnes (un clic toutes les 10 s)",
                         xaxis_title="personnes connectées", yaxis_title="attente p95 (s)",
                         font={"size": 16}, legend={"orientation": "h", "y": -0.2})
    path.write_bytes(figure_to_png(figure, 1600, 900, 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", default="50,100,200,300", help="paliers de personnes, ex. 50,100,200,300")
    parser.add_argument("--processes", default="1,2", help="processus derrière nginx, ex. 1,2")
    parser.add_argument("--arrival", type=float, default=60, help="durée des arrivées (s)")
    parser.add_argument("--steady", type=float, default=30, help="durée après la dernière arrivée (s)")
    parser.add_argument("--timeout", type=float, default=60, help="attente maximale d'un rerun (s)")
    parser.add_argument("--label", default="latest", help="bench/results/capacity-LABEL.md")
    args = parser.parse_args(argv)
    ids = territories()
    steps: list[Step] = []
    for processes in [int(n) for n in args.processes.split(",")]:
        for people in [int(n) for n in args.people.split(",")]:
            step = run_step(people, processes, args.arrival, args.steady, args.timeout, ids)
            steps.append(step)
            print(f"{processes} processus, {people} personnes : p50/p95/max {step.wait_p50:.2f}/{step.wait_p95:.2f}/"
                  f"{step.wait_max:.2f} s, {step.reruns} reruns, {step.errors} erreurs, PSS {step.pss_mb:.0f} Mo "
                  f"({step.mb_per_session:.2f} Mo/session), charge {step.loadavg_before} → {step.loadavg_after}",
                  flush=True)
            if not step.held:
                break   # more people would not be held either
    note = (f"{time.strftime('%d/%m/%Y %H:%M', time.gmtime())} UTC, {os.cpu_count()} cœurs partagés avec d'autres "
            f"travaux (charge ci-dessous), arrivées réparties sur {args.arrival:.0f} s puis {args.steady:.0f} s, "
            f"un clic toutes les {THINK_SECONDS:.0f} s en moyenne, {len(ids)} territoires tirés au hasard.")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"capacity-{args.label}.md").write_text(markdown(args.label, steps, note))
    (RESULTS_DIR / f"capacity-{args.label}.json").write_text(
        json.dumps({"note": note, "steps": [asdict(s) for s in steps]}, indent=1, ensure_ascii=False))
    try:
        curve(steps, RESULTS_DIR / f"capacity-{args.label}.png")
    except Exception as exc:   # noqa: BLE001 - the figures above are the result; the curve is a picture of them
        print(f"Courbe non dessinée : {exc}", file=sys.stderr)
    print(f"Résultats : bench/results/capacity-{args.label}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
