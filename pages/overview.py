"""Vue d'ensemble: key figures, partner balance, and the products treemaps."""
from functools import partial

import streamlit as st

from lib.presentation import exposure_figures as xfig, exposure_tables as xtab, figures, tables
from lib.presentation.overview_metrics import kpi_cards
from lib.core.schema import EXPORT, IMPORT
from lib.presentation.texts import balance_reading, chart_title, treemap_reading
from lib.outputs.report import BALANCE_PARTNERS
from lib.ui import explorer_state as url, loaders, page_choices as choices
from lib.ui.page import page_header, stop_if_no_trade
from lib.ui.synthesis_block import synthesis_block
from lib.ui.widgets import COUNT_RANGE, chart_block, metric_row

page = page_header("Vue d'ensemble")
summary = page.summary()
stop_if_no_trade(summary, page.territory.name)
synthesis_block(page.compute("overview_synthesis"), key="overview")

for row in kpi_cards(page.data.cube, page.territory, page.year, summary):
    metric_row(row)
if page.territory.kind == "dep":
    main_tis = page.data.catalog.industry_territories_of_department(page.territory.departments[0])
    if main_tis:
        st.caption("Principaux Territoires d'industrie du département : "
                   + ", ".join(t.name for t in main_tis) + " (5 communes au moins dans le département).")

yearly = page.compute("yearly")
if len(yearly) > 1:
    st.subheader(f"Évolution {yearly['year'].min()}–{yearly['year'].max()}")
    chart_block(partial(xfig.trend_figure, yearly), partial(xtab.trend_table, yearly), key="trend", topic="evolution",
                chart="annees", context=page.downloads, figure_key=(),
                export_title=f"Exportations, importations et solde par année, {page.territory.name}")
    sentences = page.compute("change_sentences", EXPORT, 1) + page.compute("change_sentences", IMPORT, 1)
    if sentences:
        st.markdown("\n".join(f"- {sentence}" for sentence in sentences))

st.subheader("Balance commerciale territoriale")
st.markdown("Les principaux pays partenaires, à l'importation comme à l'exportation. "
            + balance_reading(page.selection.palette))


@st.fragment
def balance_section() -> None:
    """Moving the slider reruns this chart only, not the whole page (st.fragment)."""
    count = choices.bound(choices.BALANCE_COUNT, "balance_count", BALANCE_PARTNERS,
                          partial(st.slider, "Nombre de pays affichés", *COUNT_RANGE))
    url.show_warnings()
    partners = loaders.partners(page.token, page.territory.id, page.year, count)
    chart_block(partial(figures.balance_figure, partners), partial(tables.partner_table, partners), key="balance",
                topic="balance", chart="pays", context=page.downloads, figure_key=(count,),
                export_title=chart_title("Balance commerciale territoriale", page.territory, page.year))


balance_section()

st.subheader("Principales activités à l'export et à l'import")
st.markdown(treemap_reading(page.selection.palette, destination="dans le territoire"))
exports = loaders.products(page.token, page.territory.id, page.year, EXPORT)
imports = loaders.products(page.token, page.territory.id, page.year, IMPORT)
chart_block(partial(figures.flows_treemap_figure, exports, imports),
            lambda: [tables.products_table(exports, EXPORT), tables.products_table(imports, IMPORT)],
            key="treemaps", topic="activites", chart="produits", context=page.downloads, figure_key=(),
            export_title=chart_title("Principales activités à l'export et à l'import", page.territory, page.year))
