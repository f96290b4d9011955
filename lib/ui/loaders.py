"""Every Streamlit cache of the app, in one place.

The data are loaded once per process and per data version (`st.cache_resource`, keyed by the
fingerprint of `lib.analysis.dataset.data_fingerprint`); per-territory results are cached with `st.cache_data`,
keyed by a token that *is* that fingerprint, so a result is always computed from the data its token
names, even when a new version arrives in the middle of a run.

Each script run pins one version at its start (`app_data`, first called by the entry point): every
later call in the same run, and the fragments of that run, get the same object, so no page ever
mixes two versions. A new version (an upload in another session, `lib.cli import` in a console, a
rollback) is noticed at the next rerun by one small file read, and the session says so.
"""
from __future__ import annotations

import copy
import dataclasses
import gc
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lib.analysis import computations
from lib.analysis.dataset import AppData, data_fingerprint, load_app_data
from lib.core import schema
from lib.core.errors import DataFileError
from lib.outputs import warm_store
from lib.data.release_dates import release_phrase
from lib.presentation.update_notice import update_notice as notice_text
from lib.outputs.report import ReportContext, choices_for, default_peer_departments, report_items
from lib.presentation import overview_metrics
from lib.presentation.plain_text import markdown_text
from lib.ui import screen_theme, update_banner, warm_build

_PIN = "_data_pin"


@st.cache_resource(max_entries=3, show_spinner="Chargement des données du commerce extérieur…")
def _load(fingerprint: str) -> tuple[AppData | None, str | None]:
    """The data of `fingerprint`; a broken real file falls back to the demo with a message.

    Three entries: the version in use, the one before it (sessions still finishing a run on it) and
    the demo fallback. A dossier being built keeps its own reference, whatever is evicted here.
    """
    try:
        loaded = load_app_data(fingerprint=fingerprint), None
    except DataFileError as exc:
        from lib.data.demo import ensure_demo
        from lib.core.schema import DEMO_DIR
        loaded = load_app_data([ensure_demo(DEMO_DIR)]), (
            f"Les fichiers officiels n'ont pas pu être lus ({exc}) : "
            "les données de démonstration sont affichées.")
    _freeze_heap()
    warm_build.start(loaded[0])
    return loaded


YOUNG_COLLECTION_EVERY = 10_000   # allocations between two young collections (_freeze_heap)


def _freeze_heap() -> None:
    """Move everything alive now (modules, the data, their indexes) out of the collector's sight.

    The loaded table and the imported libraries are millions of long-lived objects that every full
    collection would walk again for nothing; frozen, a collection only looks at what reruns create.
    (Streamlit's forced collection after every run is off too: `runner.postScriptGC` in
    .streamlit/config.toml.) A new data version unfreezes first, so that a table no session uses any more
    can be collected.

    The youngest generation is collected every 10 000 allocations instead of 700: a new territory's stored
    results (lib/outputs/warm_store, about 15 000 objects each) set off dozens of young and several full
    collections, 6 % of the CPU of twenty sessions on new territories (gc.callbacks, 75 ms per full one)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])


def _data(token: str) -> AppData:
    return _load(token)[0]


def app_data() -> AppData:
    """The data of this run: pinned at the first call of each run, then the same for the whole run."""
    ctx = get_script_run_ctx()
    state = st.session_state
    pin = state.get(_PIN)
    if pin is not None and ctx is not None and (pin["run"] is ctx.cursors or ctx.fragment_ids_this_run):
        return pin["data"]
    fingerprint = data_fingerprint()
    data, problem = _load(fingerprint)
    state[_PIN] = {"run": ctx.cursors if ctx is not None else None, "data": data, "fingerprint": fingerprint}
    if problem:
        st.error(markdown_text(problem))      # it quotes file names and cell values: text, not Markdown
    if pin is not None and pin["fingerprint"] != fingerprint:   # drawn by every page until closed
        update_banner.remember(update_notice(data, previous_fingerprint=pin["fingerprint"]))
    return data


def update_notice(data: AppData, previous_fingerprint: str | None = None) -> str:
    """« Données mises à jour le 30/11/2026 à 05:12 : … » or, after a rollback, « Retour à la version du … »."""
    from lib.data import versions
    date = data.result.release_date
    release = f"résultats de {release_phrase(date, data.result.release_others)}" if date \
        else "date de diffusion inconnue"
    rows = len(data.result.table)
    if data.version is None:
        return notice_text(release=release, rows=rows)
    previous = previous_fingerprint[2:] if previous_fingerprint and previous_fingerprint.startswith("v:") else None
    newest = next(iter(versions.list_versions()), None)
    return notice_text(release=release, rows=rows, version_id=data.version.id,
                       created=data.version.created.astimezone(), previous_id=previous,
                       newest_id=newest.id if newest is not None else None)


def reload_data() -> None:
    """After an upload in this session: the next run pins the new version like any other session's."""
    st.session_state.pop(_PIN, None)


def current_token() -> str:
    """The token of this run's pinned data (figure and table cache keys carry it)."""
    return data_token(app_data())


def data_token(data: AppData) -> str:
    """Keys every cached result to the data it was computed from: the data's own fingerprint."""
    return data.fingerprint


def compute(token: str, name: str, territory_id: str, year: int, *args):
    """The precomputed result when the data version has it (lib/outputs/warm_store), else computed here."""
    found = stored(token, territory_id, year, warm_store.compute_entry(name, args))
    if found is not MISSING:
        return copy.deepcopy(found)   # like st.cache_data: the caller may change its copy
    return _compute(token, name, territory_id, year, *args)


@st.cache_data(max_entries=5000, show_spinner=False)
def _compute(token: str, name: str, territory_id: str, year: int, *args):
    """Cached per (data, computation, territory, year, arguments); the token changes with the data."""
    data = _data(token)
    return computations.run(data.cube, data.catalog.resolve(territory_id), year, name, *args,
                            summary=summary(token, territory_id, year) if name in computations.TAKES_SUMMARY else None)


def summary(token: str, territory_id: str, year: int) -> dict:
    return compute(token, "summary", territory_id, year)


@st.cache_resource(max_entries=1024, show_spinner=False)
def kpi_cards(token: str, territory_id: str, year: int) -> list:
    """The overview's key figures (lib.presentation.overview_metrics), built once per territory and year and
    shared read-only: they were 10 % of an overview rerun (pandas lookups of the previous year's totals)."""
    data = _data(token)
    return overview_metrics.kpi_cards(data.cube, data.catalog.resolve(territory_id), year,
                                      summary(token, territory_id, year))


@st.cache_resource(max_entries=1024, show_spinner=False)
def default_peers(token: str, territory_id: str, year: int) -> tuple[str, ...]:
    """The comparison page's default départements (lib.outputs.report), ranked once per territory and year."""
    data = _data(token)
    return tuple(default_peer_departments(data.cube, data.catalog.resolve(territory_id), year))


@st.cache_resource(max_entries=16, show_spinner=False)
def territory_options(token: str, kind: str) -> tuple:
    """The sidebar's territories of one kind: built once per data (3 % of every rerun when built each time)."""
    return tuple(_data(token).catalog.territories_of_kind(kind))


@st.cache_resource(max_entries=1024, show_spinner=False)
def figure(key: tuple, _make: Callable[[], object]):
    """An on-screen figure built once per key and shared by every session (it is only read afterwards:
    st.plotly_chart copies it). The caller's key must hold everything the figure depends on: chart,
    builder, territory, year, palette, widget values and `current_token()`."""
    return _make()


@st.cache_resource(max_entries=2048, show_spinner=False)
def screen_tables(key: tuple, _make: Callable[[], list]):
    """The display version (French strings, Arrow) of a page's tables, built once per key (see `figure`)."""
    return _make()


def report_item(token: str, territory_id: str, year: int, key: str, choices=None):
    """The registry's item `key` (lib.outputs.report) for a territory page, or None when it does not apply.

    Built once per (data, territory, year, item, the one choice it reads) and shared read-only by every
    session: a rerun, or a page showing the same item (the territory's Sankey on its flow page and on the
    comparison page), finds the computed tables and the figure's data here. With the data version's
    precomputed results (default choices), the stored item; its figure is rebuilt live only for a PNG."""
    choices = choices_for(key, choices)
    found = stored(token, territory_id, year, warm_store.item_entry(key, choices))
    if found is MISSING:
        return _report_item(token, territory_id, year, key, choices)
    if found is not None and found.build is warm_store.STORED_BUILD:
        return dataclasses.replace(found, build=partial(_live_build, token, territory_id, year, key, choices))
    return found


def _live_build(token: str, territory_id: str, year: int, key: str, choices, **options):
    """The figure of a stored item, built live (the PNG export: another template and size)."""
    return _report_item(token, territory_id, year, key, choices).build(**options)


@st.cache_resource(max_entries=2048, show_spinner=False)
def _report_item(token: str, territory_id: str, year: int, key: str, choices):
    context = _report_context(token, territory_id, year)
    found = report_items(context.cube, context.catalog, context.territory, year, keys=[key], choices=choices,
                         context=context)
    return found[0] if found else None


@st.cache_resource(max_entries=256, show_spinner=False)
def _report_context(token: str, territory_id: str, year: int):
    """One ReportContext per territory page: its items share the results they have in common (the Sankey's
    structure for the chart and for its links table, the summary)."""
    data = _data(token)
    return ReportContext(data.cube, data.catalog, data.catalog.resolve(territory_id), year)


# --------------------------------------------------------------------------- precomputed results

MISSING = object()   # not precomputed (another year, choice or palette, or not built yet): computed live


class _NotStored(Exception):
    """Raised inside the cached reader so that a miss is not cached (the build may write it later)."""


@st.cache_resource(max_entries=3, show_spinner=False)
def _warm_dir(token: str) -> Path:
    """Where the precomputed results of the data `token` names are (lib/outputs/warm_store)."""
    return warm_store.store_dir(schema.CACHE_DIR, warm_store.key_for_sources(_data(token).sources))


@lru_cache(maxsize=256)
def _stored_results(token: str, territory_id: str, year: int) -> dict:
    """One territory's precomputed results, read once per process and shared read-only by its sessions.

    Held by functools rather than st.cache_resource: a page asks 10 to 17 times per rerun, and Streamlit's
    cache hashed the arguments at each call (inspect.signature included), 7 % of a warm rerun's CPU (py-spy,
    one session). The token names the data, so nothing held goes stale; a miss (`_NotStored`) is not held.

    256 held: every territory of a year (240), about 2 MB each in memory, so about 0,5 GB per process at most.
    With 64, people clicking through random territories (bench.capacity, 300 people) spent a quarter of the
    servers' CPU reading evicted ones again (about 20 ms each, py-spy)."""
    return _read_stored(token, territory_id, year)


@st.cache_resource(max_entries=8, show_spinner=False)
def _read_stored(token: str, territory_id: str, year: int) -> dict:
    """The read itself, behind Streamlit's per-key lock: sessions opening the same new territory at once
    wait for one read (`lru_cache` alone would let each of them read the file)."""
    found = warm_store.read_territory(_warm_dir(token), territory_id, year)
    if found is None:
        raise _NotStored(territory_id)
    results = found["results"]
    for entry, value in results.items():     # figures drawn with theme=None: Streamlit's look written in, once
        if entry[0] == "figure" and value is not None:
            results[entry] = (screen_theme.ready_to_draw(value[0]), *value[1:])
    return results


def stored(token: str, territory_id: str, year: int, entry: tuple):
    """The precomputed `entry` of a territory page, or MISSING."""
    try:
        return _stored_results(token, territory_id, year).get(entry, MISSING)
    except _NotStored:
        return MISSING


def stored_figure(token: str, territory_id: str, year: int, figure_key: tuple, palette: str):
    """(figure dict, text alternative) of an item of a territory page when precomputed, else None."""
    found = stored(token, territory_id, year, ("figure", tuple(figure_key), palette))
    return None if found is MISSING else found


def stored_tables(token: str, territory_id: str, year: int, table_key: tuple):
    """The screen parts of a table item of a territory page when precomputed, else None."""
    found = stored(token, territory_id, year, warm_store.tables_entry(table_key))
    return None if found is MISSING else found


def flow_list(token: str, territory_id: str, year: int, item_key: str, item_territory_id: str, palette: str,
              make: Callable[[], str]) -> str:
    """The phone version of a Sankey item of the page of `territory_id` (lib/presentation/flow_list): stored
    with the data version, else built once per process (it was 5 % of a warm rerun, built every time)."""
    found = stored(token, territory_id, year, warm_store.flow_list_entry(item_key, palette))
    if found is not MISSING:
        return found
    return _flow_list((token, item_territory_id, year, item_key, palette), make)


@st.cache_resource(max_entries=2048, show_spinner=False)
def _flow_list(key: tuple, _make: Callable[[], str]) -> str:
    return _make()
