"""The Parquet cache: hits, rebuilds, atomic writes, untouched on failure."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from lib.data import trade_cache
from lib.core.errors import DataFileError
from lib.data.official_files import read_official_files
from lib.data.trade_cache import cache_paths, load_trade_data
from tests.official_builders import EXPORT_ROWS, IMPORT_ROWS, write_region_zip


@pytest.fixture
def source(tmp_path) -> Path:
    folder = tmp_path / "officiel"
    folder.mkdir()
    write_region_zip(folder)
    return folder


@pytest.fixture
def cache_dir(tmp_path) -> Path:
    return tmp_path / "cache"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def _forbid_reading(monkeypatch):
    monkeypatch.setattr(trade_cache, "read_official_files",
                        lambda *a, **k: pytest.fail("les fichiers ont été relus malgré le cache"))


def _count_reads(monkeypatch) -> list:
    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return read_official_files(*args, **kwargs)
    monkeypatch.setattr(trade_cache, "read_official_files", counting)
    return calls


def _change_source(folder: Path) -> None:
    """New content (and size) for the region ZIP, with a later modification time."""
    path = folder / "region_03_A.zip"
    old = path.stat().st_mtime_ns
    write_region_zip(folder, export_rows=EXPORT_ROWS + [["03", "13", "Export", "C20B", "CN", 5, 6]])
    os.utime(path, ns=(old + 10**9, old + 10**9))


def test_miss_writes_pair_then_hit_equals_fresh_read(source, cache_dir, monkeypatch):
    fresh = read_official_files([source])
    first = load_trade_data([source], cache_dir)
    key, _ = trade_cache.cache_key([source])
    parquet, sidecar = cache_paths(cache_dir, key)
    assert parquet.is_file() and sidecar.is_file()
    assert parquet.name.startswith("trade-") and len(parquet.stem) == len("trade-") + 16
    _forbid_reading(monkeypatch)
    hit = load_trade_data([source], cache_dir)
    for result in (first, hit):
        pd.testing.assert_frame_equal(result.table, fresh.table)
        assert result.release_date == fresh.release_date
        assert result.sources == fresh.sources and result.warnings == fresh.warnings
        assert result.unknown_products == fresh.unknown_products
    assert list(hit.table.dtypes) == list(fresh.table.dtypes)   # categories and int16 kept


def test_unknown_codes_survive_the_cache(source, cache_dir, monkeypatch):
    write_region_zip(source, import_rows=IMPORT_ROWS + [["03", "04", "Import", "X99Z", "ZZ", 1, 2]])
    built = load_trade_data([source], cache_dir)
    _forbid_reading(monkeypatch)
    hit = load_trade_data([source], cache_dir)
    assert hit.unknown_products == built.unknown_products == {"X99Z": 2}
    assert hit.unknown_countries == {"ZZ": 2} and hit.warnings == built.warnings


def test_changed_source_rebuilds(source, cache_dir, monkeypatch):
    before = load_trade_data([source], cache_dir)
    _change_source(source)
    calls = _count_reads(monkeypatch)
    after = load_trade_data([source], cache_dir)
    assert len(calls) == 1
    assert len(after.table) == len(before.table) + 2
    assert "13" in set(after.table["department"])


def test_touch_alone_rebuilds(source, cache_dir, monkeypatch):
    load_trade_data([source], cache_dir)
    path = source / "region_03_A.zip"
    stamp = path.stat().st_mtime_ns + 5 * 10**9
    os.utime(path, ns=(stamp, stamp))
    calls = _count_reads(monkeypatch)
    load_trade_data([source], cache_dir)
    assert len(calls) == 1


def test_older_entries_of_same_sources_are_pruned(source, cache_dir, monkeypatch):
    monkeypatch.setattr(trade_cache, "KEEP_PER_SOURCES", 1)
    other = source.parent / "autre"
    other.mkdir()
    write_region_zip(other, number="05")
    load_trade_data([other], cache_dir)               # another sources set: must survive
    load_trade_data([source], cache_dir)
    _change_source(source)
    load_trade_data([source], cache_dir)
    key, _ = trade_cache.cache_key([source])
    other_key, _ = trade_cache.cache_key([other])
    expected = {p.name for k in (key, other_key) for p in cache_paths(cache_dir, k)}
    assert {p.name for p in cache_dir.iterdir()} == expected


@pytest.mark.parametrize("failure", [OSError("disque plein"), RuntimeError("panne")])
def test_crash_during_write_keeps_old_cache_and_leaves_no_temp(source, cache_dir, monkeypatch,
                                                                failure):
    load_trade_data([source], cache_dir)
    before = _snapshot(cache_dir)
    _change_source(source)

    def half_write(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 partial")
        raise failure
    monkeypatch.setattr(trade_cache.pq, "write_table", half_write)
    if isinstance(failure, OSError):
        result = load_trade_data([source], cache_dir)    # the data still arrives, with a warning
        assert "13" in set(result.table["department"])
        assert any("Cache non enregistré" in w for w in result.warnings)
    else:
        with pytest.raises(RuntimeError):
            load_trade_data([source], cache_dir)
    assert _snapshot(cache_dir) == before


def test_bad_file_raises_and_leaves_cache_untouched(source, cache_dir):
    load_trade_data([source], cache_dir)
    before = _snapshot(cache_dir)
    (source / "region_04_A.zip").write_text("pas une archive")
    with pytest.raises(DataFileError) as info:
        load_trade_data([source], cache_dir)
    assert "region_04_A.zip" in str(info.value)
    assert _snapshot(cache_dir) == before


@pytest.mark.parametrize("damage", ["truncate_parquet", "delete_parquet", "sidecar_disagrees"])
def test_damaged_pair_is_a_miss(source, cache_dir, monkeypatch, damage):
    load_trade_data([source], cache_dir)
    key, _ = trade_cache.cache_key([source])
    parquet, sidecar = cache_paths(cache_dir, key)
    if damage == "truncate_parquet":
        parquet.write_bytes(parquet.read_bytes()[:100])
    elif damage == "delete_parquet":
        parquet.unlink()
    else:
        sidecar.write_text(sidecar.read_text().replace('"rows": ', '"rows": 1'))
    calls = _count_reads(monkeypatch)
    result = load_trade_data([source], cache_dir)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(result.table, read_official_files([source]).table)
    _forbid_reading(monkeypatch)
    load_trade_data([source], cache_dir)                  # repaired


def test_concurrent_builds_do_not_corrupt(source, cache_dir, monkeypatch):
    fresh = read_official_files([source]).table
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: load_trade_data([source], cache_dir), range(4)))
    for result in results:
        pd.testing.assert_frame_equal(result.table, fresh)
    assert not list(cache_dir.glob(".*.tmp"))
    _forbid_reading(monkeypatch)
    pd.testing.assert_frame_equal(load_trade_data([source], cache_dir).table, fresh)


def test_unwritable_cache_dir_still_returns_data(source, tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    result = load_trade_data([source], blocker / "cache")
    assert len(result.table) > 0
    assert any("Cache non enregistré" in w for w in result.warnings)


def test_stale_temp_files_are_cleaned_after_a_write(source, cache_dir):
    cache_dir.mkdir()
    stale = cache_dir / ".trade-0123456789abcdef.parquet.1-dead.tmp"
    recent = cache_dir / ".trade-0123456789abcdef.parquet.2-busy.tmp"
    for tmp in (stale, recent):
        tmp.write_bytes(b"x")
    old = stale.stat().st_mtime - trade_cache.STALE_TEMP_SECONDS - 10
    os.utime(stale, (old, old))
    load_trade_data([source], cache_dir)
    assert not stale.exists() and recent.exists()   # another process may still be writing it
