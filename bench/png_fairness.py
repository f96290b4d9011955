"""Is the PNG queue fair? `python -m bench.png_fairness [--project DIR]` prints the numbers.

Several sessions each ask many PNGs at once, then one visitor asks a single PNG: how long does the visitor
wait? The clicks go through the same path as in the server: Streamlit's deferred-download handler as
patched by lib/ui/export_errors.py (asyncio event loop, `asyncio.to_thread`), the project's
`figure_to_png` and kaleido's Chromium; only the browser and the websocket are left out (a fake media
file manager calls the figure's render directly). The figure is a Sankey drawn at the pages' PNG size
(1 600 × 900 at scale 2).

`--project /work/main` measures another checkout's code (the « before » of a change) with this same script:
its `lib` is imported first. Set PYTHONDONTWRITEBYTECODE=1 to leave that checkout untouched.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace


def sankey():
    import plotly.graph_objects as go
    products = [f"Produit {i}" for i in range(10)] + ["Autres produits"]
    countries = [f"Pays {i}" for i in range(10)] + ["Autres pays"]
    source, target, value = [], [], []
    for i in range(len(products)):
        for j in range(len(countries)):
            if (i * 7 + j * 3) % 4 == 0:
                source.append(i)
                target.append(len(products) + j)
                value.append(1 + (i * 13 + j * 5) % 17)
    fig = go.Figure(go.Sankey(node={"label": products + countries, "pad": 12},
                              link={"source": source, "target": target, "value": value}))
    fig.update_layout(template="plotly_white", title="Exportations par produit et par pays")
    return fig


async def run(args) -> dict:
    from streamlit.runtime import backend_operation_handler as handlers
    from bench.page_compute import tree_memory
    from lib.outputs.png_export import chrome_available, figure_to_png
    from lib.ui import export_errors

    if not chrome_available():
        raise SystemExit("Chromium absent : mesure impossible.")
    export_errors.install()
    figure = sankey()

    class Manager:              # what MediaFileManager.execute_deferred does, minus storing the bytes
        def execute_deferred(self, file_id: str) -> str:
            png = figure_to_png(figure)
            return f"/media/{file_id}.png?{len(png)}"

    handler = handlers.DeferredFileHandler(lambda: Manager())
    timings: dict[str, list[tuple[float, float, str]]] = {}

    async def click(session: str, n: int) -> None:
        request = SimpleNamespace(request_id=f"{session}-{n}", deferred_file=SimpleNamespace(file_id=f"{session}-{n}"))
        start = time.monotonic()
        response = await handler.handle(request, session)
        timings.setdefault(session, []).append((start, time.monotonic(), response.error_msg))

    await asyncio.to_thread(figure_to_png, figure)            # Chromium started before anything is timed
    t0 = time.monotonic()
    load_before = os.getloadavg()[0]
    heavy = [asyncio.create_task(click(f"session-{s}", n)) for s in range(args.sessions) for n in range(args.per_session)]
    await asyncio.sleep(args.visitor_after)
    await click("visiteur", 0)
    visitor_done = time.monotonic()
    await asyncio.gather(*heavy)
    total = time.monotonic() - t0
    (v_start, v_end, v_error), = timings["visiteur"]
    heavy_times = [end - start for s, rows in timings.items() if s != "visiteur" for start, end, _ in rows]
    errors = [err for rows in timings.values() for _, _, err in rows if err]
    return {"visitor_wait": v_end - v_start, "visitor_error": v_error, "visitor_done_at": visitor_done - t0,
            "total": total, "renders": len(heavy_times) + 1, "errors": len(errors),
            "error_sample": errors[0] if errors else "", "heavy_median": statistics.median(heavy_times),
            "heavy_max": max(heavy_times), "load": (load_before, os.getloadavg()[0]),
            "rss": tree_memory(os.getpid()).rss_main / 2 ** 20}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", help="dossier du projet dont mesurer le code (défaut : celui-ci)")
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--per-session", type=int, default=60)
    parser.add_argument("--visitor-after", type=float, default=2.0, help="secondes avant le clic du visiteur")
    args = parser.parse_args()
    project = Path(args.project or Path(__file__).resolve().parents[1]).resolve()
    sys.path.insert(0, str(project))
    import lib
    print(f"code mesuré : {Path(lib.__file__).resolve().parent.parent}")
    result = asyncio.run(run(args))
    print(f"{args.sessions} sessions × {args.per_session} PNG demandés d'un coup, puis 1 PNG d'un visiteur "
          f"{args.visitor_after:g} s après :")
    print(f"  attente du visiteur : {result['visitor_wait']:.1f} s"
          + (f" (refusé : {result['visitor_error']})" if result["visitor_error"] else ""))
    print(f"  PNG des sessions chargées : médiane {result['heavy_median']:.1f} s, max {result['heavy_max']:.1f} s")
    print(f"  {result['renders']} demandes en {result['total']:.1f} s ; refusées : {result['errors']}"
          + (f" (« {result['error_sample'][:90]}… »)" if result["errors"] else ""))
    print(f"  charge de la machine avant / après : {result['load'][0]:.1f} / {result['load'][1]:.1f} ; "
          f"mémoire du processus (RSS) : {result['rss']:.0f} Mo")
    from lib.outputs import png_export
    png_export.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
