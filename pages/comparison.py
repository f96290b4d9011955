"""Comparaison: the territory beside its région and France, its product specialisation, and peers."""
from functools import partial

import streamlit as st

from lib.analysis.indicators import region_of_territory
from lib.outputs.report import MAX_PEER_DEPARTMENTS, ReportChoices
from lib.core.formatting import format_millions_words
from lib.data.reference.departments import DEPARTMENTS, department_name
from lib.core.schema import EXPORT, IMPORT
from lib.presentation.texts import FLOW_WORDS
from lib.presentation.plain_text import markdown_text
from lib.ui import explorer_state as url, loaders, page_choices as choices
from lib.ui.flow_page import render_flows
from lib.ui.page import page_header, stop_if_no_trade

page = page_header("Comparaison", show_ti_box=False)
summary = page.summary()
stop_if_no_trade(summary, page.territory.name)
territory = page.territory
home_region = region_of_territory(territory)

several = home_region is not None and len(home_region.regions) > 1
st.subheader("Le territoire, ses régions et la France" if several else "Le territoire, sa région et la France")
if several:
    st.caption(f"Ses départements principaux relèvent de plusieurs régions : il est comparé à "
               f"{home_region.phrase.subject} réunies.")
page.show("comparison")
st.markdown(f"Les mêmes diagrammes pour le territoire, {'ses régions' if several else 'sa région'} et la France, "
            "lus de la même façon (dix premiers produits et pays, « Autres », cinq principaux flux en "
            f"{page.selection.palette.words.highlight}).")
# Only the open tab's diagrams are built and sent (switching tabs reruns the page).
for tab, flow in zip(st.tabs(["Flux à l'export", "Flux à l'import"], key="cmp_flow_tab", on_change="rerun"),
                     (EXPORT, IMPORT)):
    if not tab.open:
        continue
    with tab:
        for key in (f"{flow}-flows", f"{flow}-flows-region", f"{flow}-flows-france"):
            item = page.item(key)
            if item is None:            # no région above a région or France, no France beside France
                continue
            st.markdown(f"**{markdown_text(item.title)}** — Total des {FLOW_WORDS[flow]['title']} : "
                        f"{format_millions_words(item.data.total)}")
            render_flows(item, page)

st.subheader("Structure par produit comparée")
if page.item(f"specialisation-{EXPORT}") is None:
    st.info("La France est la référence de cette comparaison : choisissez un département, un Territoire d'industrie "
            "ou une région pour comparer sa structure par produit à celle de la France.", icon="ℹ️")
else:
    st.markdown("Part de chaque produit dans les échanges du territoire, de sa région et de la France. L'**indice de "
                "spécialisation** rapporte la part dans le territoire à la part en France (au-dessus de 1 : le "
                "territoire est spécialisé dans ce produit).")
    flow = choices.bound(choices.SPEC_FLOW, "spec_flow", EXPORT, partial(
        st.radio, "Flux", (EXPORT, IMPORT), format_func=lambda f: FLOW_WORDS[f]["Title"], horizontal=True))
    page.show(f"specialisation-{flow}")

st.subheader("Comparaison avec d'autres départements")
all_codes = DEPARTMENTS["code"].tolist()
default = list(loaders.default_peers(page.token, territory.id, page.year))
chosen = choices.bound(choices.PEERS, "cmp_departments", default, partial(
    st.multiselect, f"Départements comparés ({MAX_PEER_DEPARTMENTS} au plus)", all_codes,
    format_func=lambda d: f"{d} – {department_name(d)}", placeholder="Choisir des départements…",
    on_change=choices.limit_selection, args=("cmp_departments", MAX_PEER_DEPARTMENTS, "départements")))
choices.show_limit_message("cmp_departments")
url.show_warnings()
if chosen:
    page.show("departments", ReportChoices(peer_departments=tuple(chosen)))
else:
    st.info("Choisissez au moins un département à comparer.")
