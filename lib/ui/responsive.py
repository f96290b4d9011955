"""What changes on a phone (below 640 px), decided by the browser with CSS media queries.

Why CSS: Streamlit tells a script nothing about the screen (``st.context`` has no width), and a width sent
back by a script would arrive after the first paint and cost a rerun. A media query is right from the first
paint and follows a phone turned sideways. 640 px is where Streamlit itself stacks columns.

- A block that has a phone version (the Sankey and its lists, lib.presentation.flow_list) is sent in two
  keyed containers, ``wide_…`` and ``phone_…``; the screen's width shows one. Only cheap phone versions
  (plain HTML, no chart) are sent this way: a hidden chart would still cost the browser its drawing.
- plotly's toolbar appears where a finger touched the chart and stays there (a touch is a lasting hover),
  over the legend or a column heading. On a phone it is hidden: its zoom and pan fight the page's scroll,
  the image and the table are downloaded by the buttons under each chart, and a strip of its own above the
  chart is not possible (Streamlit fixes the element's height to the figure's).
- Butterfly charts (balance by country or by product) keep their balance column; the amounts at the end of
  each bar, which had no room at 358 px and ran into the balance markers, are left to the hover and the
  data table.
"""
from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

PHONE_MAX_PX = 639.98
BUTTERFLY_CHARTS = ("balance", "country_products", "product_partners")

_CSS = f"""<style>
@media (min-width: {PHONE_MAX_PX + 0.02}px) {{ [class*="st-key-phone_"] {{ display: none !important; }} }}
@media (max-width: {PHONE_MAX_PX}px) {{
  [class*="st-key-wide_"] {{ display: none !important; }}
  [data-testid="stMain"] [data-testid="stPlotlyChart"] .modebar-container {{ display: none; }}
  {", ".join(f'.st-key-chart_{key} .bartext' for key in BUTTERFLY_CHARTS)} {{ display: none; }}
}}
.cet-flow-list ul, .cet-flow-list ol {{ list-style: none; padding: 0; margin: 0 0 1rem 0; }}
.cet-flow-list li {{ margin: 0 0 0.55rem 0; line-height: 1.3; }}
.cet-flow-list ol li {{ padding-left: 0.5rem; }}
.cet-flow-list .name {{ display: block; }}
.cet-flow-list .value {{ display: block; font-size: 0.9rem; color: #4A4F57; }}
.cet-flow-list .bar {{ display: block; height: 0.45rem; border-radius: 2px; margin-top: 0.15rem; }}
.cet-flow-list p {{ margin: 0.4rem 0; }}
</style>"""


def responsive_css() -> None:
    """Call once per run from the entry point."""
    st.html(_CSS)


@contextmanager
def wide_only(key: str):
    """Content shown from 640 px up (its phone version goes in ``phone_only`` with the same key)."""
    with st.container(key=f"wide_{key}"):
        yield


@contextmanager
def phone_only(key: str):
    """Content shown below 640 px only."""
    with st.container(key=f"phone_{key}"):
        yield
