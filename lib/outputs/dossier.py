"""« Dossier complet »: one Excel workbook with every table and chart of the pages for (territory, year).

Sheet « Lisez-moi » first (territory, départements used, year, source and release month, definitions,
caveats, demo status), then one sheet per table of lib.outputs.report, each chart's PNG placed to the right of
its first table. Without Chromium the workbook is built without pictures, and the « Lisez-moi » says so.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from lib.outputs.big_documents import big_document
from lib.outputs.excel_export import workbook_to_xlsx
from lib.data.official_files import citation
from lib.presentation.palette import DEFAULT_PALETTE, Palette
from lib.outputs import chart_images
from lib.outputs.chart_images import ChartImages
from lib.data.reference.departments import department_name
from lib.outputs.report import ReportChoices, ReportItem, report_items
from lib.data.territories import Territory
from lib.presentation.texts import approximation_note, source_line

DEMO_NOTICE = ("Données de démonstration : chiffres fictifs, générés au format officiel des douanes et calés sur "
               "quelques totaux publiés. Ne les citez pas.")
NO_CHROMIUM = ("Graphiques non inclus : Chromium, nécessaire pour dessiner les images, est absent de ce serveur. "
               "Les tableaux sont complets ; les graphiques se téléchargent depuis les pages de l'application "
               "(icône appareil photo).")
RENDER_FAILED = ("Graphiques non inclus : leur dessin a échoué sur ce serveur. Les tableaux sont complets ; "
                 "les graphiques se téléchargent depuis les pages de l'application (icône appareil photo).")
IMAGES_INCLUDED = ("Chaque graphique est placé à droite de son tableau (image PNG de 1 600 × 900 points, 16 cm de "
                   "large, prête à copier dans Word). Les boutons « Télécharger l'image » des pages donnent les "
                   "mêmes graphiques en 3 200 × 1 800 points.")
# Pictures in the workbook: 1600 × 900 px (254 dpi at 16 cm) in 256 colours. At kaleido's 3200 × 1800 in
# full colour a Sankey weighs 3.3 MB (thousands of translucent link shades) and a dossier 20 MB; this way
# ~0.2 MB and ~1.5 MB, with no visible difference.
IMAGE_SCALE = 1
NO_DATA = ("Aucune valeur pour ce territoire et cette année dans les fichiers chargés (absence d'échanges ou "
           "données non publiées au titre du secret statistique).")
DEFINITIONS = [
    ("Exportations (FAB)", "Biens sortis du territoire vers l'étranger, valeur « franco à bord » à la frontière "
                           "française, en euros."),
    ("Importations (CAF)", "Biens entrés dans le territoire depuis l'étranger, valeur « coût, assurance, fret » à "
                           "la frontière française, en euros."),
    ("Solde commercial", "Exportations − importations : excédent s'il est positif, déficit s'il est négatif."),
    ("Taux de couverture", "Exportations ÷ importations (supérieur à 1 : excédent)."),
    ("Part de la région, de la France", "Valeur du territoire ÷ valeur de sa région (ou de la France), pour le même "
                                        "flux. Un Territoire d'industrie dont les départements principaux relèvent "
                                        "de plusieurs régions est rapporté à ces régions réunies."),
    ("Produits (A129, A38)", "Nomenclature de produits CPF rév. 2.1 au niveau A129 (129 postes), regroupés en 38 "
                             "activités (A38)."),
    ("« Autres »", "Ce qui dépasse les dix premiers produits ou les dix premiers pays d'un graphique de flux."),
    ("Cinq principaux flux", "Les cinq liens produit × pays les plus importants entre deux des dix premiers, "
                             "en {highlight} sur les diagrammes de flux."),
    ("Indice de spécialisation", "Part d'un produit dans le territoire ÷ sa part en France (au-dessus de 1 : le "
                                 "territoire est spécialisé dans ce produit)."),
]
CAVEATS = [
    ("Lieu de dédouanement", "Les flux sont comptés dans le département de l'établissement qui déclare les "
                             "marchandises. Un bien fabriqué ailleurs peut être exporté depuis ce département ; les "
                             "sièges sociaux (Paris), ports et plates-formes logistiques concentrent des flux "
                             "produits ou consommés ailleurs."),
    ("Échanges entre régions", "Les échanges entre régions françaises ne sont pas comptés ; les départements "
                               "d'outre-mer ne comptent que leurs échanges avec l'étranger."),
    ("Secret statistique", "Une entreprise peut demander qu'une donnée ne soit pas publiée : une case absente "
                           "signifie « non publié », pas zéro, et la somme d'un département peut différer "
                           "légèrement de son total publié."),
    ("Totaux calculés", "France = somme des 101 départements ; région = somme de ses départements. Matériel "
                        "militaire exclu."),
]


@dataclass
class DossierReport:
    """What a build did (for the CLI's message and the tests)."""
    sheets: list[str] = field(default_factory=list)
    images: int = 0
    images_note: str = ""
    seconds: float = 0.0


def departments_text(territory: Territory) -> str:
    """Which départements' rows the figures add up (a Territoire d'industrie: « données départementales »)."""
    if territory.kind == "ti":
        return approximation_note(territory)
    if territory.kind == "dep":
        return f"{territory.departments[0]} – {department_name(territory.departments[0])}."
    count = len(territory.departments)
    what = "la France" if territory.kind == "fr" else "la région"
    listed = ", ".join(territory.departments) if territory.kind == "reg" else ""
    return f"Somme des {count} départements de {what}" + (f" : {listed}." if listed else ".")


def readme_rows(territory: Territory, is_demo: bool, images_note: str, release_date=None,
                catalog=None, *, palette: Palette = DEFAULT_PALETTE, synthesis: str | None = None
                ) -> list[tuple[str, str]]:
    """The « Lisez-moi » rows after Territoire / Année / Source (written by workbook_to_xlsx).

    ``synthesis``: the written synthesis of the pages (lib.analysis.synthesis), first so that it can be pasted at once.
    Colour words follow ``palette``, like the charts of the workbook.
    """
    rows = []
    if synthesis:
        rows.append(("Synthèse", synthesis))
    if is_demo:
        rows.append(("Données de démonstration", DEMO_NOTICE))
    rows.append(("Départements retenus", departments_text(territory)))
    if territory.kind == "dep" and catalog is not None:
        main_tis = catalog.industry_territories_of_department(territory.departments[0])
        if main_tis:   # the overview's caption
            rows.append(("Territoires d'industrie", "Principaux Territoires d'industrie du département : "
                         + ", ".join(t.name for t in main_tis) + " (5 communes au moins dans le département)."))
    rows.append(("Citation", f"{citation(release_date)} (mention obligatoire pour toute réutilisation)."))
    rows.append(("Graphiques", images_note))
    rows += [(f"Définition — {term}", text.format(highlight=palette.words.highlight)) for term, text in DEFINITIONS]
    rows += [(f"Précaution — {topic}", text) for topic, text in CAVEATS]
    return rows


def choices_text(items: list[ReportItem]) -> str:
    """What the pages' choices gave (compared départements, exposure country, partners shown), for the
    « Lisez-moi »: the reader of the workbook knows which choices it holds."""
    found = {item.key: item for item in items}
    parts = []
    if "balance" in found:
        parts.append(f"{len(found['balance'].tables[0].frame)} pays dans la balance commerciale")
    if "departments" in found:
        codes = found["departments"].tables[0].frame.get("department")
        if codes is not None:
            parts.append("départements comparés " + ", ".join(map(str, codes)))
    if "exposure" in found:
        from lib.core.schema import EXPORT
        from lib.analysis.trends import country_phrase
        parts.append("exposition : exportations " + country_phrase(found["exposure"].chart.upper(), EXPORT))
    return " ; ".join(parts) + "." if parts else ""


def render_images(items: list[ReportItem], *, source: str, palette: Palette = DEFAULT_PALETTE,
                  scale: float = IMAGE_SCALE, compact: bool = True) -> tuple[dict[str, list[bytes]], str]:
    """PNG of every chart (lib.outputs.chart_images) keyed by its first table's sheet name, and the sentence
    for the « Lisez-moi »."""
    charted = [item for item in items if item.build is not None and item.tables]
    with ChartImages(charted, source=source, palette=palette, scale=scale, compact=compact) as drawn:
        images: dict[str, list[bytes]] = {}
        empty = []
        for item in charted:
            png = drawn.png(item.key)
            if png is not None:
                images.setdefault(item.tables[0].sheet_name, []).append(png)
            elif drawn.empty(item.key):
                empty.append(item.tables[0].sheet_name)   # nothing to draw (no trade): its table says so
            else:
                return {}, RENDER_FAILED if drawn.failure == chart_images.RENDER_FAILED else NO_CHROMIUM
    if empty:
        listed = ", ".join(f"« {name} »" for name in empty)
        return images, f"{IMAGES_INCLUDED} Sans graphique faute de données : {listed}."
    return images, IMAGES_INCLUDED


def _synthesis_text(data, territory: Territory, year: int) -> str:
    """The overview's written synthesis, first row of the Lisez-moi sheet."""
    from lib.analysis.synthesis import overview_synthesis
    return overview_synthesis(data.cube, territory, year).text


@big_document            # a France document frees hundreds of MB: give them back
def build_dossier(data, territory: Territory | str, year: int | None = None, *, with_images: bool = True,
                  palette: Palette = DEFAULT_PALETTE, image_scale: float = IMAGE_SCALE,
                  compact_images: bool = True, report: DossierReport | None = None,
                  choices: ReportChoices | None = None) -> bytes:
    """The workbook's bytes for ``data`` (an AppData: cube, catalog, result.release_date, is_demo).

    Pictures are 1600 × 900 px in 256 colours by default (``image_scale=2, compact_images=False``: the
    page buttons' 3200 × 1800 full-colour PNGs, a workbook about 15 times heavier).
    """
    start = time.perf_counter()
    if isinstance(territory, str):
        territory = data.catalog.resolve(territory)
    year = int(year or data.latest_year)
    release = data.result          # citation() reads the release months of its files from it
    source = source_line(citation(release), data.is_demo) + getattr(data, "version_note", "")
    items = report_items(data.cube, data.catalog, territory, year, choices=choices)
    if with_images:
        images, images_note = render_images(items, source=source, palette=palette, scale=image_scale,
                                            compact=compact_images)
    else:
        images, images_note = {}, "Graphiques non inclus (dossier demandé sans images)."
    sheets = [table if len(table.frame) else dataclasses.replace(table, notes=[*table.notes, NO_DATA])
              for item in items for table in item.tables]
    readme = readme_rows(territory, data.is_demo, images_note, release, data.catalog, palette=palette,
                         synthesis=_synthesis_text(data, territory, year))
    chosen = choices_text(items)
    if chosen:
        readme.insert(readme.index(next(r for r in readme if r[0] == "Graphiques")), ("Choix repris des pages", chosen))
    content = workbook_to_xlsx(sheets, territory_label=territory.label, year=year, source=source,
                               readme=readme, images=images)
    if report is not None:
        report.sheets = ["Lisez-moi"] + [t.sheet_name for t in sheets]
        report.images = sum(len(v) for v in images.values())
        report.images_note = images_note
        report.seconds = time.perf_counter() - start
    return content
