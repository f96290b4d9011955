"""Shared fixtures: the project on sys.path, the real reference folder (optional), the demo data."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
SHARED_DIR = PROJECT_DIR.parent / "shared"
sys.path.insert(0, str(PROJECT_DIR))


@pytest.fixture(scope="session")
def shared_raw() -> Path:
    raw = SHARED_DIR / "data" / "raw"
    if not raw.is_dir():
        pytest.skip("dossier ../shared/data/raw absent : vérification sur les fichiers réels ignorée")
    return raw


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    """The national-scale demo (generated once, deterministic)."""
    from lib.demo import ensure_demo
    from lib.schema import DEMO_DIR
    return ensure_demo(DEMO_DIR)


@pytest.fixture(scope="session")
def app_data(demo_dir, tmp_path_factory):
    from lib.dataset import load_app_data
    return load_app_data([demo_dir], cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _no_legacy_pages_mode(monkeypatch):
    """Run AppTest like `python -m lib.ui.server` runs the app: `pages/` is not a legacy multipage folder.

    AppTest resets Streamlit's legacy-mode flag before every run; left alone, each rerun after the first
    would execute only the page script (the sidebar of the entry point vanishes).
    """
    from streamlit.runtime.pages_manager import PagesManager
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
