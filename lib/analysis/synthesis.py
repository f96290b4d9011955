"""The written synthesis: a short French paragraph generated from the figures by explicit rules.

People write notes for a prefect; this paragraph is what they paste. No language model: each sentence
comes from one rule below and quotes figures that the page shows in the same rounding (the figures are
also returned as a table, « Chiffres cités », shown under the paragraph, in the dossier and in the note):

1. totals and balance, with the change over one year (as the key-figure cards);
2. first partners, with their shares of the flow (as the flow tables);
3. first products, with their shares (as the flow tables);
4. concentration of partners (HHI and its reading, as the exposure page) and the main dependency
   (first supplier outside the EU above 50 % of a main imported product);
5. the largest change over one year among the main partners and products (as the change tables);
6. weight in the région and in France, and the national rank of a département (as the cards).

Grammar: ``territory.phrase`` (« les Alpes-de-Haute-Provence ont », « la région Corse a »), country
articles of lib.analysis.trends (« l'Italie reçoit », « les États-Unis reçoivent »), « 1er » for a first rank.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from lib.analysis import exposure, indicators as ind, trends
from lib.analysis.coverage import france_share_label, partial_france_note
from lib.core.formatting import format_amount, format_percent, format_ratio
from lib.data.reference.countries import country_name
from lib.data.reference.french_names import capitalize_first, elide
from lib.data.reference.products import product_short_label
from lib.core.schema import EXPORT, IMPORT
from lib.data.territories import Territory



@dataclass(frozen=True)
class Synthesis:
    """The paragraph (one string per sentence) and the figures it quotes, as shown on the page."""
    title: str
    sentences: list[str] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)   # (indicator, value as displayed)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def french_spacing(text: str) -> str:
    """No-break spaces where French typography wants them: before « ; » and « : », inside « », before « % »
    (so that a line never starts with « ; » or « % », in the page, the clipboard, Word and Excel)."""
    text = text.replace(" ;", "\u202f;").replace(" :", "\u00a0:")
    text = text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    return re.sub(r"(\d) %", "\\1\u00a0%", text)


# ---------------------------------------------------------------- words

def ordinal(rank: int) -> str:
    """« 1er », « 2e », « 45e » (French abbreviations of ordinal numbers)."""
    return "1er" if rank == 1 else f"{rank}e"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _country(code: str) -> tuple[str, bool]:
    """(« l'Italie », plural?) for a country code; names without article stay bare (« Singapour »)."""
    article, name = trends.country_article(code), country_name(code)
    if article == "l'":
        return f"l'{name}", False
    return (f"{article} {name}" if article else name), article == "les"


def _product(code: str) -> str:
    return f"« {product_short_label(code)} »"


def _of_product(code: str) -> str:
    """« de » before a quoted product, elided as before the word itself: « d'« Automobiles » »."""
    label = product_short_label(code)
    return ("d'" if elide("de", label).startswith("d'") else "de ") + _product(code)


def _change(rate: float) -> str:
    """« −0,6 % sur un an », the key-figure cards' form."""
    return f"{format_percent(rate, decimals=1, signed=True)} sur un an"


def _named(rows: list[dict]) -> list[dict]:
    """Ranked rows without « Autres » nor the customs' unallocated codes (not a partner)."""
    return [r for r in rows if r["code"] != ind.OTHERS and not trends.is_unallocated(r["code"])]


# ---------------------------------------------------------------- rules

def _totals_sentence(cube, territory: Territory, year: int, summary: dict, figures: list) -> str:
    phrase = territory.phrase
    previous = ind.previous_year(cube, year)
    before = ind.totals(cube, territory, previous) if previous else None
    exports, imports, balance = summary["exports"], summary["imports"], summary["balance"]
    figures += [("Exportations", format_amount(exports)), ("Importations", format_amount(imports))]

    def with_change(value: float, key: str, label: str, noun: str = "") -> str:
        past = getattr(before, key) if before is not None else None
        if not past:
            return f"{format_amount(value)}{noun}"
        rate = ind.change(value, past)
        figures.append((f"{label} : évolution sur un an", format_percent(rate, decimals=1, signed=True)))
        return f"{format_amount(value)}{noun} ({_change(rate)})"

    text = (f"En {year}, {phrase.subject} {phrase.verb_has} exporté {with_change(exports, 'exports', 'Exportations', ' de biens')}"
            f" et en {phrase.verb_has} importé {with_change(imports, 'imports', 'Importations')}")
    figures.append(("Solde commercial", format_amount(balance)))
    if balance > 0:
        text += f" : l'excédent commercial atteint {format_amount(balance)}."
    elif balance < 0:
        text += f" : le déficit commercial atteint {format_amount(-balance)}."
    else:
        text += " : les échanges sont équilibrés."
    return capitalize_first(text)


def _partners_sentence(summary: dict, flows: tuple[str, ...], figures: list) -> str | None:
    parts = []
    for flow in flows:
        key = "exports" if flow == EXPORT else "imports"
        total = summary[key]
        rows = _named(summary["export_flows" if flow == EXPORT else "import_flows"]["countries"])
        if not total or not rows:
            continue
        first, plural = _country(rows[0]["code"])
        share = rows[0]["value"] / total
        verb = ("reçoivent" if plural else "reçoit") if flow == EXPORT else ("fournissent" if plural else "fournit")
        flow_word = "des exportations" if flow == EXPORT else "des importations"
        label = "Pays clients" if flow == EXPORT else "Pays fournisseurs"
        figures.append((f"{label} : 1er, {country_name(rows[0]['code'])}", format_percent(share)))
        part = f"{first} {verb} {format_percent(share)} {flow_word}"
        if len(rows) > 1:
            second, _ = _country(rows[1]["code"])
            second_share = rows[1]["value"] / total
            figures.append((f"{label} : 2e, {country_name(rows[1]['code'])}", format_percent(second_share)))
            part += f", devant {second} ({format_percent(second_share)})"
        parts.append(part)
    if not parts:
        return None
    return capitalize_first(" ; ".join(parts)) + "."


def _products_sentence(summary: dict, flows: tuple[str, ...], figures: list) -> str | None:
    parts = []
    for flow in flows:
        key = "exports" if flow == EXPORT else "imports"
        total = summary[key]
        rows = [r for r in summary["export_flows" if flow == EXPORT else "import_flows"]["products"]
                if r["code"] != ind.OTHERS]
        if not total or not rows:
            continue
        share = rows[0]["value"] / total
        noun = "produit exporté" if flow == EXPORT else "produit importé"
        figures.append((f"1er {noun} : {product_short_label(rows[0]['code'])}", format_percent(share)))
        part = f"le premier {noun} est {_product(rows[0]['code'])} ({format_percent(share)} des {key_word(flow)})"
        if len(rows) > 1:
            second = rows[1]["value"] / total
            figures.append((f"2e {noun} : {product_short_label(rows[1]['code'])}", format_percent(second)))
            part += f", suivi {_of_product(rows[1]['code'])} ({format_percent(second)})"
        parts.append(part)
    if not parts:
        return None
    return capitalize_first(" ; ".join(parts)) + "."


def key_word(flow: str) -> str:
    return "exportations" if flow == EXPORT else "importations"


def _concentration_sentence(cube, territory: Territory, year: int, figures: list) -> str | None:
    table = exposure.concentration(cube, territory, year)
    row = table[(table["flow"] == EXPORT) & (table["dimension"] == "partners")]
    if row.empty or _missing(float(row["hhi"].iloc[0])):
        return None
    value, reading = float(row["hhi"].iloc[0]), row["reading"].iloc[0]
    figures.append(("Concentration des exportations par pays (IHH, 0–1)", format_ratio(value)))
    figures.append(("Nombre équivalent de pays clients (1 ÷ IHH)", format_ratio(1 / value)))
    return (f"Par pays, les exportations sont {_feminine_plural(reading)} (indice de Herfindahl-Hirschman "
            f"{format_ratio(value)} ; nombre équivalent de clients de même poids : {format_ratio(1 / value)}).")


def _feminine_plural(reading: str) -> str:
    """« très concentré » → « très concentrées » (agreement with « les exportations »)."""
    words = reading.split(" ")
    if words and words[-1].endswith("é"):
        words[-1] += "es"
    return " ".join(words)


def _dependency_sentence(cube, territory: Territory, year: int, figures: list) -> str | None:
    table = exposure.import_dependency(cube, territory, year)
    if table.empty:
        return None
    critical = table[table["critical"]]
    if critical.empty:
        figures.append(("Produits importés dépendant à plus de 50 % d'un fournisseur hors UE", "aucun"))
        return (f"Aucun des {len(table)} principaux produits importés ne dépend à plus de 50 % d'un seul "
                "fournisseur extérieur à l'Union européenne.")
    first = critical.iloc[0]
    supplier, _ = _country(first["supplier_1"])
    share = format_percent(first["supplier_1_share"])
    figures.append((f"Dépendance principale : {product_short_label(first['product'])}, "
                    f"part de {country_name(first['supplier_1'])}", share))
    text = (f"Dépendance la plus marquée : {share} des importations {_of_product(first['product'])} viennent "
            f"d'un seul fournisseur hors UE, {supplier}")
    if len(critical) > 1:
        figures.append(("Produits importés dépendant à plus de 50 % d'un fournisseur hors UE", str(len(critical))))
        text += f" ({len(critical)} produits sur les {len(table)} principaux sont dans ce cas)"
    return text + "."


def _largest_change_sentence(cube, territory: Territory, year: int, flows: tuple[str, ...],
                             figures: list) -> str | None:
    previous = ind.previous_year(cube, year)
    if previous is None:
        return None
    best = None
    for flow in flows:
        for dimension, frame in (("country", trends.partner_changes(cube, territory, year, flow)),
                                 ("product", trends.product_changes(cube, territory, year, flow))):
            column = trends.COUNTRY if dimension == "country" else trends.PRODUCT
            for row in frame.itertuples(index=False):
                code = getattr(row, column)
                if dimension == "country" and trends.is_unallocated(code):
                    continue
                if _missing(row.change_eur) or row.change_eur == 0:
                    continue
                if best is None or abs(row.change_eur) > abs(best[3].change_eur):
                    best = (flow, dimension, code, row)
    if best is None:
        return None
    flow, dimension, code, row = best
    what = (f"les {key_word(flow)} {trends.country_phrase(code, flow)}" if dimension == "country"
            else f"les {key_word(flow)} {trends.product_phrase(code)}")
    amount = format_amount(abs(row.change_eur))
    signed = f"+{amount}" if row.change_eur > 0 else f"\u2212{amount}"
    name = country_name(code) if dimension == "country" else product_short_label(code)
    figures.append((f"Plus forte variation sur un an : {key_word(flow)}, {name}", signed))
    rate = "" if _missing(row.change_pct) else f", soit {format_percent(row.change_pct, decimals=1, signed=True)}"
    if not _missing(row.change_pct):
        figures.append((f"Plus forte variation sur un an : {key_word(flow)}, {name} (%)",
                        format_percent(row.change_pct, decimals=1, signed=True)))
    verb = "ont le plus progressé" if row.change_eur > 0 else "ont le plus reculé"
    return capitalize_first(f"Sur un an, ce sont {what} qui {verb} ({signed}{rate}).")


def _comparison_sentence(cube, territory: Territory, year: int, summary: dict, flows: tuple[str, ...],
                         figures: list) -> str | None:
    """Weight in the région (unless the région is the territory itself) and in France; rank of a département."""
    if territory.kind == "fr":
        return None
    region = ind.region_of_territory(territory)
    region_shares = summary.get("share_of_region")
    if region is None or set(region.departments) == set(territory.departments):
        region_shares = None
    parts = []
    for flow in flows:
        key, short = ("exports", "export") if flow == EXPORT else ("imports", "import")
        pieces = []
        if region_shares and not _missing(region_shares.get(key)):
            level = "de la région" if len(region.regions) <= 1 else "des régions réunies"
            figures.append((f"Part {level} ({short})", format_percent(region_shares[key])))
            together = "" if len(region.regions) <= 1 else " réunies"
            pieces.append(f"{format_percent(region_shares[key])} des {key_word(flow)} {region.phrase.of}{together}")
        france = summary["share_of_france"].get(key)
        if not _missing(france):
            figures.append((f"{france_share_label(summary)} ({short})", format_percent(france)))
            partial = " (partielle : départements des fichiers chargés)" if partial_france_note(summary) else ""
            pieces.append(f"{format_percent(france)} {'de celles' if pieces else f'des {key_word(flow)}'} "
                          f"de la France{partial}")
        if pieces:
            parts.append(" et ".join(pieces))
    if not parts:
        return None
    verb = "réalisent" if territory.phrase.plural else "réalise"
    text = f"{capitalize_first(territory.phrase.subject)} {verb} {' ; '.join(parts)}."
    if len(parts) == 2 and " et " not in text:
        text = text.replace(" ; ", " et ")
    if territory.kind == "dep" and EXPORT in flows:
        rank = ind.department_rank(cube, territory.departments[0], year, EXPORT)
        figures.append(("Rang à l'export (sur 101 départements)", ordinal(rank)))
        text += f" Pour la valeur exportée, le département se classe au {ordinal(rank)} rang sur 101."
    return text


# ---------------------------------------------------------------- entry points

def overview_synthesis(cube, territory: Territory, year: int, summary: dict | None = None) -> Synthesis:
    """The paragraph at the top of the overview, of the dossier and of the Word sheets."""
    from lib.analysis.summary import territory_summary
    summary = summary if summary is not None else territory_summary(cube, territory, year)
    title = french_spacing(f"Commerce extérieur {territory.phrase.of} en {year} : synthèse")
    figures: list[tuple[str, str]] = []
    if not summary["exports"] and not summary["imports"]:
        return Synthesis(title, [f"En {year}, aucun échange avec l'étranger n'est enregistré pour "
                                 f"{territory.phrase.subject} dans les fichiers chargés."], [])
    flows = (EXPORT, IMPORT)
    rules = [
        _totals_sentence(cube, territory, year, summary, figures),
        _partners_sentence(summary, flows, figures),
        _products_sentence(summary, flows, figures),
        _concentration_sentence(cube, territory, year, figures) if summary["exports"] else None,
        _dependency_sentence(cube, territory, year, figures) if summary["imports"] else None,
        _largest_change_sentence(cube, territory, year, flows, figures),
        _comparison_sentence(cube, territory, year, summary, flows, figures),
    ]
    return Synthesis(title, [french_spacing(s) for s in rules if s], _unique(figures))


def flow_synthesis(cube, territory: Territory, year: int, flow: str, summary: dict | None = None) -> Synthesis:
    """The paragraph at the top of the Exportations or Importations page: that flow only."""
    from lib.analysis.summary import territory_summary
    summary = summary if summary is not None else territory_summary(cube, territory, year)
    key = "exports" if flow == EXPORT else "imports"
    title = french_spacing(f"{key_word(flow).capitalize()} {territory.phrase.of} en {year} : synthèse")
    figures: list[tuple[str, str]] = []
    phrase = territory.phrase
    if not summary[key]:
        return Synthesis(title, [f"En {year}, aucune {key_word(flow)[:-1]} n'est enregistrée pour "
                                 f"{phrase.subject} dans les fichiers chargés."], [])
    previous = ind.previous_year(cube, year)
    before = ind.totals(cube, territory, previous) if previous else None
    past = getattr(before, key) if before is not None else None
    amount = format_amount(summary[key]) + " de biens"
    figures.append((key_word(flow).capitalize(), format_amount(summary[key])))
    if past:
        rate = ind.change(summary[key], past)
        figures.append((f"{key_word(flow).capitalize()} : évolution sur un an",
                        format_percent(rate, decimals=1, signed=True)))
        amount += f" ({_change(rate)})"
    verb = "exporté" if flow == EXPORT else "importé"
    rules = [
        capitalize_first(f"En {year}, {phrase.subject} {phrase.verb_has} {verb} {amount}."),
        _partners_sentence(summary, (flow,), figures),
        _products_sentence(summary, (flow,), figures),
        _largest_change_sentence(cube, territory, year, (flow,), figures),
        _comparison_sentence(cube, territory, year, summary, (flow,), figures),
    ]
    return Synthesis(title, [french_spacing(s) for s in rules if s], _unique(figures))


def _unique(figures: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(figures))
