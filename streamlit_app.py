"""Entry point: page setup, the shared selection in the sidebar, and the router. Nothing else."""
import streamlit as st

from lib.ui import admin_cookie, auth, download_grace, export_errors, first_screen, loaders, startup, upload_guard
from lib.ui.dossier_button import dossier_button
from lib.ui.first_visit import reveal_navigation
from lib.ui.french_ui import french_interface
from lib.ui.responsive import responsive_css
from lib.ui.selection import keep_shared_query, sidebar_selection

download_grace.install()   # also when started with plain `streamlit run` (idempotent)
upload_guard.install()
export_errors.install()
# "auto": open from 768 px up, closed on a phone (it opened over the whole page at 390 px).
st.set_page_config(page_title="Commerce extérieur des territoires", page_icon="🌍", layout="wide",
                   initial_sidebar_state="auto")

keep_shared_query()   # before the navigation: a page change makes one history entry, its query included
# Register the pages before the (possibly slow, first-time) data load: a cold first session otherwise
# got Streamlit's "Page not found" dialog when opened on a sub-page link.
navigation = st.navigation([
    st.Page("pages/overview.py", title="Vue d'ensemble", icon=":material/dashboard:", default=True),
    st.Page("pages/exports.py", title="Exportations", icon=":material/north_east:", url_path="exportations"),
    st.Page("pages/imports.py", title="Importations", icon=":material/south_west:", url_path="importations"),
    st.Page("pages/comparison.py", title="Comparaison", icon=":material/compare_arrows:", url_path="comparaison"),
    st.Page("pages/partner.py", title="Un pays, plusieurs territoires", icon=":material/stacked_line_chart:",
            url_path="un-pays"),
    st.Page("pages/exposure.py", title="Exposition et dépendances", icon=":material/warning:", url_path="exposition"),
    st.Page("pages/tariff.py", title="Droits de douane : exposition", icon=":material/request_quote:",
            url_path="droits-de-douane"),
    st.Page("pages/map.py", title="Carte de France", icon=":material/map:", url_path="carte"),
    st.Page("pages/product_explorer.py", title="Par produit", icon=":material/category:", url_path="par-produit"),
    st.Page("pages/country_explorer.py", title="Par pays", icon=":material/public:", url_path="par-pays"),
    st.Page("pages/about.py", title="À propos des données", icon=":material/info:", url_path="donnees"),
])
reveal_navigation()   # hidden by .streamlit/config.toml until the legacy pages/ listing is over (first_visit)

startup.clean_leftovers()   # once per process: staging folders and temporary files of interrupted work
upload_guard.begin_run()
auth.consume_console_link()
admin_cookie.deliver()      # sets or clears the administrator's reload cookie after a sign-in or « Quitter »
data = loaders.app_data()
st.session_state["selection"] = sidebar_selection(data)
st.session_state["current_page_path"] = navigation.url_path   # page_choices: which page a shared URL word is for
dossier_button(data, st.session_state["selection"])

with st.sidebar:
    st.caption("Commerce extérieur des territoires — données des douanes (DGDDI).")
french_interface()
responsive_css()
try:
    navigation.run()
finally:   # also after st.stop() / st.rerun(): a run that did not draw the upload form withdraws it
    upload_guard.end_run()
    first_screen.page_sent()
