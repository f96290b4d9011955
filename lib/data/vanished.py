"""A territory the session was reading that the data in service no longer know (issue 20 item 4).

Typical case: a visitor on a Territoire d'industrie, then an administrator puts in service real files
without the official list of Territoires d'industrie (or a list without that territory). The page must not
quietly show another territory: it says what happened, which territory it shows instead (the nearest one:
the vanished territory's first main département) and which choices are left. Pure: the caller (lib/ui/
selection.py) draws it and moves the sidebar to the same replacement, so the sidebar and the page agree.
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.data.territories import FRANCE, Territory, TerritoryCatalog, TerritoryError, department, region
from lib.data.territory_links import industry_territories_containing

DEFAULT_DEPARTMENT = "04"
MAX_CHOICES = 8
_THIS = {"ti": "Ce Territoire d'industrie", "dep": "Ce département", "reg": "Cette région", "fr": "Ce territoire"}


@dataclass(frozen=True)
class Vanished:
    requested_id: str
    message: str
    replacement: Territory
    choices: tuple[Territory, ...]      # what the reader may open instead, replacement excluded


def exists(catalog: TerritoryCatalog, territory_id: str) -> bool:
    try:
        catalog.resolve(territory_id)
    except TerritoryError:
        return False
    return True


def _known(catalog: TerritoryCatalog, territory_id: str) -> Territory | None:
    try:
        return catalog.resolve(territory_id)
    except TerritoryError:
        return None


def vanished_territory(catalog: TerritoryCatalog, requested_id: str,
                       previous: Territory | None = None) -> Vanished | None:
    """None when `requested_id` still exists; else what to say and show. `previous` is the territory as the
    session knew it (from the data it read before), which gives its name and its départements."""
    if not requested_id or exists(catalog, requested_id):
        return None
    kind = requested_id.split(":", 1)[0] if ":" in requested_id else "fr"
    nearby = [t for t in (_known(catalog, f"dep:{code}") for code in (previous.departments if previous else ()))
              if t is not None]
    replacement = nearby[0] if nearby else department(DEFAULT_DEPARTMENT)
    choices: list[Territory] = nearby[1:]
    if previous is not None:
        choices += [region(code) for code in previous.regions]
    choices += industry_territories_containing(catalog, replacement)
    choices.append(FRANCE)
    unique = list({t.id: t for t in choices if t.id != replacement.id}.values())[:MAX_CHOICES]
    return Vanished(requested_id=requested_id, message=_message(catalog, kind, requested_id, previous, replacement,
                                                                bool(nearby)),
                    replacement=replacement, choices=tuple(unique))


def _message(catalog: TerritoryCatalog, kind: str, requested_id: str, previous: Territory | None,
             replacement: Territory, is_main_department: bool) -> str:
    name = f"« {previous.name} »" if previous is not None else f"« {requested_id} »"
    if kind == "ti" and not catalog.industry_territories:
        why = ("les fichiers en service ne comportent pas la liste officielle des Territoires d'industrie (un "
               "administrateur peut la déposer dans la page « À propos des données »)")
    elif kind == "ti":
        source = f" ({catalog.ti_source})" if catalog.ti_source else ""
        why = f"la liste des Territoires d'industrie en service{source} ne le contient pas"
    else:
        why = "les fichiers en service ne le contiennent pas"
    which = ", son premier département principal" if is_main_department else ""
    return (f"{_THIS.get(kind, 'Ce territoire')} n'existe plus dans les données en service : {name} — {why}. "
            f"Les chiffres affichés sont ceux {replacement.phrase.of}{which} ; la barre latérale indique ce "
            "territoire. Autres choix :")
