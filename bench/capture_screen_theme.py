"""Write `lib/ui/screen_theme.json`: the plotly template Streamlit's frontend gives a chart on screen.

`python -m bench.capture_screen_theme` (after a Streamlit upgrade or a change of `[theme]` in
.streamlit/config.toml). A bare page with one chart is served with the project's configuration, drawn in
headless Chromium with Streamlit's theme, and the template plotly.js received is saved. The app then
draws its charts with `theme=None` and this template written into each figure (lib/ui/screen_theme.py):
the same look, but one plotly draw per chart instead of two or three (bench/plotly_draws.py).
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.local_server import PROJECT_DIR, StreamlitServer
from bench.perceived_speed import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

TARGET = PROJECT_DIR / "lib" / "ui" / "screen_theme.json"
PAGE = '''import plotly.graph_objects as go
import streamlit as st
st.plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))
'''


def capture() -> dict:
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "one_chart.py"
        script.write_text(PAGE, encoding="utf-8")
        with StreamlitServer(Path(tmp) / "server.log", script=script) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(server.url)
            page.wait_for_function("() => document.querySelector('.js-plotly-plot .main-svg')", timeout=120_000)
            template = page.evaluate("() => document.querySelector('.js-plotly-plot').layout.template")
            browser.close()
    return template


def main() -> int:
    template = capture()
    TARGET.write_text(json.dumps(template, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(PROJECT_DIR)} : {len(template['layout'])} réglages de mise en page, "
          f"{len(template['data'])} types de tracés")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
