"""Year-on-year view of a territory: totals over every year, the partners and products that moved most,
and French sentences naming the biggest rises and falls.

Sums come from the cube's per-(year, flow) slices with `sum_by` (np.bincount) and are memoised on the cube
for every territory, so every function stays within a few milliseconds on the national table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from lib.core import formatting as fmt
from lib.analysis.indicators import TradeCube, previous_year, sum_by
from lib.data.reference.countries import CUSTOMS_ONLY_CODES, country_name, is_known_country
from lib.data.reference.products import is_known_product, product_short_label
from lib.core.schema import COUNTRY, EXPORT, FLOWS, IMPORT, PRODUCT
from lib.data.territories import Territory

TOP_N = 10
MIN_SHARE_FOR_SENTENCE = 0.01     # a partner/product is named only if it weighs ≥ 1 % of the flow
MINUS = "\u2212"                  # typographic minus sign of the sentences (« −45,2 M€ »)
DIMENSIONS = {"partners": COUNTRY, "products": PRODUCT}


# ---------------------------------------------------------------- shared sums

def territory_sums(cube: TradeCube, territory: Territory, year: int, flow: str, column: str) -> pd.Series:
    """Value per code of `column` (country or product) for one territory, year and flow.

    Indexed by every category of the table (zeros included); memoised on the cube for every territory.
    """
    return _territory_sums(cube, territory, year, flow, (column,))[column]


def _territory_sums(cube: TradeCube, territory: Territory, year: int, flow: str,
                    columns: tuple[str, ...]) -> dict[str, pd.Series]:
    """Sums per code of several columns, memoised for every territory: the synthesis, the change sentences and
    the change tables of a page read the same sums."""
    selected: list[pd.DataFrame] = []   # the territory's rows, selected once and only if a sum is missing

    def sums(column: str) -> pd.Series:
        if not selected:
            selected.append(cube.rows(year, flow, territory.departments))
        return sum_by(selected[0], column)

    return {column: cube.territory_memo(("trends.sums", year, flow, column), territory,
                                        lambda column=column: sums(column))
            for column in columns}


def is_unallocated(code: str) -> bool:
    """Customs-only « non ventilé » partners (Q* codes: secret, stores and provisions, undetermined)
    and codes missing from the reference: no country can be named for them."""
    code = str(code)
    return (code.startswith("Q") and code in CUSTOMS_ONLY_CODES) or not is_known_country(code)


# ---------------------------------------------------------------- totals per year

def yearly_totals(cube: TradeCube, territory: Territory) -> pd.DataFrame:
    """Exports, imports, balance (exports − imports) and coverage (exports ÷ imports, NaN without
    imports) for every year of the table, oldest first."""
    years = list(cube.years)
    exports = [cube.total(year, EXPORT, territory.departments) for year in years]
    imports = [cube.total(year, IMPORT, territory.departments) for year in years]
    frame = pd.DataFrame({"year": pd.Series(years, dtype="int64"), "exports": pd.Series(exports, dtype=float),
                          "imports": pd.Series(imports, dtype=float)})
    frame["balance"] = frame["exports"] - frame["imports"]
    frame["coverage"] = frame["exports"] / frame["imports"].where(frame["imports"] != 0)
    return frame


# ---------------------------------------------------------------- changes by partner / product

def _changes(cube: TradeCube, territory: Territory, year: int, flow: str, column: str,
             sums: dict | None = None) -> pd.DataFrame:
    """Every code with a value this year or last year: value, previous, change_eur, change_pct, share.

    `sums`: {year: {column: Series}} already computed (change_sentences selects the rows once per year)."""
    before = previous_year(cube, year)
    sums = sums or {y: _territory_sums(cube, territory, y, flow, (column,))
                    for y in (year, before) if y is not None}
    current = sums[year][column]
    if before is not None:
        previous = sums[before][column].reindex(current.index, fill_value=0.0)
    else:
        previous = pd.Series(np.nan, index=current.index)
    value = current.to_numpy(dtype=float)
    prev = previous.to_numpy(dtype=float)
    total = value.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        change_pct = np.where(prev > 0, value / np.where(prev > 0, prev, 1.0) - 1, np.nan)
    frame = pd.DataFrame({
        column: current.index.astype(str), "value": value, "previous": prev, "change_eur": value - prev,
        "change_pct": change_pct, "share": value / total if total else np.nan})
    keep = (frame["value"] > 0) | (frame["previous"].fillna(0) > 0)
    return frame[keep].reset_index(drop=True)


def _top_changes(cube, territory, year, flow, column, n) -> pd.DataFrame:
    frame = _changes(cube, territory, year, flow, column)
    frame = frame[frame["value"] > 0]
    frame = frame.sort_values(["value", column], ascending=[False, True], kind="mergesort").head(n)
    return frame.reset_index(drop=True)


def partner_changes(cube: TradeCube, territory: Territory, year: int, flow: str, n: int = TOP_N) -> pd.DataFrame:
    """Top-n partner countries of the year: country, value, previous (previous year's value; NaN without
    a previous year), change_eur, change_pct (NaN without previous year or when it was 0), share of the flow."""
    return _top_changes(cube, territory, year, flow, COUNTRY, n)


def product_changes(cube: TradeCube, territory: Territory, year: int, flow: str, n: int = TOP_N) -> pd.DataFrame:
    """Top-n products of the year, same columns as `partner_changes` with `product` as the code."""
    return _top_changes(cube, territory, year, flow, PRODUCT, n)


# ---------------------------------------------------------------- French sentences

# Article before a country's name: "l'", "la", "le", "les" or "" (none). Rules first, then these exceptions.
_ARTICLE_EXCEPTIONS = {
    # plural names
    "AE": "les", "AS": "les", "BM": "les", "BS": "les", "FJ": "les", "KM": "les", "MV": "les", "NL": "les",
    "PH": "les", "SC": "les", "US": "les", "TF": "les", "PW": "les",
    # masculine names ending in -e
    "MX": "le", "KH": "le", "MZ": "le", "ZW": "le", "BZ": "le", "SR": "le", "IO": "le",
    # feminine names the rule misses
    "CD": "la", "SL": "la",
    # islands, cities and micro-states used without article
    "AD": "", "AG": "", "AI": "", "AW": "", "BH": "", "BQ": "", "CU": "", "CW": "", "CY": "", "DJ": "",
    "GG": "", "GI": "", "GU": "", "HK": "", "HT": "", "IL": "", "JE": "", "KI": "", "MC": "", "MG": "",
    "MO": "", "MS": "", "MT": "", "MU": "", "NR": "", "NU": "", "OM": "", "PR": "", "RE": "", "SG": "",
    "SJ": "", "TK": "", "TO": "", "TT": "", "TV": "", "TW": "", "WF": "", "WS": "", "XC": "", "XL": "",
    "YT": "", "GS": "",
}
_VOWELS = set("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸaeiouyàâäéèêëîïôöùûüÿ")


def country_article(code: str) -> str:
    """« l' », « la », « le », « les » or « » for a partner country (Allemagne → l', Chine → la,
    Japon → le, États-Unis → les, Singapour → none)."""
    code = str(code).strip().upper()
    if code in _ARTICLE_EXCEPTIONS:
        return _ARTICLE_EXCEPTIONS[code]
    name = country_name(code)
    if name.startswith(("Îles ", "Iles ")):
        return "les"
    if name.startswith(("Saint-", "Sainte-", "Sao ")):
        return ""
    if name[0] in _VOWELS:
        return "l'"
    first_word = name.split(" ")[0]
    return "la" if first_word.endswith("e") else "le"


def _with_article(article: str, name: str) -> str:
    if article in ("les", "l'") and name.startswith(("Îles ", "Île ")):
        name = "î" + name[1:]   # « les îles Caïmans », « l'île de Man »
    if article == "l'":
        return f"l'{name}"
    return f"{article} {name}" if article else name


WITH = "with"     # country_phrase(code, WITH): trade both ways, « avec les États-Unis »


def country_phrase(code: str, flow: str) -> str:
    """« vers l'Allemagne », « vers les États-Unis » (exports); « en provenance de la Chine »,
    « en provenance du Japon », « en provenance d'Israël » (imports); « avec les États-Unis » (WITH)."""
    if not is_known_country(code) or is_unallocated(code):
        lead = {EXPORT: "à destination de", WITH: "avec"}.get(flow, "en provenance de")
        return f"{lead} : {country_name(code)}"
    article, name = country_article(code), country_name(code)
    if flow == EXPORT:
        return f"vers {_with_article(article, name)}"
    if flow == WITH:
        return f"avec {_with_article(article, name)}"
    if article == "le":
        return f"en provenance du {name}"
    if article == "les":
        return f"en provenance des {_with_article('les', name)[4:]}"
    if article == "":
        return f"en provenance {'d' + chr(39) if name[0] in _VOWELS else 'de '}{name}"
    return f"en provenance de {_with_article(article, name)}"


def product_phrase(code: str) -> str:
    """« de produits pharmaceutiques », « d'habillement », « d'automobiles »."""
    if not is_known_product(code):
        return f"du produit de code {code}"
    label = product_short_label(code)
    if len(label) > 1 and not label[1].isupper():
        label = label[0].lower() + label[1:]
    return f"d'{label}" if label[0] in _VOWELS or label[0] in "hH" else f"de {label}"


def _signed_amount(value: float) -> str:
    text = fmt.format_amount(abs(value))
    return f"+{text}" if value > 0 else f"{MINUS}{text}" if value < 0 else text


def _sentence(subject: str, row, year: int, before: int) -> str:
    if not (row.previous > 0):
        return (f"{subject}, nulles en {before}, ont atteint {fmt.format_amount(row.value)} en {year}.")
    verb = "ont progressé" if row.change_eur > 0 else "ont reculé"
    return (f"{subject} {verb} de {fmt.format_percent(abs(row.change_pct), decimals=1)} "
            f"({_signed_amount(row.change_eur)}) entre {before} et {year}.")


def change_sentences(cube: TradeCube, territory: Territory, year: int, flow: str, n: int = 2,
                     dimensions: tuple[str, ...] = ("partners", "products")) -> list[str]:
    """The n biggest rises then the n biggest falls (in €) of each dimension, as French sentences:
    « Les exportations vers l'Allemagne ont reculé de 12,3 % (−45,2 M€) entre 2023 et 2024. »

    Only partners/products weighing at least 1 % of the flow this year or last year are named;
    unallocated partners (secret, provisions, undetermined) never are. No previous year → [].
    """
    if flow not in FLOWS:
        raise ValueError(f"Flux inconnu : « {flow} ».")
    before = previous_year(cube, year)
    if before is None:
        return []
    flow_word = "Les exportations" if flow == EXPORT else "Les importations"
    columns = tuple(DIMENSIONS[d] for d in dimensions)
    sums = {y: _territory_sums(cube, territory, y, flow, columns) for y in (year, before)}
    sentences = []
    for column in columns:
        frame = _changes(cube, territory, year, flow, column, sums)
        total, previous_total = frame["value"].sum(), frame["previous"].sum()
        big = (frame["value"] >= MIN_SHARE_FOR_SENTENCE * total) if total > 0 else \
            pd.Series(False, index=frame.index)
        if previous_total > 0:
            big |= frame["previous"] >= MIN_SHARE_FOR_SENTENCE * previous_total
        frame = frame[big & (frame["change_eur"] != 0)]
        if column == COUNTRY:      # as booleans: an empty object mask would select columns, not rows
            frame = frame[~frame[COUNTRY].map(is_unallocated).astype(bool)]
        rises = frame[frame["change_eur"] > 0].sort_values(["change_eur", column], ascending=[False, True],
                                                           kind="mergesort").head(n)
        falls = frame[frame["change_eur"] < 0].sort_values(["change_eur", column], ascending=[True, True],
                                                           kind="mergesort").head(n)
        for row in pd.concat([rises, falls]).itertuples(index=False):
            code = getattr(row, column)
            subject = (f"{flow_word} {country_phrase(code, flow)}" if column == COUNTRY
                       else f"{flow_word} {product_phrase(code)}")
            sentences.append(_sentence(subject, row, year, before))
    return sentences

