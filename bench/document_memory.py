"""Memory of big documents: `python -m bench.document_memory [--project DIR]` prints the numbers.

Three dossiers (Excel) and three Word sheets for France are built at the same time, in threads, as three
visitors clicking in the sidebar would; the resident memory (RSS) of this process and of kaleido's Chromium
is read before (data loaded, Chromium started), at its peak, and 5 s after the last document is done. The
national demo is read (data/demo, generated if missing) with a temporary cache.

`--project /work/main` measures another checkout's code with this same script (its `lib` imported first;
set PYTHONDONTWRITEBYTECODE=1 to leave it untouched).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", help="dossier du projet dont mesurer le code (défaut : celui-ci)")
    parser.add_argument("--copies", type=int, default=3, help="dossiers et fiches construits en même temps (chacun)")
    parser.add_argument("--territory", default="fr")
    args = parser.parse_args()
    project = Path(args.project or Path(__file__).resolve().parents[1]).resolve()
    sys.path.insert(0, str(project))
    import lib
    from bench.page_compute import tree_memory       # after the path: it imports the measured lib
    from lib.analysis.dataset import load_app_data
    from lib.core import schema
    from lib.data.demo import ensure_demo
    from lib.outputs import png_export
    from lib.outputs.dossier import build_dossier
    from lib.outputs.fiche_docx import build_fiche
    print(f"code mesuré : {Path(lib.__file__).resolve().parent.parent}")
    me = os.getpid()
    with tempfile.TemporaryDirectory() as cache:
        data = load_app_data([ensure_demo(schema.DEMO_DIR)], cache_dir=Path(cache))
        import plotly.graph_objects as go
        png_export.figure_to_png(go.Figure(go.Bar(x=[1], y=[1])), 400, 300, 1)     # Chromium started
        before = tree_memory(me)
        peak = [before.rss_main]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], tree_memory(me).rss_main)

        threading.Thread(target=sample, daemon=True).start()
        start = time.monotonic()
        jobs = [lambda: build_dossier(data, args.territory)] * args.copies + \
               [lambda: build_fiche(data, args.territory)] * args.copies
        with ThreadPoolExecutor(len(jobs)) as pool:
            sizes = [len(b) for b in pool.map(lambda job: job(), jobs)]
        built = time.monotonic() - start
        time.sleep(5)
        done.set()
        after = tree_memory(me)
    print(f"{args.copies} dossiers et {args.copies} fiches Word pour « {args.territory} » en même temps : "
          f"{built:.1f} s, {sum(sizes) / 1e6:.1f} Mo produits")
    mb = 1024 * 1024
    print(f"  processus Python (RSS) : avant {before.rss_main / mb:.0f} Mo, pic {peak[0] / mb:.0f} Mo, 5 s après "
          f"{after.rss_main / mb:.0f} Mo")
    print(f"  Chromium de kaleido (PSS) : avant {before.pss_children / mb:.0f} Mo, après {after.pss_children / mb:.0f} Mo")
    png_export.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
