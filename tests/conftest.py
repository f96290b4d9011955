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
