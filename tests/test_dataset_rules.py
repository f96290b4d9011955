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
from tests.test_versions import root  # noqa: F401  (fixture: an isolated data folder)


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


# --------------------------------------------------------------------------- which data, flagged how

def _ti_list(folder, code="TIX", department_code="04"):
    folder.mkdir(parents=True, exist_ok=True)
    rows = "".join(f"{department_code}00{i};Commune {i};{code};Territoire {code}\n" for i in range(1, 6))
    path = folder / "liste-ti-com2023-20240101.csv"
    path.write_text("insee_com;lib_com;id_ti;lib_ti\n" + rows, encoding="utf-8")
    return path


def test_without_a_list_only_the_demo_gets_the_demo_territories_of_industry(tmp_path, monkeypatch):
    """Real figures under the demo's fictional territories would look real in a note: no list, no TI."""
    monkeypatch.setattr(schema, "DEMO_DIR", tmp_path / "demo")
    _ti_list(tmp_path / "demo", code="TI-DEMO-001")
    assert dataset.load_catalog(None).industry_territories == {}
    assert dataset.load_catalog(None, is_demo=False).industry_territories == {}
    assert list(dataset.load_catalog(None, is_demo=True).industry_territories) == ["TI-DEMO-001"]
    given = _ti_list(tmp_path / "officiel", code="TIREAL")
    assert list(dataset.load_catalog(given, is_demo=True).industry_territories) == ["TIREAL"]
    assert list(dataset.load_catalog(given).industry_territories) == ["TIREAL"]


def test_files_given_by_path_are_demo_only_inside_the_demo_folder_and_carry_no_version(tmp_path, monkeypatch):
    from tests.official_builders import write_region_zip
    monkeypatch.setattr(schema, "DEMO_DIR", tmp_path / "demo")
    (tmp_path / "demo").mkdir()
    (tmp_path / "officiel").mkdir()
    demo = write_region_zip(tmp_path / "demo", "93")
    real = write_region_zip(tmp_path / "officiel", "93")
    _ti_list(tmp_path / "demo", code="TI-DEMO-001")
    for path, is_demo, territories in ((demo, True, ["TI-DEMO-001"]), (real, False, [])):
        data = dataset.load_app_data([path], cache_dir=tmp_path / "cache")
        assert data.is_demo is is_demo, path
        assert (data.fingerprint, data.version, data.sources) == ("", None, [path])
        assert list(data.catalog.industry_territories) == territories, path   # the demo's list for the demo only


def test_a_commune_list_given_among_the_files_is_the_list_whatever_the_folders_given_after(tmp_path):
    from tests.official_builders import write_region_zip
    (tmp_path / "files").mkdir()
    archive = write_region_zip(tmp_path / "files", "93")
    given = _ti_list(tmp_path / "given", code="TIGIVEN")
    folder_list = _ti_list(tmp_path / "folder", code="TIFOLDER")
    assert dataset.split_sources([archive, given]) == ([archive], given)
    assert dataset.split_sources([given, tmp_path / "folder"]) == ([tmp_path / "folder"], given)
    assert dataset.split_sources([tmp_path / "folder", archive]) == ([tmp_path / "folder", archive], folder_list)
    assert dataset.split_sources([archive]) == ([archive], None)


def test_a_version_s_data_are_its_files_never_flagged_demo(root, tmp_path, monkeypatch):
    """By the version in use (CURRENT), or by a fingerprint naming an older one after another was put in use."""
    from tests.official_builders import write_region_zip
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = write_region_zip(tmp_path / "first", "93")
    second = write_region_zip(tmp_path / "second", "94", export_rows=[["94", "2A", "Export", "C10A", "DE", 5, 7]])
    with versions.lock():
        older = versions.publish({first.name: first}, actor="test", action="import")
    with versions.lock():
        newer = versions.publish({second.name: second}, actor="test", action="import")
    in_use = dataset.load_app_data(cache_dir=tmp_path / "cache")
    assert (in_use.fingerprint, in_use.version.id, in_use.is_demo) == (f"v:{newer.id}", newer.id, False)
    assert in_use.sources == [newer.files_dir]
    named = dataset.load_app_data(cache_dir=tmp_path / "cache", fingerprint=f"v:{older.id}")
    assert (named.fingerprint, named.version.id, named.is_demo) == (f"v:{older.id}", older.id, False)
    assert named.sources == [older.files_dir]
    assert "75" in set(named.cube.table["department"].astype(str))          # the older version's own rows
    assert "75" not in set(in_use.cube.table["department"].astype(str))
