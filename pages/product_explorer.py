"""Par produit: one A129 product across France — départements, partner countries, trend."""
from functools import partial

import streamlit as st

from lib.presentation import explorer_figures as efig, explorer_tables as etab, figures, tile_map
from lib.analysis import explorers
from lib.presentation.exposure_figures import trend_figure
from lib.core.formatting import format_amount, format_percent, format_ratio
from lib.data.reference.products import product_label, product_short_label
from lib.presentation.texts import balance_colours
from lib.ui import explorer_state as url, page_choices as choices
from lib.ui.explorer_widgets import follow_open_request, map_block, open_department_box
from lib.ui.page import page_header
from lib.analysis.indicators import TOP_N
from lib.presentation.plain_text import markdown_text
from lib.ui.widgets import COUNT_RANGE, chart_block, metric_row, table_block, wrapping_columns

page = page_header("Par produit", show_ti_box=False)
follow_open_request(page.year)
cube, year, territory = page.data.cube, page.year, page.territory

options = explorers.products_in_data(cube)
product = url.product_select(options, explorers.default_product(cube, year, territory) or options[0])
url.show_warnings()
short = product_short_label(product)
st.markdown(f"**{markdown_text(f'{product} – {short}')}** : qui, en France, l'exporte et l'importe, avec quels pays, "
            "et comment ses échanges évoluent.")
st.caption(f"Libellé complet de la nomenclature A129 : « {markdown_text(product_label(product))} ».")   # one name on the page

summary = explorers.product_summary(cube, product, year)


def _change(value: float) -> str | None:
    return None if value != value else f"{format_percent(value, signed=True)} sur un an"


rank = (f"rang {summary['rank_exports']} sur {summary['count_exports']} produits"
        if summary["rank_exports"] else None)
metric_row([
    ("Exportations françaises", format_amount(summary["exports"]), _change(summary["change_exports"]), None),
    ("Importations françaises", format_amount(summary["imports"]), _change(summary["change_imports"]), None),
    ("Solde commercial", format_amount(summary["balance"]), None, "Exportations − importations"),
    ("Poids dans les exportations", format_percent(summary["share_of_exports"]), None,
     "Part du produit dans l'ensemble des exportations de la France"),
])
st.caption(" ; ".join(part for part in (
    f"{rank.capitalize()} à l'export" if rank else None,
    f"taux de couverture (exportations ÷ importations) : {format_ratio(summary['coverage'])}") if part) + ".")
if not summary["exports"] and not summary["imports"]:
    st.info(f"Aucun échange de ce produit n'est enregistré en {year} dans les fichiers chargés.", icon="ℹ️")
    st.stop()

st.subheader("Départements exportateurs et importateurs")
flow_kind = choices.bound(choices.PRODUCT_MAP_FLOW, "product_map_flow", "exports", partial(
    st.radio, "Flux", ("exports", "imports"), horizontal=True,
    format_func={"exports": "Exportations", "imports": "Importations"}.get))
url.show_warnings()
departments = explorers.product_departments(cube, product, year)
values = departments.set_index("department")[flow_kind]
flow_word = "Exportations" if flow_kind == "exports" else "Importations"
label = f"{flow_word} : {short}"
highlight = set() if territory.kind == "fr" else set(territory.departments)
map_column, ranking_column = wrapping_columns([3, 2], key="product_map_layout")
with map_column:
    map_block(partial(tile_map.map_figure, values, flow_kind, highlight, label=label),
              lambda: [etab.map_table(values, flow_kind, label), etab.product_departments_table(departments, product)],
              key="product_map", topic="produit", chart=f"{product}-departements-{url.INDICATOR_WORDS[flow_kind]}",
              export_title=f"{flow_word} du produit « {short} » par département ({year})",
              context=page.national_downloads, figure_key=(product, flow_kind))
with ranking_column:
    if territory.kind != "fr":
        own = explorers.territory_value(departments, territory.departments, flow_kind)
        total = float(values.sum())
        st.markdown(f"**{markdown_text(territory.name)}** : {format_amount(own)}"
                    + (f", soit {format_percent(own / total)} du total français." if total else "."))
    table_block(lambda: etab.ranking_table(explorers.ranking(values), flow_kind, label), key="product_top",
                topic="produit", chart=f"{product}-classement-{url.INDICATOR_WORDS[flow_kind]}",
                context=page.national_downloads, cache_key=(product, flow_kind))
    ordered = explorers.ranking(values, n=len(values))["department"].tolist()
    open_department_box(ordered, key="product_open")

st.subheader("Principaux pays partenaires")
st.markdown("Les pays avec lesquels la France échange le plus ce produit : importations à gauche, exportations à "
            f"droite, solde {balance_colours(page.selection.palette)}.")
count = choices.bound(choices.PARTNER_COUNT, "product_partner_count", TOP_N,
                      partial(st.slider, "Nombre de pays affichés", *COUNT_RANGE))
url.show_warnings()
partners = explorers.product_partners(cube, product, year, count)
chart_block(partial(figures.balance_figure, partners), etab.product_partners_table(partners, product),
            key="product_partners", topic="produit", chart=f"{product}-pays", context=page.national_downloads,
            export_title=f"Principaux pays partenaires de la France pour « {short} » ({year})")
destinations, origins = wrapping_columns([1, 1], key="product_countries_layout", min_width="36rem")
for column, flow, title in ((destinations, "export", "Premières destinations"), (origins, "import", "Premières origines")):
    with column:
        st.markdown(f"**{title}**")
        table_block(etab.product_countries_table(explorers.product_countries(cube, product, year, flow), product, flow),
                    key=f"product_countries_{flow}", topic="produit", chart=f"{product}-{title.split()[1]}",
                    context=page.national_downloads)

st.subheader("Évolution en France")
trend = explorers.product_trend(cube, product)
chart_block(partial(trend_figure, efig.yearly_frame(trend)), etab.france_trend_table(trend, short),
            key="product_trend", topic="produit", chart=f"{product}-evolution", context=page.national_downloads,
            export_title=f"Échanges de la France pour « {short} », {trend['year'].min()}-{trend['year'].max()}")
