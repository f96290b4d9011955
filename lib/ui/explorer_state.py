"""URL parameters of the map and the explorers: ``?produit=C20B``, ``?pays=US``, ``?indicateur=exportations``.

Read like lib/ui/selection.py reads ``territoire`` and ``annee``: a link opens that view, every change of a
control rewrites the URL, a wrong value gives a French warning and a default, never an error. A choice is
remembered for the session (outside the widget's own state, which Streamlit drops when the page is left),
and shared between pages: the product picked in « Par produit » is the map's product too.

The entry point rewrites the query string on every run; it must keep these parameters: call
``sync_query_params(selection.query())`` where ``sidebar_selection`` now calls ``from_dict``.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

import streamlit as st

from lib.data.reference.countries import country_name
from lib.data.reference.products import product_short_label

PRODUCT_PARAM, COUNTRY_PARAM, INDICATOR_PARAM = "produit", "pays", "indicateur"
# The pages' own choices (lib/ui/page_choices.py): written only when they differ from the page's default.
PAGE_PARAMS = ("departements", "flux", "nb_pays", "nb_partenaires", "nb_produits", "carte", "territoires",
               "partenaire", "taux", "produits")
PARAMS = (PRODUCT_PARAM, COUNTRY_PARAM, INDICATOR_PARAM, *PAGE_PARAMS)
_WARNINGS = "explorer_url_warnings"


def sync_query_params(shared: dict[str, str]) -> None:
    """Write the shared selection (territoire, annee) into the URL, keeping the explorers' parameters.

    Any other key is dropped, as ``from_dict`` did. (Streamlit clears the query string when the user changes
    page, so a page's parameters do not follow the user to another page.)
    """
    current = st.query_params.to_dict()
    wanted = {**{k: current[k] for k in PARAMS if k in current}, **shared}
    if current != wanted:
        st.query_params.from_dict(wanted)


def printable(text: str) -> str:
    """Echo a URL value safely inside a Markdown warning."""
    return re.sub(r"[^0-9A-Za-zÀ-ÿ:_ .,'’«»()\u202f\u00a0-]", "?", text)[:200]


def history_navigation() -> bool:
    """True on the rerun the browser asks for after Back or Forward (Streamlit ≥ 1.50 flags it)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    return bool(getattr(get_script_run_ctx(), "is_history_navigation", False))


def _store(param: str) -> str:
    return f"explorer_choice_{param}"


def init_choice(param: str, key: str, options: Iterable[str], default: str, *, expected: str,
                describe: Callable[[str], str] = str, normalise: Callable[[str], str] = str.upper) -> None:
    """Give the widget `key` its value before it is drawn: the URL's on arrival, else the session's last
    choice, else `default`. An unknown URL value is replaced by the default with a French warning."""
    state = st.session_state
    options = list(options)
    if history_navigation() and normalise(st.query_params.get(param, "").strip()) in options:
        state[key] = normalise(st.query_params[param].strip())    # Back / Forward: the URL's entry decides
        return
    # A default is the territory's (its first product…): while the user has not chosen, follow the territory.
    previous_default, state[f"{key}__default"] = state.get(f"{key}__default"), default
    if previous_default is not None and previous_default != default:
        for slot in (key, _store(param)):
            if state.get(slot) == previous_default:
                del state[slot]
    if state.get(key) in options:
        return
    remembered = state.get(_store(param))
    fallback = remembered if remembered in options else default
    raw = st.query_params.get(param)
    if raw is not None and not state.get(f"{key}__url_read"):
        value = normalise(raw.strip())
        if value in options:
            fallback = value
        else:
            state.setdefault(_WARNINGS, []).append(
                f"Paramètre « {param} » de l'adresse non reconnu (« {printable(raw)} ») : attendu {expected}. "
                f"Affichage de {describe(fallback)} à la place.")
        state[f"{key}__url_read"] = True
    state[key] = fallback


def remember(param: str, key: str, to_url: Callable[[str], str] = str) -> str:
    """After the widget is drawn: keep its value for the session and write it into the URL."""
    value = st.session_state[key]
    st.session_state[_store(param)] = value
    if st.query_params.get(param) != to_url(value):
        st.query_params[param] = to_url(value)
    return value


def forget(param: str) -> None:
    """Remove a parameter the page does not use in its current state (e.g. ``pays`` off the exposure map)."""
    if param in st.query_params:
        del st.query_params[param]


def show_warnings() -> None:
    for message in st.session_state.pop(_WARNINGS, []):
        st.warning(message, icon="⚠️")


# ---------------------------------------------------------------- the three choices

def product_label(code: str) -> str:
    """« C20B – Savons, parfums, entretien »: what the select box shows and searches."""
    return f"{code} – {product_short_label(code)}"


def country_label(code: str) -> str:
    """« États-Unis (US) »."""
    return f"{country_name(code)} ({code})"


def product_select(options: list[str], default: str, *, key: str = "explorer_product",
                   label: str = "Produit (nomenclature A129)") -> str:
    init_choice(PRODUCT_PARAM, key, options, default, expected="un code de produit A129 présent dans les "
                "données, comme C20B", describe=product_label)
    st.selectbox(label, options, key=key, format_func=product_label, filter_mode="contains",  # no fuzzy « savon »
                 help="Tapez un code (C20B) ou quelques lettres du libellé pour chercher.")
    return remember(PRODUCT_PARAM, key)


def country_select(options: list[str], default: str, *, key: str = "explorer_country",
                   label: str = "Pays partenaire") -> str:
    ordered = sorted(options, key=lambda c: country_name(c).casefold())
    init_choice(COUNTRY_PARAM, key, ordered, default, expected="un code pays ISO à deux lettres présent dans "
                "les données, comme US ou DE", describe=country_label)
    st.selectbox(label, ordered, key=key, format_func=country_label, filter_mode="contains",
                 help="Tapez quelques lettres du nom ou le code à deux lettres pour chercher.")
    return remember(COUNTRY_PARAM, key)


# The map's indicators in the URL: French words; the first English values stay accepted (older links).
INDICATOR_WORDS = {"exports": "exportations", "imports": "importations", "balance": "solde",
                   "coverage": "couverture", "exposure": "exposition", "product_share": "poids-produit"}
_INDICATOR_OF_WORD = {word: kind for kind, word in INDICATOR_WORDS.items()}


def indicator_from_url(text: str) -> str:
    """« exportations » → "exports"; "exports" stays "exports"; anything else is returned as is (unknown)."""
    text = text.strip().lower()
    return _INDICATOR_OF_WORD.get(text, text)


def indicator_select(options: dict[str, str], default: str, *, key: str = "map_indicator",
                     label: str = "Indicateur") -> str:
    words = [INDICATOR_WORDS.get(k, k) for k in options]
    init_choice(INDICATOR_PARAM, key, list(options), default, expected="l'un de " + ", ".join(words),
                describe=lambda k: f"« {options[k]} »", normalise=indicator_from_url)
    st.selectbox(label, list(options), key=key, format_func=options.get)
    return remember(INDICATOR_PARAM, key, to_url=lambda k: INDICATOR_WORDS.get(k, k))
