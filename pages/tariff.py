"""Droits de douane : exposition — what a partner's duty would weigh on the territory's exports, flows held."""
from functools import partial

import streamlit as st

from lib.analysis import explorers, partners
from lib.analysis.trends import country_phrase, is_unallocated
from lib.presentation.texts import escape_markdown
from lib.core.formatting import format_amount, format_percent
from lib.core.schema import EXPORT
from lib.data.reference.countries import country_name
from lib.data.territories import regions_share_label
from lib.outputs.report import ReportChoices
from lib.presentation.partner_figures import rate_label
from lib.ui import explorer_state as url, page_choices as choices
from lib.ui.page import page_header, stop_if_no_trade
from lib.ui.widgets import metric_row, wrapping_columns

page = page_header("Droits de douane : exposition", show_ti_box=False)
stop_if_no_trade(page.summary(), page.territory.name, flows=("exports",))
data, territory, year = page.data, page.territory, page.year

with st.container(border=True):
    st.markdown(
        "**Ce que mesure cette page.** Si un pays taxait à l'entrée les produits que le territoire lui vend, quelle "
        "part de ses exportations serait concernée, et combien représenterait ce droit si les échanges de "
        f"{year} restaient les mêmes ? Le montant des droits est un simple produit : exportations concernées × taux.\n\n"
        "**Ce qu'elle ne mesure pas.** Aucune réaction n'est prise en compte : ni baisse des quantités vendues, ni "
        "report des ventes vers d'autres pays, ni ajustement des prix par les entreprises ou les acheteurs. Le droit "
        "est acquitté par l'importateur du pays qui le fixe ; c'est un **ordre de grandeur de l'enjeu**, pas une "
        "prévision de pertes.")

countries = sorted((c for c in explorers.countries_in_data(data.cube) if not is_unallocated(c)),
                   key=lambda c: country_name(c).casefold())
products_all = explorers.products_in_data(data.cube)
left, right = wrapping_columns([3, 1], key="tariff_controls", min_width="14rem")
with left:
    country = choices.bound(choices.TARIFF_COUNTRY, "tariff_country", partners.DEFAULT_TARIFF_COUNTRY, partial(
        st.selectbox, "Pays qui fixe le droit de douane", countries, filter_mode="contains",
        format_func=lambda c: f"{country_name(c)} ({c})", help="Par défaut : les États-Unis."))
with right:
    rate = choices.bound(choices.TARIFF_RATE, "tariff_rate", round(partners.DEFAULT_TARIFF_RATE * 100), partial(
        st.number_input, "Taux du droit (%)", min_value=0, max_value=choices.MAX_RATE_PERCENT, step=1,
        help="Droit ajouté, en pourcentage de la valeur des marchandises."))

quick = partners.quick_pick_products(data.cube, territory, year, country)


def _pick(codes: list[str]) -> None:
    st.session_state["tariff_products"] = list(codes)


chosen = choices.bound(choices.TARIFF_PRODUCTS, "tariff_products", [], partial(
    st.multiselect, "Produits concernés (aucun choix : tous les biens)", products_all, format_func=url.product_label,
    placeholder="Tous les biens", filter_mode="contains", select_all=False,
    help="Tapez un code (C20B) ou quelques lettres du libellé."))
buttons = st.container(horizontal=True, wrap=True)
with buttons:
    st.button(f"Les {len(quick)} premiers produits vendus à ce pays" if quick else "Aucun produit vendu à ce pays",
              key="tariff_quick", on_click=_pick, args=(quick,), disabled=not quick,
              help=escape_markdown(", ".join(url.product_label(p) for p in quick)) or None)
    st.button("Tous les biens", key="tariff_all", on_click=_pick, args=([],), disabled=not chosen)
url.show_warnings()

pick = ReportChoices(tariff_country=country, tariff_rate=rate / 100, tariff_products=tuple(chosen) or None)
result = page.item("tariff-peers", pick).data
to_country = country_phrase(country, EXPORT)
cards = [("Exportations concernées", format_amount(result.own.exposed), None,
          escape_markdown(f"Exportations {page.territory.phrase.of} {to_country} en {year}, pour les produits "
                          "choisis")),
         ("Part des exportations", format_percent(result.own.share), None,
          "Exportations concernées ÷ exportations du territoire vers tous les pays, tous produits"),
         (f"Droits à {rate_label(rate / 100)}", format_amount(result.own.duty), None,
          "Exportations concernées × taux, échanges supposés inchangés")]
if result.region is not None:
    cards.append((regions_share_label(result.region.regions, short=True).replace("Part de", "Part pour"),
                  format_percent(result.region_figures.share), None,
                  f"Même part pour {result.region.phrase.subject} : exportations concernées ÷ toutes ses exportations"))
elif result.france is not None:
    cards.append(("Part pour la France", format_percent(result.france.share), None,
                  "Même part pour la France entière"))
metric_row(cards)
if result.region is not None and result.region_figures.share == result.region_figures.share:
    gap = result.own.share - result.region_figures.share
    several = len(result.region.regions) > 1
    where = "ses régions réunies" if several else "sa région"
    compared = (f"plus que {where}" if gap > 0.0005 else f"moins que {where}" if gap < -0.0005
                else f"autant que {where}")
    st.markdown(f"Part des exportations concernée : **{format_percent(result.own.share)}** pour {escape_markdown(territory.name)}, "
                f"contre {format_percent(result.region_figures.share)} pour {escape_markdown(result.region.phrase.subject)}"
                + (f" et {format_percent(result.france.share)} pour la France" if result.france else "")
                + f" : {compared}.")

st.subheader("Par produit")
st.markdown("Les produits les plus exportés vers ce pays ; au bout de chaque barre, le montant exposé, puis la part "
            "des exportations du produit (vers tous les pays) qui part dans ce pays.")
if page.show("tariff-products", pick) is None:
    st.info(escape_markdown(f"Aucune exportation de ces produits {to_country} n'est enregistrée en {year} pour "
                            f"{territory.name}."),
            icon="ℹ️")
st.subheader("Le territoire, sa région et la France")
page.show("tariff-peers", pick)
st.subheader("Départements de la région" if territory.kind != "fr" else "Départements")
st.markdown("Part des exportations de chaque département qui serait concernée, et sous elle le montant concerné"
            + ({"ti": " ; en couleur, les départements principaux du territoire.",
                "dep": " ; en couleur, le département."}.get(territory.kind, ".")))
if page.show("tariff-ranking", pick) is None:
    st.info("Aucun département de la zone n'exporte ces produits vers ce pays cette année.", icon="ℹ️")
