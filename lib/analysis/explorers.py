"""Indicators « beyond the publication »: the map of France, one product across France, one partner country.

Pure functions over a TradeCube. Everything derives from three small matrices per (year, flow) —
département × country, département × product and product × country — built once with np.bincount
(under a millisecond each on the national table) and memoised in the cube, so any product's or
country's page costs a few milliseconds.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from lib.analysis.indicators import OTHERS, TradeCube, top_with_others
from lib.data.reference.countries import is_eu27
from lib.data.reference.departments import DEPARTMENTS
from lib.core.schema import COUNTRY, DEPARTMENT, EXPORT, FLOWS, IMPORT, PRODUCT, VALUE
from lib.analysis.trends import is_unallocated

MAP_KINDS = ("exports", "imports", "balance", "coverage", "exposure", "product_share")
DEPARTMENT_CODES: list[str] = DEPARTMENTS["code"].tolist()
TOP_N = 10


# ---------------------------------------------------------------- memoised matrices

_PAIRS = ((DEPARTMENT, COUNTRY), (DEPARTMENT, PRODUCT), (PRODUCT, COUNTRY))


def matrix(cube: TradeCube, year: int, flow: str, rows: str, columns: str) -> pd.DataFrame:
    """Sum of values per (rows code, columns code), every category of both columns (zeros included).

    The three matrices of a (year, flow) are built together: the category codes are read once."""
    if (rows, columns) not in _PAIRS:
        raise ValueError(f"Matrice non prévue : {rows} × {columns}.")
    return cube.memo(("explorer_matrices", year, flow), lambda: _matrices(cube, year, flow))[(rows, columns)]


def _matrices(cube: TradeCube, year: int, flow: str) -> dict[tuple[str, str], pd.DataFrame]:
    part = cube.rows(year, flow)
    weights = part[VALUE].to_numpy(dtype=float)
    codes, labels = {}, {}
    for column in (DEPARTMENT, PRODUCT, COUNTRY):
        categorical = cube.table[column].cat
        codes[column] = part[column].cat.codes.to_numpy(dtype=np.int64)
        labels[column] = categorical.categories.astype(str)
    result = {}
    for rows, columns in _PAIRS:
        r, c = codes[rows], codes[columns]
        n_rows, n_cols = len(labels[rows]), len(labels[columns])
        keep = (r >= 0) & (c >= 0)
        sums = np.bincount(r[keep] * n_cols + c[keep], weights=weights[keep],
                           minlength=n_rows * n_cols).reshape(n_rows, n_cols)
        frame = pd.DataFrame(sums, index=labels[rows], columns=labels[columns])
        if rows == DEPARTMENT:
            frame = frame.reindex(DEPARTMENT_CODES, fill_value=0.0)
        result[(rows, columns)] = frame
    return result


def _france_total(cube: TradeCube, year: int, flow: str) -> float:
    return float(matrix(cube, year, flow, PRODUCT, COUNTRY).to_numpy().sum())


def _column(frame: pd.DataFrame, code: str) -> pd.Series:
    """One column of a matrix; zeros when the code never occurs."""
    if code in frame.columns:
        return frame[code]
    return pd.Series(0.0, index=frame.index)


def _row(frame: pd.DataFrame, code: str) -> pd.Series:
    if code in frame.index:
        return frame.loc[code]
    return pd.Series(0.0, index=frame.columns)


def _share(part, whole):
    """part ÷ whole, NaN where whole is 0 (Series or floats)."""
    if isinstance(whole, pd.Series):
        return part / whole.where(whole != 0)
    return part / whole if whole else float("nan")


# ---------------------------------------------------------------- what the data contain

def products_in_data(cube: TradeCube) -> list[str]:
    """Product codes with at least one value, any year (sorted by code)."""
    return cube.memo(("explorer_products",), lambda: sorted(
        str(c) for c in cube.table.loc[cube.table[VALUE] != 0, PRODUCT].unique()))


def countries_in_data(cube: TradeCube) -> list[str]:
    return cube.memo(("explorer_countries",), lambda: sorted(
        str(c) for c in cube.table.loc[cube.table[VALUE] != 0, COUNTRY].unique()))


def top_code(cube: TradeCube, year: int, column: str, flow: str = EXPORT, *,
             departments: tuple[str, ...] | None = None, keep=None) -> str | None:
    """First product or partner of a flow: France's, or that of `departments` (a territory's, so that
    the explorers open on what matters there); `keep(code)` can rule codes out (e.g. EU partners)."""
    frame = matrix(cube, year, flow, DEPARTMENT, column)
    if departments:
        frame = frame.loc[frame.index.intersection(list(departments))]
    sums = frame.sum(axis=0)
    sums = sums[sums > 0]
    if keep is not None:
        sums = sums[[bool(keep(str(code))) for code in sums.index]]
    if sums.empty:
        return None
    return str(sums.sort_values(ascending=False, kind="mergesort").index[0])


def territory_departments(territory) -> tuple[str, ...] | None:
    """The départements whose trade is the territory's (None for France: all of them)."""
    return None if territory.kind == "fr" else tuple(territory.departments)


def default_product(cube: TradeCube, year: int, territory) -> str | None:
    """The territory's first exported product (France's when it exports nothing)."""
    return (top_code(cube, year, PRODUCT, departments=territory_departments(territory))
            or top_code(cube, year, PRODUCT))


def default_partner(cube: TradeCube, year: int, territory) -> str | None:
    """The territory's first export destination (France's when it exports nothing)."""
    return (top_code(cube, year, COUNTRY, departments=territory_departments(territory), keep=_is_ranked_partner)
            or top_code(cube, year, COUNTRY, keep=_is_ranked_partner))


FALLBACK_EXPOSURE_COUNTRY = "US"


def default_exposure_country(cube: TradeCube, year: int, territory) -> str:
    """The exposure views' first country: the territory's first export destination outside the EU (the
    question they answer is a tariff from outside the single market), the United States without any."""
    return territory_first_outside_eu(cube, year, territory) or FALLBACK_EXPOSURE_COUNTRY


def territory_first_outside_eu(cube: TradeCube, year: int, territory) -> str | None:
    def outside_eu(code: str) -> bool:
        return _is_ranked_partner(code) and not is_eu27(code)
    return top_code(cube, year, COUNTRY, departments=territory_departments(territory), keep=outside_eu)


def _is_ranked_partner(code: str) -> bool:
    """A real country (customs-only « non ventilé » codes are never a default choice)."""
    return not is_unallocated(code) and code != OTHERS


# ---------------------------------------------------------------- map indicators (all 101 départements)

def department_flows(cube: TradeCube, year: int, *, country: str | None = None,
                     product: str | None = None) -> pd.DataFrame:
    """Exports and imports per département: all trade, or with one country, or of one product."""
    if country is not None and product is not None:
        raise ValueError("Choisir un pays ou un produit, pas les deux.")
    result = {}
    for flow, name in ((EXPORT, "exports"), (IMPORT, "imports")):
        if country is not None:
            result[name] = _column(matrix(cube, year, flow, DEPARTMENT, COUNTRY), country)
        elif product is not None:
            result[name] = _column(matrix(cube, year, flow, DEPARTMENT, PRODUCT), product)
        else:
            result[name] = matrix(cube, year, flow, DEPARTMENT, PRODUCT).sum(axis=1)
    frame = pd.DataFrame(result).reindex(DEPARTMENT_CODES, fill_value=0.0)
    frame.index.name = "department"
    return frame


def department_values(cube: TradeCube, year: int, kind: str, *, country: str | None = None,
                      product: str | None = None) -> pd.Series:
    """The map's indicator for every département (index: the 101 codes).

    exports, imports, balance (exports − imports), coverage (exports ÷ imports; NaN without imports),
    exposure (share of the département's exports going to `country`), product_share (share of `product`
    in the département's exports; NaN without exports).
    """
    if kind not in MAP_KINDS:
        raise ValueError(f"Indicateur inconnu : « {kind} » (attendu : {', '.join(MAP_KINDS)}).")
    totals = department_flows(cube, year)
    if kind == "exports":
        values = totals["exports"]
    elif kind == "imports":
        values = totals["imports"]
    elif kind == "balance":
        values = totals["exports"] - totals["imports"]
    elif kind == "coverage":
        values = _share(totals["exports"], totals["imports"])
    elif kind == "exposure":
        if country is None:
            raise ValueError("L'exposition se calcule pour un pays : paramètre country manquant.")
        values = _share(_column(matrix(cube, year, EXPORT, DEPARTMENT, COUNTRY), country), totals["exports"])
    else:
        if product is None:
            raise ValueError("La part d'un produit se calcule pour un produit : paramètre product manquant.")
        values = _share(_column(matrix(cube, year, EXPORT, DEPARTMENT, PRODUCT), product), totals["exports"])
    return values.rename(kind).astype(float)


def ranking(values: pd.Series, n: int = TOP_N, *, lowest: bool = False) -> pd.DataFrame:
    """The n highest (or lowest) départements: rank (1 = highest of all), department, value. NaN left out."""
    clean = values.dropna()
    ranks = clean.rank(ascending=False, method="min").astype(int)
    frame = pd.DataFrame({"rank": ranks.to_numpy(), "department": clean.index.astype(str),
                          "value": clean.to_numpy(dtype=float)})
    frame = frame.sort_values(["value", "department"], ascending=[lowest, True], kind="mergesort")
    return frame.head(n).reset_index(drop=True)


# ---------------------------------------------------------------- one product across France

def product_departments(cube: TradeCube, product: str, year: int) -> pd.DataFrame:
    """Every département's exports and imports of the product, its share of France's, and the product's
    weight in the département's own exports; sorted by exports then imports."""
    own = department_flows(cube, year, product=product)
    totals = department_flows(cube, year)
    frame = pd.DataFrame({
        "department": own.index, "exports": own["exports"].to_numpy(), "imports": own["imports"].to_numpy()})
    frame["balance"] = frame["exports"] - frame["imports"]
    frame["share_of_france"] = _share(frame["exports"], float(own["exports"].sum()))
    frame["share_of_department"] = (_share(own["exports"], totals["exports"])).to_numpy()
    frame = frame.sort_values(["exports", "imports", "department"], ascending=[False, False, True],
                              kind="mergesort")
    return frame.reset_index(drop=True)


def product_partners(cube: TradeCube, product: str, year: int, n: int = TOP_N) -> pd.DataFrame:
    """France's main partners for the product by exports + imports: country, imports, exports, balance
    (the columns of lib.analysis.indicators.partner_balance, so the same chart draws it)."""
    sides = {flow: _row(matrix(cube, year, flow, PRODUCT, COUNTRY), product) for flow in FLOWS}
    return _partners_frame(sides[EXPORT], sides[IMPORT], "country", n)


def _partners_frame(exports: pd.Series, imports: pd.Series, key: str, n: int | None) -> pd.DataFrame:
    frame = pd.DataFrame({"exports": exports, "imports": imports}).fillna(0.0)
    frame["trade"] = frame["exports"] + frame["imports"]
    frame = frame[frame["trade"] > 0].rename_axis(key).reset_index()
    frame[key] = frame[key].astype(str)
    frame = frame.sort_values(["trade", key], ascending=[False, True], kind="mergesort")
    if n is not None:
        frame = frame.head(n)
    frame["balance"] = frame["exports"] - frame["imports"]
    return frame[[key, "imports", "exports", "balance"]].reset_index(drop=True)


def product_countries(cube: TradeCube, product: str, year: int, flow: str, n: int = TOP_N) -> pd.DataFrame:
    """Top n destinations (exports) or origins (imports) of the product, then « AUTRES »: code, value, share."""
    values = _row(matrix(cube, year, flow, PRODUCT, COUNTRY), product)
    frame = top_with_others(values, n)
    total = float(values[values > 0].sum())
    frame["share"] = frame["value"] / total if total else np.nan
    return frame


def product_trend(cube: TradeCube, product: str) -> pd.DataFrame:
    """France's exports and imports of the product each year, the balance and its weight in all exports."""
    return _trend(cube, PRODUCT, product)


def _trend(cube: TradeCube, column: str, code: str) -> pd.DataFrame:
    """France's exports and imports of one product or partner per year, balance and share of all exports."""
    rows = []
    for year in cube.years:
        exports = float(_column(matrix(cube, year, EXPORT, DEPARTMENT, column), code).sum())
        imports = float(_column(matrix(cube, year, IMPORT, DEPARTMENT, column), code).sum())
        rows.append((year, exports, imports, exports - imports, _share(exports, _france_total(cube, year, EXPORT))))
    return pd.DataFrame(rows, columns=["year", "exports", "imports", "balance", "share_of_exports"])


def product_summary(cube: TradeCube, product: str, year: int) -> dict:
    """Key figures of a product for France: flows, balance, coverage, weight, rank, change."""
    return _summary(cube, PRODUCT, product, year)


# ---------------------------------------------------------------- one partner country

def country_departments(cube: TradeCube, country: str, year: int) -> pd.DataFrame:
    """Every département's exports to and imports from the country, the balance, its exposure (share of
    its exports going there) and its share of France's exports to the country; sorted by exports."""
    own = department_flows(cube, year, country=country)
    totals = department_flows(cube, year)
    frame = pd.DataFrame({
        "department": own.index, "exports": own["exports"].to_numpy(), "imports": own["imports"].to_numpy()})
    frame["balance"] = frame["exports"] - frame["imports"]
    frame["exposure"] = (_share(own["exports"], totals["exports"])).to_numpy()
    frame["share_of_france"] = _share(frame["exports"], float(own["exports"].sum()))
    frame = frame.sort_values(["exports", "imports", "department"], ascending=[False, False, True],
                              kind="mergesort")
    return frame.reset_index(drop=True)


def country_products(cube: TradeCube, country: str, year: int, n: int | None = TOP_N) -> pd.DataFrame:
    """Products traded with the country both ways, largest exports + imports first:
    product, imports, exports, balance."""
    sides = {flow: _column(matrix(cube, year, flow, PRODUCT, COUNTRY), country) for flow in FLOWS}
    return _partners_frame(sides[EXPORT], sides[IMPORT], "product", n)


def country_trend(cube: TradeCube, country: str) -> pd.DataFrame:
    """France's exports to and imports from the country each year, the balance and its share of all exports."""
    return _trend(cube, COUNTRY, country)


def country_summary(cube: TradeCube, country: str, year: int) -> dict:
    """Key figures of a partner for France: flows, balance, coverage, share of exports, rank, change."""
    return _summary(cube, COUNTRY, country, year)


def _summary(cube: TradeCube, column: str, code: str, year: int) -> dict:
    result = {"code": code, "year": year}
    for flow, name in ((EXPORT, "exports"), (IMPORT, "imports")):
        sums = matrix(cube, year, flow, DEPARTMENT, column).sum(axis=0)
        value = float(sums.get(code, 0.0))
        result[name] = value
        result[f"share_of_{name}"] = _share(value, float(sums.sum()))
        positive = sums[sums > 0]
        result[f"rank_{name}"] = (int((positive > value).sum()) + 1) if value > 0 else None
        result[f"count_{name}"] = int(len(positive))
        previous = year - 1
        if previous in cube.years:
            before = float(matrix(cube, previous, flow, DEPARTMENT, column).sum(axis=0).get(code, 0.0))
            result[f"change_{name}"] = value / before - 1 if before else float("nan")
        else:
            result[f"change_{name}"] = float("nan")
    result["balance"] = result["exports"] - result["imports"]
    result["coverage"] = _share(result["exports"], result["imports"])
    return result


def territory_value(frame: pd.DataFrame, departments: tuple[str, ...], column: str = "exports") -> float:
    """Sum of one column of a per-département frame over a territory's départements."""
    return float(frame.loc[frame["department"].isin(departments), column].sum())


__all__ = [
    "MAP_KINDS", "OTHERS", "matrix", "products_in_data", "countries_in_data", "top_code", "default_product", "default_partner", "default_exposure_country", "territory_first_outside_eu", "department_flows",
    "department_values", "ranking", "product_departments", "product_partners", "product_countries",
    "product_trend", "product_summary", "country_departments", "country_products", "country_trend",
    "country_summary", "territory_value",
]
