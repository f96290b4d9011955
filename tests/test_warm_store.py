"""The precomputed page results of a data version (lib/outputs/warm_store): equal to the live computation,
read back from disk intact, and never served for other data or other code."""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pandas as pd
import plotly.io as pio
import pytest

from lib.analysis import computations
from lib.outputs import warm_store
from lib.outputs.report import report_items
from lib.presentation.chart_text import describe_figure
from lib.presentation.flow_list import flow_list_html
from lib.presentation.palette import PALETTES
from lib.presentation.tables import screen_parts
from tests.official_builders import EXPORT_ROWS, write_region_zip

PANEL = ["dep:04", "ti:TI-DEMO-001", "reg:93", "fr"]
TEMPLATE = "plotly_white"   # explicit: plotly's default depends on whether Streamlit was imported


@pytest.fixture(scope="module")
def stored_panel(app_data, tmp_path_factory):
    """The panel's results written by build() and read back from the files."""
    directory = tmp_path_factory.mktemp("warm")
    territories = [app_data.catalog.resolve(t) for t in PANEL]
    warm_store.build(app_data.cube, app_data.catalog, [app_data.latest_year], directory, territories=territories,
                     template=TEMPLATE)
    return {t: warm_store.read_territory(directory, t, app_data.latest_year)["results"] for t in PANEL}


def _frames_equal(left, right) -> None:
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_frame_equal(left, right)
    elif dataclasses.is_dataclass(left):
        for field in dataclasses.fields(left):
            _frames_equal(getattr(left, field.name), getattr(right, field.name))
    elif isinstance(left, (list, tuple)):
        assert len(left) == len(right)
        for a, b in zip(left, right):
            _frames_equal(a, b)
    else:
        assert left == right


@pytest.mark.parametrize("territory_id", PANEL)
def test_stored_computations_equal_live(app_data, stored_panel, territory_id):
    territory, year = app_data.catalog.resolve(territory_id), app_data.latest_year
    stored = stored_panel[territory_id]
    for name, args in warm_store.STORED_COMPUTATIONS:
        live = computations.run(app_data.cube, territory, year, name, *args)
        assert stored[warm_store.compute_entry(name, args)] == live, (territory_id, name, args)


@pytest.mark.parametrize("territory_id", PANEL)
def test_stored_items_and_figures_equal_live(app_data, stored_panel, territory_id):
    """Each page item: its tables and data as computed live; its figure's dict is what the live figure
    sends to the browser, with the same text alternative."""
    cube, catalog, year = app_data.cube, app_data.catalog, app_data.latest_year
    territory = catalog.resolve(territory_id)
    stored = stored_panel[territory_id]
    keys = {key for page in warm_store.STORED_PAGES for key in warm_store.PAGE_ITEMS[page]}
    figures = tables = 0
    for key in sorted(keys):
        choices = warm_store.page_choices(cube, territory, year, key)
        live = report_items(cube, catalog, territory, year, keys=[key], choices=choices)
        kept = stored[warm_store.item_entry(key, choices)]
        assert (kept is None) == (not live), key
        if not live:
            continue
        live = live[0]
        assert (kept.key, kept.title, kept.territory) == (live.key, live.title, live.territory)
        assert len(kept.tables) == len(live.tables)
        for mine, theirs in zip(kept.tables, live.tables):
            pd.testing.assert_frame_equal(mine.frame, theirs.frame)
            assert (mine.title, mine.notes) == (theirs.title, theirs.notes)
        _frames_equal(kept.data, live.data)
        phone = stored.get(warm_store.flow_list_entry(key))
        assert phone == (flow_list_html(live.data, PALETTES[warm_store.PALETTE]) if "-flows" in key else None), key
        if live.build is not None:
            assert kept.build is warm_store.STORED_BUILD
            figure = live.build(template=TEMPLATE, palette=PALETTES[warm_store.PALETTE])
            spec, text = stored[warm_store.figure_entry(key, live.choices)]
            assert pio.to_json(spec, validate=False) == pio.to_json(figure, validate=False), key
            assert text == describe_figure(figure, live.title)
            figures += 1
        else:
            sheets = live.tables[0] if len(live.tables) == 1 else live.tables
            parts = stored[warm_store.tables_entry((key, *dataclasses.astuple(live.choices)))]
            expected = screen_parts(sheets)
            assert [(t, n, w) for t, n, _, w in parts] == [(t, n, w) for t, n, _, w in expected], key
            assert all(mine.equals(theirs) for (_, _, mine, _), (_, _, theirs, _) in zip(parts, expected)), key
            tables += 1
    assert figures >= 3   # trend, balance, treemaps at least: the overview's charts
    assert tables >= 3    # the comparison table and the flow pages' tables of changes


def test_all_territories_names_each_kind_once(app_data):
    found = warm_store.all_territories(app_data.catalog)
    ids = [t.id for t in found]
    assert len(ids) == len(set(ids))
    assert {t.kind for t in found} == {"dep", "ti", "reg", "fr"}
    assert len([t for t in found if t.kind == "dep"]) == 101


# --------------------------------------------------------------------------- staleness (small files)

@pytest.fixture
def source(tmp_path) -> Path:
    """One small official regional file (tests/official_builders), in its own folder."""
    (tmp_path / "officiel").mkdir()
    return write_region_zip(tmp_path / "officiel").parent


def test_changed_source_file_changes_the_key(source):
    before = warm_store.key_for_sources([source])
    assert warm_store.key_for_sources([source]) == before        # same files: same folder
    path = source / "region_03_A.zip"
    old = path.stat().st_mtime_ns
    write_region_zip(source, export_rows=EXPORT_ROWS + [["03", "13", "Export", "C20B", "CN", 5, 6]])
    os.utime(path, ns=(old + 10**9, old + 10**9))
    assert warm_store.key_for_sources([source]) != before


def test_changed_ti_list_or_code_changes_the_key(tmp_path, monkeypatch):
    ti_file = tmp_path / "liste-ti-com2023-test.csv"
    ti_file.write_text("a\n", encoding="utf-8")
    first = warm_store.store_key("trade", ti_file)
    assert warm_store.store_key("trade", None) != first
    assert warm_store.store_key("other trade", ti_file) != first
    ti_file.write_text("a,b\n", encoding="utf-8")
    assert warm_store.store_key("trade", ti_file) != first
    again = warm_store.store_key("trade", ti_file)
    monkeypatch.setattr(warm_store, "CODE_DIGEST", "another code")
    assert warm_store.store_key("trade", ti_file) != again


def test_code_digest_reads_lib_outside_ui():
    digest = warm_store.code_digest()
    assert len(digest) == 40 and digest == warm_store.CODE_DIGEST


def test_missing_damaged_or_foreign_file_is_a_miss(tmp_path):
    assert warm_store.read_territory(tmp_path, "dep:04", 2024) is None
    warm_store.write_territory(tmp_path, "dep:04", 2024, {("compute", "summary", ()): {"exports": 1.0}})
    assert warm_store.read_territory(tmp_path, "dep:04", 2024)["results"] == {("compute", "summary", ()): {"exports": 1.0}}
    assert warm_store.read_territory(tmp_path, "dep:04", 2023) is None
    path = next(tmp_path.glob("dep_04-2024.pkl"))
    path.write_bytes(path.read_bytes()[:20])
    assert warm_store.read_territory(tmp_path, "dep:04", 2024) is None
    assert not list(tmp_path.glob(".*.tmp"))


def test_build_marks_complete_skips_a_failing_territory_and_prunes(tmp_path, app_data_small, monkeypatch):
    """A territory whose results cannot be computed stays live (named in the summary); the others are
    stored, the folder is marked complete and only the newest older folders are kept."""
    cube, catalog = app_data_small.cube, app_data_small.catalog
    year = cube.years[-1]
    monkeypatch.setattr(warm_store, "all_territories", lambda _catalog: [catalog.resolve("fr"), catalog.resolve("dep:75")])
    real = warm_store.territory_results

    def failing_for_paris(cube, catalog, territory, year, **kwargs):
        if territory.id == "dep:75":
            raise KeyError("change_eur")
        return real(cube, catalog, territory, year, **kwargs)
    monkeypatch.setattr(warm_store, "territory_results", failing_for_paris)
    old = [tmp_path / f"warm-old{i}" for i in range(4)]
    for i, folder in enumerate(old):
        folder.mkdir()
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    target = tmp_path / "warm-new"
    summary = warm_store.build(cube, catalog, [year], target)
    assert warm_store.is_complete(target)
    assert (summary["territories"], summary["skipped"]) == (2, [f"dep:75 {year}"])
    assert warm_store.read_territory(target, "fr", year)["results"][warm_store.compute_entry("summary", ())] == \
        computations.run(cube, catalog.resolve("fr"), year, "summary")
    assert warm_store.read_territory(target, "dep:75", year) is None
    assert sorted(p.name for p in tmp_path.glob("warm-*")) == ["warm-new", "warm-old2", "warm-old3"]


@pytest.fixture
def app_data_small(source, tmp_path):
    from lib.analysis.dataset import load_app_data
    return load_app_data([source], cache_dir=tmp_path / "cache")


# --------------------------------------------------------------------------- the app reads them

@pytest.mark.parametrize("page", ["overview", "export", "comparison"])
def test_a_stored_territory_opens_without_computing(page, app_data, tmp_path, monkeypatch):
    """A territory never opened in this process, with its results stored: the page computes no item, builds
    no figure or screen table and runs no page computation, and shows the stored charts and tables."""
    from streamlit.testing.v1 import AppTest

    from lib.ui import flow_page, loaders, screen_theme, widgets
    from tests.test_page_items_app import PAGES, PROJECT_DIR, _keys
    territory = app_data.catalog.resolve("dep:05")
    warm_store.build(app_data.cube, app_data.catalog, [app_data.latest_year], tmp_path, territories=[territory])
    monkeypatch.setattr(loaders, "_warm_dir", lambda token: tmp_path)
    monkeypatch.setattr(loaders, "load_app_data", lambda *args, **kwargs: app_data)
    loaders._load.clear()
    built: list[str] = []
    monkeypatch.setattr(loaders, "report_items", lambda *a, **k: built.append("item") or [])
    monkeypatch.setattr(widgets._SharedFigure, "share", classmethod(lambda cls, f: built.append("figure") or f))
    monkeypatch.setattr(loaders, "_compute", lambda *a, **k: built.append(f"compute {a[1]}"))
    monkeypatch.setattr(widgets.tables, "screen_parts", lambda *a, **k: built.append("tables") or [])
    monkeypatch.setattr(flow_page, "flow_list_html", lambda *a, **k: built.append("phone lists") or "")
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    at.query_params["territoire"] = "dep:05"
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, at.exception
    assert built == []
    # the flow and comparison pages show tables directly (from the store: screen_parts was not called); the
    # overview's tables are all in closed boxes, built only when opened
    assert (len(at.dataframe) + len(at.table) > 0) == (page != "overview")
    shown = _keys(at, "plotly_chart", "chart_")
    assert shown, "the page still shows its charts"
    stored = warm_store.read_territory(tmp_path, "dep:05", app_data.latest_year)["results"]
    specs = {entry[1][0]: value[0] for entry, value in stored.items() if entry[0] == "figure"}
    first = json.loads(at.get("plotly_chart")[0].proto.spec)       # as stored, made ready for the screen
    ready = screen_theme.ready_to_draw(specs[shown[0]])
    assert first["data"] == json.loads(pio.to_json(ready, validate=False))["data"]


def test_first_load_starts_one_background_build_unless_complete_or_off(tmp_path, monkeypatch, source):
    """lib/ui/warm_build.start: once per folder and process, at low priority, never when complete or off."""
    from lib.analysis.dataset import load_app_data
    from lib.core import schema
    from lib.ui import warm_build
    data = load_app_data([source], cache_dir=tmp_path / "cache")
    monkeypatch.setattr(schema, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(warm_build, "_started", set())
    started: list[list[str]] = []
    monkeypatch.setattr(warm_build.subprocess, "Popen", lambda command, **kwargs: started.append(command))
    monkeypatch.setenv("CET_PRECOMPUTE", "0")
    warm_build.start(data)
    assert started == []
    monkeypatch.setenv("CET_PRECOMPUTE", "1")
    warm_build.start(data)
    warm_build.start(data)
    assert len(started) == 1
    assert started[0][:3] == ["nice", "-n", "10"] and started[0][-2:] == ["--data", str(source)]
    directory = warm_store.store_dir(tmp_path / "cache", warm_store.key_for_sources([source]))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / warm_store.COMPLETE).write_text("{}", encoding="utf-8")
    monkeypatch.setattr(warm_build, "_started", set())
    warm_build.start(data)
    assert len(started) == 1
