"""One partner, several territories, every year; and what a tariff of that partner would weigh.

- `partner_trend`: the value each territory exports to (or imports from) one partner — a country, the EU 27
  (« UE ») or every named country outside it (« HORS-UE ») — for every year of the data, with its share of the
  territory's trade with all countries (same product filter) and its changes;
- `tariff_exposure`: the territory's exports of some products to one country, the share of its exports they
  are, and the duty a rate would levy *if the flows stayed as they are* (exposed × rate), beside its région(s)
  and France, and the départements of its région(s) ranked.

Partners never named (« non ventilé »: customs Q* codes, unknown codes) belong to neither « UE » nor
« HORS-UE », as in `lib.analysis.exposure.eu_split`; they stay in the « all countries » totals.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.analysis.indicators import TradeCube, ratio, region_of_territory, sum_by
from lib.analysis.trends import country_phrase, is_unallocated, territory_sums
from lib.core.schema import COUNTRY, DEPARTMENT, EXPORT, FLOWS, PRODUCT
from lib.data.reference.countries import COUNTRIES, country_name, is_eu27
from lib.data.reference.departments import department_name
from lib.data.territories import FRANCE, Territory, TerritoryError

EU_GROUP, EXTRA_EU_GROUP = "UE", "HORS-UE"
PARTNER_GROUPS = {EU_GROUP: "Union européenne (27 pays)", EXTRA_EU_GROUP: "Hors Union européenne"}
_GROUP_ALIASES = {"UE": EU_GROUP, "EU": EU_GROUP, "UE27": EU_GROUP, "EU27": EU_GROUP,
                  "HORS-UE": EXTRA_EU_GROUP, "HORSUE": EXTRA_EU_GROUP, "HORS_UE": EXTRA_EU_GROUP,
                  "EXTRA-UE": EXTRA_EU_GROUP, "EXTRA-EU": EXTRA_EU_GROUP, "NON-EU": EXTRA_EU_GROUP}
MAX_TERRITORIES = 8
DEFAULT_TARIFF_COUNTRY = "US"
DEFAULT_TARIFF_RATE = 0.25
MAX_TARIFF_RATE = 5.0          # 500 %: above any duty levied in practice; the page's field stops there
QUICK_PICK_PRODUCTS = 5


class PartnerError(TerritoryError):
    """A wrong partner, rate or product: the French message is shown (page) or printed (CLI) as is."""


# ---------------------------------------------------------------- partners

def parse_partner(text: str, *, groups: bool = True) -> str:
    """« us » → "US", « ue » / « hors-ue » → the groups (when allowed); a French error otherwise."""
    raw = str(text or "").strip().upper().replace(" ", "-")
    if groups and raw in _GROUP_ALIASES:
        return _GROUP_ALIASES[raw]
    if raw in set(COUNTRIES["code"]) and not is_unallocated(raw):
        return raw
    expected = "un code pays ISO à deux lettres (US, CN, DE…)" + (", « UE » ou « HORS-UE »" if groups else "")
    if not groups and raw in _GROUP_ALIASES:
        raise PartnerError(f"Un droit de douane est fixé par un pays : « {text} » n'en est pas un. Attendu {expected}.")
    raise PartnerError(f"Pays partenaire inconnu : « {str(text)[:40]} ». Attendu {expected}.")


def partner_name(partner: str) -> str:
    """« États-Unis », « Union européenne (27 pays) », « Hors Union européenne »."""
    return PARTNER_GROUPS.get(partner) or country_name(partner)


def partner_phrase(partner: str, flow: str) -> str:
    """« vers les États-Unis », « vers l'Union européenne », « hors de l'Union européenne »…"""
    if partner == EU_GROUP:
        return "vers l'Union européenne" if flow == EXPORT else "depuis l'Union européenne"
    if partner == EXTRA_EU_GROUP:
        return "hors de l'Union européenne"
    return country_phrase(partner, flow)


def partner_mask(countries, partner: str) -> np.ndarray:
    """Which of these country codes make up the partner."""
    codes = [str(c) for c in countries]
    if partner == EU_GROUP:
        return np.array([is_eu27(c) and not is_unallocated(c) for c in codes], dtype=bool)
    if partner == EXTRA_EU_GROUP:
        return np.array([not is_eu27(c) and not is_unallocated(c) for c in codes], dtype=bool)
    return np.array([c == partner for c in codes], dtype=bool)


def _country_sums(cube: TradeCube, territory: Territory, year: int, flow: str, product: str | None) -> pd.Series:
    """Value per partner code (every category) of the territory's flow, of one product or all of them."""
    if product is None:
        return territory_sums(cube, territory, year, flow, COUNTRY)
    rows = cube.rows(year, flow, territory.departments)
    return sum_by(rows[rows[PRODUCT] == product], COUNTRY)


def partner_value(cube: TradeCube, territory: Territory, year: int, flow: str, partner: str,
                  product: str | None = None) -> tuple[float, float]:
    """(value with the partner, value with all countries) for one year; zeros when nothing is recorded."""
    sums = _country_sums(cube, territory, year, flow, product)
    return float(sums[partner_mask(sums.index, partner)].sum()), float(sums.sum())


def partner_trend(cube: TradeCube, territories: list[Territory], partner: str, flow: str = EXPORT,
                  product: str | None = None) -> pd.DataFrame:
    """One row per (territory, year), every year of the data, territories in the given order: territory
    (id), name, year, value, total (with all countries), share (value ÷ total, NaN when total is 0) and
    change (on one year, NaN for the first year or from 0)."""
    if flow not in FLOWS:
        raise PartnerError(f"Flux inconnu : « {flow} » (attendu « export » ou « import »).")
    records = []
    for territory in territories:
        previous = None
        for year in cube.years:
            value, total = partner_value(cube, territory, year, flow, partner, product)
            records.append({"territory": territory.id, "name": territory.name, "year": int(year), "value": value,
                            "total": total, "share": ratio(value, total),
                            "change": value / previous - 1 if previous else float("nan")})
            previous = value
    return pd.DataFrame(records, columns=["territory", "name", "year", "value", "total", "share", "change"])


def partner_trend_json(cube: TradeCube, territories: list[Territory], partner: str, flow: str = EXPORT,
                       product: str | None = None) -> dict:
    """The CLI's contract (`python -m lib.cli partner … --json`)."""
    trend = partner_trend(cube, territories, partner, flow, product)
    return {"country": partner, "flow": flow, "product": product, "years": [int(y) for y in cube.years],
            "territories": [{"id": t.id, "name": t.name,
                             "values": {str(int(r.year)): round(float(r.value), 2)
                                        for r in trend[trend["territory"] == t.id].itertuples()}}
                            for t in territories]}


def default_partner_territories(cube: TradeCube, territory: Territory, year: int, n: int = 4) -> list[str]:
    """The territory and the biggest exporters of its région (a région or France: its own biggest ones)."""
    codes = list((region_of_territory(territory) or territory).departments)
    ranked = cube.department_totals(year, EXPORT).loc[codes].sort_values(ascending=False, kind="mergesort")
    own = [territory.id] if territory.kind in ("dep", "ti") else []
    return list(dict.fromkeys(own + [f"dep:{d}" for d in ranked.index]))[:n]


# ---------------------------------------------------------------- tariff exposure

def parse_rate(text) -> float:
    """« 25 », « 12,5 », « 25 % » → 0.25, 0.125; a French error outside 0 to 500 %."""
    raw = str(text).strip().replace("%", "").replace(",", ".").strip()
    try:
        value = float(raw) / 100
    except ValueError:
        raise PartnerError(f"Taux non valable : « {str(text)[:20]} » (attendu un pourcentage comme 25 ou 12,5).")
    if not (0 <= value <= MAX_TARIFF_RATE) or value != value:
        raise PartnerError(f"Taux non valable : « {str(text)[:20]} » (attendu de 0 à {int(MAX_TARIFF_RATE * 100)} %).")
    return value


@dataclass(frozen=True)
class Exposed:
    """A territory's exports of the chosen products to the country: value, all its exports, share, duty."""
    exposed: float
    exports: float
    rate: float

    @property
    def share(self) -> float:
        return ratio(self.exposed, self.exports)

    @property
    def duty(self) -> float:
        return self.exposed * self.rate

    def as_json(self) -> dict:
        return {"exposed": self.exposed, "exports": self.exports, "share_of_exports": _number(self.share),
                "duty": self.duty}


def _number(value: float) -> float | None:
    """JSON has no NaN: a share of nothing is null."""
    return None if value != value else float(value)


@dataclass(frozen=True)
class TariffExposure:
    territory: Territory
    country: str
    year: int
    rate: float
    chosen_products: tuple[str, ...] | None   # None: every product
    own: Exposed
    products: pd.DataFrame       # product, exposed, product_exports, share_of_product_exports, share_of_exports, duty
    region: Territory | None     # home_region (all the régions of a TI together)
    region_figures: Exposed | None
    france: Exposed | None       # None when the territory is France
    ranking: pd.DataFrame        # département, name, exposed, exports, share, duty, own (the territory's)

    @property
    def is_empty(self) -> bool:
        return not self.own.exposed > 0


def _product_mask(categories, products: tuple[str, ...] | None) -> np.ndarray:
    codes = [str(c) for c in categories]
    return np.ones(len(codes), dtype=bool) if products is None else np.isin(codes, list(products))


def _exposed(cube: TradeCube, territory: Territory, year: int, country: str, products, rate: float) -> Exposed:
    sums = _pairs(cube, territory, year, country)
    chosen = sums[_product_mask(sums.index, products)]
    return Exposed(exposed=float(chosen.sum()), exports=cube.total(year, EXPORT, territory.departments), rate=rate)


def _pairs(cube: TradeCube, territory: Territory, year: int, country: str) -> pd.Series:
    """Exports per product to the country (every product category), memoised per territory."""
    def compute():
        rows = cube.rows(year, EXPORT, territory.departments)
        return sum_by(rows[rows[COUNTRY] == country], PRODUCT)
    return cube.territory_memo(("tariff.pairs", year, country), territory, compute)


def tariff_exposure(cube: TradeCube, territory: Territory, year: int, country: str = DEFAULT_TARIFF_COUNTRY,
                    rate: float = DEFAULT_TARIFF_RATE, products=None) -> TariffExposure:
    """What a duty of `rate` on exports to `country` would weigh, flows held as they are (no change of
    volume, no re-routing, no price response): an order of magnitude, not a forecast."""
    country = parse_partner(country, groups=False)
    chosen = tuple(dict.fromkeys(products)) if products else None
    own = _exposed(cube, territory, year, country, chosen, rate)
    to_country = _pairs(cube, territory, year, country)
    all_products = territory_sums(cube, territory, year, EXPORT, PRODUCT)
    frame = pd.DataFrame({"product": to_country.index.astype(str), "exposed": to_country.to_numpy(dtype=float)})
    frame = frame[_product_mask(frame["product"], chosen) & (frame["exposed"] > 0)]
    frame["product_exports"] = all_products.reindex(frame["product"]).to_numpy(dtype=float)
    frame["share_of_product_exports"] = frame["exposed"] / frame["product_exports"]
    frame["share_of_exports"] = frame["exposed"] / own.exports if own.exports else np.nan
    frame["duty"] = frame["exposed"] * rate
    frame = frame.sort_values(["exposed", "product"], ascending=[False, True], kind="mergesort")
    region = region_of_territory(territory)
    region_figures = _exposed(cube, region, year, country, chosen, rate) if region is not None else None
    france = _exposed(cube, FRANCE, year, country, chosen, rate) if territory.kind != "fr" else None
    return TariffExposure(territory=territory, country=country, year=int(year), rate=rate, chosen_products=chosen,
                          own=own, products=frame.reset_index(drop=True), region=region,
                          region_figures=region_figures, france=france,
                          ranking=_ranking(cube, territory, region, year, country, chosen, rate))


def _ranking(cube, territory, region, year, country, products, rate) -> pd.DataFrame:
    """The départements of the territory's région(s) (a région's own, France's 101), by exposed value."""
    scope = region or territory
    rows = cube.rows(year, EXPORT, scope.departments)
    keep = (rows[COUNTRY] == country).to_numpy() & _product_mask(rows[PRODUCT].cat.categories, products)[
        rows[PRODUCT].cat.codes.to_numpy()]
    exposed = sum_by(rows[keep], DEPARTMENT).reindex(list(scope.departments), fill_value=0.0)
    exports = cube.department_totals(year, EXPORT).reindex(list(scope.departments), fill_value=0.0)
    frame = pd.DataFrame({"department": list(scope.departments),
                          "name": [department_name(d) for d in scope.departments],
                          "exposed": exposed.to_numpy(dtype=float), "exports": exports.to_numpy(dtype=float)})
    frame["share"] = frame["exposed"] / frame["exports"].where(frame["exports"] > 0)
    frame["duty"] = frame["exposed"] * rate
    frame["own"] = frame["department"].isin(territory.departments) & (territory.kind in ("dep", "ti"))
    return frame.sort_values(["exposed", "department"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def quick_pick_products(cube: TradeCube, territory: Territory, year: int, country: str,
                        n: int = QUICK_PICK_PRODUCTS) -> list[str]:
    """The territory's first products sold to the country (by value)."""
    sums = _pairs(cube, territory, year, country)
    sums = sums[sums > 0].sort_values(ascending=False, kind="mergesort")
    return [str(c) for c in sums.index[:n]]


def tariff_json(result: TariffExposure) -> dict:
    """The CLI's contract (`python -m lib.cli tariff … --json`)."""
    t = result.territory
    return {"territory": {"id": t.id, "name": t.name, "kind": t.kind, "departments": list(t.departments),
                          "regions": list(t.regions)},
            "country": result.country, "year": result.year, "rate": result.rate,
            "products_chosen": list(result.chosen_products) if result.chosen_products else None,
            "exposed": result.own.exposed, "exports": result.own.exports, "share_of_exports": _number(result.own.share),
            "duty": result.own.duty,
            "products": [{"code": r.product, "exposed": float(r.exposed), "product_exports": float(r.product_exports),
                          "share_of_product_exports": _number(r.share_of_product_exports),
                          "share_of_exports": _number(r.share_of_exports), "duty": float(r.duty)}
                         for r in result.products.itertuples()],
            "region": ({"id": result.region.id, "name": result.region.name, **result.region_figures.as_json()}
                       if result.region is not None else None),
            "france": result.france.as_json() if result.france is not None else None}
