"""How the cube hands out a territory's rows (lib.analysis.indicators.TradeCube), on small hand-built tables
(fast tier; issue 23): exactly the rows a plain filter on the départements would keep, in the table's own order,
whatever the number of départements, and a région names itself as its région."""
from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis.summary import territory_summary
from lib.data.territories import region
from tests import small_cube

DEPARTMENTS = ["13", "04", "83", "06", "2A"]


@pytest.fixture
def cube():
    """200 export rows of 2024 whose départements alternate irregularly (sorting them is not a no-op), and a few
    of 2023; values tell the rows apart."""
    rows = [(2024, "export", DEPARTMENTS[(i * 7) % 5 if i % 3 else (i * 2) % 5], "C29A", "IT", 1000 + i)
            for i in range(200)]
    rows += [(2023, "export", "04", "C10A", "DE", 5)]
    return small_cube.make_cube(rows, whole_france=False)


def _filtered(cube, year, flow, departments):
    part = cube.table[(cube.table["year"] == year) & (cube.table["flow"] == flow)]
    return part[part["department"].astype(str).isin(departments)]


@pytest.mark.parametrize("departments", [("04",), ("13", "04"), ("83", "2A", "06"), ("06", "04", "13", "2A")])
def test_a_territory_s_rows_are_those_a_filter_keeps_in_the_table_s_order(cube, departments):
    found = cube.rows(2024, "export", departments)
    expected = _filtered(cube, 2024, "export", departments)
    assert len(expected) > 10              # enough rows per département for an unstable sort to show
    pd.testing.assert_frame_equal(found, expected)


def test_a_territory_without_rows_gets_an_empty_table_with_the_cube_s_columns(cube):
    assert cube.rows(2024, "export", ("75",)).empty
    assert cube.rows(2024, "import", ("04",)).empty
    assert list(cube.rows(2024, "import", ("04",)).columns) == list(cube.table.columns)


def test_a_region_names_itself_as_its_region():
    """The summary's régions are those its « part de la région » divides by; a région has none above it and
    names itself."""
    rows = [(2024, "export", "04", "C29A", "IT", 10), (2024, "import", "13", "C10A", "DE", 5)]
    found = territory_summary(small_cube.make_cube(rows), region("93"), 2024)
    assert found["territory"]["regions"] == ["93"]
    assert found["share_of_region"] is None
