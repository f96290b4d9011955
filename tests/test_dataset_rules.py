"""The rules of lib.analysis.dataset one by one, on a small hand-built table (fast tier; issue 23).

A year the data do not have is refused with a French message that lists the years they do have. With no version
and no official file, the demo folder is the source (flagged demo) and its stamp is the data's fingerprint."""
from __future__ import annotations

import os

import pytest

from lib.analysis import dataset
from lib.analysis.dataset import AppData
from lib.core import schema
from lib.data import versions
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


@pytest.fixture()
def demo_only(tmp_path, monkeypatch):
    """No version in use, an empty data/officiel, data/demo in tmp_path (not created)."""
    monkeypatch.setattr(versions, "current", lambda: None)
    monkeypatch.setattr(versions, "current_id", lambda: None)
    (tmp_path / "officiel").mkdir()
    monkeypatch.setattr(schema, "OFFICIAL_DIR", tmp_path / "officiel")
    monkeypatch.setattr(schema, "DEMO_DIR", tmp_path / "demo")
    return tmp_path / "demo"


def test_without_version_nor_official_file_the_demo_folder_is_the_source_flagged_demo(demo_only, monkeypatch):
    import lib.data.demo
    asked = []
    monkeypatch.setattr(lib.data.demo, "ensure_demo", lambda folder: asked.append(folder) or folder)
    assert dataset.default_sources() == ([demo_only], True)
    assert asked == [demo_only]


def test_the_fingerprint_of_the_demo_is_its_folder_s_stamp_and_changes_when_the_folder_appears(demo_only):
    """The fingerprint is a cache key, only compared: the same while nothing changes, another once the folder
    exists (its text while absent is nobody's business: see bench/mutation_equivalents.txt)."""
    absent = dataset.data_fingerprint()
    assert absent.startswith("d:") and dataset.data_fingerprint() == absent
    demo_only.mkdir()
    stat = os.stat(demo_only)
    assert dataset.data_fingerprint() == f"d:{stat.st_mtime_ns}-{stat.st_ino}" != absent
