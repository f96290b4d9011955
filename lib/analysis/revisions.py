"""What a new release of the customs files changed for one territory: the same figures computed on two data
versions (two `TradeCube`), side by side, biggest revisions first, in euros.

Why: each customs release revises the earlier years; a reader who compares a note written last month with
today's page needs to see which figures moved, by how much, and where (which products, which countries).
Pure functions over two tables: the CLI (`lib.cli revisions`) and the data page call the same ones.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.analysis.indicators import TradeCube, sum_by
from lib.core.schema import COUNTRY, EXPORT, FLOWS, IMPORT, PRODUCT
from lib.data.reference.countries import country_name
from lib.data.reference.products import product_short_label
from lib.data.territories import Territory, TerritoryError

FLOW_KEYS = {EXPORT: "exports", IMPORT: "imports"}
TOLERANCE_EUR = 0.005          # below half a cent, two sums of the same cells are the same figure


class RevisionError(TerritoryError):
    """Two versions that cannot be compared for this request; the message is French and shown as is."""


@dataclass(frozen=True)
class Revisions:
    """One territory, one year, two versions: totals per flow and the revised products and countries."""
    territory: Territory
    year: int
    totals: dict[str, tuple[float, float]]      # "exports" / "imports" → (before, after), euros
    products: pd.DataFrame                      # flow, code, before, after, change: revised rows only
    countries: pd.DataFrame

    def total_change(self, flow_key: str) -> float:
        before, after = self.totals[flow_key]
        return after - before

    @property
    def unchanged(self) -> bool:
        """No total, product or country of this territory moved (beyond a cent)."""
        return (self.products.empty and self.countries.empty
                and all(abs(self.total_change(k)) < TOLERANCE_EUR for k in self.totals))


def compared_year(before: TradeCube, after: TradeCube, year: int | None = None) -> int:
    """`year` if both versions have it; without one, the latest year both have (a new release adds a year and
    revises the previous ones: the latest common year is the one whose figures moved)."""
    common = sorted(set(before.years) & set(after.years))
    if year is not None:
        if year not in common:
            raise RevisionError(f"Année {year} absente de l'une des deux versions (années communes : "
                                f"{', '.join(map(str, common)) or 'aucune'}).")
        return year
    if not common:
        raise RevisionError("Les deux versions n'ont aucune année en commun : rien à comparer.")
    return common[-1]


def _sums(cube: TradeCube, territory: Territory, year: int, flow: str, column: str) -> pd.Series:
    rows = cube.rows(year, flow, tuple(territory.departments))
    if rows.empty:
        return pd.Series(dtype=float)
    return sum_by(rows, column)


def _revised(before: TradeCube, after: TradeCube, territory: Territory, year: int, column: str) -> pd.DataFrame:
    """Per flow and code of `column`: before, after, change; only the rows that moved, biggest first."""
    frames = []
    for flow in FLOWS:
        old = _sums(before, territory, year, flow, column)
        new = _sums(after, territory, year, flow, column)
        both = pd.concat([old.rename("before"), new.rename("after")], axis=1).fillna(0.0)
        both = both.groupby(level=0).sum()                    # a code in both category lists appears once
        both["change"] = both["after"] - both["before"]
        both = both[both["change"].abs() >= TOLERANCE_EUR]
        frames.append(both.rename_axis("code").reset_index().assign(flow=flow))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if out.empty:
        return pd.DataFrame({"flow": [], "code": [], "before": [], "after": [], "change": []})
    out["size"] = out["change"].abs()
    out = out.sort_values(["size", "flow", "code"], ascending=[False, True, True], kind="stable")
    return out[["flow", "code", "before", "after", "change"]].reset_index(drop=True)


def territory_revisions(before: TradeCube, after: TradeCube, territory: Territory,
                        year: int | None = None) -> Revisions:
    """The revisions of `territory`'s figures for `year` (default: see `compared_year`) from `before` to `after`."""
    year = compared_year(before, after, year)
    totals = {FLOW_KEYS[flow]: (float(_sums(before, territory, year, flow, PRODUCT).sum()),
                                float(_sums(after, territory, year, flow, PRODUCT).sum())) for flow in FLOWS}
    return Revisions(territory=territory, year=year, totals=totals,
                     products=_revised(before, after, territory, year, PRODUCT),
                     countries=_revised(before, after, territory, year, COUNTRY))


def version_pair(from_id: str | None = None, to_id: str | None = None):
    """The two data versions to compare: `to_id` (default: the one in use) and `from_id` (default: the version
    it replaced). French `DataFileError` / `RevisionError` when one does not exist."""
    from lib.data import versions
    after = versions.get(to_id) if to_id else versions.current()
    if after is None:
        raise RevisionError("Aucune version des données n'est en service : rien à comparer (données de "
                            "démonstration ou fichiers de data/officiel lus tels quels).")
    replaced = after.manifest.get("replaces")
    if not from_id and not replaced:
        raise RevisionError(f"La version {after.id} n'en remplace aucune : indiquez --from (versions : "
                            f"{', '.join(v.id for v in versions.list_versions())}).")
    before = versions.get(from_id or replaced)
    if before.id == after.id:
        raise RevisionError(f"Les deux versions comparées sont la même ({after.id}).")
    return before, after


def resolve_in(catalogs, territory_id: str) -> Territory:
    """The territory an id names in the newer catalog, else in the older one (a Territoire d'industrie may be
    in one version's list only); the newer catalog's French error otherwise."""
    try:
        return catalogs[0].resolve(territory_id)
    except TerritoryError:
        for catalog in catalogs[1:]:
            try:
                return catalog.resolve(territory_id)
            except TerritoryError:
                pass
        raise


def _rows_json(frame: pd.DataFrame, key: str, name) -> list[dict]:
    return [{"flow": FLOW_KEYS[row.flow], key: row.code, "name": name(row.code), **_euros(row.before, row.after)}
            for row in frame.itertuples()]


def _euros(before: float, after: float) -> dict:
    """Before, after and change in euros, to the cent (sums of cents carry float noise beyond it)."""
    return {"before": round(float(before), 2), "after": round(float(after), 2),
            "change": round(float(after) - float(before), 2)}


def revisions_json(revisions: Revisions, from_id: str, to_id: str) -> dict:
    """The contract of `lib.cli revisions --json`: euros, biggest revisions first."""
    return {
        "from": from_id, "to": to_id, "year": revisions.year,
        "territory": {"id": revisions.territory.id, "name": revisions.territory.name},
        **{key: _euros(before, after) for key, (before, after) in revisions.totals.items()},
        "products": _rows_json(revisions.products, "product", product_short_label),
        "countries": _rows_json(revisions.countries, "country", country_name),
    }
