"""The one selection every page reads: territory and year, set in the sidebar and mirrored in the URL.

`?territoire=dep:04&annee=2024` uses the CLI's ids. A link opens that view; every change of a
control rewrites the URL; a wrong parameter gives a French warning and a default, never an error.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.analysis.dataset import AppData
from lib.presentation.palette import PALETTES
from lib.data.territories import KIND_LABELS, NO_TI_LIST_MESSAGE, Territory, TerritoryError
from lib.ui.explorer_state import printable, sync_query_params

DEFAULT_TERRITORY = "dep:04"
KINDS = ["dep", "ti", "reg", "fr"]
_KEYS = {"kind": "sel_kind", "territory": "sel_territory", "year": "sel_year", "palette": "sel_palette"}


@dataclass(frozen=True)
class Selection:
    territory: Territory
    year: int
    palette_name: str = "standard"

    @property
    def palette(self):
        return PALETTES[self.palette_name]

    def query(self) -> dict[str, str]:
        return {"territoire": self.territory.id, "annee": str(self.year)}


def _from_url(data: AppData) -> tuple[Territory, int, list[str]]:
    warnings = []
    raw_territory = st.query_params.get("territoire", DEFAULT_TERRITORY)
    try:
        territory = data.catalog.resolve(raw_territory)
    except TerritoryError as exc:
        territory = data.catalog.resolve(DEFAULT_TERRITORY)
        warnings.append(f"Paramètre « territoire » de l'adresse non reconnu (« {printable(raw_territory)} ») : "
                        f"{printable(str(exc))} Affichage de {territory.label} à la place.")
    raw_year = st.query_params.get("annee")
    year = data.latest_year
    if raw_year is not None:
        text = raw_year.strip()
        if text.isascii() and text.isdigit() and int(text) in data.years:
            year = int(text)
        else:
            warnings.append(f"Paramètre « annee » de l'adresse non valable (« {printable(raw_year)} ») : années "
                            f"disponibles {', '.join(map(str, data.years))}. Affichage de {year}.")
    return territory, year, warnings


def _initialise(data: AppData) -> None:
    """First run of a session: the URL decides the controls."""
    territory, year, warnings = _from_url(data)
    st.session_state[_KEYS["kind"]] = territory.kind
    st.session_state[_KEYS["territory"]] = territory.id
    st.session_state[_KEYS["year"]] = year
    st.session_state["url_warnings"] = warnings
    st.session_state["sel_initialised"] = True


_SAVED = "sel_saved"   # plain copy of the controls: widget state can be dropped on a page change


def _valid_or_saved(key: str, name: str, valid, fallback):
    """The control's value if valid, else the plain copy's, else the fallback.

    Streamlit may drop (or blank) the sidebar widgets' state on a page change when the browser's rerun
    request does not carry it: seen in `make load`, where sessions fell back to « Ain — 2025 ».
    """
    current = st.session_state.get(key)
    if valid(current):
        return current
    saved = st.session_state.get(_SAVED, {}).get(name)
    return saved if valid(saved) else fallback


def sidebar_selection(data: AppData) -> Selection:
    """Draw the shared controls (entry point only) and return the selection."""
    if not st.session_state.get("sel_initialised"):
        _initialise(data)
    state = st.session_state
    state[_KEYS["kind"]] = _valid_or_saved(_KEYS["kind"], "kind", lambda v: v in KINDS, "dep")
    state[_KEYS["year"]] = _valid_or_saved(_KEYS["year"], "year", lambda v: v in data.years, data.latest_year)
    state[_KEYS["palette"]] = _valid_or_saved(_KEYS["palette"], "palette", lambda v: isinstance(v, bool), False)
    with st.sidebar:
        st.markdown("### Territoire")
        kind = st.selectbox("Type de territoire", KINDS, format_func=KIND_LABELS.get, key=_KEYS["kind"])
        options = data.catalog.territories_of_kind(kind)
        waiting = not options
        if waiting:       # real files without the official list: no territory to offer, say how to get it
            st.info(NO_TI_LIST_MESSAGE, icon="ℹ️")
            saved = state.get(_SAVED, {}).get("territory", DEFAULT_TERRITORY)
            options = [data.catalog.resolve(saved if not str(saved).startswith("ti:") else DEFAULT_TERRITORY)]
            st.caption(f"Affichage de {options[0].label} en attendant.")
        by_id = {t.id: t for t in options}
        state[_KEYS["territory"]] = _valid_or_saved(_KEYS["territory"], "territory", lambda v: v in by_id,
                                                    next(iter(by_id)))
        territory_id = st.selectbox(
            "Territoire" if kind != "ti" else "Territoire d'industrie (départements)", list(by_id),
            format_func=lambda i: by_id[i].label, key=_KEYS["territory"], disabled=kind == "fr" or waiting,
            help="Tapez quelques lettres ou un code pour chercher.")
        year = st.selectbox("Année", sorted(data.years, reverse=True), key=_KEYS["year"])
        palette = st.toggle("Couleurs adaptées aux daltoniens", key=_KEYS["palette"])
    selection = Selection(territory=by_id[territory_id], year=int(year),
                          palette_name="daltonien" if palette else "standard")
    state[_SAVED] = {"kind": kind, "territory": territory_id, "year": int(year), "palette": bool(palette)}
    sync_query_params(selection.query())
    return selection


def open_territory(territory_id: str) -> None:
    """Jump to another territory (e.g. a main département of a Territoire d'industrie)."""
    kind = territory_id.split(":", 1)[0] if ":" in territory_id else "fr"
    st.session_state[_KEYS["kind"]] = kind
    st.session_state[_KEYS["territory"]] = territory_id
    st.session_state[_SAVED] = {**st.session_state.get(_SAVED, {}), "kind": kind, "territory": territory_id}


def show_url_warnings() -> None:
    for message in st.session_state.pop("url_warnings", []):
        st.warning(message, icon="⚠️")


def current() -> Selection:
    """What pages call: the selection the entry point stored for this run."""
    return st.session_state["selection"]
