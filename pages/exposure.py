"""Exposition et dépendances: exposure to one partner, import dependency, concentration, EU vs rest."""
from functools import partial

import streamlit as st

from lib.analysis import explorers
from lib.presentation import exposure_figures as xfig, exposure_tables as xtab
from lib.core.formatting import format_percent
from lib.data.reference.countries import COUNTRIES
from lib.data.reference.products import product_short_label
from lib.analysis.indicators import region_of_territory
from lib.core.schema import EXPORT
from lib.presentation.texts import chart_title
from lib.analysis.trends import country_phrase
from lib.ui import explorer_state as url, page_choices as choices
from lib.ui.page import page_header, stop_if_no_trade
from lib.ui.widgets import chart_block

page = page_header("Exposition et dépendances", show_ti_box=False)
summary = page.summary()
stop_if_no_trade(summary, page.territory.name)
territory, year = page.territory, page.year
home = region_of_territory(territory)
region_name = home.name if home is not None else None

st.markdown("Face aux menaces de surtaxes douanières, à quel point le territoire dépend-il d'un pays, à l'export "
            "comme à l'import ? Les indicateurs ci-dessous le situent par rapport à sa région et à la France.")

st.subheader("Exposition à un pays partenaire")
codes = COUNTRIES.sort_values("name")["code"].tolist()
names = dict(zip(COUNTRIES["code"], COUNTRIES["name"]))
first_outside_eu = explorers.territory_first_outside_eu(page.data.cube, year, territory)
default_country = first_outside_eu or explorers.FALLBACK_EXPOSURE_COUNTRY
why = (f"premier pays de destination hors Union européenne des exportations {territory.phrase.of}"
       if first_outside_eu else "aucune exportation hors de l'Union européenne cette année")
country = choices.bound(choices.EXPOSURE_COUNTRY, "exposure_country", default_country, partial(
    st.selectbox, "Pays", codes, format_func=lambda c: f"{names[c]} ({c})", placeholder="Choisir un pays…",
    filter_mode="contains",
    help=f"Par défaut : {names[default_country]} ({why}). Tapez quelques lettres pour chercher un autre pays."))
url.show_warnings()
partner = page.compute("exposure", country)
if partner.is_empty:
    st.info(f"Le territoire n'a enregistré aucune exportation vers ce pays en {year}.", icon="ℹ️")
else:
    chart_block(partial(xfig.exposure_figure, partner, territory.name),
                [xtab.exposure_summary_table(partner, territory.name), xtab.exposure_products_table(partner)],
                key="exposure", topic="exposition", chart=country.lower(), context=page.downloads,
                export_title=chart_title(f"Exportations {country_phrase(country, EXPORT)}", territory, year))

st.subheader("Dépendance aux importations")
st.markdown("Pour chacun des principaux produits importés : part du premier fournisseur et les trois premiers. "
            "Un produit est **signalé** quand un seul pays hors de l'Union européenne en fournit plus de la moitié.")
dependency = page.compute("dependency")
critical = dependency[dependency["critical"]] if "critical" in dependency else dependency.iloc[0:0]
if len(critical):
    st.warning("Produits dépendant à plus de 50 % d'un fournisseur hors UE : "
               + " ; ".join(f"{product_short_label(p)} ({n}, {format_percent(s, decimals=0)})"
                            for p, n, s in zip(critical["product"], critical["supplier_1_name"],
                                               critical["supplier_1_share"])) + ".", icon="⚠️")
chart_block(partial(xfig.dependency_figure, dependency), xtab.dependency_table(dependency), key="dependency",
            topic="importations", chart="dependances", context=page.downloads,
            export_title=chart_title("Dépendance aux principaux fournisseurs", territory, year))

st.subheader("Concentration des échanges")
st.markdown("L'**indice de Herfindahl-Hirschman** (somme des carrés des parts) mesure la concentration : sous 0,15 "
            "les échanges sont diversifiés, de 0,15 à 0,25 modérément concentrés, au-delà très concentrés.")
concentration = page.compute("concentration")
chart_block(partial(xfig.concentration_figure, concentration, territory.name, region_name),
            xtab.concentration_table(concentration), key="concentration", topic="concentration",
            chart="hhi", context=page.downloads,
            export_title=chart_title("Concentration des échanges", territory, year))

st.subheader("Union européenne et reste du monde")
split = page.compute("eu_split")
chart_block(partial(xfig.eu_split_figure, split, territory.name, region_name), xtab.eu_split_table(split),
            key="eu_split", topic="ue", chart="hors-ue", context=page.downloads,
            export_title=chart_title("Échanges avec l'Union européenne et le reste du monde", territory, year))
