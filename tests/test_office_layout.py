"""The Word files as a reader gets them: laid out by LibreOffice, measured on the PDF pages.

A one-page note or a heading kept with its chart cannot be judged from the .docx: these tests convert the
files (tests/office_render.py, one soffice call per batch) and read page counts, word boxes and pixels.
"""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document

from lib.outputs import chart_images, fiche_docx, note_docx
from lib.outputs.png_export import chrome_available
from lib.presentation.chart_style import SOURCE_SIZE
from tests import office_render
from tests.office_batch import build_and_convert
from tests.office_panel import every_territory, panel

YEAR = 2024
MIN_PRINT_PT = 7.0
needs_office = pytest.mark.skipif(not office_render.available(), reason=office_render.MISSING)
needs_chromium = pytest.mark.skipif(not chrome_available(), reason="Chromium absent : documents sans images")
BUILD_THREADS = 3      # one thread waits on kaleido's Chromium while the others build figures and text


def build_all(build, app_data, territories, folder: Path, name, **kwargs) -> list[Path]:
    """``build(app_data, territory, YEAR, **kwargs)`` for each territory, written to ``folder/name(t)``."""
    folder.mkdir(parents=True, exist_ok=True)

    def one(territory):
        path = folder / name(territory)
        path.write_bytes(build(app_data, territory, YEAR, **kwargs))
        return path
    with ThreadPoolExecutor(BUILD_THREADS) as pool:
        return list(pool.map(one, territories))


def note_name(territory) -> str:
    return note_docx.note_file_name(territory, YEAR)


class FrameSpy:
    """Records the (figure, frame) of every picture drawn, then draws it as usual."""

    def __init__(self, monkeypatch):
        self.drawn: list[tuple[object, object]] = []
        original = chart_images.chart_png

        def spy(figure, frame, *args, **kwargs):
            self.drawn.append((figure, frame))
            return original(figure, frame, *args, **kwargs)
        monkeypatch.setattr(chart_images, "chart_png", spy)


def _invisible(font: dict) -> bool:
    colour = str(font.get("color", "")).replace(" ", "")
    return colour in ("transparent", "rgba(0,0,0,0)")


def font_sizes(node, inside_font: bool = False):
    """Every font size of a figure's JSON (layout, traces, annotations), hover labels and transparent text
    (a Sankey hides plotly's own node labels that way) left out."""
    if isinstance(node, dict):
        if inside_font and _invisible(node):
            return
        for key, value in node.items():
            if key == "hoverlabel":
                continue
            if key == "size" and inside_font:
                yield from (value if isinstance(value, list) else [value])
            else:
                yield from font_sizes(value, "font" in key)
    elif isinstance(node, list):
        for value in node:
            yield from font_sizes(value, inside_font)


def smallest_printed_pt(figure, frame, placed_cm: float) -> float:
    """The smallest text of the picture once it is ``placed_cm`` wide on paper, in points."""
    px_per_pt = frame.width / (placed_cm / 2.54 * 72)
    sizes = [s for s in font_sizes(figure.to_plotly_json()) if isinstance(s, (int, float))]
    return min(sizes) / px_per_pt


# ---------------------------------------------------------------- the note: one page, legible

@pytest.mark.national
@needs_office
@needs_chromium
def test_every_note_is_one_a4_page(app_data, demo_dir, tmp_path):
    """All 101 départements, every Territoire d'industrie, every région and France, with the chart's picture
    (the picture is what moved to a second page). Built by two processes, laid out as they come."""
    territories = every_territory(app_data.catalog)
    batch = build_and_convert("note", [t.id for t in territories], YEAR, tmp_path, demo_dir)
    infos = {pdf.stem: office_render.pdf_info(pdf) for pdf in batch.pdfs}
    longer = sorted(stem for stem, info in infos.items() if info.pages != 1)
    print(f"\n{len(batch.pdfs)} notes : construites en {batch.build_seconds:.0f} s, mises en page par LibreOffice "
          f"en {batch.total_seconds:.0f} s en tout ; {len(longer)} sur plus d'une page")
    assert len(infos) == len(batch.docx) == len(territories)
    assert len(territories) == (101 + len(app_data.catalog.territories_of_kind("ti"))
                                + len(app_data.catalog.regions()) + 1)
    assert not longer, f"{len(longer)} notes de plus d'une page sur {len(batch.pdfs)} : {longer[:10]}"
    assert all(info.is_a4_portrait for info in infos.values())


@pytest.fixture(scope="module")
def panel_notes(app_data, tmp_path_factory):
    """The panel's notes, with the frames their charts were drawn with, and their PDFs."""
    folder = tmp_path_factory.mktemp("notes")
    with pytest.MonkeyPatch.context() as monkeypatch:
        spy = FrameSpy(monkeypatch)
        files = build_all(note_docx.build_note, app_data, panel(app_data.catalog), folder, note_name)
    return files, office_render.to_pdf(files, folder / "pdf"), spy.drawn


@needs_office
@needs_chromium
def test_note_chart_is_as_wide_as_the_text_without_a_title_and_legible(panel_notes):
    files, pdfs, drawn = panel_notes
    assert len(drawn) == len(files)
    for figure, frame in drawn:
        assert frame.title == "" and not figure.layout.title.text       # the Word heading is its title
        assert frame.print_width_cm == note_docx.CHART_WIDTH_CM == fiche_docx.TEXT_WIDTH_CM
        assert smallest_printed_pt(figure, frame, note_docx.CHART_WIDTH_CM) >= MIN_PRINT_PT
    for path in files:
        doc = Document(io.BytesIO(path.read_bytes()))
        shape = doc.inline_shapes[0]
        assert abs(shape.width.cm - note_docx.CHART_WIDTH_CM) < 0.01
        title = shape._inline.docPr.get("descr")
        headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
        assert title in headings                                        # alt text = the heading above it


@needs_office
@needs_chromium
def test_note_text_prints_at_7_pt_or_more_on_one_a4_page(panel_notes):
    _, pdfs, _ = panel_notes
    for pdf in pdfs:
        info = office_render.pdf_info(pdf)
        assert info.pages == 1 and info.is_a4_portrait, pdf.name
        words = office_render.pdf_pages(pdf)[0].words
        # poppler's word box is ~1,3 × the font size high (Liberation Sans: 9 pt → 11,7 pt): 1,25 leaves a margin
        small = [w.text for w in words if w.height < MIN_PRINT_PT * 1.25]
        assert not small, (pdf.name, small[:10])


# ---------------------------------------------------------------- the Word sheet

@pytest.fixture(scope="module")
def panel_sheets(app_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fiches")
    with pytest.MonkeyPatch.context() as monkeypatch:
        spy = FrameSpy(monkeypatch)
        files = build_all(fiche_docx.build_fiche, app_data, panel(app_data.catalog), folder,
                          lambda t: fiche_docx.fiche_file_name(t, YEAR))
    return files, office_render.to_pdf(files, folder / "pdf"), spy.drawn


def _body_lines(page):
    """The page's lines above the footer (the bottom margin is 2 cm)."""
    bottom = page.height - 2 * office_render.PT_PER_CM
    return [line for line in page.lines if line.y1 <= bottom + 1]


def _heading_texts(path: Path) -> list[str]:
    doc = Document(io.BytesIO(path.read_bytes()))
    return [" ".join(p.text.split()) for p in doc.paragraphs if p.style.name.startswith("Heading")]


@needs_office
@needs_chromium
def test_sheet_headings_are_kept_with_their_content(panel_sheets):
    """In the .docx (keep with next on every heading) and on the pages: below a heading's last line, its page
    shows something (text or picture); a heading is never left alone at the foot of a page."""
    files, pdfs, _ = panel_sheets
    alone = []
    for path, pdf in zip(files, pdfs):
        doc = Document(io.BytesIO(path.read_bytes()))
        headings = [p for p in doc.paragraphs if p.style.name.startswith("Heading")]
        assert headings and all(p.paragraph_format.keep_with_next for p in headings), path.name
        texts = _heading_texts(path)
        for number, page in enumerate(office_render.pdf_pages(pdf), start=1):
            lines = _body_lines(page)
            if not lines:
                continue
            last = " ".join(lines[-1].text.split())
            if not any(text.endswith(last) and (len(last) > 12 or text == last) for text in texts):
                continue
            image = office_render.page_image(pdf, number)
            bottom = page.height - 2 * office_render.PT_PER_CM
            if not office_render.drawn_between(image, page, lines[-1].y1 + 3, bottom):
                alone.append(f"{pdf.stem} p. {number} : « {last} »")
    assert not alone, alone


@needs_office
@needs_chromium
def test_sheet_pages_have_no_text_over_text(panel_sheets):
    _, pdfs, _ = panel_sheets
    found = []
    for pdf in pdfs:
        for page in office_render.pdf_pages(pdf):
            found += [f"{pdf.stem} p. {page.number} : « {a.text} » / « {b.text} »"
                      for a, b in office_render.overlapping_words(page)]
    assert not found, found[:20]


@needs_office
@needs_chromium
def test_sheet_charts_carry_no_title_of_their_own_and_print_legibly(panel_sheets):
    files, _, drawn = panel_sheets
    assert len(drawn) >= 4 * len(files)
    too_small = []
    for figure, frame in drawn:
        assert frame.title == "" and not figure.layout.title.text
        assert frame.print_width_cm == fiche_docx.IMAGE_WIDTH_CM
        # the source line, the smallest text every chart has, prints at 7,5 pt
        assert round(SOURCE_SIZE * frame.factor) / (frame.width / (frame.print_width_cm / 2.54 * 72)) >= 7.4
        smallest = smallest_printed_pt(figure, frame, fiche_docx.IMAGE_WIDTH_CM)
        if smallest < MIN_PRINT_PT:
            too_small.append((figure.data[0].type, round(smallest, 1)))
    assert not too_small, too_small
    for path in files:
        doc = Document(io.BytesIO(path.read_bytes()))
        descriptions = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
        assert descriptions and set(descriptions) <= set(_heading_texts(path)), path.name
        for shape in doc.inline_shapes:
            assert abs(shape.width.cm - fiche_docx.IMAGE_WIDTH_CM) < 0.01


def test_overlap_check_tells_text_over_text_from_lines_set_close():
    """The check itself: a word drawn over another is found; two single-spaced lines are not."""
    line = office_render.Line
    word = office_render.Word
    over = office_render.Page(1, 595, 842, [line([word("Solde", 100, 100, 130, 111.7)]),
                                            line([word("déficit", 120, 102, 160, 113.7)])])
    close = office_render.Page(1, 595, 842, [line([word("Machines", 100, 100, 150, 111.7)]),
                                             line([word("spécifique", 100, 110.4, 150, 122.1)])])
    assert len(office_render.overlapping_words(over)) == 1
    assert office_render.overlapping_words(close) == []


@needs_office
def test_dossier_readme_prints_each_heading_beside_its_text(app_data, tmp_path):
    """The dossier's « Lisez-moi » once printed: its two columns on the same page, every heading on the line of
    its text (LibreOffice used to print the headings alone and the texts two pages later)."""
    from lib.outputs.dossier import build_dossier
    from lib.outputs.excel_export import README_SHEET
    from openpyxl import load_workbook
    content = build_dossier(app_data, app_data.catalog.resolve("dep:04"), 2024, with_images=False)
    book = load_workbook(io.BytesIO(content))
    for name in book.sheetnames[1:]:                       # the readme alone: its layout is what is checked
        del book[name]
    path = tmp_path / "lisez-moi.xlsx"
    book.save(path)
    assert book.sheetnames == [README_SHEET]
    pages = office_render.pdf_pages(office_render.to_pdf([path], tmp_path)[0])
    first = pages[0]
    assert first.width == pytest.approx(21 * office_render.PT_PER_CM, abs=2), "feuille A4 attendue"
    heading = next(word for word in first.words if word.text == "Territoire")
    value = min((word for word in first.words if "Alpes-de-Haute-Provence" in word.text and word.x0 > heading.x1),
                key=lambda word: abs(word.y0 - heading.y0))
    assert abs(value.y0 - heading.y0) < 3, (heading, value)            # its value on the same line, same page
    texts = [line.text for page in pages for line in page.lines]
    assert any(text.startswith("Source") and "douanes" in text for text in texts), texts[:12]
    assert len(pages) <= 3, f"{len(pages)} pages pour la feuille Lisez-moi"
