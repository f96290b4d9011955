"""Start the app: `python -m lib.ui.server [streamlit options]` (what `make run` and the tests use).

Why not plain `streamlit run`: Streamlit 1.67 decides per process, on the first session, whether the app
uses the legacy `pages/` auto-discovery; until `st.navigation` has run once it takes the folder for a
legacy app. The very first visitor after a start who opens a shared link to a sub-page
(`/exportations?territoire=…`) then gets Streamlit's English "Page not found" notice. The client's
layout requires `pages/`, so we switch the legacy mode off before the server starts.
"""
from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from lib.ui import admin_link, download_grace, export_errors, upload_guard

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    download_grace.install()
    upload_guard.install()       # uploads only for a session showing an administrator's form
    export_errors.install()
    args = sys.argv[1:] if argv is None else argv
    admin_link.announce(args, APP.parent)   # the one-time administrator link when nothing is configured
    sys.argv = ["streamlit", "run", str(APP), *args]
    cli.main()


if __name__ == "__main__":
    main()
