"""The KPI cards of the overview: values, previous-year changes and ranks as French strings."""
from __future__ import annotations

import math
from dataclasses import dataclass

from lib.analysis import indicators as ind
from lib.analysis.coverage import france_share_label, partial_france_note
from lib.core.formatting import format_amount, format_percent, format_rank, format_ratio
from lib.core.schema import EXPORT, IMPORT
from lib.data.territories import Territory, home_region, regions_share_label


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    trend: int = 0          # sign of the change: the arrow and its colour (text signs are typographic « − »)


def colored_amount(value: float) -> str:
    """Surplus in green, deficit in red (Markdown colour, which st.metric renders)."""
    return f":{'green' if value >= 0 else 'red'}[{format_amount(value)}]"


def _sign(value: float) -> int:
    return 0 if not value or math.isnan(value) else (1 if value > 0 else -1)


def kpi_cards(cube: ind.TradeCube, territory: Territory, year: int, summary: dict) -> list[list[Card]]:
    """Rows of at most four cards: flows and balance, then shares and ranks."""
    previous = ind.previous_year(cube, year)
    before = ind.totals(cube, territory, previous) if previous else None

    def flow_card(label: str, key: str, help_text: str) -> Card:
        past = getattr(before, key) if before is not None else None
        if not past:
            return Card(label, format_amount(summary[key]), help=help_text)
        rate = ind.change(summary[key], past)
        return Card(label, format_amount(summary[key]), f"{format_percent(rate, decimals=1, signed=True)} sur un an",
                    help_text, _sign(rate))

    balance = Card("Solde commercial", colored_amount(summary["balance"]),
                   help="Exportations − importations : excédent s'il est positif, déficit s'il est négatif.")
    if before is not None:
        diff = summary["balance"] - before.balance
        balance = Card(balance.label, balance.value, f"{format_amount(diff, signed=True)} sur un an",
                       balance.help, _sign(diff))
    first = [
        flow_card("Exportations", "exports", "Valeur FAB des biens sortis du territoire vers l'étranger."),
        flow_card("Importations", "imports", "Valeur CAF des biens entrés dans le territoire depuis l'étranger."),
        balance,
        Card("Taux de couverture", format_ratio(summary["coverage"]),
             help="Exportations ÷ importations (supérieur à 1 : excédent). « n.d. » (non disponible) quand le "
                  "territoire n'a rien importé cette année."),
    ]
    second = []
    home = home_region(territory)          # a TI spanning several régions: all of them, named
    if summary["share_of_region"] and home is not None:
        label = regions_share_label(home.regions, short=True)
        several = len(home.regions) > 1
        for flow_label, key, words in (("export", "exports", "exportations"), ("import", "imports", "importations")):
            help_text = (f"Part du territoire dans les {words} {home.phrase.of} réunies : ses départements "
                         "principaux relèvent de ces régions." if several else None)
            second.append(Card(f"{label} ({flow_label})", format_percent(summary["share_of_region"][key]),
                               help=help_text))
    if territory.kind != "fr":
        france, note = france_share_label(summary, short=True), partial_france_note(summary)
        second += [Card(f"{france} (export)", format_percent(summary["share_of_france"]["exports"]), help=note),
                   Card(f"{france} (import)", format_percent(summary["share_of_france"]["imports"]), help=note)]
    if territory.kind == "dep":
        dep = territory.departments[0]
        second += [Card("Rang à l'export", format_rank(ind.department_rank(cube, dep, year, EXPORT), 101),
                        help="Rang du département parmi les 101 pour la valeur exportée."),
                   Card("Rang à l'import", format_rank(ind.department_rank(cube, dep, year, IMPORT), 101),
                        help="Rang du département parmi les 101 pour la valeur importée.")]
    return [first] + [second[i:i + 4] for i in range(0, len(second), 4)]
