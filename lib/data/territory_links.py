"""Which territory to show when the user changes the type of territory: the one that contains (or is
contained in) the current one, never an unrelated place (« Région » from dep:04 → Provence-Alpes-Côte d'Azur,
not Guadeloupe)."""
from __future__ import annotations

from lib.data.territories import FRANCE, Territory, TerritoryCatalog, department, region


def industry_territories_containing(catalog: TerritoryCatalog, territory: Territory) -> list[Territory]:
    """The Territoires d'industrie of a département, most communes in it first (main ones before minor ones)."""
    if territory.kind != "dep":
        return []
    code = territory.code
    touching = [(n, t) for t in catalog.territories_of_kind("ti") for d, n in t.commune_counts if d == code]
    return [t for _, t in sorted(touching, key=lambda pair: (code not in pair[1].departments, -pair[0],
                                                             pair[1].name.casefold()))]


def related_territory(catalog: TerritoryCatalog, current: Territory, kind: str) -> Territory | None:
    """The territory of ``kind`` nearest to ``current``; None when nothing relates (the caller's default).

    dep → TI: its Territoire d'industrie with the most communes in it; dep/TI → région: its région;
    TI → dep: its first main département; région → dep / TI: the région's first département / a TI of the
    région; anything → France.
    """
    if kind == current.kind:
        return current
    if kind == "fr":
        return FRANCE
    if kind == "reg":
        # a TI spanning two régions goes to the région of its first main département
        return region(current.regions[0]) if current.kind in ("dep", "ti") and current.regions else None
    if kind == "dep":
        if current.kind == "ti" and current.departments:
            return department(current.departments[0])
        if current.kind == "reg":
            return department(current.departments[0]) if current.departments else None
        return None
    if kind == "ti":
        if current.kind == "dep":
            found = industry_territories_containing(catalog, current)
            if found:
                return found[0]
            region_code = current.regions[0] if current.regions else None
        elif current.kind == "reg":
            region_code = current.code
        else:
            return None
        in_region = [t for t in catalog.territories_of_kind("ti") if region_code in t.regions]
        return in_region[0] if in_region else None
    return None
