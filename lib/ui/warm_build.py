"""Starts the precomputation of a data version's results (lib/outputs/warm_store) when a process first
loads data whose results are not complete yet.

Why here: every way data come into use (a new version uploaded or imported, a rollback, the demo, files
in data/officiel) ends in a process loading them; the first one to do so starts `python -m lib.ui.warm_build`
in the background, at low priority, and the others find it running (a lock in the results' folder).
It lives in lib/ui because the figures must be built as the server builds them: with Streamlit imported,
plotly's default template is Streamlit's (a figure built elsewhere would carry another look).
Sessions meanwhile compute what is not stored yet, as before. CET_PRECOMPUTE=0 turns it off (the tests
set it: each of their servers would otherwise start a build of its own data).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys

from lib.core import schema
from lib.outputs import warm_store

_started: set[str] = set()   # folders this process already started a build for


def start(data) -> None:
    """Start the build for `data` (an AppData) unless complete, already started here, or turned off."""
    if data is None or os.environ.get("CET_PRECOMPUTE", "1") == "0":
        return
    try:
        directory = warm_store.store_dir(schema.CACHE_DIR, warm_store.key_for_sources(data.sources))
    except OSError:
        return
    if warm_store.is_complete(directory) or str(directory) in _started:
        return
    _started.add(str(directory))
    command = ["nice", "-n", "10", sys.executable, "-m", "lib.ui.warm_build", "--quiet",
               "--data", *map(str, data.sources)]
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        log = open(directory.parent / "warm-build.log", "ab")
    except OSError:
        return
    with log:
        subprocess.Popen(command, cwd=str(schema.PROJECT_DIR), stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                         start_new_session=True)


def main(argv: list[str] | None = None) -> int:
    """`python -m lib.ui.warm_build [--data PATH…]`: precompute every territory for the data in use."""
    import streamlit  # noqa: F401 - sets plotly's default template to Streamlit's, as in the server

    from lib.analysis.dataset import load_app_data
    from lib.core.errors import DataFileError
    from lib.core.filelock import file_lock
    from lib.core.formatting import format_number
    parser = argparse.ArgumentParser(prog="python -m lib.ui.warm_build",
                                     description="précalcule les pages de chaque territoire")
    parser.add_argument("--data", nargs="+", help="fichiers ou dossiers officiels (défaut : données de l'appli)")
    parser.add_argument("--quiet", action="store_true", help="sans progression")
    args = parser.parse_args(argv)
    try:
        app = load_app_data(args.data)
    except DataFileError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    directory = warm_store.store_dir(schema.CACHE_DIR, warm_store.key_for_sources(app.sources))
    if warm_store.is_complete(directory):
        print(f"Résultats déjà calculés : {directory}")
        return 0
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(file_lock(directory / ".lock", timeout=1, what="les résultats précalculés"))
        except DataFileError:
            print("Calcul déjà en cours dans un autre processus.")
            return 0

        def progress(done: int, total: int) -> None:
            if not args.quiet and (done % 20 == 0 or done == total):
                print(f"{done} / {total} pages de territoire (territoire × année)", flush=True)
        summary = warm_store.build(app.cube, app.catalog, app.years[-warm_store.STORED_YEARS:], directory,
                                  progress=progress)
    skipped = f", non précalculés : {', '.join(summary['skipped'])}" if summary["skipped"] else ""
    print(f"{summary['territories']} territoires précalculés ({', '.join(map(str, summary['years']))}) en "
          f"{format_number(summary['seconds'], 1)} s{skipped} : {directory}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
