"""The table model: what a table shows (title, sheet name, frame, typed columns, notes), independent of Excel.

Analysis and presentation code builds ``TableSheet`` objects; the screen (lib.ui), the Excel writer
(lib.outputs.excel_export) and the dossier render them. Column kinds name how a number reads, not how a file
stores it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# "eur": euros; "meur": the frame already holds millions of euros; "share": a fraction (0.25 reads « 25,0 % »);
# "ratio"/"index": plain numbers with two decimals; "int": whole numbers; "text": anything else.
KINDS = frozenset({"text", "eur", "meur", "share", "ratio", "int", "index"})


@dataclass
class Column:
    """One column of a table; ``kind`` (one of ``KINDS``) says how its numbers read. Values are never rescaled."""
    key: str
    header: str
    kind: str = "text"
    signed: bool = False      # a change (« +0,4 M€ »): the sign of a positive amount is written too

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}, expected one of {sorted(KINDS)}")


@dataclass
class TableSheet:
    """A titled table with its notes: one screen table, one Excel sheet."""
    title: str
    sheet_name: str
    frame: pd.DataFrame
    columns: list[Column]
    notes: list[str] = field(default_factory=list)
