"""The banner every page shows when the data state had to be recovered (lib.data.versions.in_service):
CURRENT missing or damaged, or naming a version that is gone or whose manifest is unreadable. The app
then serves the newest complete version and says so here, until an administrator puts a version back in
service (which rewrites CURRENT)."""
from __future__ import annotations

import streamlit as st

from lib.data import versions
from lib.presentation.plain_text import markdown_text


def data_state_banner() -> None:
    """A French warning when the version served is not the one CURRENT names; nothing otherwise."""
    message = versions.in_service().message
    if message:
        st.warning(f"{markdown_text(message)}. Un administrateur peut remettre une version en service depuis la page « À propos "
                   "des données » ; l'incident est inscrit au journal.", icon="⚠️")
