"""Un pays, plusieurs territoires: up to 8 territories' trade with one partner, every year of the data."""
import dataclasses
from functools import partial

import streamlit as st

from lib.analysis import explorers
from lib.analysis.partners import (DEFAULT_TARIFF_COUNTRY, MAX_TERRITORIES, PARTNER_GROUPS,
                                   default_partner_territories, partner_name)
from lib.analysis.trends import is_unallocated
from lib.core.formatting import format_amount, format_percent
from lib.core.schema import EXPORT, IMPORT
from lib.data.reference.countries import country_name
from lib.outputs.report import ReportChoices
from lib.presentation.texts import escape_markdown
from lib.ui import explorer_state as url, page_choices as choices
from lib.ui.page import page_header, render_item
from lib.ui.widgets import screen_tables, show_table, wrapping_columns

page = page_header("Un pays, plusieurs territoires", show_ti_box=False)
data, territory, year = page.data, page.territory, page.year
catalog = data.catalog
st.markdown("Comparez ce que plusieurs territoires vendent à un même pays (ou achètent à ce pays), année après "
            "année : départements, Territoires d'industrie, et en repères leur région ou la France.")

KIND_PREFIX = {"dep": "", "ti": "TI ", "reg": "Région ", "fr": ""}
options = {t.id: t for kind in ("dep", "ti", "reg", "fr") for t in catalog.territories_of_kind(kind)}


def _label(territory_id: str) -> str:
    found = options.get(territory_id)
    if found is None:
        return territory_id
    return f"{KIND_PREFIX[found.kind]}{found.name if found.kind == 'reg' else found.label}"


default_ids = default_partner_territories(data.cube, territory, year)
chosen_ids = choices.bound(choices.PARTNER_TERRITORIES, "partner_territories", default_ids, partial(
    st.multiselect, f"Territoires comparés ({MAX_TERRITORIES} au plus)", list(options), format_func=_label,
    placeholder="Choisir des territoires…", filter_mode="contains", select_all=False,
    help="Tapez un code (59), un nom de département, de Territoire d'industrie ou de région.",
    on_change=choices.limit_selection, args=("partner_territories", MAX_TERRITORIES, "territoires")))
choices.show_limit_message("partner_territories")

countries = sorted((c for c in explorers.countries_in_data(data.cube) if not is_unallocated(c)),
                   key=lambda c: country_name(c).casefold())
partner_options = list(PARTNER_GROUPS) + countries
products = [""] + explorers.products_in_data(data.cube)
left, middle, right = wrapping_columns([2, 1, 2], key="partner_controls", min_width="14rem")
with left:
    partner = choices.bound(choices.PARTNER, "partner_partner", DEFAULT_TARIFF_COUNTRY, partial(
        st.selectbox, "Pays partenaire", partner_options, filter_mode="contains",
        format_func=lambda c: partner_name(c) if c in PARTNER_GROUPS else f"{country_name(c)} ({c})",
        help="Un pays, ou l'ensemble des 27 pays de l'Union européenne, ou tous les pays hors de l'Union."))
with middle:
    flow = choices.bound(choices.PARTNER_FLOW, "partner_flow", EXPORT, partial(
        st.radio, "Flux", (EXPORT, IMPORT), format_func={EXPORT: "Exportations", IMPORT: "Importations"}.get))
with right:
    product = choices.bound(choices.PARTNER_PRODUCT, "partner_product", "", partial(
        st.selectbox, "Produit (facultatif)", products, filter_mode="contains",
        format_func=lambda p: "Tous les produits" if not p else url.product_label(p)))
url.show_warnings()

if not chosen_ids:
    st.info("Choisissez au moins un territoire.", icon="ℹ️")
    st.stop()
chosen_choices = ReportChoices(partner_territories=tuple(chosen_ids), partner=partner, partner_flow=flow,
                               partner_product=product or None)
item = page.item("partner-trend", chosen_choices)
if item is None:
    st.info("Aucun échange avec ce partenaire n'est enregistré pour ces territoires sur la période (absence "
            "d'échanges ou données couvertes par le secret statistique).", icon="ℹ️")
    st.stop()
st.subheader(escape_markdown(item.title))
in_year = item.data[item.data["year"] == year].sort_values("value", ascending=False, kind="mergesort")
share_words = "de ses exportations" if flow == EXPORT else "de ses importations"
st.markdown(f"**En {year}** : " + " ; ".join(
    f"{escape_markdown(row.name)} {format_amount(row.value)} ({format_percent(row.share)} {share_words})"
    for row in in_year.itertuples()) + ".")
render_item(item, page)
table = item.tables[0]
st.markdown(f"**{escape_markdown(table.title)}**")
for _, notes, shown, widths in screen_tables(table, page.selection, key="partner_table",
                                             cache_key=("partner-table", *dataclasses.astuple(item.choices))):
    show_table(shown, widths)
st.caption("Chaque ligne est la valeur des échanges du territoire avec ce partenaire, en euros courants. Le tableau "
           "donne aussi la part de ces échanges dans ceux du territoire avec tous les pays (même produit), et leurs "
           "évolutions ; une année sans échange enregistré compte pour 0. Un Territoire d'industrie est lu à travers ses départements principaux.")
