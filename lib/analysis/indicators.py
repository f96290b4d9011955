"""Indicators of the publication, computed from the tidy table for any territory.

Every page, export and the CLI call these functions, so what a user downloads is what they saw.
`TradeCube` splits the table once per (year, flow) and memoises each territory's results, which keeps
any territory's page under a few tens of milliseconds on the national table.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from lib.data.reference import departments as ref_dep
from lib.core.schema import COUNTRY, DEPARTMENT, EXPORT, FLOW, FLOWS, IMPORT, PRODUCT, VALUE, YEAR
from lib.data.territories import Territory

OTHERS = "AUTRES"
OTHERS_LABEL = "Autres"
TOP_N = 10
TOP_LINKS = 5


class TradeCube:
    """The tidy table, pre-split by (year, flow), with memoised aggregates."""

    def __init__(self, table: pd.DataFrame):
        for column in (FLOW, DEPARTMENT, PRODUCT, COUNTRY):
            if not isinstance(table[column].dtype, pd.CategoricalDtype):
                table = table.assign(**{column: table[column].astype(str).astype("category")})
        self.table = table
        self._slices = {key: part for key, part in table.groupby([YEAR, FLOW], observed=True, sort=False)}
        self._memo: dict = {}

    @cached_property
    def years(self) -> list[int]:
        return sorted({int(y) for y, _ in self._slices})

    def rows(self, year: int, flow: str, departments: tuple[str, ...] | None = None) -> pd.DataFrame:
        part = self._slices.get((year, flow))
        if part is None:
            return self.table.iloc[0:0]
        if departments is None or len(departments) >= len(ref_dep.DEPARTMENTS):
            return part
        order, bounds, categories = self._department_index(year, flow)
        codes = sorted(code for code in categories.get_indexer(list(departments)) if code >= 0)
        if not codes:
            return part.iloc[0:0]
        positions = np.concatenate([order[bounds[code]:bounds[code + 1]] for code in codes])
        if len(codes) > 1:
            positions.sort()   # the table's own row order, as a boolean filter would keep it
        return part.take(positions)

    def _department_index(self, year: int, flow: str):
        """Row positions of each département in a (year, flow) slice, grouped: a territory's rows are then
        a slice of positions, not an isin over the national slice (a fifth of a new territory's page)."""
        key = ("department_index", year, flow)
        if key not in self._memo:
            column = self._slices[(year, flow)][DEPARTMENT]
            codes = column.cat.codes.to_numpy()
            order = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[order], np.arange(len(column.cat.categories) + 1))
            self._memo[key] = (order, bounds, column.cat.categories)
        return self._memo[key]

    def department_totals(self, year: int, flow: str) -> pd.Series:
        """Total per département (all 101, zero where no row)."""
        key = ("dep_totals", year, flow)
        if key not in self._memo:
            sums = self.rows(year, flow).groupby(DEPARTMENT, observed=True)[VALUE].sum()
            sums.index = sums.index.astype(str)
            self._memo[key] = sums.reindex(ref_dep.DEPARTMENTS["code"].tolist(), fill_value=0.0)
        return self._memo[key]

    def total(self, year: int, flow: str, departments: tuple[str, ...]) -> float:
        return float(self.department_totals(year, flow).loc[list(departments)].sum())

    def territory_memo(self, key: tuple, territory: Territory, compute, *, large: bool = False):
        """A territory's result computed once per data, keyed by the départements it covers (a TI of one
        département shares that département's). `large` results (a product × country matrix, ≈ 250 KB)
        are kept only for France and the régions, which many territories are compared with."""
        if large and territory.kind not in ("fr", "reg"):
            return compute()
        return self.memo((*key, tuple(territory.departments)), compute)

    def memo(self, key, compute):
        """Memoise a result that depends only on the table (e.g. France's flow structure)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def sum_by(rows: pd.DataFrame, column: str) -> pd.Series:
    """Sum of values per code of a categorical column (every category, zeros included).

    np.bincount over the category codes is ~20x faster than a groupby on the national table.
    """
    categorical = rows[column].cat
    sums = np.bincount(categorical.codes.to_numpy(), weights=rows[VALUE].to_numpy(dtype=float),
                       minlength=len(categorical.categories))
    return pd.Series(sums, index=categorical.categories.astype(str))


# ---------------------------------------------------------------- totals and shares

@dataclass(frozen=True)
class Totals:
    exports: float
    imports: float

    @property
    def balance(self) -> float:
        return self.exports - self.imports

    @property
    def coverage(self) -> float:
        """Exports ÷ imports; NaN when the territory imports nothing."""
        return self.exports / self.imports if self.imports else float("nan")


def totals(cube: TradeCube, territory: Territory, year: int) -> Totals:
    return Totals(exports=cube.total(year, EXPORT, territory.departments),
                  imports=cube.total(year, IMPORT, territory.departments))


def region_of_territory(territory: Territory):
    """The région(s) a département or TI is compared with (all of them together: `home_region`)."""
    from lib.data.territories import home_region
    return home_region(territory)


def comparison_peers(territory: Territory) -> list[Territory]:
    """The territory, its région (département or TI) and France, without repeats: the comparison list."""
    from lib.data.territories import FRANCE
    found = [t for t in (territory, region_of_territory(territory), FRANCE) if t is not None]
    return list({t.id: t for t in found}.values())


def shares(cube: TradeCube, territory: Territory, year: int) -> dict:
    """Shares of the région (dep/ti only) and of France, per flow, as fractions."""
    own = totals(cube, territory, year)
    france = {flow: float(cube.department_totals(year, flow).sum()) for flow in FLOWS}
    result = {"share_of_france": {
        "exports": ratio(own.exports, france[EXPORT]), "imports": ratio(own.imports, france[IMPORT])},
        "share_of_region": None}
    reg = region_of_territory(territory)
    if reg is not None:
        reg_totals = totals(cube, reg, year)
        result["share_of_region"] = {"exports": ratio(own.exports, reg_totals.exports),
                                     "imports": ratio(own.imports, reg_totals.imports)}
    return result


def ratio(part: float, whole: float) -> float:
    """part ÷ whole, NaN (shown « n.d. ») when the whole is zero: the one share rule of the project."""
    return part / whole if whole else float("nan")


def department_rank(cube: TradeCube, department: str, year: int, flow: str = EXPORT) -> int:
    """Rank of a département among the 101 (1 = largest)."""
    ranks = cube.department_totals(year, flow).rank(ascending=False, method="min")
    return int(ranks.loc[department])


def previous_year(cube: TradeCube, year: int) -> int | None:
    return year - 1 if (year - 1) in cube.years else None


def change(current: float, previous: float | None) -> float:
    """Relative change; NaN when there is nothing to compare with."""
    if previous is None or not previous:
        return float("nan")
    return current / previous - 1


# ---------------------------------------------------------------- flow structure (Sankey)

@dataclass(frozen=True)
class FlowStructure:
    """Top 10 products and countries + « Autres », the bucketed links and the 5 red links."""
    flow: str
    total: float
    products: pd.DataFrame   # code, value (top 10 then AUTRES)
    countries: pd.DataFrame  # code, value
    links: pd.DataFrame      # product, country, value (bucketed; AUTRES on either side)
    top_links: pd.DataFrame  # product, country, value (5 largest between two top-10 nodes)

    @property
    def is_empty(self) -> bool:
        return self.total <= 0


def top_with_others(values: pd.Series, n: int = TOP_N) -> pd.DataFrame:
    """Top n codes by value (ties: code ascending), then one « AUTRES » row with the rest."""
    positive = values[values > 0]
    frame = pd.DataFrame({"code": positive.index.astype(str), "value": positive.to_numpy(dtype=float)})
    frame = frame.sort_values(["value", "code"], ascending=[False, True], kind="mergesort")
    top = frame.head(n).reset_index(drop=True)
    rest = float(frame["value"].iloc[n:].sum())
    if rest > 0:
        top = pd.concat([top, pd.DataFrame({"code": [OTHERS], "value": [rest]})], ignore_index=True)
    return top


def flow_structure(cube: TradeCube, territory: Territory, year: int, flow: str, n: int = TOP_N) -> FlowStructure:
    """Memoised for every territory: the summary, the synthesis and the Sankey of one page read the same
    structure. Read-only for callers."""
    return cube.territory_memo(("structure", year, flow, n), territory,
                               lambda: _flow_structure(cube.rows(year, flow, territory.departments), flow, n))


def _flow_structure(rows: pd.DataFrame, flow: str, n: int) -> FlowStructure:
    products = top_with_others(sum_by(rows, PRODUCT), n)
    countries = top_with_others(sum_by(rows, COUNTRY), n)
    product_bucket, product_names = _buckets(rows[PRODUCT].cat, products["code"])
    country_bucket, country_names = _buckets(rows[COUNTRY].cat, countries["code"])
    width = len(country_names)
    sums = np.bincount(product_bucket * width + country_bucket, weights=rows[VALUE].to_numpy(dtype=float),
                       minlength=len(product_names) * width)
    links = pd.DataFrame({"product": np.repeat(product_names, width), "country": np.tile(country_names, len(product_names)),
                          "value": sums})
    links = links[links["value"] > 0].sort_values(["value", "product", "country"], ascending=[False, True, True],
                                                  kind="mergesort").reset_index(drop=True)
    inner = links[(links["product"] != OTHERS) & (links["country"] != OTHERS)]
    return FlowStructure(flow=flow, total=float(rows[VALUE].sum()), products=products, countries=countries,
                         links=links, top_links=inner.head(TOP_LINKS).reset_index(drop=True))


def _buckets(categorical, kept_codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Row → index of its node (a top code, or the trailing « AUTRES » node)."""
    names = np.array([c for c in kept_codes if c != OTHERS] + [OTHERS], dtype=object)
    position = {code: i for i, code in enumerate(names[:-1])}
    per_category = np.array([position.get(str(c), len(names) - 1) for c in categorical.categories], dtype=np.int64)
    return per_category[categorical.codes.to_numpy()], names


# ---------------------------------------------------------------- partners and products

def partner_balance(cube: TradeCube, territory: Territory, year: int, n: int = TOP_N) -> pd.DataFrame:
    """Main partners by imports + exports: country, imports, exports, balance (exports − imports)."""
    sides = {flow: sum_by(cube.rows(year, flow, territory.departments), COUNTRY) for flow in FLOWS}
    frame = pd.DataFrame({"exports": sides[EXPORT], "imports": sides[IMPORT]}).fillna(0.0)
    frame["trade"] = frame["exports"] + frame["imports"]
    frame = frame[frame["trade"] > 0].rename_axis("country").reset_index()
    frame = frame.sort_values(["trade", "country"], ascending=[False, True], kind="mergesort").head(n)
    frame["balance"] = frame["exports"] - frame["imports"]
    return frame[["country", "imports", "exports", "balance"]].reset_index(drop=True)


def product_breakdown(cube: TradeCube, territory: Territory, year: int, flow: str) -> pd.DataFrame:
    """Every product of one flow with its value and its share of the flow (for treemaps)."""
    sums = sum_by(cube.rows(year, flow, territory.departments), PRODUCT)
    sums = sums[sums > 0]
    frame = pd.DataFrame({"product": sums.index.astype(str), "value": sums.to_numpy(dtype=float)})
    total = frame["value"].sum()
    frame["share"] = frame["value"] / total if total else np.nan
    return frame.sort_values(["value", "product"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def product_shares(cube: TradeCube, territory: Territory, year: int, flow: str) -> pd.Series:
    """Share of each product in the territory's flow (index: product code)."""
    return cube.territory_memo(("pshares", year, flow), territory,
                               lambda: _product_shares(cube.rows(year, flow, territory.departments)))


def _product_shares(rows: pd.DataFrame) -> pd.Series:
    sums = sum_by(rows, PRODUCT)
    sums = sums[sums > 0]
    total = sums.sum()
    return sums / total if total else sums * np.nan


def specialisation(cube: TradeCube, territory: Territory, year: int, flow: str, n: int = TOP_N) -> pd.DataFrame:
    """Top products' shares in the territory, its région and France, and the index territory ÷ France."""
    from lib.data.territories import FRANCE
    own = product_shares(cube, territory, year, flow)
    reg = region_of_territory(territory)
    top = own.sort_values(ascending=False, kind="mergesort").head(n)
    france = product_shares(cube, FRANCE, year, flow).reindex(top.index).fillna(0.0)
    frame = pd.DataFrame({"product": top.index, "share_territory": top.to_numpy()})
    frame["share_region"] = (product_shares(cube, reg, year, flow).reindex(top.index).fillna(0.0).to_numpy()
                             if reg is not None else np.nan)
    frame["share_france"] = france.to_numpy()
    frame["specialisation"] = np.where(frame["share_france"] > 0,
                                       frame["share_territory"] / frame["share_france"].replace(0, np.nan), np.nan)
    return frame


def compare_departments(cube: TradeCube, departments: list[str], year: int) -> pd.DataFrame:
    """Exports, imports, balance and coverage of several départements side by side."""
    exports = cube.department_totals(year, EXPORT).reindex(departments)
    imports = cube.department_totals(year, IMPORT).reindex(departments)
    frame = pd.DataFrame({"department": departments, "exports": exports.to_numpy(), "imports": imports.to_numpy()})
    frame["balance"] = frame["exports"] - frame["imports"]
    frame["coverage"] = np.where(frame["imports"] > 0, frame["exports"] / frame["imports"].replace(0, np.nan), np.nan)
    return frame
