"""The one selection every page reads: territory, year and palette, set in the sidebar and mirrored in the URL.

`?territoire=dep:04&annee=2024&couleurs=daltonien` uses the CLI's ids. A link opens that view; every change
of a control rewrites the URL; a wrong parameter gives a French warning and a default, never an error.

Back / Forward: Streamlit pushes a browser history entry each time the query string changes, and on a
`popstate` it reruns the script with the entry's query string and ``is_history_navigation`` set, but with the
widgets' current (stale) values. On that rerun the URL decides the controls, as on a first visit.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.analysis.dataset import AppData
from lib.data.territories import KIND_LABELS, NO_TI_LIST_MESSAGE, Territory, TerritoryError, search_territories
from lib.data.territory_links import related_territory
from lib.data.vanished import exists, vanished_territory
from lib.presentation.palette import PALETTES
from lib.presentation.plain_text import markdown_text
from lib.ui import loaders
from lib.ui.explorer_state import history_navigation, printable, sync_query_params

DEFAULT_TERRITORY = "dep:04"
KINDS = ["dep", "ti", "reg", "fr"]
_KEYS = {"kind": "sel_kind", "territory": "sel_territory", "year": "sel_year", "palette": "sel_palette"}
TERRITORY_PARAM, YEAR_PARAM, COLOURS_PARAM = "territoire", "annee", "couleurs"
COLOURBLIND_VALUE = "daltonien"
_COLOURS_VALUES = {COLOURBLIND_VALUE: True, "standard": False}


@dataclass(frozen=True)
class Selection:
    territory: Territory
    year: int
    palette_name: str = "standard"

    @property
    def palette(self):
        return PALETTES[self.palette_name]

    def query(self) -> dict[str, str]:
        return shared_query(self.territory.id, self.year, self.palette_name == "daltonien")


def shared_query(territory_id: str, year: int, colour_blind: bool) -> dict[str, str]:
    """The URL's shared parameters; the palette only when it is not the default one."""
    query = {TERRITORY_PARAM: territory_id, YEAR_PARAM: str(year)}
    if colour_blind:
        query[COLOURS_PARAM] = COLOURBLIND_VALUE
    return query


def keep_shared_query() -> None:
    """Call before ``st.navigation``: on a page change, put the session's territory and year back into the URL
    at once.

    Why: Streamlit empties the query string when the user changes page; written again only by
    ``sidebar_selection`` (after the navigation), the browser got two history entries per page change
    (the page's address alone, then with its query). A quick Back went through the bare one, whose rerun,
    answered late by a busy server, moved the browser to that page again and wiped the Forward history
    (seen in the Back/Forward browser test under load). Written here, the query reaches the browser before
    the new page's address, and Streamlit pushes them together as one entry.
    """
    saved = st.session_state.get(_SAVED)
    current = st.query_params.to_dict()
    if not saved or TERRITORY_PARAM in current or YEAR_PARAM in current:
        return
    shared = shared_query(str(saved["territory"]), saved["year"], bool(saved.get("palette")))
    st.query_params.from_dict({**current, **shared})    # one write: one message to the browser


def _palette_from_url(warnings: list[str]) -> bool:
    raw = st.query_params.get(COLOURS_PARAM)
    if raw is None:
        return False
    value = _COLOURS_VALUES.get(raw.strip().lower())
    if value is None:
        warnings.append(f"Paramètre « {COLOURS_PARAM} » de l'adresse non reconnu (« {printable(raw)} ») : "
                        f"attendu « {COLOURBLIND_VALUE} » ou « standard ». Couleurs habituelles affichées.")
        return False
    return value


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
    """First run of a session, or Back / Forward to an entry with a selection: the URL decides the controls."""
    territory, year, warnings = _from_url(data)
    palette = _palette_from_url(warnings)
    state = st.session_state
    state[_KEYS["kind"]] = territory.kind
    state[_KEYS["territory"]] = territory.id
    state[_KEYS["year"]] = year
    state[_KEYS["palette"]] = palette
    state[_SAVED] = {"kind": territory.kind, "territory": territory.id, "year": year, "palette": palette}
    state["url_warnings"] = warnings
    state["sel_initialised"] = True


_SAVED = "sel_saved"   # plain copy of the controls: widget state can be dropped on a page change
_VANISHED = "sel_vanished"   # a lib.data.vanished.Vanished the page says (main area), then forgets
_WAITING = "sel_waiting"     # « Territoire d'industrie » chosen but no list loaded: the territory shown instead


def _follow_vanished(data: AppData) -> None:
    """The territory this session was reading is not in the data in service any more (new files without
    the Territoires d'industrie list): move the controls to its replacement and leave the page a message."""
    state = st.session_state
    for requested in (state.get(_KEYS["territory"]), state.get(_SAVED, {}).get("territory")):
        if not requested or exists(data.catalog, str(requested)):
            continue
        before = state.get("selection")      # the previous run's selection, built on the former data
        previous = before.territory if before is not None and before.territory.id == requested else None
        gone = vanished_territory(data.catalog, str(requested), previous)
        state[_VANISHED] = gone
        open_territory(gone.replacement.id)
        return


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
    if not st.session_state.get("sel_initialised") or (history_navigation()
                                                       and TERRITORY_PARAM in st.query_params):
        _initialise(data)
    _follow_vanished(data)
    state = st.session_state
    state[_KEYS["kind"]] = _valid_or_saved(_KEYS["kind"], "kind", lambda v: v in KINDS, "dep")
    state[_KEYS["year"]] = _valid_or_saved(_KEYS["year"], "year", lambda v: v in data.years, data.latest_year)
    state[_KEYS["palette"]] = _valid_or_saved(_KEYS["palette"], "palette", lambda v: isinstance(v, bool), False)
    with st.sidebar:
        st.markdown("### Territoire")
        kind = st.selectbox("Type de territoire", KINDS, format_func=KIND_LABELS.get, key=_KEYS["kind"],
                            on_change=_follow_kind_change, args=(data,))
        options = list(loaders.territory_options(loaders.data_token(data), kind))
        waiting = not options
        if waiting:       # real files without the official list: no territory to offer, say how to get it
            st.info(NO_TI_LIST_MESSAGE, icon="ℹ️")
            saved = state.get(_SAVED, {}).get("territory", DEFAULT_TERRITORY)
            options = [data.catalog.resolve(saved if not str(saved).startswith("ti:") else DEFAULT_TERRITORY)]
            st.caption(f"Affichage de {options[0].label} en attendant.")
        elif kind == "ti":
            options = _searched(options)
        if waiting:
            state[_WAITING] = options[0]        # said in the main area too (show_vanished)
        else:
            state.pop(_WAITING, None)
        by_id = {t.id: t for t in options}
        state[_KEYS["territory"]] = _valid_or_saved(_KEYS["territory"], "territory", lambda v: v in by_id,
                                                    next(iter(by_id)))
        territory_id = st.selectbox(
            "Territoire" if kind != "ti" else "Territoire d'industrie (départements)", list(by_id),
            format_func=lambda i: by_id[i].label, key=_KEYS["territory"], disabled=kind == "fr" or waiting,
            help="Tapez quelques lettres ou un code pour chercher.")
        _kind_hint(kind)
        year = st.selectbox("Année", sorted(data.years, reverse=True), key=_KEYS["year"])
        palette = st.toggle("Couleurs adaptées aux daltoniens", key=_KEYS["palette"])
    selection = Selection(territory=by_id[territory_id], year=int(year),
                          palette_name="daltonien" if palette else "standard")
    state[_SAVED] = {"kind": kind, "territory": territory_id, "year": int(year), "palette": bool(palette)}
    sync_query_params(selection.query())
    return selection


def _searched(options: list[Territory]) -> list[Territory]:
    """The Territoires d'industrie found by the search box (name, département's name or code, région's name);
    all of them when it is empty or finds nothing (said under the box)."""
    query = st.text_input("Chercher un Territoire d'industrie", key="sel_ti_search",
                          placeholder="Nom, département ou région",
                          help="Par exemple « Meurthe », « Grand Est » ou « 54 » : majuscules et accents indifférents.")
    if not query.strip():
        return options
    found = search_territories(options, query)
    if not found:
        st.caption(f"Aucun Territoire d'industrie ne correspond à « {printable(query.strip())} » : liste complète "
                   "ci-dessous.")
        return options
    st.caption(f"{len(found)} territoire{'s' if len(found) > 1 else ''} trouvé{'s' if len(found) > 1 else ''}.")
    return found


def _follow_kind_change(data: AppData) -> None:
    """A new type of territory opens the one that contains (or belongs to) the current territory."""
    state = st.session_state
    previous = state.get(_SAVED, {}).get("territory")
    try:
        current = data.catalog.resolve(previous) if previous else None
    except TerritoryError:
        current = None
    target = related_territory(data.catalog, current, state[_KEYS["kind"]]) if current else None
    if target is not None:
        state[_KEYS["territory"]] = target.id
    if current is not None and current.kind == "dep" and state[_KEYS["kind"]] == "ti":
        from lib.data.territory_links import industry_territories_containing
        found = industry_territories_containing(data.catalog, current)
        state["sel_kind_hint"] = (
            f"Aucun Territoire d'industrie ne compte de commune dans {current.phrase.subject} : territoire de la "
            "même région affiché." if not found else
            f"Autres Territoires d'industrie présents dans {current.phrase.subject} : "
            + ", ".join(t.name for t in found[1:]) + "." if len(found) > 1 else None)


def _kind_hint(kind: str) -> None:
    """After a switch dep → TI: say which other TIs the département has (shown once)."""
    hint = st.session_state.pop("sel_kind_hint", None)
    if hint and kind == "ti":
        with st.sidebar:
            st.caption(markdown_text(hint))         # it names Territoires d'industrie: text, not Markdown


def open_territory(territory_id: str) -> None:
    """Jump to another territory (e.g. a main département of a Territoire d'industrie)."""
    kind = territory_id.split(":", 1)[0] if ":" in territory_id else "fr"
    st.session_state[_KEYS["kind"]] = kind
    st.session_state[_KEYS["territory"]] = territory_id
    st.session_state[_SAVED] = {**st.session_state.get(_SAVED, {}), "kind": kind, "territory": territory_id}


def show_url_warnings() -> None:
    for message in st.session_state.pop("url_warnings", []):
        st.warning(message, icon="⚠️")
    show_vanished()


def show_vanished() -> None:
    """Main area: which territory vanished (once), which one is shown, and buttons for the choices left; and,
    while the sidebar is on « Territoire d'industrie » without a list, which territory the figures are of."""
    waiting = st.session_state.get(_WAITING)
    if waiting is not None:     # the sidebar says « Territoire d'industrie »: the page says what it shows
        st.info(f"{NO_TI_LIST_MESSAGE} Les chiffres affichés sont ceux {waiting.phrase.of} en attendant.",
                icon=":material/info:")
    gone = st.session_state.pop(_VANISHED, None)
    if gone is None:
        return
    with st.container(key="vanished_territory"):
        st.warning(markdown_text(gone.message), icon=":material/location_off:")   # it names a TI of a file
        with st.container(horizontal=True):
            for territory in gone.choices:
                st.button(markdown_text(territory.name), key=f"vanished_{territory.id}", on_click=open_territory,
                          args=(territory.id,), help=f"Afficher {territory.phrase.subject}.")


def current() -> Selection:
    """What pages call: the selection the entry point stored for this run."""
    return st.session_state["selection"]
