"""Carte de France: one indicator for the 101 départements on the project's tile grid, beside its ranking."""
from functools import partial

import streamlit as st

from lib.presentation import explorer_tables as etab, tile_map
from lib.analysis import explorers
from lib.data.reference.products import product_short_label
from lib.analysis.trends import country_phrase, product_phrase
from lib.presentation.plain_text import markdown_text
from lib.ui import explorer_state as url
from lib.ui.explorer_widgets import follow_open_request, map_block, open_department_box
from lib.ui.page import page_header
from lib.ui.widgets import table_block, wrapping_columns

page = page_header("Carte de France", show_ti_box=False)
follow_open_request(page.year)
cube, year, territory = page.data.cube, page.year, page.territory

st.markdown("Chaque carré est un département, placé à peu près à sa place sur la carte ; les cinq départements "
            "d'outre-mer sont en haut à gauche. Choisissez un indicateur ; cliquez sur un carré, ou choisissez un "
            "département sous la carte, pour ouvrir sa vue d'ensemble.")
left, right = st.columns(2)
with left:
    kind = url.indicator_select(tile_map.KIND_LABELS, "exports")
country = product = None
with right:
    if kind == "exposure":
        country = url.country_select(explorers.countries_in_data(cube),
                                     explorers.default_exposure_country(cube, year, territory), key="map_country")
    else:
        url.forget(url.COUNTRY_PARAM)
    if kind == "product_share":
        product = url.product_select(explorers.products_in_data(cube),
                                     explorers.default_product(cube, year, territory) or "C21Z",
                                     key="map_product")
    else:
        url.forget(url.PRODUCT_PARAM)
url.show_warnings()

values = explorers.department_values(cube, year, kind, country=country, product=product)
label = tile_map.KINDS[kind].label
missing_text = None
if kind == "exposure":
    label = f"Part des exportations {country_phrase(country, 'export')}"
    missing_text = "aucune exportation"
elif kind == "product_share":
    label = f"Part {product_phrase(product)} dans les exportations"
    missing_text = "aucune exportation"
elif kind == "coverage":
    missing_text = "aucune importation"
highlight = set() if territory.kind == "fr" else set(territory.departments)

map_column, ranking_column = wrapping_columns([3, 2], key="map_layout")
with map_column:
    notes = []
    if kind == "coverage":
        words = page.selection.palette.words
        notes.append(f"Taux de couverture = exportations ÷ importations ; {words.surplus} au-dessus de 1 (excédent), "
                     f"{words.deficit} en dessous (déficit).")
    map_block(partial(tile_map.map_figure, values, kind, highlight, label=label, missing_text=missing_text),
              partial(etab.map_table, values, kind, label, notes=notes), key="france_map", topic="carte",
              chart=url.INDICATOR_WORDS[kind] + (f"-{country}" if country else "") + (f"-{product}" if product else ""),
              export_title=f"{label}, par département ({year})", context=page.national_downloads,
              figure_key=(kind, country, product, page.selection.palette_name),   # the notes name its colours
              clickable=True)
    caption = ("Couleurs sur une échelle en racine carrée (échelle logarithmique pour le taux de couverture), "
               "pour distinguer aussi les petits départements ; la barre de couleurs donne les valeurs.")
    if highlight:
        caption += f" Contour noir : {markdown_text(territory.name)}."
    st.caption(caption)
with ranking_column:
    if territory.kind == "dep":
        code = territory.code
        rank = explorers.ranking(values, n=len(values))
        own = rank[rank["department"] == code]
        if not own.empty:
            st.markdown(f"**{markdown_text(territory.name)}** : {tile_map.format_value(kind, float(own['value'].iloc[0]))}, "
                        f"rang {int(own['rank'].iloc[0])} sur {len(rank)}.")
    top_tab, bottom_tab = st.tabs(["Les 10 plus élevés", "Les 10 plus faibles"])
    with top_tab:
        table_block(lambda: etab.ranking_table(explorers.ranking(values), kind, label), key="map_top", topic="carte",
                    chart=f"{url.INDICATOR_WORDS[kind]}-premiers", context=page.national_downloads,
                    cache_key=(kind, country, product))
    with bottom_tab:
        table_block(lambda: etab.ranking_table(explorers.ranking(values, lowest=True), kind, label, lowest=True),
                    key="map_bottom", topic="carte", chart=f"{url.INDICATOR_WORDS[kind]}-derniers",
                    context=page.national_downloads, cache_key=(kind, country, product))
    ordered = explorers.ranking(values, n=len(values))["department"].tolist()
    ordered += [c for c in explorers.DEPARTMENT_CODES if c not in ordered]
    open_department_box(ordered, key="map_open")
    if product is not None:
        st.caption(f"Produit : {markdown_text(f'{product} – {product_short_label(product)}')}. Voir aussi la page "
                   "« Par produit ».")
