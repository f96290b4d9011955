"""Exposition et dépendances: exposure to one partner, import dependency, concentration, EU vs rest."""
from functools import partial

import streamlit as st

from lib.analysis import explorers
from lib.core.formatting import format_percent
from lib.data.reference.countries import COUNTRIES
from lib.data.reference.products import product_short_label
from lib.outputs.report import ReportChoices
from lib.presentation.plain_text import markdown_text
from lib.ui import explorer_state as url, page_choices as choices
from lib.ui.page import page_header, render_item, stop_if_no_trade

page = page_header("Exposition et dépendances", show_ti_box=False)
summary = page.summary()
stop_if_no_trade(summary, page.territory.name)
territory, year = page.territory, page.year

st.markdown("Face aux menaces de surtaxes douanières, à quel point le territoire dépend-il d'un pays, à l'export "
            "comme à l'import ? Les indicateurs ci-dessous le situent par rapport à sa région et à la France.")

st.subheader("Exposition à un pays partenaire")
codes = COUNTRIES.sort_values("name")["code"].tolist()
names = dict(zip(COUNTRIES["code"], COUNTRIES["name"]))
first_outside_eu = page.compute("first_outside_eu")
default_country = first_outside_eu or explorers.FALLBACK_EXPOSURE_COUNTRY
why = (f"premier pays de destination hors Union européenne des exportations {territory.phrase.of}"
       if first_outside_eu else "aucune exportation hors de l'Union européenne cette année")
country = choices.bound(choices.EXPOSURE_COUNTRY, "exposure_country", default_country, partial(
    st.selectbox, "Pays", codes, format_func=lambda c: f"{names[c]} ({c})", placeholder="Choisir un pays…",
    filter_mode="contains",
    help=f"Par défaut : {names[default_country]} ({why}). Tapez quelques lettres pour chercher un autre pays."))
url.show_warnings()
if page.show("exposure", ReportChoices(exposure_country=country)) is None:
    st.info(f"Le territoire n'a enregistré aucune exportation vers ce pays en {year}.", icon="ℹ️")

st.subheader("Dépendance aux importations")
st.markdown("Pour chacun des principaux produits importés : part du premier fournisseur et les trois premiers. "
            "Un produit est **signalé** quand un seul pays hors de l'Union européenne en fournit plus de la moitié.")
dependency = page.item("dependency")
critical = dependency.data[dependency.data["critical"]] if "critical" in dependency.data else dependency.data.iloc[0:0]
if len(critical):
    st.warning("Produits dépendant à plus de 50 % d'un fournisseur hors UE : "
               + " ; ".join(markdown_text(f"{product_short_label(p)} ({n}, {format_percent(s, decimals=0)})")
                            for p, n, s in zip(critical["product"], critical["supplier_1_name"],
                                               critical["supplier_1_share"])) + ".", icon="⚠️")
render_item(dependency, page)

st.subheader("Concentration des échanges")
st.markdown("L'**indice de Herfindahl-Hirschman** (somme des carrés des parts) mesure la concentration : sous 0,15 "
            "les échanges sont diversifiés, de 0,15 à 0,25 modérément concentrés, au-delà très concentrés.")
page.show("concentration")

st.subheader("Union européenne et reste du monde")
page.show("eu-split")
