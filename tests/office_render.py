"""Office files seen as a reader sees them: LibreOffice converts them to PDF, poppler measures the pages.

The Word and Excel files are only judged right once laid out (a page count or a heading at the foot of a page
cannot be estimated from the .docx). Used by the layout tests (tests/test_office_layout.py) and by
``make gallery`` (scripts/gallery.py). One soffice process converts a whole batch: starting LibreOffice costs
~2 s, a one-page note then ~0,1 s. Each call gets a private profile, so parallel runs never share one.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdftoppm"))
MISSING = ("LibreOffice (soffice) et poppler (pdfinfo, pdftotext, pdftoppm) sont nécessaires : "
           "./scripts/ensure_libreoffice.sh les installe")
PT_PER_CM = 72 / 2.54
# The profile's locale: a French reader's LibreOffice (Excel number formats print « 515 184 981 », « 1,11 »).
_FRENCH_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>fr-FR</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>fr-FR</value></prop></item>
</oor:items>
"""


def available() -> bool:
    """soffice and poppler's tools are both installed."""
    return bool(SOFFICE) and POPPLER


def to_pdf(files: list[Path], out_dir: Path, timeout: float = 600) -> list[Path]:
    """Convert every file (.docx, .xlsx) to ``out_dir/<stem>.pdf`` in one soffice call; the PDFs' paths."""
    if not files:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    stems = [Path(f).stem for f in files]
    if len(set(stems)) != len(stems):
        raise ValueError("deux fichiers du lot ont le même nom : leurs PDF s'écraseraient")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        (Path(profile) / "user").mkdir()
        (Path(profile) / "user" / "registrymodifications.xcu").write_text(_FRENCH_PROFILE, encoding="utf-8")
        command = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, files)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    pdfs = [out_dir / f"{stem}.pdf" for stem in stems]
    missing = [p.name for p in pdfs if not p.is_file()]
    if missing:
        raise RuntimeError(f"soffice n'a pas produit {missing} (code {done.returncode}) : {done.stderr[-2000:]}")
    return pdfs


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    width_pt: float
    height_pt: float

    @property
    def is_a4_portrait(self) -> bool:
        return abs(self.width_pt - 21 * PT_PER_CM) < 2 and abs(self.height_pt - 29.7 * PT_PER_CM) < 2


def pdf_info(pdf: Path) -> PdfInfo:
    """Page count and size of the first page (pdfinfo)."""
    text = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", text, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", text, re.M)
    return PdfInfo(pages, float(size.group(1)), float(size.group(2)))


@dataclass(frozen=True)
class Word:
    """One word on a page, its box in points from the page's top left corner."""
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Line:
    """One line of text as poppler groups it (its words, its box)."""
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line.words]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def pdf_pages(pdf: Path) -> list[Page]:
    """Every page's lines and words with their boxes (``pdftotext -bbox-layout``)."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    root = ET.fromstring(xhtml)
    pages = []
    for number, page in enumerate((e for e in root.iter() if _local(e.tag) == "page"), start=1):
        lines = []
        for line in (e for e in page.iter() if _local(e.tag) == "line"):
            words = [Word(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                          float(w.get("yMax"))) for w in line if _local(w.tag) == "word"]
            if words:
                lines.append(Line(words))
        lines.sort(key=lambda line: (line.y0, line.words[0].x0))
        pages.append(Page(number, float(page.get("width")), float(page.get("height")), lines))
    return pages


def overlapping_words(page: Page, tolerance: float = 1.0, line_share: float = 0.2) -> list[tuple[Word, Word]]:
    """Pairs of words drawn over each other: boxes intersecting by more than ``tolerance`` points across and
    more than ``line_share`` of a line down. poppler's boxes are ~1,3 × the font size high, so two lines set
    single-spaced already share ~1,3 pt of box without any glyph touching."""
    words = sorted(page.words, key=lambda w: w.x0)
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b.x0 >= a.x1 - tolerance:
                break
            overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
            if overlap_x > tolerance and overlap_y > max(tolerance, line_share * min(a.height, b.height)):
                found.append((a, b))
    return found


def to_png(pdf: Path, out_prefix: Path, dpi: int = 80, first: int | None = None,
           last: int | None = None) -> list[Path]:
    """Render pages to ``<out_prefix>-<n>.png`` (pdftoppm); the PNGs written, in page order."""
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    command = ["pdftoppm", "-png", "-r", str(dpi)]
    if first:
        command += ["-f", str(first)]
    if last:
        command += ["-l", str(last)]
    subprocess.run([*command, str(pdf), str(out_prefix)], check=True, capture_output=True)
    pattern = re.compile(re.escape(out_prefix.name) + r"-(\d+)\.png$")
    found = [(int(m.group(1)), p) for p in out_prefix.parent.iterdir() if (m := pattern.match(p.name))]
    return [p for _, p in sorted(found)]


def page_image(pdf: Path, page: int, dpi: int = 40):
    """One page as a greyscale PIL image (for « is anything drawn below this line? »)."""
    from PIL import Image
    with tempfile.TemporaryDirectory(prefix="page-") as folder:
        prefix = Path(folder) / "p"
        subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(prefix)], check=True, capture_output=True)
        with Image.open(f"{prefix}.png") as image:
            return image.convert("L").copy()


def drawn_between(image, page: Page, top_pt: float, bottom_pt: float, left_pt: float = 0,
                  right_pt: float | None = None, threshold: int = 235) -> bool:
    """Whether anything (text, picture, rule) is drawn in the band from ``top_pt`` to ``bottom_pt``."""
    scale = image.height / page.height
    right_pt = page.width if right_pt is None else right_pt
    box = (int(left_pt * scale), int(top_pt * scale), int(right_pt * scale), int(bottom_pt * scale))
    if box[3] <= box[1] or box[2] <= box[0]:
        return False
    return image.crop(box).getextrema()[0] < threshold
