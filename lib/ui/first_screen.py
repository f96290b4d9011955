"""The first screen painted before the charts below it: a short pause in the page's run, between the two.

Why: Streamlit's frontend gathers the elements that arrive close together and renders them in one go. A
warm overview run sends everything within about 40 ms, so the browser built the whole page in one task of
about 0,45 s, plotly's drawing of the three charts about two thirds of it, and showed nothing before the
end, although at 1 440 × 900 (and at 1 920 × 1 080) none of the charts is on the first screen: the title,
the synthesis and the key figures fill it (measured with ``python -m bench.switch_profile``).

A pause of a few tens of milliseconds after the first screen's elements lets the frontend render them and
the browser paint them; the charts arrive during that paint and are drawn next. Streamlit has no call to
flush what was sent, and a follow-up run (a fragment triggered later) would cost a second run and leave
AppTest, which never triggers it, without the charts; the pause costs no CPU. No browser (AppTest, whose
headers are empty): nothing to paint, no pause.
"""
from __future__ import annotations

import time

import streamlit as st

PAUSE_S = 0.05   # 15 ms was too short to split the render on the loaded 2-core machine; 50 ms split it every time


def has_browser() -> bool:
    """A browser is on the other end of this session (AppTest has no headers)."""
    return bool(st.context.headers.get("User-Agent"))


def paint_first_screen() -> None:
    """Call once in a page, after the elements that fill the first screen and before the charts below it."""
    if has_browser():
        time.sleep(PAUSE_S)
