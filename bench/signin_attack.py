"""The two sign-in attacks of issue 19 against a real server: `python -m bench.signin_attack` prints the times.

1. 40 browser sessions open a wrong `?admin=` link at the same instant: when is each answered, how many
   links were examined (compared) and how many refused unexamined?
2. One session submits 25 wrong secrets in the « À propos des données » form, each as soon as the
   previous answer arrives, then the right one: how long until it is administrator? (about 10 min)

The server is `python -m lib.ui.server` on 127.0.0.1 with a shared secret and a private data folder
(the demo of data/demo linked, nothing of data/ written). Clients speak Streamlit's websocket protocol
(bench/protocol.py). `--skip-form` runs only the first attack (about 1 min).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.local_server import StreamlitServer
from bench.protocol import AppSession

PROJECT_DIR = Path(__file__).resolve().parents[1]
SECRET = "le-secret-du-banc-de-mesure"
EXAMINED = "n'est pas (ou plus) valable"
LOCKED = "Trop de tentatives"


def parallel_links(url: str, count: int) -> list[tuple[float, str]]:
    """(seconds until the answer, what it said) for each of `count` sessions opening a wrong link together."""
    sessions = [AppSession(url, timeout=300) for _ in range(count)]
    for session in sessions:
        session.connect()
    barrier, results, lock = threading.Barrier(count), [], threading.Lock()

    def visit(i: int) -> None:
        barrier.wait()
        start = time.monotonic()
        rerun = sessions[i].open(f"/donnees?admin=mauvais-lien-{i}")
        said = "examiné" if any(EXAMINED in a for a in rerun.alerts) else \
            "refusé sans examen" if any(LOCKED in a for a in rerun.alerts) else "?"
        with lock:
            results.append((time.monotonic() - start, said))

    threads = [threading.Thread(target=visit, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for session in sessions:
        session.close()
    return sorted(results)


def form_attack(url: str, wrong: int) -> tuple[list[float], float, bool]:
    """Seconds of each wrong submission, total time until the right one is accepted, and whether it was."""
    with AppSession(url, timeout=300) as session:
        session.open("/donnees")
        waits, start = [], time.monotonic()
        for i in range(wrong):
            rerun = session.submit_form({"Secret administrateur": f"essai-{i}"}, "Accéder à l'administration")
            waits.append(rerun.seconds)
            print(f"  essai {i + 1} : réponse en {rerun.seconds:.1f} s", flush=True)
        rerun = session.submit_form({"Secret administrateur": SECRET}, "Accéder à l'administration")
        if not any("Vous êtes administrateur" in a for a in rerun.alerts):   # accepted: the page reruns once more
            rerun = session._rerun(page_name="", page_hash=session.page_hash)
        accepted = any("Vous êtes administrateur" in a for a in rerun.alerts)
        return waits, time.monotonic() - start, accepted


def journal_lines(data: Path) -> list[dict]:
    path = data / "versions" / "journal.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=40)
    parser.add_argument("--wrong", type=int, default=25)
    parser.add_argument("--skip-form", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        (data / "demo").symlink_to((PROJECT_DIR / "data" / "demo").resolve())
        env = {"CET_DATA_DIR": str(data), "CET_ADMIN_SECRET": SECRET, "CET_ADMIN_EMAILS": ""}
        with StreamlitServer(Path(tmp) / "server.log", env=env) as server:
            warm = AppSession(server.url, timeout=300)
            warm.connect()
            warm.open("/donnees")                       # data loaded before anything is timed
            warm.close()
            results = parallel_links(server.url, args.links)
            said = [s for _, s in results]
            examined = [t for t, s in results if s == "examiné"]
            print(f"{args.links} liens ?admin= faux ouverts au même instant par {args.links} sessions :")
            print(f"  examinés : {len(examined)} (réponses de {min(examined):.1f} à {max(examined):.1f} s) ; "
                  f"refusés sans examen : {said.count('refusé sans examen')} "
                  f"(en {max((t for t, s in results if s != 'examiné'), default=0):.1f} s au plus) ; autres : {said.count('?')}")
            time.sleep(65)                              # the refusal summary is written when the minute ends
            logins = [e for e in journal_lines(data) if e["action"] == "connexion"]
            summaries = [e["message"] for e in logins if e.get("aggregated")]
            print(f"  journal : {len(logins)} lignes pour {args.links} refus" +
                  (f", dont « {summaries[0]} »" if summaries else ""))
            if not args.skip_form:
                print(f"Une session : {args.wrong} secrets faux dans le formulaire, puis le bon :")
                waits, total, accepted = form_attack(server.url, args.wrong)
                print(f"  administrateur : {'oui' if accepted else 'NON'} après {total:.0f} s "
                      f"({total / 60:.1f} min ; avant la correction : 6,4 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
