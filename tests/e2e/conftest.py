"""End-to-end fixtures: a real Streamlit server on a free port and Debian's Chromium driven by Playwright.

The whole folder is skipped (French reason) when /usr/bin/chromium is absent. Artifacts go to
``test-artifacts/`` (git-ignored): ``screenshots/``, ``downloads/``, ``e2e-timings.json``, ``e2e-streamlit.log``.
Never run ``playwright install``: the browser is the apt one.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.local_server import StreamlitServer

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")   # Debian's apt package
CHROMIUM_AVAILABLE = Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)
SKIP_REASON = (f"Chromium absent ({CHROMIUM}) : tests de bout en bout ignorés. "
               "Installez-le avec « apt-get install chromium » (jamais « playwright install »).")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"
SCREENSHOTS_DIR = ARTIFACTS_DIR / "screenshots"
DOWNLOADS_DIR = ARTIFACTS_DIR / "downloads"
TIMINGS_FILE = ARTIFACTS_DIR / "e2e-timings.json"
SERVER_LOG = ARTIFACTS_DIR / "e2e-streamlit.log"
VIEWPORT = {"width": 1400, "height": 1800}


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    if not CHROMIUM_AVAILABLE:
        pytest.skip(SKIP_REASON)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "accept_downloads": True, "viewport": VIEWPORT, "locale": "fr-FR"}


@pytest.fixture(scope="session")
def app_url(demo_dir):
    """The app on a free local port (bench.local_server); stopped by its PID at the end of the session."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    with StreamlitServer(SERVER_LOG) as server:
        yield server.url


@pytest.fixture(scope="session")
def cli_summary():
    """`python -m lib.cli summary --territory ID [--year Y] --json`, run once per (territory, year)."""
    cache: dict[tuple[str, int | None], dict] = {}

    def get(territory_id: str, year: int | None = 2024) -> dict:
        if (territory_id, year) not in cache:
            command = [sys.executable, "-m", "lib.cli", "summary", "--territory", territory_id, "--json"]
            if year is not None:
                command += ["--year", str(year)]
            done = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            cache[(territory_id, year)] = json.loads(done.stdout)
        return cache[(territory_id, year)]

    return get


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS_DIR.glob("*.png"):
        old.unlink()
    print(f"\nCaptures d'écran : {SCREENSHOTS_DIR}")
    return SCREENSHOTS_DIR


@pytest.fixture(scope="session")
def downloads_dir() -> Path:
    DOWNLOADS_DIR.mkdir(parents=True, exist_ok=True)
    return DOWNLOADS_DIR


@pytest.fixture(scope="session")
def timings():
    """Seconds per step, written to test-artifacts/e2e-timings.json (recorded, never asserted)."""
    records: dict[str, float] = {}
    yield records
    if records:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        TIMINGS_FILE.write_text(json.dumps({k: round(v, 3) for k, v in records.items()}, ensure_ascii=False,
                                           indent=2) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    if CHROMIUM_AVAILABLE and SCREENSHOTS_DIR.is_dir() and any(SCREENSHOTS_DIR.glob("*.png")):
        terminalreporter.write_line(f"e2e : captures d'écran dans {SCREENSHOTS_DIR}")
        if TIMINGS_FILE.exists():
            terminalreporter.write_line(f"e2e : durées dans {TIMINGS_FILE}")
