"""Server load test without browsers (`python -m bench.server_load`, `make load-server`).

N sessions at once speak Streamlit's websocket protocol (bench.protocol): each opens a shared link
(`/<page>?territoire=…&annee=2024`, 12 territories from Ain to France), downloads one Excel table
(a lost download is an error), switches between the four pages of the publication (Vue d'ensemble,
Exportations, Importations, Comparaison), picks another territory in the sidebar list, and switches
pages again. Nothing is drawn: only the server is timed.

Reported per number of sessions: first page and page switch p50 / p95 (wall clock, as a user waits),
server CPU time per rerun (utime + stime of the server process from /proc/PID/stat, the steadiest
figure on a shared machine; for one session also per rerun: median / p95), KB sent per rerun,
reruns per second, server memory (PSS), exceptions shown in the page and errors, with the machine's
load (/proc/loadavg) before and after. Each phase starts a fresh server (warmed on a territory
outside the plan) unless ``--url`` points to a running one (e.g. nginx, with ``--pid`` of each app
process). Bounded: ``--budget`` seconds in all, every wait has a timeout; loopback only.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.page_compute import RESULTS_DIR, cpu_seconds, tree_memory
from bench.protocol import AppSession, ProtocolError
from bench.local_server import StreamlitServer

YEAR = 2024
PAGES = ["", "exportations", "importations", "comparaison"]   # the four pages of the publication
PAGE_NAMES = {"": "Vue d'ensemble", "exportations": "Exportations", "importations": "Importations",
              "comparaison": "Comparaison"}
TERRITORIES = ["dep:01", "dep:04", "dep:13", "dep:2A", "dep:59", "dep:75", "dep:974", "ti:TI-DEMO-001",
               "ti:TI-DEMO-002", "reg:93", "reg:11", "fr"]   # the demo's TIs (a real TI list has other codes)
WARMUP = "dep:90"
# --cold-plan: twenty territories no other session of the plan opens (nor the warm-up), of every kind
COLD_TERRITORIES = ["dep:02", "dep:03", "dep:05", "dep:06", "dep:07", "dep:08", "dep:09", "dep:10", "dep:11",
                    "dep:12", "dep:14", "dep:15", "dep:16", "dep:17", "dep:971", "ti:TI-DEMO-030",
                    "ti:TI-DEMO-060", "reg:24", "reg:44", "reg:76"]
PLAN = {"territories": TERRITORIES}
USE_MESSAGE_CACHE = {"value": True}   # like a browser: big elements already received come back as a hash
DOWNLOAD = {"value": True}            # each session downloads one Excel table after its first page


@dataclass
class SessionLog:
    territory: str
    first: float = float("nan")
    first_cpu: float = float("nan")         # server CPU of the first page (one session at a time only)
    switches: list[float] = field(default_factory=list)
    rerun_cpu: list[float] = field(default_factory=list)
    rerun_labels: list[str] = field(default_factory=list)   # what each rerun was (page, first visit or not)
    bytes: list[int] = field(default_factory=list)          # on the wire
    raw_bytes: list[int] = field(default_factory=list)      # before websocket compression
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    downloads: int = 0                       # Excel files fetched (a /media/ URL of the session's process)


EXCEL = "Télécharger le tableau (Excel)"


def _q(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_session(url: str, index: int, rounds: int, pids: list[int] | None, timeout: float,
                barrier: threading.Barrier | None = None) -> SessionLog:
    """One user: shared link, page switches, another territory, page switches again."""
    territory = PLAN["territories"][index % len(PLAN["territories"])]
    log = SessionLog(territory)
    start_page = PAGES[index % len(PAGES)]
    order = PAGES[PAGES.index(start_page) + 1:] + PAGES[:PAGES.index(start_page) + 1]

    seen: set[tuple[str, str]] = set()

    def timed(action, first=False, label=""):
        before = cpu_seconds(pids, include_reaped_children=False) if pids else 0.0
        rerun = action()
        if pids:
            log.rerun_cpu.append(cpu_seconds(pids, include_reaped_children=False) - before)
            log.rerun_labels.append(label)
            if first:
                log.first_cpu = log.rerun_cpu[-1]
        log.bytes.append(rerun.bytes)
        log.raw_bytes.append(rerun.uncompressed_bytes)
        log.exceptions.extend(rerun.exceptions)
        if rerun.page_not_found:
            log.errors.append("page introuvable (page_not_found)")
        if rerun.status != "FINISHED_SUCCESSFULLY":
            log.errors.append(f"fin de script : {rerun.status}")
        return rerun

    session = AppSession(url, timeout=timeout, use_cache=USE_MESSAGE_CACHE["value"])
    try:
        session.connect()
        if barrier is not None:
            barrier.wait(timeout)
        first = timed(lambda: session.open(f"/{start_page}?territoire={territory}&annee={YEAR}"), first=True,
                      label=f"{PAGE_NAMES[start_page]} (premier écran)")
        current = territory
        seen.add((current, start_page))
        log.first = first.seconds
        refused = [text for text in first.alerts if "non reconnu" in text]
        if refused:   # the link was not understood: the page shows another territory than the plan's
            log.errors.append(f"{territory} : {refused[0][:200]}")
        if DOWNLOAD["value"] and EXCEL in first.downloads:   # like a user: one table downloaded
            url = session.download_url(EXCEL)
            status, body = session.fetch(url)
            if status != 200 or body[:2] != b"PK":
                log.errors.append(f"{territory} : téléchargement perdu ({url} → HTTP {status})")
            else:
                log.downloads += 1
        for cycle in range(2 * rounds):
            if cycle == rounds and not territory == "fr":
                options = session.options("Territoire") or session.options("Territoire d'industrie (départements)")
                label = "Territoire" if session.options("Territoire") else "Territoire d'industrie (départements)"
                if options:
                    choice = options[(index * 7 + 5) % len(options)]
                    rerun = timed(lambda: session.choose(label, choice), label="changement de territoire")
                    current = choice
                    seen.add((current, order[-1]))
            for page in order:
                fresh = (current, page) not in seen
                seen.add((current, page))
                rerun = timed(lambda: session.switch_page(page),
                              label=f"{PAGE_NAMES[page]} ({'1re vue dans la session' if fresh else 'revue'})")
                log.switches.append(rerun.seconds)
                if PAGE_NAMES[page] not in rerun.headings:
                    log.errors.append(f"{territory} : titre « {PAGE_NAMES[page]} » absent après changement de page")
    except (ProtocolError, OSError, threading.BrokenBarrierError) as exc:
        log.errors.append(f"{territory} : {exc}")
    finally:
        session.close()
    return log


@dataclass
class Phase:
    sessions: int
    loadavg_before: str
    loadavg_after: str
    wall_seconds: float
    reruns: int
    cpu_seconds: float
    first_p50: float
    first_p95: float
    switch_p50: float
    switch_p95: float
    cpu_per_rerun_ms: float
    cpu_rerun_p50_ms: float
    cpu_rerun_p95_ms: float
    first_cpu_ms: float
    kb_per_rerun: float
    raw_kb_per_rerun: float
    reruns_per_second: float
    pss_mb: float
    cpu_by_label_ms: dict[str, list[float]]
    downloads: int
    exceptions: list[str]
    errors: list[str]
    client_cpu_per_rerun_ms: float = float("nan")   # this load client's own CPU: it shares the machine's cores
    proxy_cpu_per_rerun_ms: float = float("nan")    # nginx's (master and workers), behind a proxy


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


WARM_PLAN = {"value": False}


def run_phase(url: str, pids: list[int], sessions: int, rounds: int, timeout: float,
              warm_urls: list[str] | None = None, proxy_pids: list[int] | None = None) -> Phase:
    """`warm_urls`: where the warm plan is played (behind nginx: each process directly, since a session
    measured later may land on either)."""
    if WARM_PLAN["value"]:   # every session of the plan once: its territory and the one it switches to
        for target in warm_urls or [url]:
            for index in range(sessions):
                run_session(target, index, rounds, None, timeout)
    load_before = _loadavg()
    cpu_before = cpu_seconds(pids, include_reaped_children=False)
    client_before = time.process_time()
    proxy_before = cpu_seconds(proxy_pids, include_reaped_children=False) if proxy_pids else 0.0
    started = time.perf_counter()
    logs: list[SessionLog] = [None] * sessions   # type: ignore[list-item]
    if sessions == 1:   # one at a time: the CPU of each rerun can be read around it
        logs[0] = run_session(url, 0, rounds, pids, timeout)
    else:
        barrier = threading.Barrier(sessions)

        def worker(i: int) -> None:
            logs[i] = run_session(url, i, rounds, None, timeout, barrier)

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(sessions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout * (4 * rounds + 3))
        logs = [log or SessionLog("?", errors=["session non terminée"]) for log in logs]
    wall = time.perf_counter() - started
    cpu = cpu_seconds(pids, include_reaped_children=False) - cpu_before
    client_cpu = time.process_time() - client_before
    proxy_cpu = cpu_seconds(proxy_pids, include_reaped_children=False) - proxy_before if proxy_pids else float("nan")
    firsts = [log.first for log in logs if log.first == log.first]
    switches = [s for log in logs for s in log.switches]
    sizes = [b for log in logs for b in log.bytes]
    rerun_cpu = [c for log in logs for c in log.rerun_cpu]
    pss = sum(tree_memory(pid).pss_main for pid in pids) / 2**20
    return Phase(
        sessions=sessions, loadavg_before=load_before, loadavg_after=_loadavg(), wall_seconds=wall,
        reruns=len(sizes), cpu_seconds=cpu, first_p50=_q(firsts, 0.5), first_p95=_q(firsts, 0.95),
        switch_p50=_q(switches, 0.5), switch_p95=_q(switches, 0.95),
        cpu_per_rerun_ms=1000 * cpu / max(1, len(sizes)),
        cpu_rerun_p50_ms=1000 * _q(rerun_cpu, 0.5), cpu_rerun_p95_ms=1000 * _q(rerun_cpu, 0.95),
        first_cpu_ms=1000 * (statistics.median([log.first_cpu for log in logs]) if sessions == 1 else float("nan")),
        kb_per_rerun=(sum(sizes) / max(1, len(sizes))) / 1024,
        raw_kb_per_rerun=sum(b for log in logs for b in log.raw_bytes) / max(1, len(sizes)) / 1024,
        reruns_per_second=len(sizes) / wall,
        pss_mb=pss, cpu_by_label_ms=_by_label(logs), downloads=sum(log.downloads for log in logs),
        exceptions=sorted({e for log in logs for e in log.exceptions}),
        errors=[e for log in logs for e in log.errors],
        client_cpu_per_rerun_ms=1000 * client_cpu / max(1, len(sizes)),
        proxy_cpu_per_rerun_ms=1000 * proxy_cpu / max(1, len(sizes)))


def _by_label(logs: list[SessionLog]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for log in logs:
        for label, cpu in zip(log.rerun_labels, log.rerun_cpu):
            found.setdefault(label, []).append(round(1000 * cpu))
    return found


def warm_up(url: str, timeout: float) -> None:
    """Load the data and import every page's code, on a territory outside the plan."""
    with AppSession(url, timeout=timeout) as session:
        session.open(f"/?territoire={WARMUP}&annee={YEAR}")
        for page in PAGES[1:] + [""]:
            session.switch_page(page)


def _fmt(value: float, digits: int = 2) -> str:
    return "—" if value != value else f"{value:.{digits}f}".replace(".", ",")


def markdown(label: str, phases: list[Phase], note: str) -> str:
    lines = [f"### {label}", "", note, "",
             "| sessions | charge avant → après | premier écran p50 / p95 (s) | changement de page p50 / p95 (s) "
             "| CPU serveur par rerun (ms) : moyenne ; médiane / p95 à 1 session | CPU du premier écran (ms) "
             "| Ko par rerun (réseau / non compressés) | CPU du client de charge par rerun (ms) | reruns/s | PSS (Mo) | téléchargements réussis | exceptions "
             "| erreurs |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in phases:
        per_rerun = _fmt(p.cpu_per_rerun_ms, 0)
        if p.sessions == 1:
            per_rerun += f" ; {_fmt(p.cpu_rerun_p50_ms, 0)} / {_fmt(p.cpu_rerun_p95_ms, 0)}"
        lines.append(
            f"| {p.sessions} | {p.loadavg_before} → {p.loadavg_after} | {_fmt(p.first_p50)} / {_fmt(p.first_p95)} "
            f"| {_fmt(p.switch_p50)} / {_fmt(p.switch_p95)} | {per_rerun} | {_fmt(p.first_cpu_ms, 0)} "
            f"| {_fmt(p.kb_per_rerun, 0)} / {_fmt(p.raw_kb_per_rerun, 0)} | {_fmt(p.client_cpu_per_rerun_ms, 0)} "
            f"| {_fmt(p.reruns_per_second, 1)} "
            f"| {_fmt(p.pss_mb, 0)} | {p.downloads} | {len(p.exceptions)} | {len(p.errors)} |")
    for p in phases:
        if p.proxy_cpu_per_rerun_ms == p.proxy_cpu_per_rerun_ms:
            lines.append(f"\nCPU de nginx par rerun, {p.sessions} sessions : {_fmt(p.proxy_cpu_per_rerun_ms, 1)} ms ; "
                         f"CPU total par rerun (serveurs + client + nginx) : "
                         f"{_fmt(p.cpu_per_rerun_ms + p.client_cpu_per_rerun_ms + p.proxy_cpu_per_rerun_ms, 0)} ms "
                         f"pour {os.cpu_count()} cœurs.")
    for p in phases:
        if p.cpu_by_label_ms:
            lines.append(f"\nCPU du serveur par rerun, {p.sessions} session (ms) : " + " ; ".join(
                f"{label} {', '.join(map(str, values))}" for label, values in sorted(p.cpu_by_label_ms.items())))
    for p in phases:
        for text in p.exceptions[:5] + p.errors[:5]:
            lines.append(f"\n- {p.sessions} sessions : {text}")
    return "\n".join(lines) + "\n"


def _with_children(pid: int) -> list[int]:
    """nginx's master and its workers (its children), for their CPU time."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [pid, *map(int, children)]


def _phase_behind_nginx(processes: int, count: int, args, env: dict[str, str]) -> Phase:
    """A fresh set of app processes behind nginx; each process warmed up through the proxy."""
    import contextlib
    import tempfile

    from bench.nginx_local import LocalNginx
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(StreamlitServer(RESULTS_DIR / f"server-load-nginx-{i}.log", env=env))
                   for i in range(processes)]
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cet-nginx-")))
        proxy = stack.enter_context(LocalNginx([s.port for s in servers], workdir))
        for server in servers:
            warm_up(server.url, args.timeout)
        time.sleep(1.0)
        return run_phase(proxy.url, [s.pid for s in servers], count, args.rounds, args.timeout,
                         warm_urls=[s.url for s in servers], proxy_pids=_with_children(proxy.proc.pid))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,10,20", help="nombres de sessions simultanées, ex. 1,10,20")
    parser.add_argument("--rounds", type=int, default=1, help="tours des quatre pages avant et après le changement "
                                                              "de territoire")
    parser.add_argument("--budget", type=float, default=540, help="durée maximale en secondes")
    parser.add_argument("--timeout", type=float, default=90, help="attente maximale d'un rerun, en secondes")
    parser.add_argument("--url", help="serveur déjà lancé (127.0.0.1 seulement), sinon un serveur neuf par phase")
    parser.add_argument("--pid", type=int, action="append", default=[], help="PID d'un processus de l'application "
                                                                             "(avec --url ; répétable)")
    parser.add_argument("--nginx", type=int, default=0, metavar="N",
                        help="N processus de l'application derrière nginx (deploy/nginx), lancés ici par phase")
    parser.add_argument("--env", action="append", default=[], help="VAR=VALEUR pour les serveurs lancés ici")
    parser.add_argument("--warm-plan", action="store_true",
                        help="jouer le scénario une fois sans mesure avant de le mesurer (serveur chaud : les "
                             "territoires du scénario ont déjà été vus)")
    parser.add_argument("--cold-plan", action="store_true",
                        help="vingt territoires différents (un par session, aucun vu par le serveur sauf avec "
                             "--warm-plan) au lieu des douze du scénario habituel")
    parser.add_argument("--no-download", action="store_true",
                        help="ne pas télécharger de tableau Excel après le premier écran")
    parser.add_argument("--no-message-cache", action="store_true",
                        help="ne pas annoncer au serveur les éléments déjà reçus (un navigateur le fait)")
    parser.add_argument("--label", default="latest", help="nom du résultat : bench/results/server-load-LABEL.md")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.sessions.split(",") if n.strip()]
    if args.url and not args.pid:
        parser.error("--url demande --pid (le CPU se lit dans /proc/PID/stat des processus de l'application)")
    env = dict(item.split("=", 1) for item in args.env)
    USE_MESSAGE_CACHE["value"] = not args.no_message_cache
    WARM_PLAN["value"] = args.warm_plan
    PLAN["territories"] = COLD_TERRITORIES if args.cold_plan else TERRITORIES
    DOWNLOAD["value"] = not args.no_download
    deadline = time.monotonic() + args.budget
    phases: list[Phase] = []
    for count in counts:
        if time.monotonic() > deadline - 30:
            print(f"Budget épuisé : phase à {count} sessions non lancée.", file=sys.stderr)
            break
        if args.url:
            warm_up(args.url, args.timeout)
            phases.append(run_phase(args.url, args.pid, count, args.rounds, args.timeout))
        elif args.nginx:
            phases.append(_phase_behind_nginx(args.nginx, count, args, env))
        else:
            with StreamlitServer(RESULTS_DIR / f"server-load-{count}.log", env=env) as server:
                warm_up(server.url, args.timeout)
                time.sleep(1.0)   # let the post-warm-up sweeps pass
                phases.append(run_phase(server.url, [server.pid], count, args.rounds, args.timeout))
        phase = phases[-1]
        print(f"{count:>3} sessions : premier écran p50 {phase.first_p50:.2f} s, changement p50/p95 "
              f"{phase.switch_p50:.2f}/{phase.switch_p95:.2f} s, CPU/rerun {phase.cpu_per_rerun_ms:.0f} ms "
              f"(p50/p95 {phase.cpu_rerun_p50_ms:.0f}/{phase.cpu_rerun_p95_ms:.0f}), {phase.kb_per_rerun:.0f} Ko "
              f"({phase.raw_kb_per_rerun:.0f} non compressés), client {phase.client_cpu_per_rerun_ms:.0f} ms/rerun, "
              f"nginx {phase.proxy_cpu_per_rerun_ms:.1f} ms/rerun, "
              f"{phase.reruns_per_second:.1f} reruns/s, PSS {phase.pss_mb:.0f} Mo, {phase.downloads} téléchargements, "
              f"exceptions "
              f"{len(phase.exceptions)}, erreurs {len(phase.errors)} ; charge {phase.loadavg_before} → "
              f"{phase.loadavg_after}", flush=True)
    note = (f"{time.strftime('%d/%m/%Y %H:%M', time.gmtime())} UTC, {os.cpu_count()} cœurs partagés, "
            f"{'serveur ' + args.url if args.url else 'un serveur neuf par phase'}"
            + (f", {args.nginx} processus derrière nginx" if args.nginx else "")
            + (", serveur chaud (scénario joué une fois avant la mesure)" if args.warm_plan else
               ", territoires vus pour la première fois par le serveur")
            + (", vingt territoires différents (--cold-plan)" if args.cold_plan else "")
            + (f", {' '.join(args.env)}" if args.env else "") + f", {args.rounds} tour(s) de pages"
            + (", sans cache de messages côté client." if args.no_message_cache else
               ", cache de messages du client comme un navigateur."))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"server-load-{args.label}.md").write_text(markdown(args.label, phases, note))
    (RESULTS_DIR / f"server-load-{args.label}.json").write_text(
        json.dumps({"note": note, "phases": [asdict(p) for p in phases]}, indent=1, ensure_ascii=False))
    print(f"Résultats : bench/results/server-load-{args.label}.md")
    return 1 if any(p.errors or p.exceptions for p in phases) or not phases else 0


if __name__ == "__main__":
    sys.exit(main())
