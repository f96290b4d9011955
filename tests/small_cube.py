"""Small hand-built cubes for the rule tests (synthesis, explorers, exposure): a few rows computed by hand."""
from __future__ import annotations

import pandas as pd

from lib.analysis.indicators import TradeCube

COLUMNS = ["year", "flow", "department", "region", "product", "country", "value_eur"]


def make_cube(rows, unit: float = 1.0) -> TradeCube:
    """A cube from (year, flow, département, product, country, value) rows; values in `unit` euros."""
    return TradeCube(pd.DataFrame([(y, f, d, "x", p, c, float(v) * unit) for y, f, d, p, c, v in rows],
                                  columns=COLUMNS))
