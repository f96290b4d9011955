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

A session's first page waits longer (FIRST_VISIT_PAUSE_S). On a first visit the browser has none of
Streamlit's element code yet: the key figures show grey placeholders until their code arrives, and the first
chart makes the browser fetch and run plotly's bundle (4,7 Mo, about 0,85 s in one uninterrupted task). With
the short pause the charts arrived before the key figures were drawn, and the placeholders stayed until
plotly had run: the overview's key figures appeared at 2,7 s, with the charts (a film of the placeholders,
1 440 × 900). With 0,6 s they appear at 1,5 s and the charts are drawn no later (`bench.perceived_speed`:
first screen 1,36 s instead of 2,85 s, every chart drawn 2,79 s both times); 0,3 s was not enough.
"""
from __future__ import annotations

import time

import streamlit as st

PAUSE_S = 0.05   # 15 ms was too short to split the render on the loaded 2-core machine; 50 ms split it every time
FIRST_VISIT_PAUSE_S = 0.6
_VISITED = "first_screen_painted"      # session key: the session's first page has been sent


def has_browser() -> bool:
    """A client is on the other end of this session (AppTest has no headers)."""
    return bool(st.context.headers.get("User-Agent"))


def loads_element_code() -> bool:
    """A web browser, which fetches Streamlit's element code on its first page (every browser's User-Agent
    starts with « Mozilla/ »; the load benchmarks' Python clients draw nothing and keep the short pause)."""
    return st.context.headers.get("User-Agent", "").startswith("Mozilla/")


def paint_first_screen() -> None:
    """Call once in a page, after the elements that fill the first screen and before the charts below it."""
    if has_browser():
        first_visit = not st.session_state.get(_VISITED)
        time.sleep(FIRST_VISIT_PAUSE_S if first_visit and loads_element_code() else PAUSE_S)


def page_sent() -> None:
    """Call at the end of every run (entry point): from then on the browser has the code of what it showed,
    whatever page it opened first."""
    st.session_state[_VISITED] = True
