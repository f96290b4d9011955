"""The shape of a territory's summary (lib.analysis.summary), on a small hand-built table (fast tier).

The summary is what `lib.cli summary --json` prints and what the pages, the dossier and the warm store read by
key: a renamed key is a figure that silently disappears. Table: Alpes-de-Haute-Provence (04) export 600 M€ to
Italy and 300 M€ to Spain in 2024, import 200 M€ from Germany; Var (83, same région) exports 100 M€.
"""
from __future__ import annotations

import pytest

from lib.analysis.coverage import france_coverage
from lib.analysis.summary import territory_summary
from lib.data.territories import Territory, department, home_region
from tests import small_cube

M = 1e6
ROWS = [(2024, "export", "04", "C29A", "IT", 600), (2024, "export", "04", "C20B", "ES", 300),
        (2024, "import", "04", "C10A", "DE", 200), (2024, "export", "83", "C29A", "IT", 100)]


@pytest.fixture
def cube():
    return small_cube.make_cube(ROWS, unit=M)


def test_the_summary_names_its_territory_and_year_under_fixed_keys(cube):
    found = territory_summary(cube, department("04"), 2024)
    assert found["territory"] == {"id": "dep:04", "name": "Alpes-de-Haute-Provence", "departments": ["04"],
                                  "regions": ["93"]}
    assert found["year"] == 2024
    assert (found["exports"], found["imports"], found["balance"]) == (900 * M, 200 * M, 700 * M)


def test_the_main_flows_of_a_summary_carry_product_country_and_value(cube):
    links = territory_summary(cube, department("04"), 2024)["export_flows"]["top_links"]
    assert links == [{"product": "C29A", "country": "IT", "value": 600 * M},
                     {"product": "C20B", "country": "ES", "value": 300 * M}]


def test_a_territory_over_two_regions_names_each_region_once_in_order():
    """The régions a summary names are those its « part de la région » divides by, taken together: each
    once, sorted, whatever the order of the territory's départements."""
    ti = Territory(id="ti:TEST", kind="ti", name="Territoire test", departments=("2A", "06", "2B"),
                   regions=("94", "93", "94"))
    rows = [(2024, "export", "2A", "C29A", "IT", 10), (2024, "export", "06", "C29A", "IT", 30),
            (2024, "import", "2B", "C10A", "DE", 5)]
    found = territory_summary(small_cube.make_cube(rows, unit=M), ti, 2024)
    assert found["territory"]["regions"] == ["93", "94"] == list(home_region(ti).regions)
    assert found["share_of_region"]["exports"] == pytest.approx(1.0)   # 40 M€ of the two régions' 40 M€


def test_the_coverage_of_france_is_computed_once_per_table(cube):
    """One pass over the département column per data version: the second call returns the first result."""
    first = france_coverage(cube)
    assert first.departments == 101
    assert france_coverage(cube) is first
