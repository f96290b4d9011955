"""Every Streamlit cache of the app, in one place.

The data are loaded once per process (`st.cache_resource`); per-territory results are cached with
`st.cache_data`, keyed by the data's token so that loading new files invalidates them.
"""
from __future__ import annotations

import gc
from typing import Callable

import streamlit as st

from lib import exposure, indicators as ind, trends
from lib.dataset import AppData, load_app_data
from lib.errors import DataFileError
from lib.summary import territory_summary


@st.cache_resource(show_spinner="Chargement des données du commerce extérieur…")
def _load(generation: int) -> tuple[AppData | None, str | None]:
    """Real files if present, else the demo; a broken real file falls back to the demo with a message."""
    try:
        loaded = load_app_data(), None
    except DataFileError as exc:
        from lib.demo import ensure_demo
        from lib.schema import DEMO_DIR
        loaded = load_app_data([ensure_demo(DEMO_DIR)]), (
            f"Les fichiers officiels de data/officiel n'ont pas pu être lus ({exc}) : "
            "les données de démonstration sont affichées.")
    _freeze_heap()
    return loaded


def _freeze_heap() -> None:
    """Move everything alive now (modules, the data, their indexes) out of the collector's sight.

    The loaded table and the imported libraries are millions of long-lived objects that every full
    collection would walk again for nothing; frozen, a collection only looks at what reruns create.
    (Streamlit's forced collection after every run is off too: `runner.postScriptGC` in
    .streamlit/config.toml.)"""
    gc.collect()
    gc.freeze()


_generation = {"value": 0}


def _data() -> AppData:
    return _load(_generation["value"])[0]


def app_data() -> AppData:
    data, problem = _load(_generation["value"])
    if problem:
        st.error(problem)
    return data


def reload_data() -> None:
    """After an upload: the next call reads the new files; the old table and results are freed."""
    _generation["value"] += 1
    _load.clear()
    compute.clear()
    figure.clear()
    screen_tables.clear()
    gc.unfreeze()   # the old table may now be collected


def current_token() -> str:
    return data_token(_data())


def data_token(data: AppData) -> str:
    """Keys every cached result to the data it was computed from."""
    return f"{_generation['value']}:{len(data.result.table)}:{data.result.release_date}"


# Every per-territory computation the pages call, by name: f(cube, territory, year, *args).
COMPUTATIONS = {
    "summary": territory_summary,
    "partners": ind.partner_balance,
    "products": ind.product_breakdown,
    "structure": ind.flow_structure,
    "specialisation": ind.specialisation,
    "yearly": lambda cube, territory, year: trends.yearly_totals(cube, territory),
    "partner_changes": trends.partner_changes,
    "product_changes": trends.product_changes,
    "change_sentences": trends.change_sentences,
    "exposure": exposure.exposure_to_partner,
    "dependency": exposure.import_dependency,
    "concentration": exposure.concentration,
    "eu_split": exposure.eu_split,
}


@st.cache_data(max_entries=5000, show_spinner=False)
def compute(token: str, name: str, territory_id: str, year: int, *args):
    """Cached per (data, computation, territory, year, arguments); the token changes with the data."""
    data = _data()
    return COMPUTATIONS[name](data.cube, data.catalog.resolve(territory_id), year, *args)


def summary(token: str, territory_id: str, year: int) -> dict:
    return compute(token, "summary", territory_id, year)


def partners(token: str, territory_id: str, year: int, n: int):
    return compute(token, "partners", territory_id, year, n)


def products(token: str, territory_id: str, year: int, flow: str):
    return compute(token, "products", territory_id, year, flow)


def structure(token: str, territory_id: str, year: int, flow: str):
    return compute(token, "structure", territory_id, year, flow)


def specialisation(token: str, territory_id: str, year: int, flow: str):
    return compute(token, "specialisation", territory_id, year, flow)


@st.cache_resource(max_entries=256, show_spinner=False)
def figure(key: tuple, _make: Callable[[], object]):
    """An on-screen figure built once per key and shared by every session (it is only read afterwards:
    st.plotly_chart copies it). The caller's key must hold everything the figure depends on: chart,
    builder, territory, year, palette, widget values and `current_token()`."""
    return _make()


@st.cache_resource(max_entries=512, show_spinner=False)
def screen_tables(key: tuple, _make: Callable[[], list]):
    """The display version (French strings, Arrow) of a page's tables, built once per key (see `figure`)."""
    return _make()
