"""Data tables of the map and the explorers: typed columns, French on screen, numbers in Excel
(same TableSheet contract as lib/presentation/tables.py)."""
from __future__ import annotations

import pandas as pd

from lib.analysis.trends import WITH, country_phrase
from lib.presentation.table_model import Column, TableSheet
from lib.data.reference.departments import department_name, region_name, region_of
from lib.presentation.tables import partner_name, product_columns, product_name, with_product_names, yearly_table
from lib.presentation.tile_map import KINDS

_KIND_COLUMNS = {"eur": "eur", "share": "share", "ratio": "ratio"}
# Short value headers (the table's title carries the full indicator: « Part des exportations vers … »).
VALUE_HEADERS = {"exports": "Exportations", "imports": "Importations", "balance": "Solde",
                 "coverage": "Taux de couverture", "exposure": "Part des exportations",
                 "product_share": "Part des exportations"}


def _value_column(kind: str) -> Column:
    unit = KINDS[kind].unit
    header = VALUE_HEADERS[kind]
    return Column("value", f"{header} (€)" if unit == "eur" else header, _KIND_COLUMNS[unit])


def _with_names(frame: pd.DataFrame) -> pd.DataFrame:
    codes = frame["department"].astype(str)
    return frame.assign(name=codes.map(department_name),
                        region=codes.map(lambda c: region_name(region_of(c)) if region_of(c) else ""))


def map_table(values: pd.Series, kind: str, label: str, *, notes: list[str] | None = None) -> TableSheet:
    """The map's values for the 101 départements, highest first, with their rank."""
    frame = pd.DataFrame({"department": values.index.astype(str), "value": values.to_numpy(dtype=float)})
    frame["rank"] = frame["value"].rank(ascending=False, method="min")
    frame = _with_names(frame.sort_values(["value", "department"], ascending=[False, True], kind="mergesort",
                                          na_position="last")).reset_index(drop=True)
    return TableSheet(title=f"{label} par département", sheet_name="Carte des départements", frame=frame,
                      columns=[Column("rank", "Rang", "int"), Column("department", "Code", "text"),
                               Column("name", "Département", "text"), Column("region", "Région", "text"),
                               _value_column(kind)],
                      notes=notes or [])


def ranking_table(ranking: pd.DataFrame, kind: str, label: str, *, lowest: bool = False) -> TableSheet:
    """Output of lib.analysis.explorers.ranking: the n highest or lowest départements."""
    frame = _with_names(ranking)
    which = "les plus faibles" if lowest else "les plus élevés"
    return TableSheet(title=f"{label} : départements {which}", sheet_name="Classement" + (" bas" if lowest else ""),
                      frame=frame, columns=[Column("rank", "Rang", "int"), Column("department", "Code", "text"),
                                            Column("name", "Département", "text"), _value_column(kind)])


def product_departments_table(frame: pd.DataFrame, product: str, *, n: int | None = None) -> TableSheet:
    """Output of lib.analysis.explorers.product_departments (the first n rows when n is given)."""
    shown = _with_names(frame.head(n) if n else frame)
    shown = shown.assign(rank=range(1, len(shown) + 1))
    return TableSheet(
        title=f"{product_name(product)} : départements exportateurs et importateurs",
        sheet_name="Départements du produit", frame=shown, columns=[
            Column("rank", "Rang", "int"), Column("department", "Code", "text"),
            Column("name", "Département", "text"), Column("exports", "Exportations (€)", "eur"),
            Column("imports", "Importations (€)", "eur"), Column("balance", "Solde (€)", "eur"),
            Column("share_of_france", "Part des exportations françaises du produit", "share"),
            Column("share_of_department", "Part du produit dans les exportations du département", "share")],
        notes=["Rang selon les exportations du produit."])


def product_partners_table(partners: pd.DataFrame, product: str) -> TableSheet:
    """Output of lib.analysis.explorers.product_partners."""
    frame = partners.assign(country_name=partners["country"].map(partner_name))
    return TableSheet(
        title=f"{product_name(product)} : principaux pays partenaires de la France", sheet_name="Pays du produit",
        frame=frame, columns=[
            Column("country", "Code pays", "text"), Column("country_name", "Pays", "text"),
            Column("imports", "Importations (€)", "eur"), Column("exports", "Exportations (€)", "eur"),
            Column("balance", "Solde (€)", "eur")],
        notes=["Pays classés selon la somme des exportations et des importations du produit."])


def product_countries_table(countries: pd.DataFrame, product: str, flow: str) -> TableSheet:
    """Output of lib.analysis.explorers.product_countries: top destinations or origins, then « Autres »."""
    frame = countries.assign(label=countries["code"].map(partner_name))
    header = "Pays de destination" if flow == "export" else "Pays d'origine"
    word = "exportations" if flow == "export" else "importations"
    return TableSheet(
        title=f"{product_name(product)} : {header.lower()}", sheet_name=header[:31], frame=frame, columns=[
            Column("code", "Code pays", "text"), Column("label", header, "text"),
            Column("value", f"Valeur des {word} (€)", "eur"), Column("share", f"Part des {word} du produit", "share")])


def france_trend_table(trend: pd.DataFrame, subject: str) -> TableSheet:
    """Output of lib.analysis.explorers.product_trend / country_trend (France, every year)."""
    return yearly_table(trend, title=f"{subject} : évolution annuelle (France)",
                        last=Column("share_of_exports", "Part des exportations françaises", "share"),
                        notes=["Solde = exportations − importations."])


def country_departments_table(frame: pd.DataFrame, country: str, *, n: int | None = None) -> TableSheet:
    """Output of lib.analysis.explorers.country_departments (the first n rows when n is given); ``country``
    is the partner's ISO code."""
    shown = _with_names(frame.head(n) if n else frame)
    shown = shown.assign(rank=range(1, len(shown) + 1))
    return TableSheet(
        title=f"Échanges des départements {country_phrase(country, WITH)}", sheet_name="Départements du pays", frame=shown,
        columns=[Column("rank", "Rang", "int"), Column("department", "Code", "text"),
                 Column("name", "Département", "text"), Column("exports", "Exportations (€)", "eur"),
                 Column("imports", "Importations (€)", "eur"), Column("balance", "Solde (€)", "eur"),
                 Column("exposure", "Part des exportations du département (exposition)", "share"),
                 Column("share_of_france", "Part des exportations françaises vers ce pays", "share")],
        notes=["Rang selon les exportations vers ce pays. Exposition = exportations vers ce pays ÷ exportations "
               "totales du département."])


def country_products_table(products: pd.DataFrame, country: str) -> TableSheet:
    """Output of lib.analysis.explorers.country_products (France's trade); ``country``: the ISO code."""
    frame = with_product_names(products)
    return TableSheet(
        title=f"Produits échangés par la France {country_phrase(country, WITH)}", sheet_name="Produits du pays", frame=frame, columns=[
            *product_columns(), Column("imports", "Importations (€)", "eur"), Column("exports", "Exportations (€)", "eur"),
            Column("balance", "Solde (€)", "eur")],
        notes=["Produits classés selon la somme des exportations et des importations avec ce pays."])
