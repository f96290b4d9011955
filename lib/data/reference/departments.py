"""Départements and régions (INSEE COG 2024), written as facts so the app needs no file at runtime.

The customs files give the département; the région is always derived from it here
(the kiosque's own region number is not the INSEE code).
"""
from __future__ import annotations

import re

import pandas as pd

_REGIONS: list[tuple[str, str]] = [
    ("01", "Guadeloupe"), ("02", "Martinique"), ("03", "Guyane"), ("04", "La Réunion"),
    ("06", "Mayotte"), ("11", "Île-de-France"), ("24", "Centre-Val de Loire"),
    ("27", "Bourgogne-Franche-Comté"), ("28", "Normandie"), ("32", "Hauts-de-France"),
    ("44", "Grand Est"), ("52", "Pays de la Loire"), ("53", "Bretagne"),
    ("75", "Nouvelle-Aquitaine"), ("76", "Occitanie"), ("84", "Auvergne-Rhône-Alpes"),
    ("93", "Provence-Alpes-Côte d'Azur"), ("94", "Corse"),
]

# (code, name, région) in the usual order where Corsica takes the place of the former "20".
_DEPARTMENTS: list[tuple[str, str, str]] = [
    ("01", "Ain", "84"), ("02", "Aisne", "32"), ("03", "Allier", "84"),
    ("04", "Alpes-de-Haute-Provence", "93"), ("05", "Hautes-Alpes", "93"),
    ("06", "Alpes-Maritimes", "93"), ("07", "Ardèche", "84"), ("08", "Ardennes", "44"),
    ("09", "Ariège", "76"), ("10", "Aube", "44"), ("11", "Aude", "76"), ("12", "Aveyron", "76"),
    ("13", "Bouches-du-Rhône", "93"), ("14", "Calvados", "28"), ("15", "Cantal", "84"),
    ("16", "Charente", "75"), ("17", "Charente-Maritime", "75"), ("18", "Cher", "24"),
    ("19", "Corrèze", "75"), ("2A", "Corse-du-Sud", "94"), ("2B", "Haute-Corse", "94"),
    ("21", "Côte-d'Or", "27"), ("22", "Côtes-d'Armor", "53"), ("23", "Creuse", "75"),
    ("24", "Dordogne", "75"), ("25", "Doubs", "27"), ("26", "Drôme", "84"), ("27", "Eure", "28"),
    ("28", "Eure-et-Loir", "24"), ("29", "Finistère", "53"), ("30", "Gard", "76"),
    ("31", "Haute-Garonne", "76"), ("32", "Gers", "76"), ("33", "Gironde", "75"),
    ("34", "Hérault", "76"), ("35", "Ille-et-Vilaine", "53"), ("36", "Indre", "24"),
    ("37", "Indre-et-Loire", "24"), ("38", "Isère", "84"), ("39", "Jura", "27"),
    ("40", "Landes", "75"), ("41", "Loir-et-Cher", "24"), ("42", "Loire", "84"),
    ("43", "Haute-Loire", "84"), ("44", "Loire-Atlantique", "52"), ("45", "Loiret", "24"),
    ("46", "Lot", "76"), ("47", "Lot-et-Garonne", "75"), ("48", "Lozère", "76"),
    ("49", "Maine-et-Loire", "52"), ("50", "Manche", "28"), ("51", "Marne", "44"),
    ("52", "Haute-Marne", "44"), ("53", "Mayenne", "52"), ("54", "Meurthe-et-Moselle", "44"),
    ("55", "Meuse", "44"), ("56", "Morbihan", "53"), ("57", "Moselle", "44"),
    ("58", "Nièvre", "27"), ("59", "Nord", "32"), ("60", "Oise", "32"), ("61", "Orne", "28"),
    ("62", "Pas-de-Calais", "32"), ("63", "Puy-de-Dôme", "84"),
    ("64", "Pyrénées-Atlantiques", "75"), ("65", "Hautes-Pyrénées", "76"),
    ("66", "Pyrénées-Orientales", "76"), ("67", "Bas-Rhin", "44"), ("68", "Haut-Rhin", "44"),
    ("69", "Rhône", "84"), ("70", "Haute-Saône", "27"), ("71", "Saône-et-Loire", "27"),
    ("72", "Sarthe", "52"), ("73", "Savoie", "84"), ("74", "Haute-Savoie", "84"),
    ("75", "Paris", "11"), ("76", "Seine-Maritime", "28"), ("77", "Seine-et-Marne", "11"),
    ("78", "Yvelines", "11"), ("79", "Deux-Sèvres", "75"), ("80", "Somme", "32"),
    ("81", "Tarn", "76"), ("82", "Tarn-et-Garonne", "76"), ("83", "Var", "93"),
    ("84", "Vaucluse", "93"), ("85", "Vendée", "52"), ("86", "Vienne", "75"),
    ("87", "Haute-Vienne", "75"), ("88", "Vosges", "44"), ("89", "Yonne", "27"),
    ("90", "Territoire de Belfort", "27"), ("91", "Essonne", "11"),
    ("92", "Hauts-de-Seine", "11"), ("93", "Seine-Saint-Denis", "11"),
    ("94", "Val-de-Marne", "11"), ("95", "Val-d'Oise", "11"),
    ("971", "Guadeloupe", "01"), ("972", "Martinique", "02"), ("973", "Guyane", "03"),
    ("974", "La Réunion", "04"), ("976", "Mayotte", "06"),
]

DEPARTMENTS = pd.DataFrame(_DEPARTMENTS, columns=["code", "name", "region"])
REGIONS = pd.DataFrame(_REGIONS, columns=["code", "name"])

_DEPARTMENT_NAME = {code: name for code, name, _ in _DEPARTMENTS}
_DEPARTMENT_REGION = {code: region for code, _, region in _DEPARTMENTS}
_REGION_NAME = dict(_REGIONS)
_REGION_DEPARTMENTS: dict[str, list[str]] = {}
for _code, _, _region in _DEPARTMENTS:
    _REGION_DEPARTMENTS.setdefault(_region, []).append(_code)


def _clean(code) -> str:
    return str(code).strip().upper()


def is_department(code) -> bool:
    return normalize_department_code(code) is not None


def department_name(code) -> str:
    """Unknown codes get a readable label rather than an error, so one odd row never breaks a page."""
    canonical = normalize_department_code(code)
    if canonical is None:
        return f"département non référencé ({_clean(code)})"
    return _DEPARTMENT_NAME[canonical]


def region_of(department_code) -> str:
    """Raises KeyError with a French message: a wrong département here is a programming error."""
    canonical = normalize_department_code(department_code)
    if canonical is None:
        raise KeyError(f"Département inconnu : « {department_code} »")
    return _DEPARTMENT_REGION[canonical]


def region_name(code) -> str:
    key = _clean(code)
    if key.isdigit() and len(key) == 1:
        key = "0" + key
    return _REGION_NAME.get(key, f"région non référencée ({key})")


def departments_of_region(region_code) -> list[str]:
    key = _clean(region_code)
    if key.isdigit() and len(key) == 1:
        key = "0" + key
    return list(_REGION_DEPARTMENTS.get(key, []))


_NUMERIC_FLOAT = re.compile(r"^(\d+)\.0*$")


def normalize_department_code(raw) -> str | None:
    """Excel cells may hold 4, 4.0, "4", " 2a " or "974": return the COG code, or None if not a département."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        if raw != raw or not raw.is_integer():  # NaN or fractional
            return None
        raw = int(raw)
    text = _clean(raw)
    match = _NUMERIC_FLOAT.match(text)
    if match:
        text = match.group(1)
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return text if text in _DEPARTMENT_NAME else None
