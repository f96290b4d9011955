"""Browser test of the upload form: its own Streamlit server on a free 127.0.0.1 port, on a private data folder.

The server gets `CET_DATA_DIR` pointing to a temporary folder seeded with one regional file: the repository's
data/officiel and data/cache are never touched. Skipped (French reason) when /usr/bin/chromium is absent;
never `playwright install`. Screenshots go to test-artifacts/upload/ (git-ignored).
"""
from __future__ import annotations

import os
import re
import urllib.request
from pathlib import Path

import pytest

from bench.local_server import StreamlitServer

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")   # Debian's apt package
CHROMIUM_AVAILABLE = Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts" / "upload"


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    if not CHROMIUM_AVAILABLE:
        pytest.skip(f"Chromium absent ({CHROMIUM}) : test d'envoi de fichiers dans le navigateur ignoré. "
                    "Installez-le avec « apt-get install chromium » (jamais « playwright install »).")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1800}, "locale": "fr-FR"}


def health(url: str) -> bytes:
    return urllib.request.urlopen(url + "/_stcore/health", timeout=5).read()


def _seeded_data_dir(tmp_path_factory):
    from tests.test_bad_input import KEPT_DEPS, TI_ROWS, region_zip_bytes, ti_csv
    data_dir = tmp_path_factory.mktemp("donnees") / "data"
    (data_dir / "officiel").mkdir(parents=True)
    (data_dir / "officiel" / "region_93_A.zip").write_bytes(region_zip_bytes("93", KEPT_DEPS))
    (data_dir / "officiel" / "liste-ti-com2023-20250101.csv").write_bytes(ti_csv(TI_ROWS))
    return data_dir


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory):
    """(url, data folder, server) of a default run (no administrator access configured: console link)
    reading only its own data folder; stopped by its PID."""
    data_dir = _seeded_data_dir(tmp_path_factory)
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    env = {"CET_DATA_DIR": str(data_dir), "CET_ADMIN_SECRET": "", "CET_ADMIN_EMAILS": ""}
    with StreamlitServer(ARTIFACTS_DIR / "streamlit.log", env=env) as server:
        yield server.url, data_dir, server


@pytest.fixture(scope="module")
def secret_server(tmp_path_factory):
    """The same with a shared administrator secret configured (so no console link)."""
    data_dir = _seeded_data_dir(tmp_path_factory)
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    env = {"CET_DATA_DIR": str(data_dir), "CET_ADMIN_SECRET": ADMIN_SECRET, "CET_ADMIN_EMAILS": ""}
    with StreamlitServer(ARTIFACTS_DIR / "streamlit-secret.log", env=env) as server:
        yield server.url, data_dir, server


ADMIN_SECRET = "secret-de-la-prefecture-pour-le-test"


def console_link(server) -> str:
    """The last one-time administrator link the launcher printed (a used one is replaced by a new one)."""
    links = re.findall(r"(http://\S+/donnees\?admin=[\w-]+)", server.log_text())
    assert links, "le lanceur aurait dû afficher un lien administrateur :\n" + server.log_text()
    return links[-1]
