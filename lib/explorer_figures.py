"""Figures of the product and country explorers that lib/figures.py has no builder for (pure, no Streamlit).

Same contract as lib/figures.py: keyword arguments ``template``, ``palette``, ``export``; French formats;
``EmptyDataError`` with a French sentence when there is nothing to draw. The map is lib/tile_map.py; the
partners of a product reuse lib.figures.balance_figure and the yearly trend lib.exposure_figures.trend_figure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib import formatting as fmt
from lib.figures import (_FONT_SIZE, EmptyDataError, ExportFrame, _export_geometry, _finish, _label_margin,
                         _meur_ticks, _new_subplots, _product_names, _require_columns, _text_width, _tick_font)
from lib.palette import DEFAULT_PALETTE, Palette

__all__ = ["EmptyDataError", "ExportFrame", "products_balance_figure"]


def products_balance_figure(products: pd.DataFrame, country_label: str, *, template: str | None = None,
                            palette: Palette = DEFAULT_PALETTE, export: ExportFrame | None = None) -> go.Figure:
    """Products traded with one country: imports to the left, exports to the right, the balance in green/red
    (the publication's « balance commerciale » chart, with products instead of countries)."""
    _require_columns(products, ["product", "imports", "exports", "balance"], "Produits échangés")
    if products.empty or float(products[["imports", "exports"]].to_numpy().sum()) <= 0:
        raise EmptyDataError(f"Aucun échange avec {country_label} cette année : les produits échangés ne peuvent "
                             "pas être représentés.")
    frame = products.reset_index(drop=True)
    codes = frame["product"].astype(str).tolist()
    names = [_product_names(c)[0] for c in codes]
    fulls = [_product_names(c)[1] for c in codes]
    imports = frame["imports"].to_numpy(dtype=float)
    exports = frame["exports"].to_numpy(dtype=float)
    balance = frame["balance"].to_numpy(dtype=float)
    custom = [[full, fmt.format_meur(i), fmt.format_meur(e), fmt.format_signed_meur(b)]
              for full, i, e, b in zip(fulls, imports, exports, balance)]
    hover = ("<b>%{customdata[0]}</b><br>Importations depuis ce pays : %{customdata[1]}<br>Exportations vers ce "
             "pays : %{customdata[2]}<br>Solde : %{customdata[3]}<extra></extra>")
    text_font = _tick_font(export)
    balance_size = _FONT_SIZE if export is None else round(_FONT_SIZE * export.factor)
    balance_texts = [fmt.format_signed_meur(v) for v in balance]
    label_left = _label_margin(names)
    if export is not None:
        plot_w = _export_geometry(export, legend=True, axis_bottom=45, left=label_left, right=30).plot_w
        column = (max(_text_width(t, balance_size) for t in balance_texts) + 2.5 * balance_size) / plot_w
    else:
        column = 0.15
    fig = _new_subplots(template, export, rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.01,
                        column_widths=[1 - column, column], subplot_titles=["", "<b>Solde</b>"])
    for name, values, color, sign in (("Importations", imports, palette.imports, -1),
                                      ("Exportations", exports, palette.exports, 1)):
        fig.add_trace(go.Bar(
            name=name, orientation="h", y=names, x=sign * values, marker_color=color,
            text=[fmt.format_meur(v) for v in values], textposition="outside", cliponaxis=False,
            textfont=text_font, customdata=custom, hovertemplate=hover), row=1, col=1)
    marker_size = 14 if export is None else round(20 * export.factor)
    for positive, label, color in ((True, "Solde positif (excédent)", palette.surplus),
                                   (False, "Solde négatif (déficit)", palette.deficit)):
        mask = balance >= 0 if positive else balance < 0
        if not mask.any():
            continue
        fig.add_trace(go.Scatter(
            name=label, mode="markers+text", y=[n for n, m in zip(names, mask) if m], x=[0.0] * int(mask.sum()),
            marker=dict(symbol="diamond", size=marker_size, color=color, line=dict(color="white", width=1.5)),
            text=[f"{fmt.NBSP}<b>{t}</b>" for t, m in zip(balance_texts, mask) if m], textposition="middle right",
            textfont=dict(color=color, **({"size": balance_size} if export is not None else {})),
            customdata=[c for c, m in zip(custom, mask) if m], hovertemplate=hover, cliponaxis=False),
            row=1, col=2)
    reach = float(max(imports.max(), exports.max()))
    tickvals, ticktext = _meur_ticks(-reach, reach, absolute=True)
    span = reach * 1.32
    fig.update_xaxes(range=[-span, span], tickvals=tickvals, ticktext=ticktext, zeroline=True,
                     zerolinecolor="#6B7280", zerolinewidth=1.5, tickfont=text_font, showgrid=True, row=1, col=1)
    fig.update_xaxes(range=[-0.3, 4], visible=False, row=1, col=2)
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed",
                     tickfont=text_font, ticksuffix="  ", row=1, col=1)
    fig.update_yaxes(showgrid=False, row=1, col=2)
    if export is not None:
        fig.layout.annotations[-1].font = dict(size=balance_size)
    fig.update_layout(barmode="relative", bargap=0.3)
    return _finish(fig, export, legend=True, axis_bottom=45, left=label_left, right=30,
                   screen_margin=dict(t=50, b=30, l=10, r=30))


def yearly_frame(trend: pd.DataFrame) -> pd.DataFrame:
    """A trend of lib.explorers with the coverage column trend_figure shows in its hover."""
    frame = trend.copy()
    frame["coverage"] = np.where(frame["imports"] > 0, frame["exports"] / frame["imports"].where(
        frame["imports"] > 0), np.nan)
    return frame
