"""Partner countries: ISO 3166-1 alpha-2 from pycountry (French names) plus the customs-only codes.

ISO French names are often in inverted, official style ("Corée, République de"): charts need the
short name people use, hence the overrides. Continents follow the customs' usual zones, with the
Near and Middle East apart from Asia and Mexico in Latin America.
"""
from __future__ import annotations

import gettext

import pandas as pd
import pycountry

EUROPE, AFRICA, NORTH_AMERICA, LATIN_AMERICA = (
    "Europe", "Afrique", "Amérique du Nord", "Amérique latine et Caraïbes")
ASIA, MIDDLE_EAST, OCEANIA, UNALLOCATED = "Asie", "Proche et Moyen-Orient", "Océanie", "Non ventilé"
CONTINENTS = (EUROPE, AFRICA, NORTH_AMERICA, LATIN_AMERICA, ASIA, MIDDLE_EAST, OCEANIA, UNALLOCATED)

EU27 = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"})

# Short display names where the ISO French name is inverted, official or unusual in France.
_SHORT_NAMES = {
    "AX": "Îles Åland", "BO": "Bolivie", "BN": "Brunei", "BY": "Biélorussie",
    "CC": "Îles Cocos", "CG": "Congo", "CD": "RD Congo", "CX": "Île Christmas",
    "FK": "Îles Malouines", "FM": "Micronésie", "GL": "Groenland", "GQ": "Guinée équatoriale",
    "IR": "Iran", "KP": "Corée du Nord", "KR": "Corée du Sud", "LA": "Laos", "MD": "Moldavie",
    "MO": "Macao", "PS": "Palestine", "RE": "La Réunion", "RU": "Russie", "SB": "Îles Salomon",
    "SH": "Sainte-Hélène", "SJ": "Svalbard et Jan Mayen", "SR": "Suriname", "SY": "Syrie",
    "TW": "Taïwan", "TZ": "Tanzanie", "VA": "Vatican", "VE": "Venezuela", "VN": "Viêt Nam",
    "VI": "Îles Vierges américaines", "UM": "Îles mineures des États-Unis",
    "GS": "Géorgie du Sud-et-Sandwich du Sud", "HM": "Îles Heard-et-MacDonald",
    "TL": "Timor oriental", "US": "États-Unis", "GB": "Royaume-Uni", "CZ": "Tchéquie",
}

# Codes of the EU geonomenclature that are not ISO 3166-1 (name, continent).
_CUSTOMS_ONLY: dict[str, tuple[str, str]] = {
    "XK": ("Kosovo", EUROPE),
    "XS": ("Serbie (ancien code)", EUROPE),
    "XC": ("Ceuta", AFRICA),
    "XL": ("Melilla", AFRICA),
    "XI": ("Irlande du Nord", EUROPE),
    "XU": ("Royaume-Uni (hors Irlande du Nord)", EUROPE),
    "QP": ("Haute mer", UNALLOCATED),
    "QQ": ("Avitaillement et soutage", UNALLOCATED),
    "QR": ("Avitaillement et soutage intra-UE", UNALLOCATED),
    "QS": ("Avitaillement et soutage extra-UE", UNALLOCATED),
    "QU": ("Pays et territoires non déterminés", UNALLOCATED),
    "QV": ("Pays non déterminés intra-UE", UNALLOCATED),
    "QW": ("Pays non déterminés extra-UE", UNALLOCATED),
    "QX": ("Non spécifiés (raisons commerciales ou militaires)", UNALLOCATED),
    "QY": ("Secret statistique intra-UE", UNALLOCATED),
    "QZ": ("Secret statistique extra-UE", UNALLOCATED),
}
CUSTOMS_ONLY_CODES = frozenset(_CUSTOMS_ONLY)

_BY_CONTINENT = {
    EUROPE: "AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE "
            "IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA VA",
    AFRICA: "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW IO KE KM LR LS "
            "LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG "
            "YT ZA ZM ZW",
    NORTH_AMERICA: "BM CA GL PM US",
    LATIN_AMERICA: "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP GS GT GY "
                   "HN HT JM KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI",
    ASIA: "AF BD BN BT CN HK ID IN JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG TH TJ TL "
          "TM TW UZ VN",
    MIDDLE_EAST: "AE BH IL IQ IR JO KW LB OM PS QA SA SY YE",
    # Antarctic and sub-Antarctic territories are grouped with Oceania (no trade to speak of).
    OCEANIA: "AQ AS AU BV CK CX CC FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TF TK TO "
             "TV UM VU WF WS",
}
_CONTINENT_OF = {code: name for name, codes in _BY_CONTINENT.items() for code in codes.split()}


def _french_translator():
    """pycountry ships Debian's iso-codes catalogues; fall back to English names if absent."""
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"]).gettext
    except OSError:
        return lambda text: text


def _build_countries() -> pd.DataFrame:
    translate = _french_translator()
    rows = []
    for country in pycountry.countries:
        code = country.alpha_2
        name = _SHORT_NAMES.get(code) or translate(country.name)
        rows.append((code, name, code in EU27, _CONTINENT_OF.get(code, UNALLOCATED)))
    for code, (name, zone) in _CUSTOMS_ONLY.items():
        rows.append((code, name, False, zone))
    table = pd.DataFrame(rows, columns=["code", "name", "eu27", "continent"])
    return table.sort_values("code", ignore_index=True)


COUNTRIES = _build_countries()
_NAME = dict(zip(COUNTRIES["code"], COUNTRIES["name"]))
_CONTINENT = dict(zip(COUNTRIES["code"], COUNTRIES["continent"]))


def _key(code) -> str:
    return str(code).strip().upper()


def is_known_country(code) -> bool:
    return _key(code) in _NAME


def country_name(code) -> str:
    key = _key(code)
    return _NAME.get(key, f"code non référencé ({key})")


def is_eu27(code) -> bool:
    return _key(code) in EU27


def continent(code) -> str:
    """Unknown codes fall in « Non ventilé », like the customs' own unallocated partners."""
    return _CONTINENT.get(_key(code), UNALLOCATED)
