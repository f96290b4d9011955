"""The KPI row of the overview: values, previous-year changes and ranks as French strings."""
from __future__ import annotations

from lib import indicators as ind
from lib.formatting import format_amount, format_percent, format_ratio
from lib.schema import EXPORT, IMPORT
from lib.territories import Territory


def colored_amount(value: float) -> str:
    """Surplus in green, deficit in red (Markdown colour, which st.metric renders)."""
    return f":{'green' if value >= 0 else 'red'}[{format_amount(value)}]"


def kpi_cards(cube: ind.TradeCube, territory: Territory, year: int, summary: dict) -> list[list[tuple]]:
    """Two rows of (label, value, delta, help) cards."""
    previous = ind.previous_year(cube, year)
    before = ind.totals(cube, territory, previous) if previous else None

    def delta(current: float, past: float | None) -> str | None:
        if past is None or not past:
            return None
        return f"{format_percent(ind.change(current, past), decimals=1, signed=True)} par rapport à {previous}"

    balance_delta = None
    if before is not None:
        diff = summary["balance"] - before.balance
        balance_delta = f"{'+' if diff > 0 else ''}{format_amount(diff)} par rapport à {previous}"
    first = [
        ("Exportations", format_amount(summary["exports"]), delta(summary["exports"], before and before.exports),
         "Valeur FAB des biens sortis du territoire vers l'étranger."),
        ("Importations", format_amount(summary["imports"]), delta(summary["imports"], before and before.imports),
         "Valeur CAF des biens entrés dans le territoire depuis l'étranger."),
        ("Solde commercial", colored_amount(summary["balance"]), balance_delta,
         "Exportations − importations : excédent s'il est positif, déficit s'il est négatif."),
        ("Taux de couverture", format_ratio(summary["coverage"]), None,
         "Exportations ÷ importations (supérieur à 1 : excédent)."),
    ]
    second = []
    if summary["share_of_region"]:
        second += [("Part de la région (export)", format_percent(summary["share_of_region"]["exports"]), None, None),
                   ("Part de la région (import)", format_percent(summary["share_of_region"]["imports"]), None, None)]
    if territory.kind != "fr":
        second += [("Part de la France (export)", format_percent(summary["share_of_france"]["exports"]), None, None),
                   ("Part de la France (import)", format_percent(summary["share_of_france"]["imports"]), None, None)]
    if territory.kind == "dep":
        dep = territory.departments[0]
        second.append(("Rang à l'export", f"{ind.export_rank(cube, dep, year, EXPORT)}ᵉ / 101", None,
                       "Rang du département parmi les 101 pour la valeur exportée."))
        second.append(("Rang à l'import", f"{ind.export_rank(cube, dep, year, IMPORT)}ᵉ / 101", None,
                       "Rang du département parmi les 101 pour la valeur importée."))
    return [first] + [second[i:i + 4] for i in range(0, len(second), 4)]
