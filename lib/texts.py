"""French sentences of the publication, written once for the pages, the downloads and the CLI."""
from __future__ import annotations

from lib.formatting import format_millions_words, format_percent
from lib.reference.departments import department_name
from lib.schema import EXPORT
from lib.territories import Territory, home_region

FLOW_WORDS = {
    "export": {"title": "exportations", "Title": "Exportations", "valued": "exportée",
               "chart": "Flux à l'export par produit et par pays", "short_chart": "Flux à l'export",
               "left": "les principaux biens exportés", "right": "les pays de destination"},
    "import": {"title": "importations", "Title": "Importations", "valued": "importée",
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
        lines.append(f"soit {format_percent(summary['share_of_france'][key])} de la valeur {words['valued']} "
                     "au niveau national")
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
