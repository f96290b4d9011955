"""Start the app: `python -m lib.ui.server [streamlit options]` (what `make run` and the tests use).

Plain `streamlit run streamlit_app.py` works as well, from the very first visitor (see
lib/ui/first_visit.py). This launcher is a convenience kept for `make run`, the tests and systemd: it
switches Streamlit's legacy `pages/` mode off before the server starts (so the first run needs no alias)
and installs the download grace period (lib/ui/download_grace.py) before any session exists.
"""
from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from lib.ui import admin_cookie, admin_link, download_grace, export_errors, upload_guard

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    download_grace.install()
    upload_guard.install()       # uploads only for a session showing an administrator's form
    export_errors.install()
    admin_cookie.install()       # the route that keeps an administrator across a reload (signed cookie)
    args = sys.argv[1:] if argv is None else argv
    admin_link.announce(args, APP.parent)   # the one-time administrator link when nothing is configured
    sys.argv = ["streamlit", "run", str(APP), *args]
    cli.main()


if __name__ == "__main__":
    main()
