"""Issue 22, item 1: a chart drawn with Streamlit's look written into it (lib/ui/screen_theme, `theme=None`) is
the same image as the same chart drawn with Streamlit's theme. One page shows each figure both ways, one under
the other (same width). The two photographs may differ only by anti-aliasing at the edge of one marker (1 to 15
pixels in four runs) and by one level in a colour bar's gradient; a grid, tick marks or a zero line turned on, or another colour or font, change hundreds
to thousands (625 to 7 395 pixels when one of the three axis rules is removed).

The figures have the features of the app's charts that the written-in template must not change: years on a
number axis with a zero line, horizontal bars along text labels, two panels side by side (markers on the
second), a share axis with markers and labels, legends, and a tile map with its own colour scale and colour bar. Their margins leave room for their labels: plotly's
automatic margins, which can settle a fraction of a pixel apart after two draws or three, are not what is
checked here. A Streamlit upgrade that changes its theme (refresh `screen_theme.json` with
`python -m bench.capture_screen_theme`) or a change of the axis rules fails here. `bench.chart_pixels` compares
every chart of the app the same way, against another checkout."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM_AVAILABLE, PROJECT_DIR, SKIP_REASON

if not CHROMIUM_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from PIL import Image, ImageChops  # noqa: E402
from playwright.sync_api import Browser  # noqa: E402

from bench.local_server import StreamlitServer  # noqa: E402

PAGE = '''import sys
sys.path.insert(0, %r)
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from lib.ui.screen_theme import for_screen
from lib.ui.widgets import _SharedFigure     # how the app sends a figure dict as it is (not validated again)

years = go.Figure()
years.add_bar(x=[2023, 2024, 2025], y=[17452.1, 17288.3, 15888.9], name="Exportations")
years.add_bar(x=[2023, 2024, 2025], y=[34685.0, 36432.3, 36607.4], name="Importations")
years.add_scatter(x=[2023, 2024, 2025], y=[-17232.9, -19144.0, -20718.5], name="Solde", mode="lines+markers",
                  marker=dict(symbol="diamond", size=10))
years.update_layout(separators=", ", height=360, legend=dict(orientation="h", y=1.1),
                    xaxis=dict(tickvals=[2023, 2024, 2025], ticktext=["2023<br>Exp.", "2024<br>Exp.", "2025<br>Exp."]),
                    yaxis=dict(ticksuffix=" M€", zeroline=True))

partners = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.8, 0.2], horizontal_spacing=0.02)
names = ["Allemagne", "Italie", "Belgique", "Espagne", "Chine", "États-Unis"]
partners.add_bar(y=names, x=[-7636.6, -7319.7, -2397.3, -2677.7, -2013.9, -552.6], orientation="h",
                 name="Importations", text=["7 636,6 M€"] * 6, textposition="outside", row=1, col=1)
partners.add_bar(y=names, x=[994.5, 973.0, 3415.1, 619.7, 864.6, 2046.4], orientation="h", name="Exportations",
                 row=1, col=1)
partners.add_scatter(y=names, x=[0] * 6, mode="markers+text", text=["−6 642,0 M€"] * 6, textposition="middle right",
                     marker=dict(symbol="diamond", size=12), name="Solde", row=1, col=2)
partners.update_layout(barmode="relative", separators=", ", height=380, legend=dict(orientation="h", y=1.1),
                       margin=dict(l=110),
                       yaxis=dict(autorange="reversed"), xaxis2=dict(visible=False))

shares = go.Figure()
for name, values in (("UE 27", [0.496, 0.685]), ("Hors UE", [0.501, 0.314])):
    shares.add_bar(y=["Exportations", "Importations"], x=values, orientation="h", name=name,
                   text=[f"{name} : {v:.1%%}" for v in values], textposition="inside")
shares.add_scatter(y=["Exportations", "Importations"], x=[0.569, 0.654], mode="markers+text", name="Région",
                   text=["Région : 56,9 %%", "Région : 65,4 %%"], textposition="top center",
                   marker=dict(symbol="triangle-down", size=14))
shares.update_layout(barmode="stack", separators=", ", height=330,
                     xaxis=dict(range=[0, 1.03], tickformat=".0%%", title="Part des échanges"))

from lib.analysis.explorers import DEPARTMENT_CODES
from lib.presentation import tile_map
import pandas as pd
values = pd.Series([(i %% 7 - 3) * 2.5e8 for i in range(len(DEPARTMENT_CODES))], index=DEPARTMENT_CODES)
tiles = tile_map.map_figure(values, "balance", {"13"}, label="Solde commercial")

for index, figure in enumerate((years, partners, shares, tiles)):
    st.plotly_chart(figure, theme="streamlit", key=f"streamlit_{index}")
    st.plotly_chart(_SharedFigure.from_dict(for_screen(figure.to_dict())), theme=None, key=f"written_{index}")
''' % str(PROJECT_DIR)

MOST_PIXELS_APART = 60     # well above that anti-aliasing, ten times below the smallest rule broken
# A colour bar's gradient drawn either way differs by one level of one channel on about 950 pixels (its stops
# rasterised a hair apart): invisible, and far from any colour a broken rule changes (tens of levels).
SAME_LEVELS = 1
_DRAWN_JS = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.length === 8 && charts.every(c => c.querySelector('.main-svg'))
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


@pytest.mark.parametrize("width", [1440, 390])
def test_a_chart_with_the_theme_written_in_looks_the_same(width, browser: Browser, tmp_path):
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "both_ways.py"
        script.write_text(PAGE, encoding="utf-8")
        with StreamlitServer(tmp_path / "server.log", script=script) as server:
            page = browser.new_page(viewport={"width": width, "height": 900})
            try:
                page.goto(server.url)
                page.wait_for_function(_DRAWN_JS, timeout=120_000)
                page.wait_for_timeout(1500)          # the measured-width redraw
                page.mouse.move(0, 0)
                shots = []
                charts = page.locator('[data-testid="stPlotlyChart"]')
                for index in range(8):
                    charts.nth(index).scroll_into_view_if_needed()
                    page.mouse.move(0, 0)
                    page.wait_for_timeout(300)
                    path = tmp_path / f"{width}-{index}.png"
                    charts.nth(index).screenshot(path=str(path), animations="disabled")
                    shots.append(Image.open(path).convert("RGB"))
            finally:
                page.close()
    for index in range(4):
        themed, written = shots[2 * index], shots[2 * index + 1]
        assert themed.size == written.size, (index, themed.size, written.size)
        differing = sum(1 for pixel in ImageChops.difference(themed, written).getdata() if max(pixel) > SAME_LEVELS)
        assert differing <= MOST_PIXELS_APART, \
            f"graphique {index + 1} à {width} px : {differing} pixels différents ({tmp_path})"
