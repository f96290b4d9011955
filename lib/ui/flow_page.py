"""The Exportations and Importations pages are mirror images: one renderer for both."""
from __future__ import annotations

from functools import partial

import streamlit as st

from lib.presentation.flow_list import flow_list_html
from lib.presentation.texts import FLOW_WORDS, flow_reading, flow_sides, total_sentences
from lib.analysis.indicators import previous_year
from lib.presentation.plain_text import markdown_text
from lib.ui import loaders
from lib.ui.first_screen import paint_first_screen
from lib.ui.page import PageContext, page_header, render_item, stop_if_no_trade
from lib.ui.responsive import phone_only, wide_only
from lib.ui.synthesis_block import synthesis_block
from lib.ui.widgets import wrapping_columns


def render_flow_page(flow: str) -> None:
    words = FLOW_WORDS[flow]
    page = page_header(words["Title"], show_ti_box=False)
    summary = page.summary()
    stop_if_no_trade(summary, page.territory.name, ("exports" if flow == "export" else "imports",))
    synthesis_block(page.compute("flow_synthesis", flow), key=flow)
    st.markdown(flow_reading(flow, page.selection.palette))
    with st.container(border=True):
        lines = total_sentences(summary, page.territory, flow)
        lines = [markdown_text(line) for line in lines]
        st.markdown(f"**{lines[0]}**" + "".join(f"  \n{line}" for line in lines[1:]))
    paint_first_screen()   # the synthesis and the totals fill the first screen; the Sankey comes below
    sankey = page.item(f"{flow}-flows")
    st.subheader(markdown_text(sankey.title))
    st.caption(flow_sides(flow))
    render_flows(sankey, page)
    st.markdown("**Tableau des flux** (produit × pays, « Autres » regroupant le reste)")
    page.show(f"{flow}-links")
    _changes_section(page, flow)


def render_flows(item, page: PageContext) -> None:
    """A Sankey item: the diagram from 640 px up, its lists on a phone (lib/ui/responsive.py)."""
    with wide_only(item.key):
        render_item(item, page)
    with phone_only(item.key):
        st.html(loaders.flow_list(page.token, page.territory.id, page.year, item.key, item.territory.id,
                                  page.selection.palette_name, partial(flow_list_html, item.data, page.selection.palette)))


def _changes_section(page, flow: str) -> None:
    """Biggest rises and falls of partners and products since the previous year, named in sentences."""
    previous = previous_year(page.data.cube, page.year)
    if previous is None:
        return
    st.subheader(f"Évolution des {FLOW_WORDS[flow]['title']} depuis {previous}")
    sentences = page.compute("change_sentences", flow, 2)
    if sentences:
        st.markdown("\n".join(f"- {markdown_text(sentence)}" for sentence in sentences))
    left, right = wrapping_columns([1, 1], key=f"changes_layout_{flow}", min_width="40rem")   # side by side when wide
    for column, dimension in ((left, "partners"), (right, "products")):
        with column:
            item = page.item(f"{flow}-changes-{dimension}")
            st.markdown(f"**{markdown_text(item.tables[0].title)}**")
            render_item(item, page)
