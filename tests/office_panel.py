"""The territories whose take-away files are laid out and looked at (tests/test_office_layout.py, make gallery).

Chosen for what strains a page: a small département (04), a large one (59), Corsica's letter code (2A),
Mayotte (976, little trade), a Territoire d'industrie over several départements (over several régions when
the data have one), a région and France.
"""
from __future__ import annotations

from lib.data.territories import FRANCE, Territory

DEPARTMENTS = ("dep:04", "dep:59", "dep:2A", "dep:976")
REGION = "reg:93"


def spread_industry_territory(catalog) -> Territory:
    """A Territoire d'industrie over several régions if there is one, else over the most départements."""
    tis = catalog.territories_of_kind("ti")
    return max(tis, key=lambda t: (len(t.regions), len(t.departments), t.id))


def panel(catalog) -> list[Territory]:
    """The panel, in the order shown (départements, the TI, the région, France)."""
    return ([catalog.resolve(i) for i in DEPARTMENTS] + [spread_industry_territory(catalog),
                                                         catalog.resolve(REGION), FRANCE])


def every_territory(catalog) -> list[Territory]:
    """Every territory a note can be asked for: the 101 départements, every TI, every région, France."""
    return [*catalog.departments(), *catalog.territories_of_kind("ti"), *catalog.regions(), FRANCE]
