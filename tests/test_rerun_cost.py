"""What makes a rerun cheap, checked for behaviour: on-screen figures built once and shared, per
(builder, chart, territory, year, palette, widget values, data); the loaded data frozen out of the
collector's sight; Streamlit's forced collection after every run switched off in the project's config."""
from __future__ import annotations

import gc
import tomllib
from functools import partial

import plotly.graph_objects as go

from lib.ui import loaders, screen_theme
from lib.ui.selection import Selection
from lib.ui.widgets import screen_figure
from tests.conftest import PROJECT_DIR

calls: list[tuple] = []


def _builder(value: int, *, palette, template=None, export=None) -> go.Figure:
    calls.append((value, palette.name if hasattr(palette, "name") else id(palette)))
    return go.Figure(go.Bar(x=[1], y=[value]))


def test_on_screen_figure_is_built_once_per_key(app_data, monkeypatch):
    monkeypatch.setattr(loaders, "current_token", lambda: "données-de-test")
    loaders.figure.clear()
    calls.clear()
    dep04, dep05 = app_data.catalog.resolve("dep:04"), app_data.catalog.resolve("dep:05")
    here = Selection(territory=dep04, year=2024)
    build = partial(_builder, 3)

    first = screen_figure(build, here, key="essai", figure_key=(10,))
    again = screen_figure(partial(_builder, 3), here, key="essai", figure_key=(10,))   # another session
    assert again is first and len(calls) == 1

    screen_figure(build, here, key="essai", figure_key=(25,))                 # a slider moved
    screen_figure(build, Selection(territory=dep05, year=2024), key="essai", figure_key=(10,))
    screen_figure(build, Selection(territory=dep04, year=2023), key="essai", figure_key=(10,))
    screen_figure(build, Selection(dep04, 2024, palette_name="daltonien"), key="essai", figure_key=(10,))
    screen_figure(build, here, key="autre-graphique", figure_key=(10,))
    assert len(calls) == 6

    monkeypatch.setattr(loaders, "current_token", lambda: "nouvelles-données")
    assert screen_figure(build, here, key="essai", figure_key=(10,)) is not first
    assert len(calls) == 7

    screen_figure(build, here, key="essai")      # no figure_key: never cached
    screen_figure(build, here, key="essai")
    assert len(calls) == 9


def test_cached_figure_keeps_the_height_it_was_built_with(monkeypatch, app_data):
    monkeypatch.setattr(loaders, "current_token", lambda: "données-de-test")
    loaders.figure.clear()
    here = Selection(territory=app_data.catalog.resolve("dep:04"), year=2024)
    tall = screen_figure(partial(_builder, 1), here, key="hauteur", height=700, figure_key=())
    short = screen_figure(partial(_builder, 1), here, key="hauteur", height=400, figure_key=())
    assert (tall.layout.height, short.layout.height) == (700, 400)


def test_loaded_data_are_frozen_out_of_the_collector(monkeypatch, app_data):
    monkeypatch.setattr(loaders, "load_app_data", lambda *args, **kwargs: app_data)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        loaded, problem = loaders._load.__wrapped__(12345)
        assert loaded is app_data and problem is None
        assert gc.get_freeze_count() > 100_000     # the table's objects and every imported module
        assert gc.get_threshold()[0] == loaders.YOUNG_COLLECTION_EVERY == 10_000
    finally:
        gc.unfreeze()
        gc.set_threshold(700, *gc.get_threshold()[1:])


def test_a_short_table_is_made_markdown_safe_once_while_it_is_held():
    import pyarrow as pa

    from lib.ui import widgets
    shown = pa.table({"Pays": ["*Chine*", "Inde"], "Valeur": ["1,5 M€", "2,0 M€"]})
    frame = widgets._plain_text_frame(shown)
    assert frame["Pays"].tolist() == ["\\*Chine\\*", "Inde"]      # asterisks kept as text, not emphasis
    assert widgets._plain_text_frame(shown) is frame                  # the next rerun: nothing converted again
    other = pa.table({"Pays": ["*Chine*", "Inde"], "Valeur": ["1,5 M€", "2,0 M€"]})
    assert widgets._plain_text_frame(other) is not frame             # same content, another table: its own
    key = id(shown)
    del shown
    gc.collect()
    assert key not in widgets._PLAIN_FRAMES                           # forgotten with its table


def test_stored_results_are_read_once_then_held_without_streamlit_hashing(monkeypatch, tmp_path):
    from lib.outputs import warm_store
    reads = []
    monkeypatch.setattr(loaders, "_warm_dir", lambda token: tmp_path)
    monkeypatch.setattr(warm_store, "read_territory",
                        lambda directory, territory_id, year: reads.append(territory_id) or (
                            {"results": {("compute", "summary", ()): {"exports": 1.0}}} if territory_id == "dep:04"
                            else None))
    loaders._stored_results.cache_clear()
    loaders._read_stored.clear()
    entry = ("compute", "summary", ())
    for _ in range(3):
        assert loaders.stored("jeton-essai", "dep:04", 2024, entry) == {"exports": 1.0}
        assert loaders.stored("jeton-essai", "dep:05", 2024, entry) is loaders.MISSING
    assert reads.count("dep:04") == 1             # held after the first read
    assert reads.count("dep:05") == 3             # a miss is not held: the store may be built meanwhile
    loaders._stored_results.cache_clear()
    loaders._read_stored.clear()


def test_forced_collection_after_each_run_is_off_and_websocket_compressed():
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["enableWebsocketCompression"] is True


def test_shared_figure_gives_the_same_chart_to_every_session(monkeypatch, app_data):
    import plotly.io as pio
    import plotly.tools
    monkeypatch.setattr(loaders, "current_token", lambda: "données-de-test")
    loaders.figure.clear()
    here = Selection(territory=app_data.catalog.resolve("dep:04"), year=2024)
    shared = screen_figure(partial(_builder, 5), here, key="partage", figure_key=())
    fresh = _builder(5, palette=here.palette)
    # what st.plotly_chart does with it: the same dict as a fresh build made ready for the screen (Streamlit's
    # look written in: lib/ui/screen_theme), hence the same JSON sent to the browser
    as_sent = plotly.tools.return_figure_from_figure_or_data(shared, validate_figure=True)
    expected = screen_theme.ready_to_draw(fresh.to_dict())
    assert screen_theme.is_drawn_once(expected)
    assert as_sent == expected
    assert pio.to_json(as_sent, validate=False) == pio.to_json(expected, validate=False)


def test_display_tables_built_once_and_equal_to_the_french_strings(monkeypatch, app_data):
    from lib.analysis import indicators as ind
    from lib.presentation import tables
    from lib.core.schema import EXPORT
    from lib.ui.widgets import screen_tables
    monkeypatch.setattr(loaders, "current_token", lambda: "données-de-test")
    loaders.screen_tables.clear()
    dep04 = app_data.catalog.resolve("dep:04")
    structure = ind.flow_structure(app_data.cube, dep04, 2024, EXPORT)
    built = []

    def make():
        built.append(1)
        return tables.flow_nodes_table(structure)

    here = Selection(territory=dep04, year=2024)
    (title, notes, arrow, _widths), = screen_tables(make, here, key="noeuds", cache_key=())
    again = screen_tables(make, here, key="noeuds", cache_key=())
    assert len(built) == 1 and again[0][2] is arrow
    expected = tables.display_frame(tables.flow_nodes_table(structure))
    assert arrow.to_pandas().astype(str).equals(expected.astype(str))
    assert title is None and notes == list(tables.flow_nodes_table(structure).notes)
    screen_tables(make, here, key="noeuds")          # no cache key: rebuilt
    assert len(built) == 2
