"""Shared fixtures: the project on sys.path, the real reference folder (optional), the demo data."""
from __future__ import annotations

import inspect
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
    from lib.data.demo import ensure_demo
    from lib.core.schema import DEMO_DIR
    return ensure_demo(DEMO_DIR)


@pytest.fixture(scope="session")
def app_data(demo_dir, tmp_path_factory):
    from lib.analysis.dataset import load_app_data
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


# --- Test tiers -------------------------------------------------------------------------------------------------
# Every test gets exactly one tier, from what it needs, so that a new test file is sorted without anyone
# remembering to mark it: ``browser`` (a real server and Chromium), ``app`` (Streamlit's AppTest runs pages),
# ``render`` (kaleido's Chromium draws PNGs), ``national`` (reads or generates the whole national demo files,
# 18 ZIPs), ``unit`` (pure functions over small or cached data). ``make test-fast`` runs the unit tier;
# ``make test`` runs them all.
TIERS = {
    "unit": "fonctions pures, sans serveur ni navigateur (make test-fast)",
    "render": "rendu PNG par kaleido (Chromium côté serveur)",
    "national": "lit ou génère les 18 ZIP de la démo nationale",
    "app": "pages exécutées par AppTest de Streamlit",
    "browser": "serveur réel (Streamlit, nginx) et, le plus souvent, Chromium piloté par Playwright",
}
_SERVER_HINTS = ("StreamlitServer", "local_server", "nginx")
_RENDER_HINTS = ("chrome_available", "figure_to_png", "render_png", "kaleido", "to_image(")


def pytest_configure(config):
    for name, meaning in TIERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def _tier_of(item) -> str:
    path = Path(str(item.fspath))
    if any(part.startswith("e2e") for part in path.relative_to(PROJECT_DIR).parts):
        return "browser"
    source = _module_source(path)
    if any(hint in source for hint in _SERVER_HINTS):
        return "browser"
    if "AppTest" in source:
        return "app"
    if any(hint in text for hint in _RENDER_HINTS for text in (source, _function_source(item))):
        return "render"
    if "demo_dir" in getattr(item, "fixturenames", ()):
        return "national"
    return "unit"


_SOURCES: dict[Path, str] = {}


def _function_source(item) -> str:
    try:
        return inspect.getsource(item.function)
    except (AttributeError, OSError, TypeError):
        return ""


def _module_source(path: Path) -> str:
    if path not in _SOURCES:
        _SOURCES[path] = path.read_text(encoding="utf-8") if path.suffix == ".py" else ""
    return _SOURCES[path]


def pytest_collection_modifyitems(config, items):
    for item in items:
        declared = [name for name in TIERS if item.get_closest_marker(name)]
        if not declared:
            item.add_marker(getattr(pytest.mark, _tier_of(item)))
