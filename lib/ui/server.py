"""Start the app: `python -m lib.ui.server [streamlit options]` (what `make run` and the tests use).

Why not plain `streamlit run`: Streamlit 1.67 decides per process, on the first session, whether the app
uses the legacy `pages/` auto-discovery; until `st.navigation` has run once it takes the folder for a
legacy app. The very first visitor after a start who opens a shared link to a sub-page
(`/exportations?territoire=…`) then gets Streamlit's English "Page not found" notice. The client's
layout requires `pages/`, so we switch the legacy mode off before the server starts.

It also guards Streamlit's upload endpoint (lib/ui/upload_guard.py) and, when the deployment has
configured no administrator access (lib/auth.py), prints a one-time administrator link in the console.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from lib import auth
from lib.ui import download_grace, export_errors, upload_guard

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def _option(args: list[str], name: str, default: str) -> str:
    """The value of `--name value` or `--name=value` among Streamlit's options."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def console_base_url(args: list[str]) -> str:
    address = _option(args, "--server.address", "localhost")
    host = "localhost" if address in ("", "0.0.0.0", "::") else address
    path = _option(args, "--server.baseUrlPath", "").strip("/")
    return f"http://{host}:{_option(args, '--server.port', '8501')}" + (f"/{path}" if path else "")


def announce_admin_access(args: list[str]) -> None:
    """Nothing configured: a random one-time link for the person at the console, as Jupyter does."""
    config = auth.load_config(auth.read_secrets_files(APP.parent))
    for problem in config.problems:
        print(f"  Attention : {problem}", flush=True)
    if config.configured:
        os.environ.pop(auth.CONSOLE_TOKEN_ENV, None)
        return
    token = auth.new_token()
    base = console_base_url(args)
    os.environ[auth.CONSOLE_TOKEN_ENV] = token
    os.environ[auth.CONSOLE_URL_ENV] = base
    print("\n  Administration (dépôt de fichiers, retour à une version antérieure) : ouvrez ce lien, valable "
          f"une fois,\n  sur cette machine :\n  {auth.console_link(base, token)}\n", flush=True)


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    download_grace.install()
    upload_guard.install()
    export_errors.install()
    args = sys.argv[1:] if argv is None else argv
    announce_admin_access(args)
    sys.argv = ["streamlit", "run", str(APP), *args]
    cli.main()


if __name__ == "__main__":
    main()
