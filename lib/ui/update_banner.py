"""The banner of a data change: kept in the session and drawn under every page's title until the reader
closes it (issue 20 item 6).

The entry point notices the change once per session (lib/ui/loaders.py); drawn only then, the banner
vanished at the next click and readers of the other pages never learned that the figures had changed.
"""
from __future__ import annotations

import streamlit as st

_KEY = "_update_banner"


def remember(text: str) -> None:
    """A newer change replaces the sentence of an earlier one, which no longer describes the data."""
    st.session_state[_KEY] = text


def dismiss() -> None:
    st.session_state.pop(_KEY, None)


def show() -> None:
    """Under the page title: the sentence and its « Fermer » button, on every page until closed."""
    text = st.session_state.get(_KEY)
    if not text:
        return
    with st.container(key="update_banner"):
        st.info(text, icon=":material/sync:")
        st.button("Fermer ce message", key="update_banner_close", on_click=dismiss, type="tertiary",
                  icon=":material/close:", help="Le message ne sera plus affiché dans cette session.")
