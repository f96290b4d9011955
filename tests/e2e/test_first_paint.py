"""Issue 22, item 5: the first visitor of a fresh plain `streamlit run streamlit_app.py` never sees the raw
file names of `pages/` in the sidebar (« streamlit app, about, carte, comparison… », shown about a second
before the router's navigation replaced them). The sidebar is read every 100 ms from the first request
until the router's links are there (lib/ui/first_visit.py, `.streamlit/config.toml`).
"""
from __future__ import annotations

import re
import time

import pytest

from tests.e2e.conftest import ARTIFACTS_DIR, CHROMIUM_AVAILABLE, SKIP_REASON

if not CHROMIUM_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import Browser  # noqa: E402

from bench.local_server import PROJECT_DIR, StreamlitServer  # noqa: E402

ROUTER_TITLES = re.findall(r'st\.Page\([^)]*?title="([^"]+)"',
                           (PROJECT_DIR / "streamlit_app.py").read_text(encoding="utf-8"))
_NAV_JS = """() => [...document.querySelectorAll('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')]
  .filter(a => a.offsetParent !== null)
  .map(a => a.innerText.trim().split("\\n").pop().trim())"""     # the icon's name, then the title


@pytest.mark.parametrize("path", ["", "exportations"])
def test_first_visitor_sees_only_the_router_navigation(path, browser: Browser):
    assert len(ROUTER_TITLES) == 11
    with StreamlitServer(ARTIFACTS_DIR / f"first-paint-{path or 'accueil'}.log", plain=True) as server:
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(f"{server.url}/{path}?territoire=dep:04&annee=2024", wait_until="commit")
        seen: list[list[str]] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            names = page.evaluate(_NAV_JS)
            if names and names not in seen:
                seen.append(names)
            if names == ROUTER_TITLES:
                break
            page.wait_for_timeout(100)
        page.close()
    assert seen, "aucune navigation affichée en 120 s"
    assert seen[-1] == ROUTER_TITLES
    assert [names for names in seen if not set(names) <= set(ROUTER_TITLES)] == []
