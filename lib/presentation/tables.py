"""The data table behind every chart, as typed columns: shown on screen in French format,
written to Excel as real numbers. One builder per chart keeps screen and download identical."""
from __future__ import annotations

import pandas as pd

from lib.analysis.coverage import france_share_label, partial_france_note
from lib.core import formatting as fmt
from lib.presentation.table_model import Column, TableSheet
from lib.analysis.indicators import OTHERS, OTHERS_LABEL, FlowStructure
from lib.data.reference.countries import country_name
from lib.data.reference.departments import department_name
from lib.data.reference.products import group_short_label, product_group, product_label, product_short_label
from lib.data.territories import regions_share_label
from lib.presentation.texts import FLOW_WORDS


def product_name(code: str) -> str:
    """The name a product has in every chart and table (the short label): one name per product on a page."""
    return OTHERS_LABEL if code == OTHERS else product_short_label(code)


def product_full_name(code: str) -> str:
    """The nomenclature's own wording, in a column of its own beside the short name."""
    return "Autres produits" if code == OTHERS else product_label(code)


FULL_LABEL_HEADER = "Libellé complet (nomenclature A129)"


def with_product_names(frame: pd.DataFrame, key: str = "product") -> pd.DataFrame:
    """`label` (the short name the charts show) and `full_label` columns for the product codes in `key`."""
    codes = frame[key].astype(str)
    return frame.assign(label=codes.map(product_name), full_label=codes.map(product_full_name))


def product_columns(key: str = "product") -> list[Column]:
    return [Column(key, "Code A129", "text"), Column("label", "Produit", "text"),
            Column("full_label", FULL_LABEL_HEADER, "text")]


def partner_name(code: str) -> str:
    return OTHERS_LABEL if code == OTHERS else country_name(code)


def kpi_table(summary: dict, extra: dict | None = None) -> TableSheet:
    """Key figures as rows; each row fills the one typed column it needs (€, share, ratio or rank)."""
    rows = [("Exportations", summary["exports"], None, None, None),
            ("Importations", summary["imports"], None, None, None),
            ("Solde commercial (exportations − importations)", summary["balance"], None, None, None),
            ("Taux de couverture (exportations ÷ importations)", None, None, summary["coverage"], None)]
    if summary.get("share_of_region"):
        label = regions_share_label(summary["territory"].get("regions", ()))
        rows += [(f"{label} — exportations", None, summary["share_of_region"]["exports"], None, None),
                 (f"{label} — importations", None, summary["share_of_region"]["imports"], None, None)]
    france = france_share_label(summary)
    rows += [(f"{france} — exportations", None, summary["share_of_france"]["exports"], None, None),
             (f"{france} — importations", None, summary["share_of_france"]["imports"], None, None)]
    for label, value in (extra or {}).items():
        kind = value[0]
        rows.append((label,) + tuple(value[1] if k == kind else None for k in ("eur", "share", "ratio", "int")))
    frame = pd.DataFrame(rows, columns=["indicator", "value_eur", "share", "ratio", "rank"])
    note = partial_france_note(summary)
    return TableSheet(title="Chiffres clés", sheet_name="Chiffres clés", frame=frame, columns=[
        Column("indicator", "Indicateur", "text"), Column("value_eur", "Valeur (€)", "eur"),
        Column("share", "Part", "share"), Column("ratio", "Ratio", "ratio"), Column("rank", "Rang", "int")],
        notes=[note] if note else [])


def partner_table(partners: pd.DataFrame) -> TableSheet:
    frame = partners.assign(country_name=partners["country"].map(partner_name))
    return TableSheet(title="Balance commerciale territoriale", sheet_name="Balance par pays", frame=frame, columns=[
        Column("country", "Code pays", "text"), Column("country_name", "Pays", "text"),
        Column("imports", "Importations (€)", "eur"), Column("exports", "Exportations (€)", "eur"),
        Column("balance", "Solde (€)", "eur")],
        notes=["Solde = exportations − importations : excédent s'il est positif, déficit s'il est négatif."])


def products_table(breakdown: pd.DataFrame, flow: str) -> TableSheet:
    frame = with_product_names(breakdown).assign(
        group=breakdown["product"].map(lambda c: group_short_label(product_group(c))))
    title = f"Principales activités — {FLOW_WORDS[flow]['title']}"
    return TableSheet(title=title, sheet_name=f"Produits {FLOW_WORDS[flow]['title']}", frame=frame, columns=[
        *product_columns(), Column("group", "Regroupement (A38)", "text"), Column("value", "Valeur (€)", "eur"),
        Column("share", f"Part des {FLOW_WORDS[flow]['title']}", "share")])


def flow_nodes_table(structure: FlowStructure) -> TableSheet:
    """Top 10 products and top 10 countries, each followed by « Autres »: the Sankey's two sides."""
    parts = []
    for kind, frame, namer in (("Produit", structure.products, product_name),
                               ("Pays", structure.countries, partner_name)):
        parts.append(pd.DataFrame({
            "side": kind, "rank": [i + 1 if c != OTHERS else None for i, c in enumerate(frame["code"])],
            "code": frame["code"], "label": frame["code"].map(namer),
            "full_label": frame["code"].map(product_full_name if kind == "Produit" else namer), "value": frame["value"],
            "share": frame["value"] / structure.total if structure.total else None}))
    frame = pd.concat(parts, ignore_index=True)
    words = FLOW_WORDS[structure.flow]
    return TableSheet(title=f"{words['chart']} — 10 premiers et « Autres »",
                      sheet_name=f"Flux {words['title']}", frame=frame, columns=[
                          Column("side", "Catégorie", "text"), Column("rank", "Rang", "int"),
                          Column("code", "Code", "text"), Column("label", "Libellé", "text"),
                          Column("value", "Valeur (€)", "eur"), Column("share", "Part du total", "share"),
                          Column("full_label", "Libellé complet", "text")])


def links_table(structure: FlowStructure) -> TableSheet:
    """Links between two top-10 nodes first (largest first), then those through « Autres »."""
    links = structure.links
    through_others = (links["product"] == OTHERS) | (links["country"] == OTHERS)
    links = pd.concat([links[~through_others], links[through_others]], ignore_index=True)
    highlighted = set(zip(structure.top_links["product"], structure.top_links["country"]))
    frame = pd.DataFrame({
        "product": links["product"].map(product_name), "country": links["country"].map(partner_name),
        "value": links["value"], "share": links["value"] / structure.total if structure.total else None,
        "top5": ["Oui" if pair in highlighted else "" for pair in zip(links["product"], links["country"])]})
    words = FLOW_WORDS[structure.flow]
    order = ["product", "country"] if structure.flow == "export" else ["country", "product"]
    headers = {"product": "Produit", "country": "Pays d'origine" if structure.flow == "import" else "Pays de destination"}
    return TableSheet(title=f"{words['chart']} — liens", sheet_name=f"Liens {words['title']}", frame=frame, columns=[
        *(Column(key, headers[key], "text") for key in order),
        Column("value", "Valeur (€)", "eur"), Column("share", "Part du total", "share"),
        Column("top5", "5 premiers flux", "text")])


def specialisation_table(spec: pd.DataFrame, flow: str, home=None) -> TableSheet:
    """``home``: the région(s) compared with (`home_region`), named in the header when there are several."""
    frame = with_product_names(spec)
    in_region = ("Part dans la région" if home is None or len(home.regions) <= 1
                 else f"Part dans les {home.phrase.name}")
    return TableSheet(title=f"Structure par produit comparée — {FLOW_WORDS[flow]['title']}",
                      sheet_name=f"Spécialisation {FLOW_WORDS[flow]['title'][:6]}", frame=frame, columns=[
                          *product_columns(), Column("share_territory", "Part dans le territoire", "share"),
                          Column("share_region", in_region, "share"),
                          Column("share_france", "Part en France", "share"),
                          Column("specialisation", "Indice de spécialisation", "index")],
                      notes=["Indice de spécialisation = part du produit dans le territoire ÷ part en France "
                             "(> 1 : le territoire est spécialisé dans ce produit)."])


def departments_table(frame: pd.DataFrame) -> TableSheet:
    frame = frame.assign(name=frame["department"].map(department_name))
    return TableSheet(title="Comparaison de départements", sheet_name="Comparaison départements", frame=frame,
                      columns=[Column("department", "Code", "text"), Column("name", "Département", "text"),
                               Column("exports", "Exportations (€)", "eur"), Column("imports", "Importations (€)", "eur"),
                               Column("balance", "Solde (€)", "eur"), Column("coverage", "Taux de couverture", "ratio")])


_SCREEN_FORMATS = {
    "text": lambda v: "" if fmt.is_missing(v) else str(v),
    "eur": fmt.format_meur, "meur": lambda v: fmt.format_meur(v * 1e6 if v == v else v),
    "share": fmt.format_percent, "ratio": fmt.format_ratio, "index": fmt.format_ratio,
    "int": lambda v: "" if v is None or pd.isna(v) else fmt.format_number(v, 0),
}


def _table_unit(table: TableSheet) -> fmt.AmountUnit:
    """One amount unit for every euro column of a table, chosen from its largest amount."""
    values = [v * (1e6 if column.kind == "meur" else 1) for column in table.columns
              if column.kind in ("eur", "meur") for v in table.frame[column.key] if not fmt.is_missing(v)]
    return fmt.AmountUnit.for_values(values)


def display_frame(table: TableSheet) -> pd.DataFrame:
    """The table as French strings for the screen (« 511,9 M€ », « 1,8 % »); Excel gets the numbers.

    Amounts share one unit per table (M€ unless all are below 0,1 M€), and a small one reads « < 0,1 M€ »."""
    unit = _table_unit(table)
    formats = {**_SCREEN_FORMATS, "eur": unit.format,
               "meur": lambda v: unit.format(v * 1e6 if not fmt.is_missing(v) else v)}
    shown = {}
    for column in table.columns:
        formatter = formats[column.kind]
        if column.signed and column.kind == "eur":
            formatter = lambda v: unit.format(v, signed=True)  # noqa: E731
        values = table.frame[column.key]
        blank_if_missing = column.kind != "text"
        header = column.header
        if column.kind == "eur":
            header = header.replace("(€)", f"({unit.symbol})")
        elif column.kind == "meur":
            header = header.replace("(M€)", f"({unit.symbol})")
        shown[header] = ["" if blank_if_missing and fmt.is_missing(v) else formatter(v) for v in values]
    return pd.DataFrame(shown)


# Columns that name a row: pinned on screen when a wide table scrolls sideways.
NAME_HEADERS = frozenset({"Pays", "Produit", "Département", "Territoire", "Indicateur", "Libellé"})


def screen_column_widths(shown: pd.DataFrame, *, char_px: float = 7.2, padding: int = 26,
                         most: int = 360) -> dict[str, int]:
    """Pixel width per column of a display_frame: its header whole (« Exportations 2024 (M€) » was cut to
    « Exportations 2024 (M »), or its longest value when wider; long texts capped at `most`."""
    widths = {}
    for header in shown.columns:
        longest = max((len(str(v)) for v in shown[header]), default=0)
        widths[header] = int(min(max(len(str(header)), longest) * char_px + padding,
                                 max(most, len(str(header)) * char_px + padding)))
    return widths


ScreenTable = tuple   # (title shown above it or None, notes, Arrow table of the display strings, column widths)


def screen_parts(sheets: TableSheet | list[TableSheet]) -> list[ScreenTable]:
    """What the screen shows of one table or of several (each then under its title): computed once per
    territory and stored with the data version (lib/outputs/warm_store), or cached by lib/ui."""
    import pyarrow as pa
    several = isinstance(sheets, list)
    made = []
    for one in (sheets if several else [sheets]):
        shown = display_frame(one)
        made.append((one.title if several else None, list(one.notes), pa.Table.from_pandas(shown, preserve_index=False),
                     screen_column_widths(shown)))
    return made


TREND_SHEET = "Évolution annuelle"


def yearly_table(frame, *, title: str, last: Column, notes: list[str]) -> TableSheet:
    """The one « Évolution annuelle » sheet: exports, imports and balance per year, then one column of its own
    (a territory's coverage rate, or France's share of a product or country)."""
    return TableSheet(title=title, sheet_name=TREND_SHEET, frame=frame, columns=[
        Column("year", "Année", "int"), Column("exports", "Exportations (€)", "eur"),
        Column("imports", "Importations (€)", "eur"), Column("balance", "Solde (€)", "eur"), last], notes=notes)
