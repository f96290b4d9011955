"""Figures of the product and country explorers that lib/presentation/figures.py has no builder for (pure, no Streamlit).

Same contract as lib/presentation/figures.py: keyword arguments ``template``, ``palette``, ``export``; French formats;
``EmptyDataError`` with a French sentence when there is nothing to draw. The map is lib/presentation/tile_map.py; the
partners of a product reuse lib.presentation.figures.balance_figure and the yearly trend lib.presentation.exposure_figures.trend_figure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.presentation import chart_style as cs
from lib.presentation.chart_style import EmptyDataError, ExportFrame
from lib.presentation.figures import butterfly_figure
from lib.presentation.palette import DEFAULT_PALETTE, Palette

__all__ = ["EmptyDataError", "ExportFrame", "products_balance_figure"]


def products_balance_figure(products: pd.DataFrame, country_label: str, *, template: str | None = None,
                            palette: Palette = DEFAULT_PALETTE, export: ExportFrame | None = None) -> go.Figure:
    """Products traded with one country: imports to the left, exports to the right, the balance in green/red
    (the publication's « balance commerciale » chart, with products instead of countries)."""
    cs.require_columns(products, ["product", "imports", "exports", "balance"], "Produits échangés")
    if products.empty or float(products[["imports", "exports"]].to_numpy().sum()) <= 0:
        raise EmptyDataError(f"Aucun échange avec {country_label} cette année : les produits échangés ne peuvent "
                             "pas être représentés.")
    codes = products["product"].astype(str).tolist()
    return butterfly_figure(
        [cs.product_names(c)[0] for c in codes], [cs.product_names(c)[1] for c in codes], products,
        balance_header="Solde", legend=("Solde positif (excédent)", "Solde négatif (déficit)"),
        hover=("<b>%{customdata[0]}</b><br>Importations depuis ce pays : %{customdata[1]}<br>Exportations vers ce "
               "pays : %{customdata[2]}<br>Solde : %{customdata[3]}<extra></extra>"),
        template=template, palette=palette, export=export)


def yearly_frame(trend: pd.DataFrame) -> pd.DataFrame:
    """A trend of lib.analysis.explorers with the coverage column trend_figure shows in its hover."""
    frame = trend.copy()
    frame["coverage"] = np.where(frame["imports"] > 0, frame["exports"] / frame["imports"].where(
        frame["imports"] > 0), np.nan)
    return frame
