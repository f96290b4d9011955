"""« Copier le texte » in a real (headless) Chromium: the clipboard receives the synthesis as shown."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import CHROMIUM_AVAILABLE, SKIP_REASON
from tests.e2e.test_browser import PAGES, wait_drawn

if not CHROMIUM_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402


def test_copy_button_puts_the_paragraph_in_the_clipboard(page: Page, app_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page.goto(f"{app_url}/?territoire=dep:04&annee=2024")
    wait_drawn(page, PAGES[0], "Alpes-de-Haute-Provence — 2024")
    box = page.locator(".st-key-synthesis_overview")
    paragraph = box.locator('[data-testid="stMarkdownContainer"]').nth(1).inner_text()
    assert paragraph.startswith("En 2024, les Alpes-de-Haute-Provence ont exporté 511,9")
    frame = box.frame_locator("iframe").first
    frame.get_by_role("button", name="Copier le texte").click()
    expect(frame.get_by_role("status")).to_have_text("Texte copié.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == paragraph
