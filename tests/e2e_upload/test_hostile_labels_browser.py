"""Issue 19, « labels are text », in the browser: Streamlit's own Markdown and plotly.js's own rendering.

A server of its own (free 127.0.0.1 port, stopped by its PID) reads only official-format files written into a
temporary folder by tests/hostile_labels.py: a Territoire d'industrie named with every payload of the issue
(Markdown link, strike-through, colour, formula, icon, emoji, bare URL and e-mail, <a href>, <span style>,
<b>, <!--<script>), a product and a country code made of tags. On each page: no link, strike-through,
formula, icon or coloured text comes from a label, no SVG link or 90 px text in a chart, the labels read
as typed, and « Copier le texte » copies the name whole. Screenshots: test-artifacts/hostile/.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.local_server import StreamlitServer
from tests.hostile_labels import FRIENDLY_TI_NAME, HOSTILE_TI_NAME, PAYLOADS, write_hostile_files

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts" / "hostile"
WORD_JOINER = "\u2060"
PAGES = {"overview": "/", "exportations": "/exportations", "comparaison": "/comparaison", "donnees": "/donnees"}

# What labels would have produced, found in the rendered page (the app's own heading anchors « # » aside).
_FOUND = """() => {
  const roots = ['[data-testid="stMain"]', '[data-testid="stSidebar"]'].map(s => document.querySelector(s)).filter(Boolean);
  const all = sel => roots.flatMap(r => Array.from(r.querySelectorAll(sel)));
  const md = '[data-testid="stMarkdownContainer"] ';
  return {
    links: all('a[href]').filter(a => !a.getAttribute('href').startsWith('#') && /evil|mailto/i.test(a.href))
                         .map(a => a.outerHTML.slice(0, 100)),
    strikes: all(md + 'del, ' + md + 's').length,
    formulas: all('.katex').length,
    coloured: all(md + 'span[style*="color"]').filter(s => /rouge/.test(s.textContent)).length,
    icons: all(md + '[data-testid="stIconMaterial"]').length,
    emphasis: all(md + 'em, ' + md + 'code').filter(e => /gras|it|code/.test(e.textContent)
                                                    && /lien|titre/.test(e.parentElement.textContent)).length,
    svg_links: all('.main-svg a').length,
    svg_big: all('.main-svg [style*="90px"]').length,
    svg_tag_codes: all('.main-svg text, .main-svg tspan')
        .filter(t => /C99Z/.test(t.textContent) && !/<B>C99Z/.test(t.textContent)).length,
    pwned: window.__pwned || null,
    text: roots.map(r => r.innerText).join('\\n').replaceAll('\\u2060', ''),
  };
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    write_hostile_files(data_dir / "officiel")
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    with StreamlitServer(ARTIFACTS_DIR / "streamlit.log", env={"CET_DATA_DIR": str(data_dir)}) as server:
        yield server


def _open(page, url: str) -> None:
    page.goto(url)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=90_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
    page.wait_for_timeout(1500)             # plotly draws after the run ends


@pytest.mark.parametrize("name", list(PAGES))
def test_hostile_labels_render_as_plain_text(hostile_server, page, name):
    _open(page, f"{hostile_server.url}{PAGES[name]}?territoire=ti:TIH&annee=2024")
    found = page.evaluate(_FOUND)
    text = found.pop("text")
    assert found == {"links": [], "strikes": 0, "formulas": 0, "coloured": 0, "icons": 0, "emphasis": 0,
                     "svg_links": 0, "svg_big": 0, "svg_tag_codes": 0, "pwned": None}
    assert all(payload in text for payload in PAYLOADS[:4]), text[:600]
    assert "\U0001F604" not in text                      # « :smile: » stays a word
    page.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"))


def test_a_friendly_name_reads_exactly_as_written(hostile_server, page):
    _open(page, f"{hostile_server.url}/?territoire=ti:TIV&annee=2024")
    heading = page.locator('[data-testid="stMain"] h4').first.inner_text()
    assert heading.replace(WORD_JOINER, "") == f"{FRIENDLY_TI_NAME} — 2024"
    for width, height in ((1024, 768), (1920, 1080), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(800)
        page.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS_DIR / f"friendly-{width}x{height}.png"))


def test_copy_button_copies_a_name_with_a_script_comment(hostile_server, page, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=hostile_server.url)
    _open(page, f"{hostile_server.url}/?territoire=ti:TIH&annee=2024")
    box = page.locator(".st-key-synthesis_overview")
    shown = box.locator('[data-testid="stMarkdownContainer"]').nth(1).inner_text().replace(WORD_JOINER, "")
    frame = box.frame_locator("iframe").first
    frame.get_by_role("button", name="Copier le texte").click(timeout=60_000)
    expect(frame.get_by_role("status")).to_have_text("Texte copié.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == shown                                      # the paragraph as the page shows it
    assert HOSTILE_TI_NAME in copied.replace("\u00a0", " ")     # the synthesis' « : » takes a no-break space
