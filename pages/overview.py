"""Vue d'ensemble: key figures, partner balance, and the products treemaps."""
from functools import partial

import streamlit as st

from lib.analysis.coverage import partial_france_note
from lib.core.schema import EXPORT, IMPORT
from lib.presentation.texts import balance_reading, treemap_reading
from lib.outputs.report import BALANCE_PARTNERS, ReportChoices
from lib.presentation.plain_text import markdown_text
from lib.ui import explorer_state as url, loaders, page_choices as choices
from lib.ui.first_screen import paint_first_screen
from lib.ui.page import page_header, render_item, stop_if_no_trade
from lib.ui.synthesis_block import synthesis_block
from lib.ui.widgets import COUNT_RANGE, metric_row

page = page_header("Vue d'ensemble")
summary = page.summary()
stop_if_no_trade(summary, page.territory.name)
synthesis_block(page.compute("overview_synthesis"), key="overview")

for row in loaders.kpi_cards(page.token, page.territory.id, page.year):
    metric_row(row)
if partial_france_note(summary):
    st.caption(partial_france_note(summary))
if page.territory.kind == "dep":
    main_tis = page.data.catalog.industry_territories_of_department(page.territory.departments[0])
    if main_tis:
        st.caption("Principaux Territoires d'industrie du département : "
                   + ", ".join(markdown_text(t.name) for t in main_tis) + " (5 communes au moins dans le département).")

paint_first_screen()   # the title, synthesis and key figures fill the first screen; the charts come below
trend = page.item("trend")
if trend is not None:
    years = trend.data["year"]
    st.subheader(f"Évolution {years.min()}–{years.max()}")
    render_item(trend, page)
    sentences = page.compute("change_sentences", EXPORT, 1) + page.compute("change_sentences", IMPORT, 1)
    if sentences:
        st.markdown("\n".join(f"- {markdown_text(sentence)}" for sentence in sentences))

st.subheader("Balance commerciale territoriale")
st.markdown("Les principaux pays partenaires, à l'importation comme à l'exportation. "
            + balance_reading(page.selection.palette))


@st.fragment
def balance_section() -> None:
    """Moving the slider reruns this chart only, not the whole page (st.fragment)."""
    count = choices.bound(choices.BALANCE_COUNT, "balance_count", BALANCE_PARTNERS,
                          partial(st.slider, "Nombre de pays affichés", *COUNT_RANGE))
    url.show_warnings()
    page.show("balance", ReportChoices(balance_partners=count))


balance_section()

st.subheader("Principales activités à l'export et à l'import")
st.markdown(treemap_reading(page.selection.palette, destination="dans le territoire"))
page.show("treemaps")
