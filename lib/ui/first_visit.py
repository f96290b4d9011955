"""A shared link to a sub-page works from the very first visitor of a plain `streamlit run streamlit_app.py`.

Why: Streamlit 1.67 decides once per process, when the first session starts, whether the app uses the
legacy `pages/` auto-discovery; with a `pages/` folder beside the entry point it says yes, until
`st.navigation` has run once. That first run looks the URL's page up among the files of `pages/`
(`exports.py` answers `/exports`, not `/exportations`) and, not finding it, sends the browser an English
« Page not found » notice before our router is even reached.

How: `pages/` also holds one small alias file per French address (`pages/exportations.py`, …). In the
legacy lookup the alias is found, so no notice is sent, and the alias runs the real router
(`streamlit_app.py`), whose `st.navigation` switches the legacy mode off for good and opens the right
page. Once `st.navigation` has run, the aliases are never listed, so never reachable.
`python -m lib.ui.server` (the launcher) switches the legacy mode off before starting and needs none of this.

The legacy run also sends its own sidebar list, the raw file names of `pages/` (« streamlit app, about,
carte, comparaison, comparison… »), shown to that first visitor for a second or more until the router's
`st.navigation` replaces it. So `.streamlit/config.toml` sets `client.showSidebarNavigation = false`, which
hides that list (and any navigation sent in the same run), and `reveal_navigation` turns the option back on
once `st.navigation` has ended the legacy mode, then starts the run again so the browser gets the setting
(Streamlit sends it at the start of each run). Once per process: a few milliseconds, no data loaded yet.
"""
from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st

NAVIGATION_OPTION = "client.showSidebarNavigation"

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def run_router() -> None:
    """Run the entry point as Streamlit would (same globals as a script run)."""
    runpy.run_path(str(APP), run_name="__main__")


def reveal_navigation() -> None:
    """Call right after `st.navigation`: the first run of a process turns the navigation on and reruns."""
    if st.get_option(NAVIGATION_OPTION) is False:
        st.set_option(NAVIGATION_OPTION, True)
        st.rerun()
