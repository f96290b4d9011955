"""French sentences of the publication, written once for the pages, the downloads and the CLI."""
from __future__ import annotations

from lib.analysis.coverage import partial_france_note
from lib.core.formatting import format_millions_words, format_percent
from lib.presentation.plain_text import markdown_text
from lib.data.reference.departments import department_name
from lib.core.schema import EXPORT, FLOW_NAMES, IMPORT
from lib.data.territories import Territory, home_region

FLOW_WORDS = {
    EXPORT: {"title": FLOW_NAMES[EXPORT], "Title": FLOW_NAMES[EXPORT].capitalize(), "valued": "exportée",
               "chart": "Flux à l'export par produit et par pays", "short_chart": "Flux à l'export",
               "left": "les principaux biens exportés", "right": "les pays de destination"},
    IMPORT: {"title": FLOW_NAMES[IMPORT], "Title": FLOW_NAMES[IMPORT].capitalize(), "valued": "importée",
               "chart": "Flux à l'import par pays et par produit", "short_chart": "Flux à l'import",
               "left": "les principaux pays d'origine", "right": "les biens importés"},
}


def flow_key(flow: str) -> str:
    return "exports" if flow == EXPORT else "imports"


def total_sentences(summary: dict, territory: Territory, flow: str) -> list[str]:
    """« Total des exportations : 511,9 millions d'euros », « soit 1,8 % … », « soit 0,09 % … »."""
    words = FLOW_WORDS[flow]
    key = flow_key(flow)
    lines = [f"Total des {words['title']} : {format_millions_words(summary[key])}"]
    home = home_region(territory)
    if summary.get("share_of_region") and home is not None:
        together = " réunies" if len(home.regions) > 1 else ""    # « par les régions … et Corse réunies »
        lines.append(f"soit {format_percent(summary['share_of_region'][key])} de la valeur {words['valued']} "
                     f"par {home.phrase.subject}{together}")
    if territory.kind != "fr":
        partial = " (France partielle : départements des fichiers chargés)" if partial_france_note(summary) else ""
        lines.append(f"soit {format_percent(summary['share_of_france'][key])} de la valeur {words['valued']} "
                     f"au niveau national{partial}")
    return lines


def approximation_note(territory: Territory) -> str | None:
    """Territoires d'industrie are read through whole départements: say so every time."""
    if territory.kind != "ti":
        return None
    names = ", ".join(f"{d} – {department_name(d)}" for d in territory.departments)
    text = f"Données départementales : {names}"
    if len(territory.departments) > 1:
        text += " (somme des départements principaux du territoire)"
    return text + "."


def chart_title(base: str, territory: Territory, year: int, in_value: bool = False) -> str:
    suffix = "en valeur, " if in_value else ""
    return f"{base}, {territory.name} ({suffix}{year})"


DEMO_MENTION = "DONNÉES DE DÉMONSTRATION (chiffres fictifs)"


def source_line(citation: str, is_demo: bool = False) -> str:
    """« Source : douanes françaises (DGDDI), résultats de février 2026 — traitement … ».

    Demo figures say so on every exported chart and table, so that none ends up in a note as real.
    """
    text = citation.replace("Source : douanes françaises", "Source : douanes françaises (DGDDI)", 1)
    text = f"{text} — traitement Commerce extérieur des territoires"
    return f"{DEMO_MENTION} — {text}" if is_demo else text


# ---------------------------------------------------------------- reading keys (colour words follow the palette)

def flow_reading(flow: str, palette, source: str = "", destination: str = "") -> str:
    """What the Sankey shows and how to read it; ``source``/``destination``: « depuis le département »…"""
    colour = palette.words.highlight
    if flow == EXPORT:
        where = f" {source}" if source else ""
        return ("Le diagramme détaille les exportations : chaque bande relie un produit au pays qui l'achète. Il "
                f"retient les dix produits les plus exportés{where} et les dix premiers pays clients ; le reste est "
                "regroupé sous « Autres ». Les cinq plus gros flux d'un produit vers un pays sont tracés en "
                f"**{colour}**.")
    where = f" {destination}" if destination else ""
    return ("Le diagramme détaille les importations : chaque bande relie un pays fournisseur au produit qu'il "
            f"vend. Il retient les dix premiers pays fournisseurs et les dix produits les plus importés{where} ; le "
            "reste est regroupé sous « Autres ». Les cinq plus gros flux d'un pays vers un produit sont tracés en "
            f"**{colour}**.")


def flow_sides(flow: str, source: str = "", destination: str = "") -> str:
    """« À gauche, les principaux biens exportés … ; à droite, les pays de destination. »"""
    words = FLOW_WORDS[flow]
    left = words["left"] + (f" {source}" if flow == EXPORT and source else "")
    right = words["right"] + (f" {destination}" if flow != EXPORT and destination else "")
    return f"À gauche, **{left}** ; à droite, **{right}**."


def balance_reading(palette) -> str:
    """The reading key of the partners' balance chart."""
    words = palette.words
    return ("**Clé de lecture** : pour chaque pays, la barre de gauche donne les importations et celle de droite "
            "les exportations ; l'écart entre les deux est le solde commercial, en "
            f"{words.surplus} quand il est positif, en {words.deficit} quand il est négatif.")


def balance_colours(palette) -> str:
    """« en vert s'il est positif, en rouge s'il est négatif » (tables, map and explorer notes)."""
    return f"en {palette.words.surplus} s'il est positif, en {palette.words.deficit} s'il est négatif"


def treemap_reading(palette, destination: str = "", source: str = "", scale: str = "") -> str:
    """The reading key of the two products treemaps."""
    words = palette.words
    scale = f" {scale}" if scale else ""
    into = f" {destination}" if destination else ""
    out = f" {source}" if source else ""
    return (f"Ces deux graphiques montrent les activités qui pèsent le plus dans les échanges avec l'étranger{scale}"
            f" : en {words.imports}, **les biens importés**{into} ; en {words.exports}, **les biens exportés**{out}. "
            "La surface de chaque case suit le poids du produit dans les importations ou dans les exportations : "
            "les activités dominantes ressortent d'emblée, de même que l'équilibre entre les deux côtés. Les "
            "produits (nomenclature A129) sont regroupés par grande activité (A38).")


# A label from a data file (a territory's name, a file name, a cell value) shown as text, never as Markdown:
# the one Markdown rule of lib.presentation.plain_text, under the name the pages used first.
escape_markdown = markdown_text
