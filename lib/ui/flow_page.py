"""The Exportations and Importations pages are mirror images: one renderer for both."""
from __future__ import annotations

from functools import partial

import streamlit as st

from lib.presentation import exposure_tables as xtab, figures, tables
from lib.analysis.indicators import previous_year
from lib.presentation.texts import FLOW_WORDS, chart_title, flow_reading, flow_sides, total_sentences
from lib.ui import loaders
from lib.ui.page import page_header, stop_if_no_trade
from lib.ui.synthesis_block import synthesis_block
from lib.ui.widgets import chart_block, table_block, wrapping_columns

def render_flow_page(flow: str) -> None:
    words = FLOW_WORDS[flow]
    page = page_header(words["Title"], show_ti_box=False)
    summary = page.summary()
    stop_if_no_trade(summary, page.territory.name, ("exports" if flow == "export" else "imports",))
    synthesis_block(page.compute("flow_synthesis", flow), key=flow)
    st.markdown(flow_reading(flow, page.selection.palette))
    with st.container(border=True):
        lines = total_sentences(summary, page.territory, flow)
        st.markdown(f"**{lines[0]}**" + "".join(f"  \n{line}" for line in lines[1:]))
    structure = loaders.structure(page.token, page.territory.id, page.year, flow)
    title = chart_title(words["chart"], page.territory, page.year, in_value=True)
    st.subheader(title)
    st.caption(flow_sides(flow))
    chart_block(partial(figures.sankey_figure, structure), partial(tables.flow_nodes_table, structure),
                key=f"sankey_{flow}", topic=words["title"], chart="flux", context=page.downloads,
                export_title=title, figure_key=())
    st.markdown("**Tableau des flux** (produit × pays, « Autres » regroupant le reste)")
    table_block(partial(tables.links_table, structure), key=f"links_{flow}", topic=words["title"], chart="liens",
                context=page.downloads, cache_key=())
    _changes_section(page, flow)


def _changes_section(page, flow: str) -> None:
    """Biggest rises and falls of partners and products since the previous year, named in sentences."""
    previous = previous_year(page.data.cube, page.year)
    if previous is None:
        return
    words = FLOW_WORDS[flow]
    st.subheader(f"Évolution des {words['title']} depuis {previous}")
    sentences = page.compute("change_sentences", flow, 2)
    if sentences:
        st.markdown("\n".join(f"- {sentence}" for sentence in sentences))
    left, right = wrapping_columns([1, 1], key=f"changes_layout_{flow}", min_width="40rem")   # side by side when wide
    for column, dimension, name in ((left, "partners", "partner_changes"), (right, "products", "product_changes")):
        with column:
            table = xtab.changes_table(page.compute(name, flow), flow, page.year, previous, dimension)
            st.markdown(f"**{table.title}**")
            table_block(table, key=f"{name}_{flow}", topic=words["title"],
                        chart=f"evolution-{'pays' if dimension == 'partners' else 'produits'}", context=page.downloads,
                        cache_key=())
