"""Page pieces of the map and the explorers: the tile map with its downloads, and « Ouvrir un département ».

`map_block` is `lib.ui.widgets.chart_block` for the tile map: same PNG / Excel / data table, a near-square
PNG (the map is as tall as wide), and optionally a click on a tile that opens the département.
"""
from __future__ import annotations

from functools import partial
from typing import Callable

import plotly.graph_objects as go
import streamlit as st

from lib.presentation.table_model import TableSheet
from lib.data.reference.departments import department_name
from lib.presentation.tile_map import EXPORT_SIZE, GRID
from lib.ui.selection import open_territory
from lib.ui.widgets import DownloadContext, chart_block

OVERVIEW_PAGE = "pages/overview.py"
_OPEN_REQUEST = "explorer_open_department"
_CELLS = {cell: code for code, cell in GRID.items()}


def _request_open(code: str) -> None:
    """Callbacks run before the script: the sidebar's territory can still be set here."""
    open_territory(f"dep:{code}")   # the sidebar's year and palette survive the switch (selection._SAVED)
    st.session_state[_OPEN_REQUEST] = code


def _on_tile_selected(chart_key: str) -> None:
    event = st.session_state.get(chart_key) or {}
    points = (event.get("selection") or {}).get("points") or []
    for point in points:
        cell = (round(float(point.get("x", -99))), round(float(point.get("y", -99))))
        if cell in _CELLS:
            _request_open(_CELLS[cell])
            return


def _on_open_box(box_key: str) -> None:
    code = st.session_state.get(box_key)
    if code:
        _request_open(code)


def follow_open_request(year: int) -> None:
    """Call once near the top of the page: after a tile click or a choice in « Ouvrir un département »,
    go to the département's overview."""
    code = st.session_state.pop(_OPEN_REQUEST, None)
    if code:
        st.switch_page(OVERVIEW_PAGE, query_params={"territoire": f"dep:{code}", "annee": str(year)})


def open_department_box(codes: list[str], *, key: str, label: str = "Ouvrir un département") -> None:
    """A select box (nothing chosen at first) whose choice opens the département's « Vue d'ensemble »."""
    st.selectbox(label, codes, index=None, key=key, placeholder="Choisir un département…",
                 format_func=lambda c: f"{c} – {department_name(c)}", on_change=_on_open_box, args=(key,),
                 help="Ouvre la vue d'ensemble du département (la sélection de la barre latérale change aussi).")


def map_block(build: Callable[..., go.Figure], table: TableSheet | list[TableSheet] | Callable, *, key: str,
              topic: str, chart: str, export_title: str, context: DownloadContext, figure_key: tuple,
              clickable: bool = False) -> None:
    """The tile map through chart_block, with a near-square PNG; with `clickable`, a click on a tile opens
    that département (call `follow_open_request` at the top of the page). `figure_key`: what the values
    depend on besides the data and the year (the indicator, a country…): the map and its tables are built
    once and shared (built at every rerun, the map's 101 tiles and labels took 70 ms of its page's 120, py-spy)."""
    chart_key = f"chart_{key}"
    options = dict(on_select=partial(_on_tile_selected, chart_key), selection_mode="points") if clickable else None
    chart_block(build, table, key=key, topic=topic, chart=chart, export_title=export_title, context=context,
                export_size=EXPORT_SIZE, chart_options=options, data_label="Voir les données de la carte",
                figure_key=figure_key)


