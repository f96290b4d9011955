"""« make gallery »: every file a user takes away, for a panel of territories, laid out as they will see it.

Builds the chart PNGs (every chart of lib.outputs.report, as the pages' buttons and ``lib.cli png`` draw them),
the Excel dossier and each chart's Excel table, the Word sheet and the note, in both palettes where the files
differ (tables do not); LibreOffice lays out the Word and Excel files (one soffice call), poppler renders their
pages; ``gallery/index.html`` shows every page and picture as thumbnails, by territory and file, each linking
to its full size. Run it before a release, or after touching a figure or a file's layout, and look.

    python scripts/gallery.py [--out gallery] [--territories dep:04 fr] [--palettes standard]
"""
from __future__ import annotations

import argparse
import html
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.analysis.dataset import load_app_data  # noqa: E402
from lib.data.official_files import citation  # noqa: E402
from lib.outputs.dossier import build_dossier  # noqa: E402
from lib.outputs.excel_export import table_to_xlsx, workbook_to_xlsx  # noqa: E402
from lib.outputs.fiche_docx import build_fiche, fiche_file_name  # noqa: E402
from lib.outputs.file_names import download_name, territory_part  # noqa: E402
from lib.outputs.note_docx import build_note, note_file_name  # noqa: E402
from lib.outputs.png_export import chrome_available, figure_to_png  # noqa: E402
from lib.outputs.report import report_items  # noqa: E402
from lib.presentation.figures import EXPORT_TEMPLATE, EmptyDataError, ExportFrame  # noqa: E402
from lib.presentation.palette import PALETTES  # noqa: E402
from lib.presentation.texts import source_line  # noqa: E402
from tests import office_render  # noqa: E402
from tests.office_panel import panel  # noqa: E402

PAGE_DPI = 90          # full-size page renders
THUMB_WIDTH = 200      # px, thumbnails of the contact sheet
THREADS = 3            # while one waits on kaleido's Chromium, the others build figures, tables and text


@dataclass
class Entry:
    """One file taken away, and the pictures that show it (its pages, or itself for a PNG)."""
    territory: str
    group: str               # « Standard », « Daltonien », « Tableaux »
    name: str
    path: Path
    pages: list[Path] = field(default_factory=list)
    note: str = ""


def _chart_pngs(app, territory, year, palette, folder: Path, source: str) -> list[Entry]:
    """Every chart of the pages as its PNG button gives it (1 600 × 900, scale 2, titled)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for item in report_items(app.cube, app.catalog, territory, year):
        if item.build is None:
            continue
        frame = ExportFrame(title=item.title, source=source)
        path = folder / item.file_name(year, "png")
        try:
            figure = item.build(template=EXPORT_TEMPLATE, palette=palette, export=frame)
        except EmptyDataError as exc:
            entries.append(Entry("", "", path.name, path, note=str(exc)))
            continue
        path.write_bytes(figure_to_png(figure, frame.width, frame.height, frame.scale))
        entries.append(Entry("", "", path.name, path, pages=[path]))
    return entries


def _tables(app, territory, year, folder: Path, source: str) -> list[Entry]:
    """Each chart's or table's « Télécharger le tableau (Excel) », as lib.ui.widgets.excel_button builds it."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for item in report_items(app.cube, app.catalog, territory, year):
        if not item.tables:
            continue
        common = dict(territory_label=territory.label, year=year, source=source)
        content = (table_to_xlsx(item.tables[0], **common) if len(item.tables) == 1
                   else workbook_to_xlsx(item.tables, readme=None, images=None, **common))
        path = folder / item.file_name(year, "xlsx")
        path.write_bytes(content)
        entries.append(Entry("", "", path.name, path))
    return entries


def _palette_files(app, territory, year, palette_name: str, folder: Path, source: str) -> list[Entry]:
    palette = PALETTES[palette_name]
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, build in ((note_file_name(territory, year), build_note),
                        (fiche_file_name(territory, year), build_fiche),
                        (download_name("dossier", "", territory, year, "xlsx"), build_dossier)):
        path = folder / name
        path.write_bytes(build(app, territory, year, palette=palette))
        entries.append(Entry("", "", name, path))
    if chrome_available():
        entries += _chart_pngs(app, territory, year, palette, folder / "png", source)
    return entries


def _thumbnail(image_path: Path, out: Path) -> Path:
    from PIL import Image
    with Image.open(image_path) as image:
        ratio = THUMB_WIDTH / image.width
        image.convert("RGB").resize((THUMB_WIDTH, max(1, round(image.height * ratio)))).save(out)
    return out


def _render(entries: list[Entry], out: Path) -> float:
    """Lay out every .docx / .xlsx in one soffice call (unique names in a staging folder), then their pages."""
    office = [e for e in entries if e.path.suffix in (".docx", ".xlsx")]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gallery-") as staging:
        staged = []
        for index, entry in enumerate(office):
            link = Path(staging) / f"{index:04d}{entry.path.suffix}"
            os.symlink(entry.path.resolve(), link)
            staged.append(link)
        pdfs = office_render.to_pdf(staged, Path(staging) / "pdf")
        for entry, pdf in zip(office, pdfs):
            prefix = entry.path.parent / "pages" / entry.path.stem
            entry.pages = office_render.to_png(pdf, prefix, dpi=PAGE_DPI)
            entry.note = f"{len(entry.pages)} page{'s' if len(entry.pages) > 1 else ''}"
    return time.perf_counter() - start


def _index(entries: list[Entry], out: Path, seconds: float) -> Path:
    thumbs = out / "_vignettes"
    thumbs.mkdir(exist_ok=True)
    parts = ["<!doctype html><html lang='fr'><meta charset='utf-8'><title>Galerie des fichiers</title>",
             "<style>body{font-family:Arial,sans-serif;margin:1.5em}h2{border-bottom:2px solid #000091;color:#000091}"
             "figure{display:inline-block;margin:4px;vertical-align:top;text-align:center;font-size:11px;width:"
             f"{THUMB_WIDTH + 4}px}}img{{border:1px solid #bbb}}.file{{margin:.6em 0 1.2em}}"
             ".file h4{margin:.2em 0}</style>",
             "<h1>Galerie des fichiers à emporter</h1>",
             f"<p>Construite le {time.strftime('%d/%m/%Y %H:%M')} en {seconds:.0f} s. Word et Excel mis en page par "
             "LibreOffice ; cliquez une vignette pour la taille réelle.</p>"]
    counter = 0
    for territory in dict.fromkeys(e.territory for e in entries):
        parts.append(f"<h2>{html.escape(territory)}</h2>")
        for group in dict.fromkeys(e.group for e in entries if e.territory == territory):
            parts.append(f"<h3>{html.escape(group)}</h3>")
            for entry in (e for e in entries if e.territory == territory and e.group == group):
                link = os.path.relpath(entry.path, out)
                parts.append(f"<div class='file'><h4><a href='{html.escape(link)}'>{html.escape(entry.name)}</a>"
                             f" <small>{html.escape(entry.note)}</small></h4>")
                for number, page in enumerate(entry.pages, start=1):
                    counter += 1
                    thumb = _thumbnail(page, thumbs / f"{counter:05d}.png")
                    parts.append(f"<figure><a href='{html.escape(os.path.relpath(page, out))}'>"
                                 f"<img src='{html.escape(os.path.relpath(thumb, out))}' width='{THUMB_WIDTH}' "
                                 f"loading='lazy' alt=''></a><figcaption>"
                                 f"{'p. ' + str(number) if len(entry.pages) > 1 else ''}</figcaption></figure>")
                parts.append("</div>")
    index = out / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/gallery.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "gallery"), help="dossier de la galerie (vidé d'abord)")
    parser.add_argument("--territories", nargs="+", help="dep:04 ti:<id> reg:93 fr (défaut : le panel)")
    parser.add_argument("--palettes", nargs="+", default=["standard", "daltonien"], choices=sorted(PALETTES))
    parser.add_argument("--data", nargs="+", help="fichiers ou dossiers officiels (défaut : données de l'appli)")
    args = parser.parse_args(argv)
    if not office_render.available():
        print(f"Erreur : {office_render.MISSING}.", file=sys.stderr)
        return 3
    start = time.perf_counter()
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    app = load_app_data(args.data)
    year = int(app.latest_year)
    source = source_line(citation(app.result.release_date), app.is_demo) + getattr(app, "version_note", "")
    territories = ([app.catalog.resolve(t) for t in args.territories] if args.territories
                   else panel(app.catalog))
    if not chrome_available():
        print("Attention : Chromium absent, fichiers sans graphiques.", file=sys.stderr)

    def task(territory, group):
        folder = out / territory_part(territory)
        if group == "tables":
            found, title = _tables(app, territory, year, folder / "tableaux", source), "Tableaux Excel"
        else:
            found, title = _palette_files(app, territory, year, group, folder / group, source), group.capitalize()
        label = f"{territory.label} ({year})"
        for entry in found:
            entry.territory, entry.group = label, title
        return found

    jobs = [(t, g) for t in territories for g in [*args.palettes, "tables"]]
    with ThreadPoolExecutor(THREADS) as pool:
        entries = [e for found in pool.map(lambda job: task(*job), jobs) for e in found]
    built = time.perf_counter() - start
    print(f"{len(entries)} fichiers construits pour {len(territories)} territoires en {built:.0f} s ; "
          "mise en page par LibreOffice…", flush=True)
    rendered = _render(entries, out)
    index = _index(entries, out, time.perf_counter() - start)
    pages = sum(len(e.pages) for e in entries if e.path.suffix != ".png")
    print(f"Galerie : {index} — {len(entries)} fichiers, {pages} pages Word et Excel ; construction {built:.0f} s, "
          f"LibreOffice et rendu des pages {rendered:.0f} s, total {time.perf_counter() - start:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
