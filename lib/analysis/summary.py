"""The `summary` contract: one JSON-able dict per (territory, year), shared by the CLI, the pages,
the downloads and the tests, so that every output quotes the same figures."""
from __future__ import annotations

import math

from lib.analysis.coverage import france_coverage
from lib.analysis.indicators import TradeCube, flow_structure, shares, totals
from lib.core.schema import EXPORT, IMPORT
from lib.data.territories import Territory, home_region


def _clean(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))) \
        else float(value)


def _flows_json(structure) -> dict:
    return {
        "products": [{"code": c, "value": float(v)} for c, v in zip(structure.products["code"],
                                                                    structure.products["value"])],
        "countries": [{"code": c, "value": float(v)} for c, v in zip(structure.countries["code"],
                                                                     structure.countries["value"])],
        "top_links": [{"product": p, "country": c, "value": float(v)} for p, c, v in
                      zip(structure.top_links["product"], structure.top_links["country"],
                          structure.top_links["value"])],
    }


def territory_summary(cube: TradeCube, territory: Territory, year: int) -> dict:
    own = totals(cube, territory, year)
    share = shares(cube, territory, year)
    region_share = share["share_of_region"]
    home = home_region(territory)
    return {
        # regions: the région(s) share_of_region divides by (all of them together), else those it lies in
        "territory": {"id": territory.id, "name": territory.name, "departments": list(territory.departments),
                      "regions": list(home.regions if home is not None else territory.regions)},
        "year": int(year),
        "exports": own.exports,
        "imports": own.imports,
        "balance": own.balance,
        "coverage": _clean(own.coverage),
        "share_of_region": None if region_share is None else {k: _clean(v) for k, v in region_share.items()},
        "share_of_france": {k: _clean(v) for k, v in share["share_of_france"].items()},
        # « France » is the départements in the files: partial says the shares of France are too
        "france_coverage": france_coverage(cube).to_json(),
        "export_flows": _flows_json(flow_structure(cube, territory, year, EXPORT)),
        "import_flows": _flows_json(flow_structure(cube, territory, year, IMPORT)),
    }
