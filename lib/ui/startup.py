"""Once per server process, before the first page: remove what interrupted imports left behind.

Kept apart from the entry point so that `streamlit_app.py` stays a router; the result is cached for the
process, so the data page can tell the administrator what was removed (lib/data/leftovers.py).
"""
from __future__ import annotations

import logging

import streamlit as st

from lib.data import leftovers

_log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def clean_leftovers() -> leftovers.Cleanup:
    """The leftovers removed when this process served its first page (empty if none, or on failure)."""
    try:
        cleanup = leftovers.clean_at_startup()
    except OSError as exc:      # a read-only data folder must not stop the app
        _log.warning("nettoyage au démarrage impossible : %s", exc)
        return leftovers.Cleanup()
    if cleanup:
        _log.warning("Au démarrage : %s.", cleanup.message)
    return cleanup
