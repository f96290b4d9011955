"""« Fiche territoriale (Word) »: the ANCT/DGE publication « Les indicateurs clés : commerce extérieur »
rebuilt for any territory and year, as a .docx (python-docx).

Same structure and wording as the publication (introduction, Territoires d'industrie, contexte et
méthodologie, balance commerciale, principales activités, exportations, importations, informations
pratiques), with the figures of lib.analysis.summary, the sentences of lib.presentation.texts and the charts of lib.outputs.report
drawn for the page (1600 px wide, scale 2, export template, no title of their own, text sized for their 16,6 cm).
Without Chromium the sheet is complete but for the pictures, replaced by a French note.

Also the ``fiche`` command of the CLI: see :func:`register_cli`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.shared import Cm, Pt, RGBColor

from lib.outputs.big_documents import big_document, in_flight
from lib.outputs.chart_images import ChartImages
from lib.outputs.dossier import CAVEATS, DEMO_NOTICE
from lib.outputs.file_names import download_name
from lib.core.formatting import amount_formatter, format_number, format_percent, month_name
from lib.data.reference.french_names import count_phrase, lower_first
from lib.analysis.indicators import totals
from lib.data.official_files import citation
from lib.presentation.palette import DEFAULT_PALETTE, Palette
from lib.data.reference.departments import department_name
from lib.outputs.report import ReportChoices, report_items
from lib.core.schema import EXPORT, IMPORT
from lib.data.territories import MAIN_DEPARTMENT_MIN_COMMUNES, Territory
from lib.core.files import write_atomic
from lib.presentation.texts import (FLOW_WORDS, approximation_note, balance_reading, flow_reading, flow_sides,
                                    source_line, total_sentences, treemap_reading)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "Les indicateurs clés : commerce extérieur"
APP_NAME = "Commerce extérieur des territoires"
PAGE_WIDTH_CM, SIDE_MARGIN_CM = 21, 2.2
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * SIDE_MARGIN_CM     # 16,6 cm
# Pictures as wide as the text, drawn for that width (ExportFrame.print_width_cm: their smallest text prints at
# 7,5 pt or more) and without a title: the heading above each picture is its title.
IMAGE_WIDTH_CM = TEXT_WIDTH_CM
IMAGE_SCALE = 2               # 3200 × 1800 px: 490 dpi at 16,6 cm
# 256 colours (lib.outputs.png_export.compact_png): a Sankey goes from 3.3 MB to ~0.4 MB, a sheet from ~20 MB to ~2.5 MB.
COMPACT_IMAGES = True
# Height in px (at 1 600 px wide) of a chart that needs more than 900 and has a page of its own: the treemaps'
# small tiles; the territory's Sankeys, whose ten labels a side, wrapped at print size, ran over the picture's
# top at 900 (the comparison pages hold two Sankeys and keep 900).
IMAGE_HEIGHTS = {"treemaps": 1350, "export-flows": 1300, "import-flows": 1300}
TREEMAP_TABLE_ROWS = 6       # products listed under the treemaps (their small tiles are not legible on paper)
# lib.outputs.report keys of the charts, in the sheet's order
FICHE_KEYS = ("balance", "treemaps", "export-flows", "export-flows-region", "export-flows-france",
              "import-flows", "import-flows-region", "import-flows-france")
NAVY = RGBColor(0x00, 0x00, 0x91)          # « bleu France »
GREY = RGBColor(0x55, 0x5B, 0x63)
NO_IMAGES = "Graphique non inclus (fiche demandée sans images)."
LINKS = [
    ("Retrouvez l'actualité de l'ANCT : ", "https://anct.gouv.fr/actualites"),
    ("Retrouvez l'actualité de la DGE : ", "https://www.entreprises.gouv.fr/la-dge/actualites"),
]
CONTACT = "territoires-industrie@anct.gouv.fr"
OPEN_DATA_URL = "https://lekiosque.finances.gouv.fr"


@dataclass
class FicheReport:
    """What a build did (for the CLI's message and the tests)."""
    charts: list[str] = field(default_factory=list)     # keys of the charts placed (image or note)
    images: int = 0
    notes: list[str] = field(default_factory=list)      # why some charts have no picture
    seconds: float = 0.0


def fiche_file_name(territory: Territory, year: int) -> str:
    """``fiche_dep-04_2024.docx``."""
    return download_name("fiche", "", territory, year, "docx")


# ---------------------------------------------------------------- wording per kind of territory

@dataclass(frozen=True)
class _Words:
    from_: str        # « depuis le département »
    into: str         # « dans le département »
    with_: str        # « avec le département »
    scale: str        # « à l'échelle départementale »
    situation: str    # « La situation départementale »


_WORDS = {
    "dep": _Words("depuis le département", "dans le département", "avec le département",
                  "à l'échelle départementale", "La situation départementale"),
    "ti": _Words("depuis le territoire", "dans le territoire", "avec le territoire",
                 "à l'échelle des départements du territoire", "La situation du territoire"),
    "reg": _Words("depuis la région", "dans la région", "avec la région", "à l'échelle régionale",
                  "La situation régionale"),
    "fr": _Words("depuis la France", "en France", "avec la France", "à l'échelle nationale",
                 "La situation nationale"),
}


def _intro(territory: Territory, year: int) -> list[str]:
    look = {
        "dep": "au niveau du département, le plus fin que publient les douanes",
        "ti": (f"pour le Territoire d'industrie {territory.name}, au travers de ses départements principaux (les "
               "douanes ne publient aucun chiffre en dessous du département)"),
        "reg": f"pour la région {territory.name}, somme de ses départements",
        "fr": "pour la France entière, somme des 101 départements, qui sert de repère aux fiches départementales",
    }[territory.kind]
    return [
        "Le programme Territoires d'industrie, piloté conjointement par l'ANCT et la DGE, a fait paraître avec "
        "l'Insee, en octobre 2024, une première série de portraits socio-économiques des territoires. Des numéros "
        "thématiques prennent le relais, chacun consacré à une question qui se pose aux territoires ; celui-ci "
        "traite du commerce extérieur, que l'actualité économique place au premier plan.",
        f"Le commerce extérieur est d'ordinaire commenté au niveau national. Cette fiche l'observe {look}, au moyen "
        f"d'une sélection d'indicateurs et de graphiques établis pour l'année {year} à partir des statistiques des "
        "douanes.",
    ]


def _context(territory: Territory, year: int) -> list[str]:
    where = {"dep": f"du département {territory.name}",
             "ti": f"des départements du Territoire d'industrie {territory.name}",
             "reg": f"de la région {territory.name}", "fr": "de la France"}[territory.kind]
    compare = {"dep": "situe aussi le territoire par rapport à sa région et à la France",
               "ti": "situe aussi le territoire par rapport à sa région et à la France",
               "reg": "situe aussi la région par rapport à la France",
               "fr": "sert de repère national aux fiches des départements et des régions"}[territory.kind]
    return [
        "Le commerce mondial se transforme en profondeur. Selon leurs industries et la nature de leurs échanges, "
        "les territoires y trouvent des risques nouveaux autant que des débouchés nouveaux.",
        "Depuis le début de 2025, les annonces de hausses de droits de douane venues des États-Unis ont avivé les "
        "tensions commerciales. Face à une incertitude accrue, les industriels mesurent de plus près ce qui les "
        "expose aux chaînes de valeur mondiales ou les en rend dépendants, à l'achat comme à la vente. Beaucoup "
        "cherchent à élargir le cercle de leurs partenaires, à sécuriser leurs approvisionnements et à trouver de "
        "nouveaux marchés, pour s'adapter à des échanges qui se réorganisent.",
        "Ces évolutions restent rarement observées à l'échelle locale. À partir des données douanières de "
        f"{year}, cette fiche dresse un état des lieux {where} : activités qui exportent et qui importent le plus, "
        f"principaux pays partenaires ; elle {compare}.",
        "Les Territoires d'industrie y trouvent un support pour apprécier leur place dans les échanges "
        "internationaux dans la conjoncture présente.",
    ]


def _caveats(territory: Territory) -> list[str]:
    scale = ("Les douanes ne publient aucun chiffre en dessous du département : les Territoires d'industrie ne "
             "peuvent donc pas être observés en tant que tels. Pour un territoire qui s'étend sur plusieurs "
             "départements, la fiche de chacun de ces départements complète utilement la lecture.")
    if territory.kind == "ti":
        scale += (" Les chiffres de cette fiche sont donc des données départementales : ceux des départements "
                  f"comptant au moins {MAIN_DEPARTMENT_MIN_COMMUNES} communes du territoire, en entier.")
    extra = {topic: text for topic, text in CAVEATS}
    return [
        "Les montants sont rattachés au lieu de dédouanement, qui peut différer du lieu de fabrication : une "
        "marchandise produite dans un département peut être déclarée à l'exportation dans un autre. Les chiffres "
        "reflètent donc aussi l'organisation logistique propre à chaque entreprise.",
        "Les grandes infrastructures de transport faussent elles aussi la répartition : les hydrocarbures, par "
        "exemple, arrivent en masse dans les zones industrialo-portuaires sans y être forcément consommés.",
        scale,
        f"**Secret statistique** : {lower_first(extra['Secret statistique'])}",
        f"**Totaux calculés** : {extra['Totaux calculés']}",      # starts with a name (France)
    ]


# ---------------------------------------------------------------- docx helpers

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _runs(paragraph, text: str, *, bold: bool = False, size: float | None = None, color=None):
    """Add ``text`` to ``paragraph``; ``**…**`` spans are bold."""
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            _run(paragraph, text[position:match.start()], bold, size, color)
        _run(paragraph, match.group(1), True, size, color)
        position = match.end()
    if position < len(text):
        _run(paragraph, text[position:], bold, size, color)
    return paragraph


def _run(paragraph, text, bold, size, color):
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return run


def _para(doc, text: str = "", style: str | None = None, **kwargs):
    paragraph = doc.add_paragraph(style=style)
    return _runs(paragraph, text, **kwargs)


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _hyperlink(paragraph, url: str, text: str | None = None) -> None:
    """A clickable link (python-docx has no API for it)."""
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")              # explicit look: the default template has no « Hyperlink » style
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "000091")
    props.append(color)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    node = OxmlElement("w:t")
    node.text = text or url
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    link.append(run)
    paragraph._p.append(link)  # noqa: SLF001 - the documented way to add raw XML


def _field(paragraph, instruction: str, size: float = 8, color: str = "555B63") -> None:
    """A Word field (PAGE, NUMPAGES), updated by Word and LibreOffice when shown."""
    node = OxmlElement("w:fldSimple")
    node.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), color)
    props.append(colour)
    for tag in ("w:sz", "w:szCs"):
        node_size = OxmlElement(tag)
        node_size.set(qn("w:val"), str(round(size * 2)))
        props.append(node_size)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    node.append(run)
    paragraph._p.append(node)  # noqa: SLF001


def _set_language(doc, lang: str = "fr-FR") -> None:
    """French spelling and hyphenation for the whole document (docDefaults)."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    node = r_pr.find(qn("w:lang"))
    if node is None:
        node = OxmlElement("w:lang")
        r_pr.append(node)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        node.set(qn(attribute), lang)


def _property(text: str, most: int = 255) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _setup(doc, territory: Territory, year: int, title: str = TITLE) -> None:
    """A4 page, margins, French language, styles, properties and the footer naming ``title`` (the note has
    its own)."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(29.7)
    section.left_margin = section.right_margin = Cm(SIDE_MARGIN_CM)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.header_distance = section.footer_distance = Cm(1)
    _set_language(doc)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Title", 24), ("Subtitle", 15), ("Heading 1", 17), ("Heading 2", 13),
                       ("Heading 3", 11)):
        style = styles[name]
        style.font.name, style.font.size, style.font.color.rgb = "Arial", Pt(size), NAVY
        style.font.italic = False
        # the default theme fonts would win over font.name for East-Asian/complex scripts: pin all four
        fonts = style.element.rPr.find(qn("w:rFonts"))
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), "Arial")
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)
    styles["Heading 1"].paragraph_format.space_before = Pt(6)
    styles["Heading 1"].paragraph_format.space_after = Pt(10)
    for name in ("Heading 1", "Heading 2", "Heading 3"):   # never a heading alone at the foot of a page
        styles[name].paragraph_format.keep_with_next = True
    properties = doc.core_properties
    # Word's document properties hold 255 characters at most (python-docx raises beyond): a territory's name
    # read from a file may be longer
    properties.title = _property(f"{title} — {territory.name} ({year})")
    properties.subject = "Commerce extérieur"
    properties.author = APP_NAME
    properties.language = "fr-FR"
    properties.keywords = _property(f"commerce extérieur; douanes; {territory.name}; {year}")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _runs(footer, f"{title} — {territory.name} ({year}) — page ", size=8, color=GREY)
    _field(footer, "PAGE")


def _heading(doc, text: str, level: int):
    """A heading kept with what follows (set on the paragraph too: some readers ignore the style's)."""
    paragraph = doc.add_heading(text, level=level)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _picture(doc, png: bytes, description: str, width_cm: float = IMAGE_WIDTH_CM) -> None:
    """The picture, as wide as the text; ``description`` (the chart's title) is its alt text."""
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    paragraph = doc.paragraphs[-1]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_after = Pt(2)
    doc.inline_shapes[-1]._inline.docPr.set("descr", description)  # noqa: SLF001 - alt text


def _note(doc, text: str) -> None:
    """A shaded one-cell box (demo notice, missing picture)."""
    table = doc.add_table(rows=1, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell = table.rows[0].cells[0]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), "EEF1F8")
    cell._tc.get_or_add_tcPr().append(shading)  # noqa: SLF001
    _runs(cell.paragraphs[0], text, size=9.5)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


# ---------------------------------------------------------------- the charts

class _Charts:
    """The report items of the sheet and their pictures (lib.outputs.chart_images), or the note replacing them.
    ``close()`` must be called (build_fiche does it in ``finally``)."""

    def __init__(self, data, territory: Territory, year: int, palette: Palette, with_images: bool,
                 report: FicheReport, choices: ReportChoices | None = None):
        self.items = {item.key: item for item in report_items(data.cube, data.catalog, territory, year,
                                                              keys=FICHE_KEYS, choices=choices)}
        self.report = report
        source = (source_line(citation(data.result), data.is_demo)   # demo: said on every chart
                  + getattr(data, "version_note", ""))
        self.images = ChartImages(list(self.items.values()), source=source, palette=palette, scale=IMAGE_SCALE,
                                  compact=COMPACT_IMAGES, draw=with_images, not_drawn=NO_IMAGES,
                                  print_width_cm=IMAGE_WIDTH_CM, with_title=False, heights=IMAGE_HEIGHTS)

    def close(self) -> None:
        self.images.close()

    def has(self, key: str) -> bool:
        return key in self.items

    def place(self, doc, key: str, caption: bool = True) -> None:
        """The chart's title (as in the publication), then its picture or a note."""
        item = self.items[key]
        if caption:
            _heading(doc, item.title, 3)
        self.report.charts.append(key)
        png = self.images.png(key)
        if png is not None:
            _picture(doc, png, item.title)
            self.report.images += 1
            return
        message = self.images.note(key)
        _note(doc, message)
        self.report.notes.append(message)


# ---------------------------------------------------------------- sections

def _cover(doc, territory: Territory, year: int, data) -> None:
    _para(doc, "Territoires d'industrie", bold=True, size=10, color=GREY)
    doc.add_paragraph(TITLE, style="Title")
    doc.add_paragraph(f"{territory_heading(territory)} — {year}", style="Subtitle")
    _para(doc, f"Fiche produite le {_today()} par l'application « {APP_NAME} » sur le modèle de la "
               "publication ANCT / DGE. " + citation(data.result) + ".", size=9, color=GREY)
    if data.is_demo:
        _note(doc, f"**{DEMO_NOTICE}**")
    _synthesis(doc, territory, year, data)
    _heading(doc, "Introduction", level=1)
    for text in _intro(territory, year):
        _para(doc, text)


def _synthesis(doc, territory: Territory, year: int, data) -> None:
    """The written synthesis of the overview, first thing a reader meets (ready to paste into a note)."""
    from lib.analysis.synthesis import overview_synthesis
    synthesis = overview_synthesis(data.cube, territory, year)
    _heading(doc, "Synthèse", level=2)
    paragraph = doc.add_paragraph()
    paragraph.add_run(synthesis.text)


def territory_heading(territory: Territory) -> str:
    """« Alpes-de-Haute-Provence (04) », « Territoire d'industrie Val de Durance », « Région … »."""
    return {"dep": f"{territory.name} ({territory.code})", "ti": f"Territoire d'industrie {territory.name}",
            "reg": f"Région {territory.name}", "fr": territory.name}[territory.kind]


def _today() -> str:
    today = dt.date.today()
    return f"{today.day}{'er' if today.day == 1 else ''} {month_name(today.month)} {today.year}"


def _industry_territories(doc, territory: Territory, data) -> None:
    if territory.kind == "dep":
        dep = territory.departments[0]
        _heading(doc, "Principaux Territoires d'industrie du département*", level=2)
        found = data.catalog.industry_territories_of_department(dep)
        if found:
            for ti in found:
                _para(doc, ti.name, style="List Bullet")
        elif data.catalog.industry_territories:
            _para(doc, f"Aucun Territoire d'industrie ne compte au moins {MAIN_DEPARTMENT_MIN_COMMUNES} communes "
                       "dans ce département.")
        else:
            _para(doc, "Liste des Territoires d'industrie non chargée : la liste des communes (ANCT) se dépose "
                       "dans la page « À propos des données ».")
        _para(doc, f"* Sans les Territoires d'industrie voisins qui ont moins de {MAIN_DEPARTMENT_MIN_COMMUNES} "
                   "communes dans le département.", size=9, color=GREY)
    elif territory.kind == "ti":
        _heading(doc, "Départements du Territoire d'industrie", level=2)
        _para(doc, "Les statistiques douanières s'arrêtent au département : les chiffres de cette fiche sont des "
                   "données départementales, celles des départements principaux du territoire (au moins "
                   f"{MAIN_DEPARTMENT_MIN_COMMUNES} de ses communes), pris en entier.")
        _para(doc, f"**{approximation_note(territory)}**")
        for dep, count in territory.commune_counts:
            status = ("département principal" if dep in territory.departments
                      else f"moins de {MAIN_DEPARTMENT_MIN_COMMUNES} communes : non retenu")
            _para(doc, f"{dep} – {department_name(dep)} : {count} commune{'s' if count > 1 else ''} ({status})",
                  style="List Bullet")
        if len(territory.departments) > 1:
            _para(doc, "Ce territoire s'étend sur plusieurs départements : comme le recommande la publication, "
                       "consultez aussi la fiche de chacun d'eux.")
    elif territory.kind == "reg":
        _heading(doc, "Départements de la région", level=2)
        _para(doc, ", ".join(f"{d} – {department_name(d)}" for d in territory.departments) + ".")
        tis = sorted({ti.name for d in territory.departments
                      for ti in data.catalog.industry_territories_of_department(d)}, key=str.casefold)
        if tis:
            _heading(doc, "Territoires d'industrie de la région*", level=2)
            for name in tis:
                _para(doc, name, style="List Bullet")
            _para(doc, f"* Territoires d'industrie comptant au moins {MAIN_DEPARTMENT_MIN_COMMUNES} communes dans "
                       "un département de la région.", size=9, color=GREY)


def _methodology(doc, territory: Territory, year: int, data) -> None:
    _heading(doc, "Contexte et méthodologie", level=1)
    _heading(doc, "Contexte", level=2)
    for text in _context(territory, year):
        _para(doc, text)
    _heading(doc, "Précisions méthodologiques", level=2)
    _para(doc, "Les graphiques qui suivent donnent des ordres de grandeur et les équilibres d'ensemble ; leur "
               "lecture appelle quelques précautions :")
    for text in _caveats(territory):
        _para(doc, text, style="List Bullet")
    _para(doc, f"Données : statistiques du commerce extérieur de l'année {year} par département et par région, "
               "mises en ligne en données ouvertes par la DGDDI (Direction générale des douanes et droits "
               f"indirects) ({citation(data.result)}).")
    if data.is_demo:
        _note(doc, f"**{DEMO_NOTICE}**")


def _balance(doc, territory: Territory, charts: _Charts, palette: Palette) -> None:
    _heading(doc, "Balance commerciale territoriale", level=1)
    _para(doc, f"Ce premier graphique présente les pays avec lesquels {territory.phrase.subject} échange le plus, "
               "à l'importation comme à l'exportation : une vue d'ensemble de ses équilibres commerciaux avec "
               "l'étranger.")
    charts.place(doc, "balance")
    _para(doc, balance_reading(palette))


def _activities(doc, territory: Territory, charts: _Charts, palette: Palette) -> None:
    words = _WORDS[territory.kind]
    _heading(doc, "Principales activités à l'export et à l'import", level=1)
    _para(doc, treemap_reading(palette, destination=words.into, source=words.from_, scale=words.scale))
    charts.place(doc, "treemaps")
    if charts.has("treemaps"):
        _products_table(doc, charts.items["treemaps"])


def _products_table(doc, item) -> None:
    """The treemaps' first products in figures: printed 16,6 cm wide, their small tiles cannot hold a legible
    name, so the first TREEMAP_TABLE_ROWS products of each flow are listed under the picture."""
    exports, imports = (table.frame for table in item.tables[:2])
    if not len(exports) and not len(imports):
        return
    rows = min(TREEMAP_TABLE_ROWS, max(len(exports), len(imports)))
    caption = _para(doc, f"Les {rows} premiers produits de chaque côté, en valeur et en part du total :", size=9,
                    color=GREY)
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_after = Pt(2)
    table = doc.add_table(rows=rows + 1, cols=6)
    table.style = "Light Grid Accent 1"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (4.3, 2.3, 1.7, 4.3, 2.3, 1.7)        # 16,6 cm; « 58 012,3 M€ » on one line
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    headers = ("Exportations", "Valeur", "Part", "Importations", "Valeur", "Part")
    for side, frame in enumerate((exports, imports)):
        money = amount_formatter(frame["value"])[0] if len(frame) else str
        cells = [headers[3 * side: 3 * side + 3]]
        cells += [(str(row.label), money(row.value), format_percent(row.share))
                  for row in frame.head(rows).itertuples()]
        for index, texts in enumerate(cells):
            for offset, text in enumerate(texts):
                _table_cell(table.rows[index].cells[3 * side + offset], text, widths[3 * side + offset],
                            bold=index == 0, right=offset > 0)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def _table_cell(cell, text: str, width_cm: float, *, bold: bool = False, right: bool = False,
                size: float = 9) -> None:
    """One compact cell: fixed width, no space after, single spacing (Normal has 6 pt and 1,1)."""
    cell.width = Cm(width_cm)
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _flow_section(doc, territory: Territory, year: int, flow: str, summary: dict, charts: _Charts, data,
                  palette: Palette) -> None:
    words, place = FLOW_WORDS[flow], _WORDS[territory.kind]
    _heading(doc, words["Title"], level=1)
    _para(doc, flow_reading(flow, palette, source=place.from_, destination=place.into))
    charts.place(doc, f"{flow}-flows")
    _totals(doc, total_sentences(summary, territory, flow))
    _para(doc, flow_sides(flow, source=place.from_, destination=place.into))

    peers = [key for key in (f"{flow}-flows-region", f"{flow}-flows-france") if charts.has(key)]
    if not peers:
        return
    _page_break(doc)
    against = "la région et pour la France entière" if len(peers) == 2 else "la France entière"
    _para(doc, f"Pour comparaison, voici les mêmes {words['title']} pour {against} :")
    for key in peers:
        charts.place(doc, key)
        peer_territory = charts.items[key].territory
        value = totals(data.cube, peer_territory, year)
        figures_only = {"exports": value.exports, "imports": value.imports, "share_of_region": None,
                        "share_of_france": {"exports": None, "imports": None}}
        line = total_sentences(figures_only, peer_territory, flow)[0]     # the total alone, as published
        _totals(doc, [line])


def _totals(doc, lines: list[str]) -> None:
    """« Total des exportations : … » in bold, then the shares, as in the publication's box."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    paragraph.paragraph_format.left_indent = Cm(0.5)
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = index == 0
        run.font.size = Pt(11 if index == 0 else 10.5)
        if index == 0:
            run.font.color.rgb = NAVY
        if index < len(lines) - 1:
            run.add_break()


def _practical(doc, territory: Territory, year: int, data, report: FicheReport) -> None:
    _heading(doc, "Informations pratiques", level=1)
    _para(doc, "Cette fiche met à la disposition des acteurs locaux un état des lieux du commerce extérieur à "
               "l'échelle de leur territoire, alors que les règles douanières changent vite.")
    _para(doc, "Les « Portraits socio-économiques des Territoires d'industrie », parus en octobre 2024 (site de "
               "l'ANCT), décrivent plus largement l'économie et la population de chaque territoire.")
    _para(doc, "Le programme Territoires d'industrie présente ses actions en cours et ses perspectives dans le "
               "dossier de presse de sa dernière Assemblée générale.")
    paragraph = _para(doc, "Équipe nationale du programme Territoires d'industrie : ")
    _hyperlink(paragraph, f"mailto:{CONTACT}", CONTACT)
    paragraph.add_run(".")
    _para(doc, "Pour aller plus loin :")
    for text, url in LINKS:
        _hyperlink(_para(doc, text, style="List Bullet"), url)

    _heading(doc, "Sources", level=2)
    _para(doc, f"**{citation(data.result)}{getattr(data, 'version_note', '')}**")
    paragraph = _para(doc, "Statistiques départementales et régionales du commerce extérieur (fichiers régionaux "
                           "annuels), Direction générale des douanes et droits indirects, en open data : ")
    _hyperlink(paragraph, OPEN_DATA_URL)
    paragraph.add_run(".")
    _para(doc, "Exportations en valeur FAB, importations en valeur CAF, en euros ; produits selon la nomenclature "
               "CPF (A129, regroupée en A38) ; totaux de la région et de la France calculés comme somme des "
               "départements.")
    if territory.kind == "ti":
        _para(doc, approximation_note(territory))
    _para(doc, f"Fiche produite par l'application « {APP_NAME} » le {_today()}, sur le modèle de la publication "
               f"ANCT / DGE « {TITLE} ».", size=9, color=GREY)
    if report.notes and report.images == 0 and any("Chromium" in n for n in report.notes):
        _para(doc, "Les graphiques n'ont pas pu être dessinés sur ce serveur (Chromium absent) ; ils se "
                   "téléchargent depuis les pages de l'application.", size=9, color=GREY)
    if data.is_demo:
        _note(doc, f"**{DEMO_NOTICE}**")


# ---------------------------------------------------------------- entry point

@big_document            # a France document frees hundreds of MB: give them back
def build_fiche(app_data, territory: Territory | str, year: int | None = None, *,
                palette: Palette = DEFAULT_PALETTE, with_images: bool = True,
                report: FicheReport | None = None, choices: ReportChoices | None = None) -> bytes:
    """The .docx bytes of the sheet of ``territory`` for ``year`` (default: latest) from ``app_data``."""
    from lib.analysis.summary import territory_summary
    start = time.perf_counter()
    report = report if report is not None else FicheReport()
    data = app_data
    if isinstance(territory, str):
        territory = data.catalog.resolve(territory)
    year = int(year or data.latest_year)
    summary = territory_summary(data.cube, territory, year)
    charts = _Charts(data, territory, year, palette, with_images, report, choices)
    try:
        doc = Document()
        _setup(doc, territory, year)
        _cover(doc, territory, year, data)
        _industry_territories(doc, territory, data)
        _page_break(doc)
        _methodology(doc, territory, year, data)
        _page_break(doc)
        _balance(doc, territory, charts, palette)
        _page_break(doc)
        _activities(doc, territory, charts, palette)
        _page_break(doc)
        _flow_section(doc, territory, year, EXPORT, summary, charts, data, palette)
        _page_break(doc)
        _flow_section(doc, territory, year, IMPORT, summary, charts, data, palette)
        _page_break(doc)
        _practical(doc, territory, year, data, report)
    finally:
        charts.close()

    out = io.BytesIO()
    doc.save(out)
    report.seconds = time.perf_counter() - start
    return out.getvalue()


# ---------------------------------------------------------------- CLI

def register_cli(subparsers) -> None:
    """Add the ``fiche`` command to lib.cli's subparsers."""
    parser = subparsers.add_parser(
        "fiche", help="fiche territoriale Word (modèle de la publication ANCT/DGE)",
        description="Fiche territoriale Word d'un territoire, ou des 101 départements (--all-departments).")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--territory", help="dep:04, ti:<id>, reg:93 ou fr")
    which.add_argument("--all-departments", action="store_true",
                       help="une fiche par département (fiche_dep-XX_ANNÉE.docx dans le dossier --out)")
    parser.add_argument("--year", type=int, help="année (défaut : la plus récente)")
    parser.add_argument("--data", nargs="+", help="fichiers ou dossiers officiels (défaut : données de l'appli)")
    parser.add_argument("--out", help="fichier .docx, ou dossier avec --all-departments "
                                      "(défaut : fiche_<territoire>_<année>.docx, ou le dossier « fiches »)")
    parser.add_argument("--limit", type=int, help="avec --all-departments : les N premiers départements seulement")
    parser.add_argument("--no-images", action="store_true", help="sans les graphiques (plus rapide)")
    parser.add_argument("--colorblind", action="store_true", help="couleurs adaptées aux daltoniens")
    parser.set_defaults(func=_cmd_fiche)


def progress_bar(done: int, total: int, label: str = "", width: int = 30) -> str:
    """« [#####.........................] 34/101 dep:33 »."""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label}".rstrip()


def _cmd_fiche(args) -> int:
    from lib.analysis.dataset import load_app_data
    from lib.presentation.palette import PALETTES
    from lib.data.territories import TerritoryError
    palette = PALETTES["daltonien" if args.colorblind else "standard"]
    if args.limit is not None and not args.all_departments:
        raise TerritoryError("--limit ne s'emploie qu'avec --all-departments.")
    app = load_app_data(args.data)
    if not args.all_departments:
        territory, year = app.resolve(args.territory, args.year)
        report = FicheReport()
        content = build_fiche(app, territory, year, palette=palette, with_images=not args.no_images, report=report)
        out = Path(args.out) if args.out else Path(fiche_file_name(territory, year))
        write_atomic(out, content)
        print(f"Fiche écrite : {out} — {territory.name}, {year} : {count_phrase(report.images, 'graphique')}, "
              f"{format_number(len(content) / 1024)} Ko, {format_number(report.seconds, 1)} s.")
        for note in dict.fromkeys(report.notes):
            print(note)
        return 0

    departments = app.catalog.departments()
    if args.limit is not None:
        departments = departments[:max(args.limit, 0)]
    _, year = app.resolve(departments[0].id if departments else "fr", args.year)
    folder = Path(args.out or "fiches")
    if folder.suffix.lower() == ".docx":
        raise TerritoryError("avec --all-departments, --out est un dossier (pas un fichier .docx).")
    folder.mkdir(parents=True, exist_ok=True)
    start, size, images, failed = time.perf_counter(), 0, 0, []
    tty = sys.stderr.isatty()
    with in_flight():                    # memory goes back once, after the last sheet
        for index, territory in enumerate(departments):
            print(("\r" if tty else "") + progress_bar(index, len(departments), territory.id),
                  end="" if tty else "\n", file=sys.stderr, flush=True)
            report = FicheReport()
            try:
                content = build_fiche(app, territory, year, palette=palette, with_images=not args.no_images,
                                      report=report)
            except Exception as exc:  # noqa: BLE001 - one broken sheet must not stop the other 100
                failed.append(f"{territory.id} : {exc}")
                continue
            write_atomic(folder / fiche_file_name(territory, year), content)
            size += len(content)
            images += report.images
    print(("\r" if tty else "") + progress_bar(len(departments), len(departments), "terminé"), file=sys.stderr)
    done = len(departments) - len(failed)
    print(f"{count_phrase(done, 'fiche écrite')} dans {folder} ({year}) : {count_phrase(images, 'graphique')}, "
          f"{format_number(size / 1024 / 1024, 1)} Mo, {format_number(time.perf_counter() - start, 1)} s.")
    for line in failed:
        print(f"Erreur : {line}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m lib.outputs.fiche_docx fiche …``: the same command without lib.cli."""
    from lib.core.errors import DataFileError
    from lib.data.territories import TerritoryError
    parser = argparse.ArgumentParser(prog="python -m lib.outputs.fiche_docx", description="Fiche territoriale Word")
    register_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (DataFileError, TerritoryError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
