"""The figures a user can take away, for a panel of territories, at the PNG size and at the Word size.

Why a module: the layout test (tests/test_render_layout.py), the before/after proof (``python -m
tests.render_panel``) and a gallery build the same list. Every chart of lib.outputs.report (the pages'
items), the explorers' figures (« Par produit », « Par pays », built as pages/product_explorer.py and
pages/country_explorer.py build them, with the territory's default product and partner) and the tile map.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from functools import partial
from typing import Callable

YEAR = 2024
# Word sizes: lib.outputs.fiche_docx (IMAGE_WIDTH_CM, IMAGE_HEIGHTS) and lib.outputs.note_docx, read by word_frames().
PNG_SIZE = (1600, 900)         # the pages' download (lib.ui.widgets.chart_block)
MAP_SIZE = (1600, 1400)        # the map's download (lib.presentation.tile_map.EXPORT_SIZE)
PALETTES = ("standard", "daltonien")
# A small département, a large one, Corsica, overseas, Mayotte, a TI over two régions, a région, France.
TERRITORIES = ("dep:48", "dep:59", "dep:2A", "dep:974", "dep:976", "ti:TWO-REGIONS", "reg:76", "fr")
# The demo's TIs each lie in one région: this one (two main départements in Normandie and the Hauts-de-France,
# the shape of a real TI such as Vallée de la Bresle) is built here.
TWO_REGION_TI = dict(id="ti:TWO-REGIONS", kind="ti", name="Vallées de la Bresle et du Vimeu (test)",
                     departments=("76", "80"))


@dataclass(frozen=True)
class Case:
    """One figure at one size: what to draw, and at which print width to check its text."""
    label: str                     # « dep:59 exposure standard PNG »
    build: Callable                # build() -> go.Figure (may raise EmptyDataError)
    width: int
    height: int
    print_width_cm: float | None


def resolve(app_data, territory_id: str):
    from lib.data.territories import Territory, regions_of_departments
    if territory_id == TWO_REGION_TI["id"]:
        return Territory(**TWO_REGION_TI, regions=regions_of_departments(TWO_REGION_TI["departments"]))
    return app_data.catalog.resolve(territory_id)


def source_of(app_data) -> str:
    from lib.data.official_files import citation
    from lib.presentation.texts import source_line
    return source_line(citation(app_data.result.release_date), app_data.is_demo)


def _explorer_builds(app_data, territory) -> list[tuple[str, str, Callable, bool]]:
    """(key, export title, build(template=, palette=, export=), is_map) of the explorers and the map."""
    from lib.analysis import explorers
    from lib.data.reference.countries import country_name
    from lib.data.reference.products import product_short_label
    from lib.presentation import explorer_figures as efig, figures, tile_map
    from lib.presentation.exposure_figures import trend_figure
    cube = app_data.cube
    product = explorers.default_product(cube, YEAR, territory) or explorers.products_in_data(cube)[0]
    country = explorers.default_partner(cube, YEAR, territory) or explorers.countries_in_data(cube)[0]
    exposure_country = explorers.default_exposure_country(cube, YEAR, territory)
    short, name = product_short_label(product), country_name(country)
    highlight = set() if territory.kind == "fr" else set(territory.departments)
    partners = explorers.product_partners(cube, product, YEAR)
    products = explorers.country_products(cube, country, YEAR)
    product_trend, country_trend = explorers.product_trend(cube, product), explorers.country_trend(cube, country)
    builds = [
        ("product-partners", f"Principaux pays partenaires de la France pour « {short} » ({YEAR})",
         partial(figures.balance_figure, partners), False),
        ("product-trend", f"Échanges de la France pour « {short} », 2023-2025",
         partial(trend_figure, efig.yearly_frame(product_trend)), False),
        ("country-products", f"Produits échangés par la France avec {name} ({YEAR})",
         partial(efig.products_balance_figure, products, name), False),
        ("country-trend", f"Échanges de la France avec {name}, 2023-2025",
         partial(trend_figure, efig.yearly_frame(country_trend)), False),
    ]
    departments = explorers.product_departments(cube, product, YEAR)
    builds.append(("map-product", f"Exportations du produit « {short} » par département ({YEAR})",
                   partial(tile_map.map_figure, departments.set_index("department")["exports"], "exports", highlight,
                           label=f"Exportations : {short}"), True))
    values = explorers.department_values(cube, YEAR, "exposure", country=exposure_country)
    builds.append(("map-exposure", f"Part des exportations vers ce pays, par département ({YEAR})",
                   partial(tile_map.map_figure, values, "exposure", highlight,
                           label="Part des exportations vers le pays", missing_text="aucune exportation"), True))
    values = explorers.department_values(cube, YEAR, "balance")
    builds.append(("map-balance", f"Solde commercial, par département ({YEAR})",
                   partial(tile_map.map_figure, values, "balance", highlight), True))
    return builds


# Page choices the issue was reported with, checked besides the defaults: Nord's exposure to the United States.
EXTRA_CHOICES = {"dep:59": [("exposure", "exposure-us", {"exposure_country": "US"})]}
# The map shows every département whatever the territory (only the outline and the default product or country
# change) and is the slowest figure to draw (~0,8 s): checked for three territories of different shapes.
MAP_TERRITORIES = ("dep:2A", "ti:TWO-REGIONS", "fr")


def cases(app_data, territory_ids=TERRITORIES, palettes=PALETTES, keys=None, sizes=("PNG", "Word"),
          map_territories=None) -> list[Case]:
    """Every figure of the panel × palette × size (``keys``: only these item keys; ``map_territories``: the
    territories whose maps are checked, all of them when None)."""
    from lib.outputs.report import ReportChoices, report_items
    from lib.presentation.chart_style import EXPORT_TEMPLATE, ExportFrame
    from lib.presentation.palette import PALETTES as PALETTE_OBJECTS
    source = source_of(app_data)
    found = []
    for territory_id in territory_ids:
        territory = resolve(app_data, territory_id)
        builds = [(item.key, item.title, item.build, False)
                  for item in report_items(app_data.cube, app_data.catalog, territory, YEAR) if item.build is not None]
        for key, name, choice in EXTRA_CHOICES.get(territory_id, []):
            builds += [(name, item.title, item.build, False) for item in report_items(
                app_data.cube, app_data.catalog, territory, YEAR, keys=[key], choices=ReportChoices(**choice))]
        builds += _explorer_builds(app_data, territory)
        for key, title, build, is_map in builds:
            if keys is not None and key not in keys:
                continue
            if is_map and map_territories is not None and territory_id not in map_territories:
                continue
            width, height = MAP_SIZE if is_map else PNG_SIZE
            for palette_name in palettes:
                palette = PALETTE_OBJECTS[palette_name]
                frames = {"PNG": ExportFrame(title=title, source=source, width=width, height=height)}
                frames.update(word_frames(key, source, width, height, is_map))
                for size, frame in frames.items():
                    if not any(size.startswith(wanted) for wanted in sizes):
                        continue
                    found.append(Case(f"{territory_id} {key} {palette_name} {size}",
                                      partial(build, template=EXPORT_TEMPLATE, palette=palette, export=frame),
                                      frame.width, frame.height, frame.print_width_cm))
    return found


def word_frames(key: str, source: str, width: int, height: int, is_map: bool) -> dict:
    """The frames an item is drawn with in Word, as the fiche and the note place it: no title, the text's
    width, the fiche's height for that item (a taller Sankey or treemap), and the note's own chart."""
    from lib.outputs import fiche_docx, note_docx
    from lib.presentation.chart_style import ExportFrame
    frames = {"Word": ExportFrame(title="", source=source, width=width,
                                  height=height if is_map else fiche_docx.IMAGE_HEIGHTS.get(key, height),
                                  print_width_cm=fiche_docx.IMAGE_WIDTH_CM)}
    if key == note_docx.CHART_KEY:
        frames["Word-note"] = ExportFrame(title="", source=source, width=width, height=note_docx.chart_height_px(width),
                                          print_width_cm=note_docx.CHART_WIDTH_CM)
    return frames


def run(checker, panel: list[Case]) -> dict[str, list[str]]:
    """label → problems, for every case of the panel (a figure with nothing to draw is skipped)."""
    from lib.presentation.chart_style import EmptyDataError
    results = {}
    for case in panel:
        try:
            fig = case.build()
        except EmptyDataError:
            continue
        results[case.label] = checker.check(fig, case.width, case.height, case.print_width_cm)
    return results


def summary(results: dict[str, list[str]]) -> str:
    """Counts per kind of problem, per item and size, and the failing cases."""
    from collections import Counter
    from tests.render_check import kind_of
    kinds, items, failing = Counter(), Counter(), Counter()
    for label, problems in results.items():
        territory, key, palette, size = label.split(" ")
        for problem in problems:
            kinds[kind_of(problem)] += 1
        if problems:
            items[f"{key} {size}"] += 1
            failing[size] += 1
    lines = [f"{len(results)} figures, {sum(1 for p in results.values() if p)} with problems "
             f"({', '.join(f'{s}: {n}' for s, n in sorted(failing.items()))}); "
             f"{sum(kinds.values())} problems: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common())]
    lines += [f"  {item}: {n} figures" for item, n in sorted(items.items())]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """``python -m tests.render_panel [--verbose] [territory …]``: the panel's problems, counted."""
    import tempfile
    from pathlib import Path
    from lib.analysis.dataset import load_app_data
    from lib.core.schema import DEMO_DIR
    from tests.render_check import RenderChecker
    verbose = "--verbose" in argv
    territories = [a for a in argv if not a.startswith("--")] or list(TERRITORIES)
    app_data = load_app_data([DEMO_DIR], cache_dir=Path(tempfile.gettempdir()) / "render-panel-cache")
    start = time.perf_counter()
    panel = cases(app_data, territories)
    with RenderChecker() as checker:
        results = run(checker, panel)
    print(summary(results))
    if verbose:
        for label, problems in results.items():
            for problem in problems:
                print(f"{label}: {problem}")
    print(f"{time.perf_counter() - start:.1f} s")
    return 1 if any(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
