"""Every chart of the app, pixel for pixel, against another checkout: a change in how charts are sent to the
screen (lib/ui/screen_theme.py) must not change what a person sees.

`python -m bench.chart_pixels --before ../wt-main [--territory dep:13] [--width 1440 --width 390]`: both
checkouts are served side by side, each page is opened at each width in headless Chromium, each chart is
scrolled into view, left to settle and photographed, and the two photographs are compared exactly. Prints one
line per chart and the count of identical ones; differing pairs (and their difference, amplified) are saved
in `--out`. Exit status 1 if any chart differs or is missing on one side.
"""
from __future__ import annotations

import argparse
import contextlib
import tempfile
from pathlib import Path

from bench.local_server import StreamlitServer
from bench.perceived_speed import CHROMIUM, CHROMIUM_ARGS

PAGES = ["", "exportations", "importations", "comparaison", "un-pays", "exposition", "droits-de-douane", "carte",
         "par-produit", "par-pays"]
_SETTLED_JS = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.querySelector('[data-stale="true"]') || document.querySelector('[data-testid^="stSkeleton"]'))
    return false;
  return [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
}"""


# Marks the charts a person can see (not in a closed tab or a hidden box) and counts them.
_VISIBLE_JS = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')];
  charts.forEach(c => c.removeAttribute('data-chart-pixels'));
  const shown = charts.filter(c => c.offsetParent !== null && c.getBoundingClientRect().height > 0);
  shown.forEach(c => c.setAttribute('data-chart-pixels', ''));
  return shown.length;
}"""


def photographs(browser, url: str, width: int, height: int, folder: Path, side: str) -> list[Path]:
    """Each chart of the page at `url`, in page order, as a PNG in `folder`."""
    page = browser.new_page(viewport={"width": width, "height": height}, locale="fr-FR")
    page.goto(url)
    seen = None
    while True:                            # settled, and the same charts twice in a row, a second apart
        page.wait_for_function(_SETTLED_JS, timeout=120_000)
        count = page.evaluate(_VISIBLE_JS)
        if count == seen and count > 0 or seen == 0 == count and page.evaluate("() => performance.now()") > 15_000:
            break
        seen = count
        page.wait_for_timeout(1000)
    shots = []
    charts = page.locator('[data-chart-pixels]')
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        page.mouse.move(0, 0)              # no hover label left over a chart
        page.wait_for_timeout(400)
        path = folder / f"{side}-{index}.png"
        chart.screenshot(path=str(path), animations="disabled")
        shots.append(path)
    page.close()
    return shots


def compare(before: Path, after: Path, diff_path: Path) -> str:
    """'' when identical, else what differs (size, or the box of differing pixels)."""
    from PIL import Image, ImageChops
    old, new = Image.open(before).convert("RGB"), Image.open(after).convert("RGB")
    if old.size != new.size:
        return f"tailles différentes : {old.size} avant, {new.size} après"
    box = ImageChops.difference(old, new).getbbox()
    if box is None:
        return ""
    ImageChops.difference(old, new).point(lambda v: 255 if v else 0).save(diff_path)
    return f"pixels différents dans la boîte {box}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Chaque graphique, pixel par pixel, face à une autre copie.")
    parser.add_argument("--before", type=Path, required=True, help="l'autre copie de l'application (git worktree)")
    parser.add_argument("--territory", default="dep:13", help="territoire ouvert (défaut dep:13)")
    parser.add_argument("--width", type=int, action="append", help="largeurs d'écran (défaut 1440 et 390)")
    parser.add_argument("--page", action="append",
                        help="pages (chemins d'adresse ; défaut : toutes celles à graphiques)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/chart_pixels"), help="dossier des écarts")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    widths = args.width or [1440, 390]
    args.out.mkdir(parents=True, exist_ok=True)
    quiet = {"CET_PRECOMPUTE": "0"}
    identical = total = 0
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        servers = {"avant": StreamlitServer(Path(tmp) / "before.log", env=quiet, project_dir=args.before),
                   "après": StreamlitServer(Path(tmp) / "after.log", env=quiet)}
        for server in servers.values():
            stack.enter_context(server)
        browser = stack.enter_context(sync_playwright()).chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for width in widths:
            height = 844 if width < 640 else 900
            for path in args.page or PAGES:
                shots = {}
                for side, server in servers.items():
                    folder = args.out / f"{width}-{path or 'accueil'}"
                    folder.mkdir(parents=True, exist_ok=True)
                    shots[side] = photographs(browser, f"{server.url}/{path}?territoire={args.territory}&annee=2024",
                                              width, height, folder, side)
                count = max(len(shots["avant"]), len(shots["après"]))
                for index in range(count):
                    total += 1
                    name = f"{width} px, /{path}, graphique {index + 1}"
                    if index >= len(shots["avant"]) or index >= len(shots["après"]):
                        print(f"{name} : absent d'un côté")
                        continue
                    verdict = compare(shots["avant"][index], shots["après"][index],
                                      shots["après"][index].with_name(f"diff-{index}.png"))
                    identical += verdict == ""
                    print(f"{name} : {verdict or 'identique'}")
        browser.close()
    print(f"\n{identical} graphiques identiques sur {total} ({', '.join(map(str, widths))} px, {args.territory})")
    return 0 if identical == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
