"""Small hand-built cubes for the rule tests (synthesis, explorers, exposure, trends): a few rows computed by hand."""
from __future__ import annotations

import pandas as pd

from lib.analysis.indicators import TradeCube
from lib.data.reference.departments import DEPARTMENTS

COLUMNS = ["year", "flow", "department", "region", "product", "country", "value_eur"]


def make_cube(rows, unit: float = 1.0, whole_france: bool = True) -> TradeCube:
    """A cube from (year, flow, département, product, country, value) rows; values in `unit` euros.

    ``whole_france``: a zero row for each département the rows leave out, so that the files cover France
    (lib.analysis.coverage) and « Part de la France » means the country; zeros add nothing to any figure."""
    rows = [(y, f, d, "x", p, c, float(v) * unit) for y, f, d, p, c, v in rows]
    if whole_france and rows:
        year, flow, _, _, product, country, _ = rows[0]
        present = {row[2] for row in rows}
        rows += [(year, flow, code, "x", product, country, 0.0)
                 for code in DEPARTMENTS["code"] if code not in present]
    return TradeCube(pd.DataFrame(rows, columns=COLUMNS))
