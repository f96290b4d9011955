"""The launcher's one-time administrator link (`make run`), printed when the deployment configured no
administrator access (lib/data/auth.py), as Jupyter prints its token link."""
from __future__ import annotations

import os
from pathlib import Path

from lib.data import auth


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


def announce(args: list[str], project_dir: Path) -> None:
    """Nothing configured: a random token for this process only (environment), and its link on the console."""
    config = auth.load_config(auth.read_secrets_files(project_dir))
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
