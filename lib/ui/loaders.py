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

import gc
from typing import Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lib.analysis import explorers, exposure, synthesis, trends
from lib.analysis.dataset import AppData, data_fingerprint, load_app_data
from lib.core.errors import DataFileError
from lib.data.release_dates import release_phrase
from lib.presentation.update_notice import update_notice as notice_text
from lib.analysis.summary import territory_summary
from lib.outputs.report import ReportContext, choices_for, report_items
from lib.presentation.plain_text import markdown_text
from lib.ui import update_banner

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
    return loaded


def _freeze_heap() -> None:
    """Move everything alive now (modules, the data, their indexes) out of the collector's sight.

    The loaded table and the imported libraries are millions of long-lived objects that every full
    collection would walk again for nothing; frozen, a collection only looks at what reruns create.
    (Streamlit's forced collection after every run is off too: `runner.postScriptGC` in
    .streamlit/config.toml.) A new data version unfreezes first, so that a table no session uses any more
    can be collected."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


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


# The per-territory computations a page calls besides the report registry's items (lib.outputs.report,
# cached below as whole items), by name: f(cube, territory, year, *args).
COMPUTATIONS = {
    "summary": territory_summary,
    "change_sentences": trends.change_sentences,
    "exposure": exposure.exposure_to_partner,                     # the « Par pays » explorer
    "first_outside_eu": lambda cube, territory, year: explorers.territory_first_outside_eu(cube, year, territory),
    # the written syntheses quote a dozen results each: built once per territory, not at every rerun
    "overview_synthesis": synthesis.overview_synthesis,
    "flow_synthesis": synthesis.flow_synthesis,
}
_TAKES_SUMMARY = {"overview_synthesis", "flow_synthesis"}   # given the cached summary, not a second one


@st.cache_data(max_entries=5000, show_spinner=False)
def compute(token: str, name: str, territory_id: str, year: int, *args):
    """Cached per (data, computation, territory, year, arguments); the token changes with the data."""
    data = _data(token)
    if name in _TAKES_SUMMARY:
        args = (*args, summary(token, territory_id, year))
    return COMPUTATIONS[name](data.cube, data.catalog.resolve(territory_id), year, *args)


def summary(token: str, territory_id: str, year: int) -> dict:
    return compute(token, "summary", territory_id, year)


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
    comparison page), finds the computed tables and the figure's data here."""
    return _report_item(token, territory_id, year, key, choices_for(key, choices))


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
