"""The rules of lib.analysis.dataset one by one, on a small hand-built table (fast tier; issue 23).

A year the data do not have is refused with a French message that lists the years they do have."""
from __future__ import annotations

import pytest

from lib.analysis.dataset import AppData
from lib.data.official_files import LoadResult
from lib.data.territories import TerritoryCatalog, TerritoryError, department
from tests import small_cube


def small_app_data() -> AppData:
    cube = small_cube.make_cube([(year, "export", "04", "C20B", "US", 1.0) for year in (2022, 2023, 2024)])
    return AppData(result=LoadResult(table=cube.table), cube=cube, catalog=TerritoryCatalog(), is_demo=False,
                   sources=[])


def test_without_a_year_the_latest_one_is_shown():
    assert small_app_data().resolve("dep:04", None) == (department("04"), 2024)
    assert small_app_data().resolve("dep:04", 2022) == (department("04"), 2022)


def test_a_year_absent_from_the_data_is_refused_naming_the_years_there_are():
    with pytest.raises(TerritoryError) as error:
        small_app_data().resolve("dep:04", 2019)
    assert str(error.value) == "Année 2019 absente des données (années disponibles : 2022, 2023, 2024)."
