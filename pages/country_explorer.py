"""Par pays: one partner country — départements trading with it, products both ways, balance, trend."""
from functools import partial

import streamlit as st

from lib.presentation import explorer_figures as efig, explorer_tables as etab, tile_map
from lib.analysis import explorers
from lib.presentation.exposure_figures import trend_figure
from lib.core.formatting import format_amount, format_percent, format_ratio
from lib.data.reference.countries import country_name
from lib.analysis.trends import WITH, country_phrase
from lib.presentation.texts import balance_colours
from lib.ui import explorer_state as url, page_choices as choices
from lib.ui.explorer_widgets import follow_open_request, map_block, open_department_box
from lib.ui.page import page_header
from lib.analysis.indicators import TOP_N
from lib.presentation.plain_text import markdown_text
from lib.ui.widgets import COUNT_RANGE, chart_block, metric_row, table_block, wrapping_columns

page = page_header("Par pays", show_ti_box=False)
follow_open_request(page.year)
cube, year, territory = page.data.cube, page.year, page.territory

options = explorers.countries_in_data(cube)
country = url.country_select(options, explorers.default_partner(cube, year, territory) or options[0])
url.show_warnings()
name = country_name(country)
to_country, from_country = country_phrase(country, "export"), country_phrase(country, "import")
with_country = country_phrase(country, WITH)
st.markdown(f"**{markdown_text(name)}** : quels départements commercent {markdown_text(with_country)}, quels produits, quel solde, et son "
            "évolution.")

summary = explorers.country_summary(cube, country, year)


def _change(value: float) -> str | None:
    return None if value != value else f"{format_percent(value, signed=True)} sur un an"


metric_row([
    ("Exportations françaises", format_amount(summary["exports"]), _change(summary["change_exports"]),
     markdown_text(f"Exportations de la France {to_country}")),
    ("Importations françaises", format_amount(summary["imports"]), _change(summary["change_imports"]),
     markdown_text(f"Importations de la France {from_country}")),
    ("Solde commercial", format_amount(summary["balance"]), None, "Exportations − importations"),
    ("Taux de couverture", format_ratio(summary["coverage"]), None, "Exportations ÷ importations"),
])
facts = []
if summary["rank_exports"]:
    facts.append(f"{format_percent(summary['share_of_exports'])} des exportations françaises "
                 f"(rang {summary['rank_exports']} sur {summary['count_exports']} pays clients)")
if summary["rank_imports"]:
    facts.append(f"{format_percent(summary['share_of_imports'])} des importations "
                 f"(rang {summary['rank_imports']} sur {summary['count_imports']} pays fournisseurs)")
if facts:
    st.caption(markdown_text(f"{name} : " + " ; ".join(facts) + f" en {year}."))
if not summary["exports"] and not summary["imports"]:
    st.info(markdown_text(f"Aucun échange {with_country} n'est enregistré en {year} dans les fichiers chargés."),
            icon="ℹ️")
    st.stop()

st.subheader("Départements qui commercent avec ce pays")
# Option labels that do not change with the country: Streamlit's radio holds its choice by its label in the
# browser, so « Exportations vers l'Italie » → « … vers l'Espagne » left no option selected. The country is
# named in the map's title and legend (`label`).
indicators = {"exports": "Exportations", "imports": "Importations",
              "exposure": "Exposition (part des exportations du département)"}
kind = choices.bound(choices.COUNTRY_MAP_KIND, "country_map_kind", "exports", partial(
    st.radio, "Indicateur", list(indicators), horizontal=True, format_func=lambda k: markdown_text(indicators[k])))
url.show_warnings()
departments = explorers.country_departments(cube, country, year)
values = departments.set_index("department")[kind]
label = {"exports": f"Exportations {to_country}", "imports": f"Importations {from_country}",
         "exposure": f"Part des exportations {to_country}"}[kind]
highlight = set() if territory.kind == "fr" else set(territory.departments)
map_column, ranking_column = wrapping_columns([3, 2], key="country_map_layout")
with map_column:
    map_block(partial(tile_map.map_figure, values, kind, highlight, label=label,
                      missing_text="aucune exportation" if kind == "exposure" else None),
              lambda: [etab.map_table(values, kind, label), etab.country_departments_table(departments, country)],
              key="country_map", topic="pays", chart=f"{country}-departements-{url.INDICATOR_WORDS[kind]}",
              export_title=f"{label}, par département ({year})", context=page.national_downloads,
              figure_key=(country, kind))
with ranking_column:
    if territory.kind != "fr":
        partner = page.compute("exposure", country)
        st.markdown(f"**{markdown_text(territory.name)}** : {format_amount(partner.value)} d'exportations {markdown_text(to_country)}"
                    + (f", soit {format_percent(partner.share)} de ses exportations." if partner.exports else "."))
    table_block(lambda: etab.ranking_table(explorers.ranking(values), kind, label), key="country_top", topic="pays",
                chart=f"{country}-classement-{url.INDICATOR_WORDS[kind]}", context=page.national_downloads,
                cache_key=(country, kind))
    open_department_box(explorers.ranking(values, n=len(values))["department"].tolist(), key="country_open")

st.subheader("Produits échangés dans les deux sens")
st.markdown(f"Les produits que la France échange le plus {markdown_text(with_country)} : importations à gauche, exportations à "
            f"droite, solde {balance_colours(page.selection.palette)}.")
count = choices.bound(choices.PRODUCT_COUNT, "country_product_count", TOP_N,
                      partial(st.slider, "Nombre de produits affichés", *COUNT_RANGE))
url.show_warnings()
products = explorers.country_products(cube, country, year, count)
chart_block(partial(efig.products_balance_figure, products, name), etab.country_products_table(products, country),
            key="country_products", topic="pays", chart=f"{country}-produits", context=page.national_downloads,
            export_title=f"Produits échangés par la France {with_country} ({year})")

st.subheader("Évolution en France")
trend = explorers.country_trend(cube, country)
chart_block(partial(trend_figure, efig.yearly_frame(trend)), etab.france_trend_table(trend, name),
            key="country_trend", topic="pays", chart=f"{country}-evolution", context=page.national_downloads,
            export_title=f"Échanges de la France {with_country}, {trend['year'].min()}-{trend['year'].max()}")
