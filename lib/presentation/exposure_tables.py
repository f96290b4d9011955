"""Data tables (screen + Excel) of the trends and exposure views, built like lib/presentation/tables.py: one builder per
chart, French headers, typed columns (real numbers in Excel, French formats on screen via
`lib.presentation.tables.display_frame`)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from lib.presentation.table_model import Column, TableSheet
from lib.analysis.exposure import DIMENSION_LABELS, HHI_HIGH, HHI_MODERATE, N_SUPPLIERS, PartnerExposure
from lib.core.formatting import format_number
from lib.data.reference.countries import country_name
from lib.core.schema import EXPORT
from lib.data.territories import region_title
from lib.presentation.tables import product_columns, product_name, with_product_names, yearly_table
from lib.presentation.texts import FLOW_WORDS
from lib.analysis.trends import country_phrase

_DIMENSION_HEADERS = {"partners": ("country", "Code pays", "Pays"), "products": ("product", "Code A129", "Produit")}
_HHI_NOTE = (f"Indice de Herfindahl-Hirschman (IHH) = somme des carrés des parts (échelle 0–1 ; × 10 000 pour "
             f"l'échelle 0–10 000). Lecture : moins de {format_number(HHI_MODERATE, 2)} « diversifié », de "
             f"{format_number(HHI_MODERATE, 2)} à {format_number(HHI_HIGH, 2)} « modérément concentré », "
             "au-delà "
             f"« très concentré » (seuils 1 500 et 2 500 des lignes directrices américaines DOJ/FTC de 2010).")
_UNALLOCATED_NOTE = ("« Non ventilé » : codes propres aux douanes (secret statistique, avitaillement et soutage, "
                     "pays non déterminés) ; ils comptent dans les totaux mais ne désignent aucun pays.")


def _yes(value) -> str:
    return "Oui" if bool(value) else ""


def trend_table(yearly: pd.DataFrame) -> TableSheet:
    """Exports, imports, balance and coverage per year."""
    return yearly_table(yearly, title="Évolution annuelle des échanges",
                        last=Column("coverage", "Taux de couverture", "ratio"),
                        notes=["Solde = exportations − importations ; taux de couverture = exportations ÷ "
                               "importations."])


def changes_table(changes: pd.DataFrame, flow: str, year: int, previous: int | None,
                  dimension: str = "partners") -> TableSheet:
    """Top partners or products of the year with their year-on-year change (output of partner_changes /
    product_changes)."""
    key, code_header, name_header = _DIMENSION_HEADERS[dimension]
    namer = country_name if dimension == "partners" else product_name
    frame = changes.assign(name=changes[key].map(namer))
    words = FLOW_WORDS[flow]
    before = str(previous) if previous is not None else "année précédente"
    what = "pays" if dimension == "partners" else "produits"
    return TableSheet(
        title=f"Évolution des {words['title']} par {'pays' if dimension == 'partners' else 'produit'}, "
              f"{before}–{year}",
        sheet_name=f"Évol. {what} {words['title'][:6]}", frame=frame, columns=[
            Column(key, code_header, "text"), Column("name", name_header, "text"),
            Column("value", f"{words['Title']} {year} (€)", "eur"),
            Column("previous", f"{words['Title']} {before} (€)", "eur"),
            Column("change_eur", "Évolution (€)", "eur"), Column("change_pct", "Évolution (%)", "share"),
            Column("share", f"Part des {words['title']} {year}", "share")],
        notes=["Évolution en % non calculée quand la valeur de l'année précédente est nulle ou absente."])


def _compared(frame: pd.DataFrame, columns: list[Column]) -> list[Column]:
    """The région / France comparison columns that hold something: none for France compared with itself,
    no région column for a région."""
    return [c for c in columns if c.key in frame and frame[c.key].notna().any()]


def exposure_summary_table(exposure: PartnerExposure, territory_name: str) -> TableSheet:
    """Share of exports going to the partner: territory, its région, France."""
    rows = [(territory_name, exposure.value, exposure.exports, exposure.share)]
    if exposure.region is not None:
        rows.append((region_title(exposure.region), np.nan, np.nan, exposure.share_region))
    if np.isfinite(exposure.share_france):        # NaN when the territory is France itself
        rows.append(("France entière", np.nan, np.nan, exposure.share_france))
    frame = pd.DataFrame(rows, columns=["territory", "value", "exports", "share"])
    to = country_phrase(exposure.country, EXPORT)          # « vers les États-Unis »
    return TableSheet(title=f"Exportations {to} ({exposure.year})", sheet_name="Exposition pays",
                      frame=frame, columns=[
                          Column("territory", "Territoire", "text"),
                          Column("value", f"Exportations {to} (€)", "eur"),
                          Column("exports", "Exportations totales (€)", "eur"),
                          Column("share", "Part des exportations", "share")])


def exposure_products_table(exposure: PartnerExposure) -> TableSheet:
    """The territory's products exporting most to the partner and how much each depends on it."""
    products = exposure.products
    frame = with_product_names(products)
    to = country_phrase(exposure.country, EXPORT)
    return TableSheet(title=f"Produits les plus exposés — exportations {to} ({exposure.year})",
                      sheet_name="Exposition produits", frame=frame, columns=[
                          *product_columns(), Column("value", f"Exportations {to} (€)", "eur"),
                          Column("product_exports", "Exportations du produit, tous pays (€)", "eur"),
                          Column("share_of_product", "Part du produit exportée vers ce pays", "share"),
                          Column("share_of_partner", "Part des exportations vers ce pays", "share"),
                          *_compared(frame, [Column("share_of_product_france", "Même part pour la France",
                                                    "share")])],
                      notes=["Part du produit exportée vers ce pays = exportations du produit vers le pays ÷ "
                             "exportations du produit vers tous les pays (dépendance du produit à ce pays)."])


def dependency_table(dependency: pd.DataFrame) -> TableSheet:
    """Main imported products, their three first suppliers and the critical flag."""
    frame = with_product_names(dependency).assign(first_eu=dependency["first_supplier_eu"].map(lambda v: "Oui" if v else "Non"),
                              critical_text=dependency["critical"].map(_yes))
    ordinals = ["1er", "2e", "3e"]
    supplier_columns = []
    for k in range(N_SUPPLIERS):
        supplier_columns += [Column(f"supplier_{k + 1}_name", f"{ordinals[k]} fournisseur", "text"),
                             Column(f"supplier_{k + 1}_share", f"Part du {ordinals[k]} fournisseur", "share")]
    return TableSheet(title="Dépendance aux importations", sheet_name="Dépendance import", frame=frame, columns=[
        *product_columns(), Column("total", "Importations (€)", "eur"), Column("share_of_imports", "Part des importations", "share"),
        *supplier_columns, Column("top3_share", "Part des 3 premiers", "share"),
        Column("unallocated_share", "Part non ventilée", "share"),
        Column("first_eu", "1er fournisseur dans l'UE", "text"),
        Column("critical_text", "Dépendance critique", "text")],
        notes=["Dépendance critique : le premier fournisseur est hors de l'Union européenne et fournit plus de "
               "50 % des importations du produit.", _UNALLOCATED_NOTE])


def concentration_table(concentration: pd.DataFrame) -> TableSheet:
    """HHI of partners and products per flow, on both scales, with the région and France."""
    frame = concentration.assign(
        flow_label=concentration["flow"].map(lambda f: FLOW_WORDS[f]["Title"]),
        dimension_label=concentration["dimension"].map(DIMENSION_LABELS),
        hhi_10000=(concentration["hhi"] * 10_000).round(),
        hhi_region_10000=(concentration["hhi_region"] * 10_000).round(),
        hhi_france_10000=(concentration["hhi_france"] * 10_000).round())
    return TableSheet(title="Concentration des échanges (indice de Herfindahl-Hirschman)",
                      sheet_name="Concentration", frame=frame, columns=[
                          Column("flow_label", "Flux", "text"), Column("dimension_label", "Répartition par", "text"),
                          Column("hhi", "IHH (0–1)", "index"), Column("hhi_10000", "IHH (0–10 000)", "int"),
                          Column("reading", "Lecture", "text"),
                          Column("n_equivalent", "Nombre équivalent (1 ÷ IHH)", "ratio"),
                          *_compared(frame, [Column("hhi_region", "IHH région (0–1)", "index"),
                                             Column("hhi_region_10000", "IHH région (0–10 000)", "int"),
                                             Column("hhi_france", "IHH France (0–1)", "index"),
                                             Column("hhi_france_10000", "IHH France (0–10 000)", "int")])],
                      notes=[_HHI_NOTE, "Pays partenaires : les codes « non ventilé » ne comptent pas comme un "
                             "partenaire."])


def eu_split_table(split: pd.DataFrame) -> TableSheet:
    """Trade with the EU 27, outside the EU and non ventilé, per flow."""
    frame = split.assign(flow_label=split["flow"].map(lambda f: FLOW_WORDS[f]["Title"]))
    return TableSheet(title="Échanges avec l'Union européenne (UE 27)", sheet_name="UE et hors UE", frame=frame,
                      columns=[Column("flow_label", "Flux", "text"), Column("eu27", "UE 27 (€)", "eur"),
                               Column("extra_eu", "Hors UE (€)", "eur"),
                               Column("unallocated", "Non ventilé (€)", "eur"),
                               Column("total", "Total (€)", "eur"),
                               Column("share_eu", "Part UE 27", "share"),
                               Column("share_extra_eu", "Part hors UE", "share"),
                               Column("share_unallocated", "Part non ventilée", "share"),
                               *_compared(frame, [Column("share_eu_region", "Part UE 27 — région", "share"),
                                                  Column("share_eu_france", "Part UE 27 — France", "share")])],
                      notes=["Le Royaume-Uni compte hors UE.", _UNALLOCATED_NOTE])
