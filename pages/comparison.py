"""Comparaison: the territory beside its région and France, its product specialisation, and peers."""
from functools import partial

import streamlit as st

from lib.presentation import figures, tables
from lib.analysis import indicators as ind
from lib.outputs.report import MAX_PEER_DEPARTMENTS, default_peer_departments
from lib.core.formatting import format_millions_words
from lib.data.reference.departments import DEPARTMENTS, department_name
from lib.core.schema import EXPORT, IMPORT
from lib.presentation.texts import FLOW_WORDS, chart_title
from lib.ui import explorer_state as url, loaders, page_choices as choices
from lib.ui.page import page_header, stop_if_no_trade
from lib.ui.widgets import chart_block

page = page_header("Comparaison", show_ti_box=False)
summary = page.summary()
stop_if_no_trade(summary, page.territory.name)
territory = page.territory
home_region = ind.region_of_territory(territory)
peers = ind.comparison_peers(territory)

several = home_region is not None and len(home_region.regions) > 1
st.subheader("Le territoire, ses régions et la France" if several else "Le territoire, sa région et la France")
if several:
    st.caption(f"Ses départements principaux relèvent de plusieurs régions : il est comparé à "
               f"{home_region.phrase.subject} réunies.")
st.markdown(f"Les mêmes diagrammes pour le territoire, {'ses régions' if several else 'sa région'} et la France, "
            "lus de la même façon (dix premiers produits et pays, « Autres », cinq principaux flux en "
            f"{page.selection.palette.words.highlight}).")
# Only the open tab's diagrams are built and sent (switching tabs reruns the page).
for tab, flow in zip(st.tabs(["Flux à l'export", "Flux à l'import"], key="cmp_flow_tab", on_change="rerun"),
                     (EXPORT, IMPORT)):
    if not tab.open:
        continue
    with tab:
        words = FLOW_WORDS[flow]
        for peer in peers:
            structure = loaders.structure(page.token, peer.id, page.year, flow)
            title = chart_title(words["short_chart"], peer, page.year, in_value=True)
            st.markdown(f"**{title}** — Total des {words['title']} : {format_millions_words(structure.total)}")
            chart_block(partial(figures.sankey_figure, structure), partial(tables.flow_nodes_table, structure),
                        key=f"cmp_{flow}_{peer.slug}", topic=words["title"], chart="flux",
                        context=page.downloads_for(peer), export_title=title, figure_key=())

st.subheader("Structure par produit comparée")
if territory.kind == "fr":
    st.info("La France est la référence de cette comparaison : choisissez un département, un Territoire d'industrie "
            "ou une région pour comparer sa structure par produit à celle de la France.", icon="ℹ️")
else:
    st.markdown("Part de chaque produit dans les échanges du territoire, de sa région et de la France. L'**indice de "
                "spécialisation** rapporte la part dans le territoire à la part en France (au-dessus de 1 : le "
                "territoire est spécialisé dans ce produit).")
    flow = choices.bound(choices.SPEC_FLOW, "spec_flow", EXPORT, partial(
        st.radio, "Flux", (EXPORT, IMPORT), format_func=lambda f: FLOW_WORDS[f]["Title"], horizontal=True))
    spec = loaders.specialisation(page.token, territory.id, page.year, flow)
    chart_block(partial(figures.specialisation_figure, spec, territory.name,
                        home_region.name if home_region else None, flow=flow),
                partial(tables.specialisation_table, spec, flow, home_region), key="specialisation", topic=FLOW_WORDS[flow]["title"],
                chart="specialisation", context=page.downloads, figure_key=(flow,),
                export_title=chart_title(f"Structure des {FLOW_WORDS[flow]['title']} par produit", territory,
                                         page.year))

st.subheader("Comparaison avec d'autres départements")
all_codes = DEPARTMENTS["code"].tolist()
default = default_peer_departments(page.data.cube, territory, page.year)
chosen = choices.bound(choices.PEERS, "cmp_departments", default, partial(
    st.multiselect, f"Départements comparés ({MAX_PEER_DEPARTMENTS} au plus)", all_codes,
    format_func=lambda d: f"{d} – {department_name(d)}", placeholder="Choisir des départements…",
    on_change=choices.limit_selection, args=("cmp_departments", MAX_PEER_DEPARTMENTS, "départements")))
choices.show_limit_message("cmp_departments")
url.show_warnings()
if chosen:
    frame = ind.compare_departments(page.data.cube, chosen, page.year)
    chart_block(partial(figures.departments_comparison_figure, frame), partial(tables.departments_table, frame),
                key="peers", topic="comparaison", chart="departements", context=page.downloads,
                figure_key=tuple(chosen),
                export_title=f"Exportations, importations et solde de départements ({page.year})")
else:
    st.info("Choisissez au moins un département à comparer.")
