"""The revisions between two data versions (lib.analysis.revisions) as one table and one sentence per flow,
in French: the same table on the data page, in its Excel download and printed by `lib.cli revisions`."""
from __future__ import annotations

import pandas as pd

from lib.analysis.revisions import FLOW_KEYS, Revisions
from lib.core.formatting import format_amount
from lib.presentation.table_model import Column, TableSheet
from lib.presentation.tables import partner_name, product_name
from lib.presentation.texts import FLOW_WORDS

_FLOW_TITLES = {key: FLOW_WORDS[flow]["Title"] for flow, key in FLOW_KEYS.items()}


def total_sentence(revisions: Revisions, flow_key: str) -> str:
    """« Exportations 2024 : 511,9 M€ puis 512,3 M€ (révision : +0,4 M€) » or « … : 511,9 M€, inchangées »."""
    before, after = revisions.totals[flow_key]
    head = f"{_FLOW_TITLES[flow_key]} {revisions.year} : {format_amount(before)}"
    change = after - before
    if abs(change) < 0.005:
        return f"{head}, inchangées"
    return f"{head} puis {format_amount(after)} (révision : {format_amount(change, signed=True)})"


def _detail_rows(frame: pd.DataFrame, what: str, name) -> pd.DataFrame:
    return pd.DataFrame({"what": what, "flow": [_FLOW_TITLES[FLOW_KEYS[f]] for f in frame["flow"]],
                         "code": frame["code"].astype(str), "label": [name(c) for c in frame["code"]],
                         "before": frame["before"], "after": frame["after"], "change": frame["change"]})


def revisions_table(revisions: Revisions, from_label: str, to_label: str) -> TableSheet:
    """Totals first, then the revised products and countries, each biggest revision first (euros)."""
    totals = pd.DataFrame([{"what": "Total", "flow": _FLOW_TITLES[key], "code": "", "label": "Tous produits, tous pays",
                            "before": before, "after": after, "change": after - before}
                           for key, (before, after) in revisions.totals.items()])
    frame = pd.concat([totals, _detail_rows(revisions.products, "Produit", product_name),
                       _detail_rows(revisions.countries, "Pays", partner_name)], ignore_index=True)
    notes = [f"Chiffres de {revisions.year} dans la version {from_label}, puis dans la version {to_label} ; "
             "révision = après − avant. Seuls les produits et pays dont le montant a changé sont listés, les plus "
             "fortes révisions d'abord."]
    if revisions.unchanged:
        notes.append("Aucun chiffre de ce territoire n'a changé entre ces deux versions pour cette année.")
    return TableSheet(title="Révisions entre deux versions des données", sheet_name="Révisions", frame=frame,
                      # the revision next to the name: on a laptop the columns after it scroll out of sight
                      columns=[Column("label", "Libellé"), Column("flow", "Flux"), Column("change", "Révision (€)", "eur", signed=True),
                               Column("before", f"Avant ({from_label}) (€)", "eur"),
                               Column("after", f"Après ({to_label}) (€)", "eur"), Column("what", "Rubrique"),
                               Column("code", "Code")],
                      notes=notes)
