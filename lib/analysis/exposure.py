"""Exposure and dependency: how much a territory relies on one partner, on a few suppliers, on the EU.

- `exposure_to_partner`: what the territory exports to one country, compared with its région and France,
  and the products most exposed to that country;
- `import_dependency`: for each main imported product, its first suppliers and a « critical » flag;
- `hhi` / `concentration`: Herfindahl–Hirschman index of partners and of products;
- `eu_split`: trade with the EU 27, outside it, and « non ventilé ».

Partners never named (customs-only Q* codes: statistical secret, ship stores, undetermined countries;
codes missing from the reference) are « non ventilé »: counted in totals, never ranked as a supplier nor
counted as a partner in an HHI. Sums use one np.bincount over (product, country) per slice; France's
and the régions' matrices, and every territory's indices, are memoised on the cube.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from lib.analysis.indicators import TradeCube, ratio, region_of_territory
from lib.data.reference.countries import country_name, is_eu27
from lib.core.schema import COUNTRY, EXPORT, FLOWS, IMPORT, PRODUCT, VALUE
from lib.data.territories import FRANCE, Territory
from lib.analysis.trends import is_unallocated

N_PRODUCTS = 10
N_SUPPLIERS = 3
CRITICAL_SHARE = 0.5

# HHI readings on the 0–1 scale (shares as fractions). The thresholds are those of the US DOJ/FTC
# Horizontal Merger Guidelines (2010): below 1 500 on the 0–10 000 scale « unconcentrated », 1 500 to
# 2 500 « moderately concentrated », above 2 500 « highly concentrated » — the usual reading of trade
# concentration indices too. On the 0–1 scale: < 0,15 / 0,15–0,25 / > 0,25.
HHI_MODERATE = 0.15
HHI_HIGH = 0.25
READING_DIVERSIFIED = "diversifié"
READING_MODERATE = "modérément concentré"
READING_HIGH = "très concentré"
DIMENSION_LABELS = {"partners": "pays partenaires", "products": "produits"}


# ---------------------------------------------------------------- (product × country) matrix

@dataclass(frozen=True)
class TradeMatrix:
    """Value per (product, country) of one territory, year and flow; every category of the table."""
    products: np.ndarray    # product codes (str), axis 0
    countries: np.ndarray   # country codes (str), axis 1
    values: np.ndarray      # shape (len(products), len(countries))

    @property
    def total(self) -> float:
        return float(self.values.sum())

    def by_product(self) -> pd.Series:
        return pd.Series(self.values.sum(axis=1), index=self.products)

    def by_country(self) -> pd.Series:
        return pd.Series(self.values.sum(axis=0), index=self.countries)

    def country_index(self, code: str) -> int | None:
        hits = np.flatnonzero(self.countries == str(code).strip().upper())
        return int(hits[0]) if len(hits) else None


def trade_matrix(cube: TradeCube, territory: Territory, year: int, flow: str) -> TradeMatrix:
    """One bincount over product code × country code; memoised for France and the régions only (a
    matrix weighs ≈ 250 KB)."""
    def compute():
        rows = cube.rows(year, flow, territory.departments)
        products, countries = rows[PRODUCT].cat, rows[COUNTRY].cat
        n_p, n_c = len(products.categories), len(countries.categories)
        flat = products.codes.to_numpy().astype(np.int64) * n_c + countries.codes.to_numpy()
        sums = np.bincount(flat, weights=rows[VALUE].to_numpy(dtype=float), minlength=n_p * n_c)
        return TradeMatrix(products=np.asarray(products.categories.astype(str)),
                           countries=np.asarray(countries.categories.astype(str)),
                           values=sums.reshape(n_p, n_c))
    return cube.territory_memo(("exposure.matrix", year, flow), territory, compute, large=True)


@lru_cache(maxsize=16)
def _masks(countries: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(« non ventilé », EU 27) masks over a table's country categories (the same for every slice)."""
    unallocated = np.array([is_unallocated(c) for c in countries], dtype=bool)
    eu = np.array([is_eu27(c) for c in countries], dtype=bool) & ~unallocated
    return unallocated, eu


def _unallocated_mask(countries: np.ndarray) -> np.ndarray:
    return _masks(tuple(countries))[0]


def _eu_mask(countries: np.ndarray) -> np.ndarray:
    return _masks(tuple(countries))[1]


# ---------------------------------------------------------------- 1. exposure to one partner

@dataclass(frozen=True)
class PartnerExposure:
    country: str
    year: int
    value: float                 # territory's exports to the country (€)
    exports: float               # territory's total exports (€)
    share: float                 # value ÷ exports
    region: Territory | None     # the territory's région (dep/ti only)
    share_region: float          # same share for the région (NaN without région)
    share_france: float          # same share for France (NaN when the territory is France)
    products: pd.DataFrame       # product, value, product_exports, share_of_product, share_of_partner,
    #                              share_of_product_france

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def is_empty(self) -> bool:
        return not self.value > 0


def _partner_share(matrix: TradeMatrix, country: str) -> float:
    index = matrix.country_index(country)
    return ratio(float(matrix.values[:, index].sum()), matrix.total) if index is not None else \
        (0.0 if matrix.total else float("nan"))


def exposure_to_partner(cube: TradeCube, territory: Territory, year: int, country: str,
                        n_products: int = N_PRODUCTS) -> PartnerExposure:
    """What the territory exports to `country`, the share of its exports that goes there (and the same
    share for its région and France), and its n products exporting most there (by value), each with:
    value to the country, product_exports (all destinations), share_of_product (value ÷ product_exports:
    how much the product depends on the country), share_of_partner (value ÷ exports to the country) and
    share_of_product_france (the same dependency for France, as a benchmark)."""
    country = str(country).strip().upper()
    matrix = trade_matrix(cube, territory, year, EXPORT)
    france = trade_matrix(cube, FRANCE, year, EXPORT)
    region = region_of_territory(territory)
    index = matrix.country_index(country)
    to_country = matrix.values[:, index] if index is not None else np.zeros(len(matrix.products))
    value = float(to_country.sum())
    product_exports = matrix.values.sum(axis=1)
    france_index = france.country_index(country)
    france_to_country = (pd.Series(france.values[:, france_index], index=france.products)
                         if france_index is not None else pd.Series(0.0, index=france.products))
    france_products = france.by_product()

    frame = pd.DataFrame({"product": matrix.products, "value": to_country, "product_exports": product_exports})
    frame = frame[frame["value"] > 0]
    frame = frame.sort_values(["value", "product"], ascending=[False, True], kind="mergesort").head(n_products)
    frame["share_of_product"] = frame["value"] / frame["product_exports"]
    frame["share_of_partner"] = frame["value"] / value if value else np.nan
    f_to = france_to_country.reindex(frame["product"]).to_numpy(dtype=float)
    f_all = france_products.reindex(frame["product"]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["share_of_product_france"] = np.where(f_all > 0, f_to / np.where(f_all > 0, f_all, 1), np.nan)
    if territory.kind == "fr":                  # France is the territory: no comparison with itself
        frame["share_of_product_france"] = np.nan
    return PartnerExposure(
        country=country, year=year, value=value, exports=matrix.total, share=ratio(value, matrix.total),
        region=region,
        share_region=(_partner_share(trade_matrix(cube, region, year, EXPORT), country)
                      if region is not None else float("nan")),
        share_france=_partner_share(france, country) if territory.kind != "fr" else float("nan"),
        products=frame.reset_index(drop=True))


# ---------------------------------------------------------------- 2. import dependency

def import_dependency(cube: TradeCube, territory: Territory, year: int, n_products: int = N_PRODUCTS,
                      critical_share: float = CRITICAL_SHARE) -> pd.DataFrame:
    """For each of the n main imported products (by value): product, total, share_of_imports, the three
    first named suppliers (supplier_k: code, « » if none; supplier_k_name; supplier_k_share of the
    product's imports), top3_share, unallocated_share (« non ventilé » part of the product's imports),
    first_supplier_eu, and critical: the first supplier is outside the EU 27 and supplies more than
    `critical_share` (50 %) of the product."""
    matrix = trade_matrix(cube, territory, year, IMPORT)
    named = ~_unallocated_mask(matrix.countries)
    totals = matrix.values.sum(axis=1)
    order = sorted((i for i in range(len(totals)) if totals[i] > 0), key=lambda i: (-totals[i], matrix.products[i]))
    order = order[:n_products]
    grand_total = matrix.total
    records = []
    for i in order:
        row = np.where(named, matrix.values[i], 0.0)
        positive = np.flatnonzero(row > 0)
        ranked = sorted(positive, key=lambda j: (-row[j], matrix.countries[j]))[:N_SUPPLIERS]
        record = {"product": matrix.products[i], "total": float(totals[i]),
                  "share_of_imports": ratio(float(totals[i]), grand_total)}
        for k in range(N_SUPPLIERS):
            if k < len(ranked):
                code = str(matrix.countries[ranked[k]])
                record[f"supplier_{k + 1}"] = code
                record[f"supplier_{k + 1}_name"] = country_name(code)
                record[f"supplier_{k + 1}_share"] = float(row[ranked[k]]) / float(totals[i])
            else:
                record[f"supplier_{k + 1}"] = ""
                record[f"supplier_{k + 1}_name"] = ""
                record[f"supplier_{k + 1}_share"] = 0.0
        record["top3_share"] = sum(record[f"supplier_{k + 1}_share"] for k in range(N_SUPPLIERS))
        record["unallocated_share"] = float(matrix.values[i][~named].sum()) / float(totals[i])
        first = record["supplier_1"]
        record["first_supplier_eu"] = bool(first) and is_eu27(first)
        record["critical"] = bool(first) and not is_eu27(first) and record["supplier_1_share"] > critical_share
        records.append(record)
    columns = (["product", "total", "share_of_imports"]
               + [f"supplier_{k + 1}{suffix}" for k in range(N_SUPPLIERS) for suffix in ("", "_name", "_share")]
               + ["top3_share", "unallocated_share", "first_supplier_eu", "critical"])
    return pd.DataFrame(records, columns=columns)


# ---------------------------------------------------------------- 3. concentration (HHI)

def hhi(shares) -> float:
    """Herfindahl–Hirschman index Σ sᵢ² of shares given as fractions (0–1 scale; ×10 000 for the
    0–10 000 scale). Shares are used as given (not renormalised); NaN for no share at all.

    Reading (`hhi_reading`): < 0,15 diversifié; 0,15 to 0,25 modérément concentré; > 0,25 très concentré
    (US DOJ/FTC thresholds 1 500 / 2 500 on the 0–10 000 scale)."""
    values = np.asarray(list(shares) if not isinstance(shares, (np.ndarray, pd.Series)) else shares, dtype=float)
    if values.size == 0:
        return float("nan")
    if (values < 0).any():
        raise ValueError("hhi : une part ne peut pas être négative.")
    return float(np.sum(values ** 2))


def hhi_reading(value: float) -> str:
    """« diversifié » (< 0,15), « modérément concentré » (0,15–0,25), « très concentré » (> 0,25);
    « » for NaN."""
    if value is None or not np.isfinite(value):
        return ""
    if value < HHI_MODERATE:
        return READING_DIVERSIFIED
    if value <= HHI_HIGH:
        return READING_MODERATE
    return READING_HIGH


def _hhi_of_sums(values: np.ndarray) -> float:
    total = values.sum()
    return hhi(values[values > 0] / total) if total > 0 else float("nan")


def _matrix_hhis(matrix: TradeMatrix) -> dict[str, float]:
    """HHI of partners (named countries only) and of products."""
    named = ~_unallocated_mask(matrix.countries)
    return {"partners": _hhi_of_sums(matrix.values.sum(axis=0)[named]),
            "products": _hhi_of_sums(matrix.values.sum(axis=1))}


def _territory_hhis(cube: TradeCube, territory: Territory, year: int, flow: str) -> dict[str, float]:
    return cube.territory_memo(("exposure.hhi", year, flow), territory,
                               lambda: _matrix_hhis(trade_matrix(cube, territory, year, flow)))


def concentration(cube: TradeCube, territory: Territory, year: int) -> pd.DataFrame:
    """One row per (flow, dimension): hhi (0–1) of the territory's partners or products, its reading,
    n_equivalent (1 ÷ HHI: the number of equal-sized partners giving the same index), and the same index
    for its région (dep/ti only, else NaN) and France (NaN for France itself). Partner HHIs leave « non ventilé » codes out.

    Thresholds on the 0–1 scale: < 0,15 « diversifié », 0,15–0,25 « modérément concentré »,
    > 0,25 « très concentré » (US DOJ/FTC 2010: 1 500 / 2 500 on the 0–10 000 scale)."""
    region = region_of_territory(territory)
    records = []
    for flow in FLOWS:
        own = _territory_hhis(cube, territory, year, flow)
        reg = _territory_hhis(cube, region, year, flow) if region is not None else None
        france = _territory_hhis(cube, FRANCE, year, flow) if territory.kind != "fr" else None
        for dimension in ("partners", "products"):
            value = own[dimension]
            records.append({
                "flow": flow, "dimension": dimension, "hhi": value, "reading": hhi_reading(value),
                "n_equivalent": 1 / value if value and np.isfinite(value) else float("nan"),
                "hhi_region": reg[dimension] if reg is not None else float("nan"),
                "reading_region": hhi_reading(reg[dimension]) if reg is not None else "",
                "hhi_france": france[dimension] if france is not None else float("nan"),
                "reading_france": hhi_reading(france[dimension]) if france is not None else ""})
    return pd.DataFrame(records)


# ---------------------------------------------------------------- 4. EU 27 / outside the EU

def _eu_sums(matrix: TradeMatrix) -> dict[str, float]:
    by_country = matrix.values.sum(axis=0)
    unallocated = _unallocated_mask(matrix.countries)
    eu = _eu_mask(matrix.countries) & ~unallocated
    return {"eu27": float(by_country[eu].sum()), "extra_eu": float(by_country[~eu & ~unallocated].sum()),
            "unallocated": float(by_country[unallocated].sum()), "total": float(by_country.sum())}


def _territory_eu_sums(cube, territory, year, flow) -> dict[str, float]:
    return cube.territory_memo(("exposure.eu", year, flow), territory,
                               lambda: _eu_sums(trade_matrix(cube, territory, year, flow)))


def eu_split(cube: TradeCube, territory: Territory, year: int) -> pd.DataFrame:
    """Per flow: eu27 (the 27 member states), extra_eu (every other named partner, United Kingdom
    included), unallocated (customs-only Q* codes and unknown codes: « non ventilé »), total, and
    share_eu / share_extra_eu / share_unallocated of the total (they sum to 1), with share_eu of the
    région (dep/ti only, else NaN) and of France beside it (NaN for France itself)."""
    region = region_of_territory(territory)
    records = []
    for flow in FLOWS:
        own = _territory_eu_sums(cube, territory, year, flow)
        reg = _territory_eu_sums(cube, region, year, flow) if region is not None else None
        france = _territory_eu_sums(cube, FRANCE, year, flow) if territory.kind != "fr" else None
        records.append({
            "flow": flow, **own,
            "share_eu": ratio(own["eu27"], own["total"]),
            "share_extra_eu": ratio(own["extra_eu"], own["total"]),
            "share_unallocated": ratio(own["unallocated"], own["total"]),
            "share_eu_region": ratio(reg["eu27"], reg["total"]) if reg is not None else float("nan"),
            "share_eu_france": ratio(france["eu27"], france["total"]) if france is not None else float("nan")})
    return pd.DataFrame(records, columns=["flow", "eu27", "extra_eu", "unallocated", "total", "share_eu",
                                          "share_extra_eu", "share_unallocated", "share_eu_region",
                                          "share_eu_france"])
