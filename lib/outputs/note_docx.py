"""« Note de synthèse » (Word, one page): the written synthesis, the key figures table and one chart.

What a prefecture writer pastes first: the paragraph of lib.analysis.synthesis, the figures it quotes (as the
pages display them), and the partners' balance chart, drawn for the page (as wide as the text, text printed at
7,5 pt or more, no title of its own: the heading above it is its title). Built with the Word sheet's page setup
(lib.outputs.fiche_docx) so that both documents look alike. Also ``lib.cli note``.
"""
from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt

from lib.outputs.big_documents import big_document
from lib.outputs import fiche_docx as fiche
from lib.outputs.chart_images import ChartImages
from lib.outputs.dossier import DEMO_NOTICE
from lib.outputs.file_names import download_name
from lib.core.files import write_atomic
from lib.core.formatting import format_number
from lib.data.official_files import citation
from lib.presentation.palette import DEFAULT_PALETTE, PALETTES, Palette
from lib.outputs.report import report_items
from lib.analysis.synthesis import overview_synthesis
from lib.data.territories import Territory
from lib.presentation.texts import source_line

NOTE_TITLE = "Note de synthèse — commerce extérieur"
CHART_KEY = "balance"
CHART_WIDTH_CM = fiche.TEXT_WIDTH_CM     # as wide as the text: the chart's words print at 7,5 pt or more
# The chart's height, chosen on pages laid out by LibreOffice for the 240 territories of the demo
# (tests/test_office_layout.py checks that every note stays on one page): with the demo notice, the longest
# syntheses still leave 0,55 cm (about one line) at the foot of the page; real data, without the notice, 1,6 cm.
CHART_HEIGHT_CM = 8.6
FIGURE_ROWS = 7           # key figures kept on the page (the first ones: totals, partners, products)
TABLE_FONT_PT = 9
# indicator and value columns (twice): 16,6 cm, the text's width
TABLE_COLUMNS_CM = (5.6, 2.7, 5.6, 2.7)     # « −104 421,8 M€ » on one line


def note_file_name(territory: Territory, year: int) -> str:
    """``note-de-synthese_dep-04_alpes-de-haute-provence_2024.docx``: the pattern of every download."""
    return download_name("note-de-synthese", "", territory, year, "docx")


def chart_height_px(width_px: int = 1600) -> int:
    """The note's chart in px at ``width_px`` wide, for its CHART_WIDTH_CM × CHART_HEIGHT_CM on the page."""
    return round(width_px * CHART_HEIGHT_CM / CHART_WIDTH_CM)


def _figures_table(doc, figures: list[tuple[str, str]]) -> None:
    """Two pairs of columns (indicator, value) to keep the table short; fixed widths, so that Word and
    LibreOffice give the labels the room and the values no more than they need."""
    rows = (len(figures) + 1) // 2
    table = doc.add_table(rows=rows + 1, cols=4)
    table.style = "Light Grid Accent 1"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, TABLE_COLUMNS_CM):
        column.width = Cm(width)
    for column, text in enumerate(("Indicateur", "Valeur", "Indicateur", "Valeur")):
        fiche._table_cell(table.rows[0].cells[column], text, TABLE_COLUMNS_CM[column], bold=True,  # noqa: SLF001
                          size=TABLE_FONT_PT)
    for index, (label, value) in enumerate(figures):
        row, offset = table.rows[1 + index % rows], 2 * (index // rows)
        for column, text in ((offset, label), (offset + 1, value)):
            fiche._table_cell(row.cells[column], text, TABLE_COLUMNS_CM[column], size=TABLE_FONT_PT)  # noqa: SLF001


def _tighten(doc) -> None:
    """The Word sheet's styles with a smaller title: a note is one page, its chart must fit under the text."""
    title, subtitle = doc.styles["Title"], doc.styles["Subtitle"]
    title.font.size = Pt(20)
    title.paragraph_format.space_after = Pt(8)
    subtitle.font.size = Pt(13)
    subtitle.paragraph_format.space_after = Pt(4)


@big_document            # a France document frees hundreds of MB: give them back
def build_note(app_data, territory: Territory | str, year: int | None = None, *,
               palette: Palette = DEFAULT_PALETTE, with_image: bool = True) -> bytes:
    """The .docx bytes of the one-page note of ``territory`` for ``year`` (default: latest)."""
    data = app_data
    if isinstance(territory, str):
        territory = data.catalog.resolve(territory)
    year = int(year or data.latest_year)
    synthesis = overview_synthesis(data.cube, territory, year)
    doc = Document()
    fiche._setup(doc, territory, year, NOTE_TITLE)  # noqa: SLF001 - same page setup and styles as the Word sheet
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Cm(1.6)
    _tighten(doc)
    doc.add_paragraph(NOTE_TITLE, style="Title")
    doc.add_paragraph(f"{fiche.territory_heading(territory)} — {year}", style="Subtitle")
    if data.is_demo:
        fiche._note(doc, f"**{DEMO_NOTICE}**")  # noqa: SLF001
    doc.add_paragraph(synthesis.text)
    fiche._heading(doc, "Chiffres clés", 3)  # noqa: SLF001
    _figures_table(doc, synthesis.figures[:2 * FIGURE_ROWS])
    item = next(iter(report_items(data.cube, data.catalog, territory, year, keys=(CHART_KEY,))), None)
    if item is not None:
        fiche._heading(doc, item.title, 3)        # noqa: SLF001 - the chart's one title: the picture carries none
        source = source_line(citation(data.result), data.is_demo)
        # one picture: full colour (no 256-colour reduction, which saves 0,16 s and nothing that matters)
        with ChartImages([item], source=source, palette=palette, scale=1, compact=False, draw=with_image,
                         not_drawn="Graphique non inclus (note demandée sans image).",
                         print_width_cm=CHART_WIDTH_CM, with_title=False,
                         heights={CHART_KEY: chart_height_px()}) as drawn:
            png = drawn.png(item.key)
        message = drawn.note(item.key) if png is None else None
        if png is not None:
            fiche._picture(doc, png, item.title, width_cm=CHART_WIDTH_CM)  # noqa: SLF001
        if message:
            fiche._note(doc, message)  # noqa: SLF001
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(f"{citation(data.result)}. Note produite par l'application "
                            f"« {fiche.APP_NAME} ».")
    run.font.size = Pt(8)
    run.font.color.rgb = fiche.GREY
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def register_cli(subparsers) -> None:
    """Add the ``note`` command to lib.cli's subparsers."""
    parser = subparsers.add_parser("note", help="note de synthèse Word d'une page (synthèse, chiffres clés, un "
                                                "graphique)")
    parser.add_argument("--territory", required=True, help="dep:04, ti:<id>, reg:93 ou fr")
    parser.add_argument("--year", type=int, help="année (défaut : la plus récente)")
    parser.add_argument("--data", nargs="+", help="fichiers ou dossiers officiels (défaut : données de l'appli)")
    parser.add_argument("--out", help="fichier .docx (défaut : note-de-synthese_<territoire>_<année>.docx)")
    parser.add_argument("--no-images", action="store_true", help="sans le graphique (plus rapide)")
    parser.add_argument("--colorblind", action="store_true", help="couleurs adaptées aux daltoniens")
    parser.set_defaults(func=_cmd_note)


def _cmd_note(args) -> int:
    from lib.analysis.dataset import load_app_data
    start = time.perf_counter()
    app = load_app_data(args.data)
    territory, year = app.resolve(args.territory, args.year)
    content = build_note(app, territory, year, palette=PALETTES["daltonien" if args.colorblind else "standard"],
                         with_image=not args.no_images)
    out = Path(args.out) if args.out else Path(note_file_name(territory, year))
    write_atomic(out, content)
    print(f"Note de synthèse écrite : {out} — {territory.name}, {year} ({format_number(len(content) / 1024)} Ko, "
          f"{format_number(time.perf_counter() - start, 1)} s).", file=sys.stdout)
    return 0
