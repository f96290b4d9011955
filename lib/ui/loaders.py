"""Every Streamlit cache of the app, in one place.

The data are loaded once per process (`st.cache_resource`); per-territory results are cached with
`st.cache_data`, keyed by the data's token so that loading new files invalidates them.
"""
from __future__ import annotations

import streamlit as st

from lib import indicators as ind
from lib.dataset import AppData, load_app_data
from lib.errors import DataFileError
from lib.summary import territory_summary


@st.cache_resource(show_spinner="Chargement des données du commerce extérieur…")
def _load(generation: int) -> tuple[AppData | None, str | None]:
    """Real files if present, else the demo; a broken real file falls back to the demo with a message."""
    try:
        return load_app_data(), None
    except DataFileError as exc:
        from lib.demo import ensure_demo
        from lib.schema import DEMO_DIR
        return load_app_data([ensure_demo(DEMO_DIR)]), (
            f"Les fichiers officiels de data/officiel n'ont pas pu être lus ({exc}) : "
            "les données de démonstration sont affichées.")


_generation = {"value": 0}


def _data() -> AppData:
    return _load(_generation["value"])[0]


def app_data() -> AppData:
    data, problem = _load(_generation["value"])
    if problem:
        st.error(problem)
    return data


def reload_data() -> None:
    """After an upload: the next call reads the new files (other sessions keep theirs until they rerun)."""
    _generation["value"] += 1


def data_token(data: AppData) -> str:
    return f"{_generation['value']}:{id(data)}"


@st.cache_data(max_entries=2000, show_spinner=False)
def summary(token: str, territory_id: str, year: int) -> dict:
    data = _data()
    return territory_summary(data.cube, data.catalog.resolve(territory_id), year)


@st.cache_data(max_entries=2000, show_spinner=False)
def partners(token: str, territory_id: str, year: int, n: int):
    data = _data()
    return ind.partner_balance(data.cube, data.catalog.resolve(territory_id), year, n)


@st.cache_data(max_entries=2000, show_spinner=False)
def products(token: str, territory_id: str, year: int, flow: str):
    data = _data()
    return ind.product_breakdown(data.cube, data.catalog.resolve(territory_id), year, flow)


@st.cache_data(max_entries=2000, show_spinner=False)
def structure(token: str, territory_id: str, year: int, flow: str):
    data = _data()
    return ind.flow_structure(data.cube, data.catalog.resolve(territory_id), year, flow)


@st.cache_data(max_entries=2000, show_spinner=False)
def specialisation(token: str, territory_id: str, year: int, flow: str):
    data = _data()
    return ind.specialisation(data.cube, data.catalog.resolve(territory_id), year, flow)
