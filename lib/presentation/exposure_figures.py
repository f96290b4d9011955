"""Plotly figures of the trends and exposure views (pure functions, no Streamlit).

Same contract as lib/presentation/figures.py: keyword arguments ``template``, ``palette`` and ``export`` (an
``ExportFrame`` for a PNG: explicit light template, title, source line, fonts sized for Word); French
number formats everywhere (« 511,9 M€ », « 12,3 % »); ``EmptyDataError`` with a French sentence when
there is nothing to draw. Imports are blue and exports purple, as in the publication.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.core import formatting as fmt
from lib.analysis.exposure import DIMENSION_LABELS, HHI_HIGH, HHI_MODERATE, PartnerExposure, hhi_reading
from lib.presentation import chart_style as cs
from lib.presentation.chart_style import TEXT_COLOR, EmptyDataError, ExportFrame
from lib.presentation.palette import DEFAULT_PALETTE, Palette, lighten
from lib.presentation.texts import FLOW_WORDS
from lib.presentation.plain_text import plot_text
from lib.data.reference.departments import region_name
from lib.core.schema import EXPORT
from lib.data.territories import region_title
from lib.analysis.trends import country_phrase

__all__ = ["EmptyDataError", "ExportFrame", "trend_figure", "exposure_figure", "dependency_figure",
           "concentration_figure", "eu_split_figure"]

FRANCE_GREY = "#9AA0A6"
CRITICAL_LEGEND = "1er fournisseur : dépendance critique (hors UE, plus de 50 %)"
CONCENTRATION_BARGAP = 0.2
EU_BAR_WIDTH = 0.5              # of a row, in the EU split chart (room for the markers above and below)
SCREEN_PLOT_HEIGHT = 380        # plot area of the on-screen EU split chart (px), about


SCREEN_EXPOSURE_HEIGHT = 820   # the exposure chart on screen: its two parts stacked
_LINE_CHARS = 14        # a category label line under a bar of the exposure chart


def _flow_title(flow: str) -> str:
    """« Exportations » / « Importations » (texts.FLOW_WORDS); any other key as is."""
    return FLOW_WORDS[flow]["Title"] if flow in FLOW_WORDS else flow


def _two_lines(name: str, max_chars: int = _LINE_CHARS) -> str:
    """``name`` on at most 2 lines of about ``max_chars``; longer names end with « … »."""
    lines = cs.wrap_name(name, max_chars)
    if len(lines) > 2:
        lines = cs.wrap_name(name, max_chars + 4)        # a little wider rather than cut
    if len(lines) > 2:
        lines = [lines[0], lines[1].rstrip("- ") + "…"]
    return "<br>".join(lines)


def _font(export: ExportFrame | None, scale: float = 1.0) -> dict:
    return {} if export is None else dict(size=round(cs.FONT_SIZE * scale * export.factor))


# ---------------------------------------------------------------- 1. exports, imports and balance per year

def trend_figure(yearly: pd.DataFrame, *, template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                 export: ExportFrame | None = None) -> go.Figure:
    """Exports (purple) and imports (blue) bars per year, the balance as a line with green/red markers."""
    cs.require_columns(yearly, ["year", "exports", "imports", "balance"], "Évolution annuelle")
    data = yearly.sort_values("year").reset_index(drop=True)
    if data.empty or not (data[["exports", "imports"]].fillna(0).to_numpy() > 0).any():
        raise EmptyDataError("Aucun échange pour ce territoire sur la période : l'évolution annuelle ne peut pas "
                             "être représentée.")
    years = [str(int(y)) for y in data["year"]]        # a category axis: no « 2 024 » from the separators
    exports = data["exports"].fillna(0).to_numpy(dtype=float)
    imports = data["imports"].fillna(0).to_numpy(dtype=float)
    balance = data["balance"].to_numpy(dtype=float)
    coverage = (data["coverage"].to_numpy(dtype=float) if "coverage" in data
                else np.where(imports > 0, exports / np.where(imports > 0, imports, 1), np.nan))
    money, signed_money, unit = cs.money([*exports, *imports, *balance])   # one unit for the chart
    custom = [[y, money(e), money(i), signed_money(b), fmt.format_ratio(c)]
              for y, e, i, b, c in zip(years, exports, imports, balance, coverage)]
    hover = ("<b>%{customdata[0]}</b><br>Exportations : %{customdata[1]}<br>Importations : %{customdata[2]}"
             "<br>Solde : %{customdata[3]}<br>Taux de couverture : %{customdata[4]}<extra></extra>")
    text_font = cs.tick_font(export)
    labelled = len(years) <= 6
    # On screen the chart is 358 px wide on a phone, where plotly shrank the amounts above the bars to
    # 9 px to fit the bars: there they go under each year, in the axis labels, at full size.
    values_shown = labelled and export is not None
    values_under = labelled and export is None
    marker_size = 12 if export is None else round(18 * export.factor)
    if export is not None and labelled:   # a bar's value only when it fits its bar, clear of the balance marker
        plot_w = cs.export_geometry(export, left=130, right=30).plot_w
        bar_px = plot_w / len(years) * (1 - 0.3) / 2 * (1 - 0.06)
        values_shown = max(cs.text_width(money(v), _font(export, 0.85)["size"])
                           for v in [*exports, *imports]) <= bar_px - marker_size

    fig = cs.new_figure(template, export)
    for name, values, color in (("Exportations", exports, palette.exports), ("Importations", imports, palette.imports)):
        fig.add_trace(go.Bar(name=name, x=years, y=values, marker_color=color,
                             text=[money(v) for v in values] if values_shown else None,
                             textposition="outside", cliponaxis=False, textfont=_font(export, 0.85),
                             customdata=custom, hovertemplate=hover))
    fig.add_trace(go.Scatter(
        name="Solde commercial", x=years, y=balance, mode="lines+markers",
        line=dict(color=palette.node, width=2 if export is None else round(3 * export.factor)),
        marker=dict(size=marker_size, symbol="diamond", line=dict(color="white", width=1.5),
                    color=[palette.surplus if b >= 0 else palette.deficit for b in np.nan_to_num(balance)]),
        customdata=custom, hovertemplate=hover, cliponaxis=False))
    low = float(min(0.0, np.nanmin(balance)))
    high = float(max(exports.max(), imports.max(), np.nanmax(balance), 0.0))
    tickvals, ticktext = cs.meur_ticks(low, high, unit=unit)
    fig.update_yaxes(range=[cs.floor_with_tick(low, high, tickvals), high * (1.12 if values_shown else 1.04)],
                     tickvals=tickvals,
                     ticktext=ticktext, tickfont=text_font, zeroline=True, zerolinecolor="#6B7280",
                     zerolinewidth=1.5)
    # Under each year, its balance in green or red (the line alone carries no figure). On screen, « Solde »
    # without its colon, like « Exp. » and « Imp. » above it: on a 390 px phone the three bold lines touched.
    balance_word = "Solde" if values_under else "Solde :"
    ticktext_years = [f"{y}<br>" + (f"<span style='color:{palette.exports}'>Exp. {money(e)}</span><br>"
                                     f"<span style='color:{palette.imports}'>Imp. {money(i)}</span><br>"
                                     if values_under else "")
                      + f"<span style='color:{palette.surplus if b >= 0 else palette.deficit}'>"
                      f"<b>{balance_word} {signed_money(b)}</b></span>" if labelled else y
                      for y, e, i, b in zip(years, exports, imports, np.nan_to_num(balance))]
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, tickvals=years,
                     ticktext=ticktext_years, tickfont=text_font)
    fig.update_layout(barmode="group", bargap=0.3, bargroupgap=0.06)
    return cs.finish(fig, export, legend=True, axis_bottom=20 + (2 if labelled else 1) * cs.FONT_SIZE * 1.3,
                   left=max(cs.text_width(t, cs.FONT_SIZE) for t in ticktext) + 30, right=30,
                   screen_margin=dict(t=50, b=30 + (32 if values_under else 0), l=10, r=10))


# ---------------------------------------------------------------- 2. exposure to one partner

def exposure_figure(exposure: PartnerExposure, territory_name: str, *, template: str | None = None,
                    palette: Palette = DEFAULT_PALETTE, export: ExportFrame | None = None) -> go.Figure:
    """Left: share of exports going to the partner for the territory, its région and France.
    Right: the territory's products exporting most there (value, and the share of the product it is)."""
    phrase = country_phrase(exposure.country, EXPORT)
    if exposure.is_empty or exposure.products.empty:
        raise EmptyDataError(f"Aucune exportation {phrase} pour ce territoire en {exposure.year} : "
                             "l'exposition ne peut pas être représentée.")
    products = exposure.products.reset_index(drop=True)
    territory_name = cs.territory_label(territory_name)
    shorts = [cs.product_names(str(c))[0] for c in products["product"]]
    layout = _exposure_layout(exposure, shorts, export) if export is not None else None

    # (axis label: 2 lines at most; full name: hover)
    # In the PNG the share chart is a third of the width: lines as long as a bar's room allows
    def wrap(name: str) -> str:
        return _two_lines(name) if export is None else "<br>".join(cs.wrap_name(name, layout["chars"]))
    bars = [(wrap(territory_name), territory_name, exposure.share, palette.exports)]
    if exposure.region is not None and math.isfinite(exposure.share_region):
        region = exposure.region.name
        names = [region_name(code) for code in exposure.region.regions] or [region]
        axis = (f"Région<br>{wrap(names[0])}" if len(names) <= 1
                else "Régions<br>" + "<br>+ ".join(wrap(n) for n in names))
        bars.append((axis, region_title(exposure.region),
                     exposure.share_region, lighten(palette.exports, 0.5)))
    if math.isfinite(exposure.share_france):      # NaN when the territory is France: never beside itself
        bars.append(("France", "France entière", exposure.share_france, FRANCE_GREY))
    fulls = [cs.product_names(str(c))[1] for c in products["product"]]
    values = products["value"].to_numpy(dtype=float)
    dependency = products["share_of_product"].to_numpy(dtype=float)
    text_font = cs.tick_font(export)

    titles = [f"Part des exportations {phrase}", f"Produits les plus exportés {phrase}"]
    # On screen the two charts are stacked: side by side, a 1024 px wide page had no room for the product
    # names (they ran over the France bar), the value labels or the titles. The PNG keeps them side by side.
    stacked = export is None
    if stacked:
        fig = cs.new_subplots(template, export, rows=2, cols=1, row_heights=[0.36, 0.64], vertical_spacing=0.16,
                            subplot_titles=titles)
    else:
        # each title on as many lines as its chart's width needs (long country names at the Word size)
        font_px = round(cs.FONT_SIZE * export.factor)
        titles = ["<br>".join(cs.wrap_px(title, px, font_px))
                  for title, px in zip(titles, (layout["share_px"], layout["products_px"]))]
        fig = cs.new_subplots(template, export, rows=1, cols=2,
                              column_widths=[layout["share_part"], 1 - layout["share_part"]],
                              horizontal_spacing=layout["spacing"], subplot_titles=titles)
    where = dict(row=2, col=1) if stacked else dict(row=1, col=2)
    names = [label for label, _, _, _ in bars]
    shares = [0.0 if not math.isfinite(v) else v for _, _, v, _ in bars]
    fig.add_trace(go.Bar(
        name="Part des exportations", x=names, y=shares, marker_color=[c for _, _, _, c in bars],
        text=[fmt.format_percent(v) for _, _, v, _ in bars], textposition="outside", cliponaxis=False,
        textfont=text_font, showlegend=False, customdata=[full for _, full, _, _ in bars],
        hovertemplate="<b>%{customdata}</b><br>%{text} des exportations " + phrase + "<extra></extra>"),
        row=1, col=1)
    money, _, unit = cs.money(values)
    texts = [f"{money(v)} · {fmt.format_percent(d)} du produit" for v, d in zip(values, dependency)]
    fig.add_trace(go.Bar(
        name=f"Exportations {phrase}", orientation="h", y=shorts, x=values, marker_color=palette.exports,
        text=texts, textposition="outside", cliponaxis=False, textfont=text_font, showlegend=False,
        customdata=[[f, money(v), fmt.format_percent(d), fmt.format_percent(s)]
                    for f, v, d, s in zip(fulls, values, dependency, products["share_of_partner"])],
        hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]} " + phrase
                       + "<br>soit %{customdata[2]} des exportations du produit"
                       + "<br>et %{customdata[3]} des exportations " + phrase + "<extra></extra>")), **where)
    high_share = max(shares) or 0.01
    tickvals, ticktext = cs.percent_ticks(high_share)
    fig.update_yaxes(range=[0, high_share * 1.2], tickvals=tickvals, ticktext=ticktext, tickfont=text_font,
                     row=1, col=1)
    fig.update_xaxes(tickfont=text_font, tickangle=0, row=1, col=1)
    reach = float(values.max())
    if stacked:
        tickvals, ticktext = cs.meur_ticks(0, reach, unit=unit)
        end = reach * 2.0
    else:   # the value labels' own width after each bar, and ticks that keep apart at the Word size
        font_px = round(cs.FONT_SIZE * export.factor)
        end = cs.outside_reach(values, texts, font_px, layout["products_px"], pad=12 * export.factor)
        target = cs.tick_target(layout["products_px"], cs.meur_ticks(0, end, unit=unit)[1][-1], font_px)
        ticks = [(v, t) for v, t in zip(*cs.meur_ticks(0, end, unit=unit, target=target)) if v <= end]
        tickvals, ticktext = [v for v, _ in ticks], [t for _, t in ticks]
    fig.update_xaxes(range=[0, end], tickvals=tickvals, ticktext=ticktext, tickfont=text_font, **where)
    fig.update_yaxes(categoryorder="array", categoryarray=shorts, autorange="reversed", tickfont=text_font,
                     ticksuffix="  ", **where)
    if export is not None:
        for annotation in fig.layout.annotations:
            annotation.font = dict(size=round(cs.FONT_SIZE * export.factor))
    lines = max(n.count("<br>") + 1 for n in names)
    if stacked:
        fig.update_layout(height=SCREEN_EXPOSURE_HEIGHT)
    return cs.finish(fig, export, axis_bottom=20 + lines * cs.FONT_SIZE * 1.3,
                     left=layout["left"] if layout else 60, right=30,
                     top_extra=cs.FONT_SIZE * (0.5 + 1.3 * max(t.count("<br>") + 1 for t in titles)),
                     screen_margin=dict(t=40, b=20, l=10, r=10))


def _exposure_layout(exposure: PartnerExposure, shorts: list[str], export: ExportFrame) -> dict:
    """The PNG's side-by-side layout measured from its labels (a fixed 60 px margin cut « 12,5 % » to
    « 2,5 % »; a fixed gap let long product names run over the France bar at the Word size).

    ``left``: px at 1600 wide for the share ticks; ``spacing``: the gap between the two charts (the product
    names live there); ``products_px``: the product chart's width; ``chars``: a bar name's line length.
    """
    k = export.factor
    font_px = round(cs.FONT_SIZE * k)
    shares = [v for v in (exposure.share, exposure.share_region, exposure.share_france) if math.isfinite(v)]
    share_ticks = cs.percent_ticks(max(shares) or 0.01)[1]
    left = max(cs.text_width(t, cs.FONT_SIZE) for t in share_ticks) + 34
    plot_w = cs.export_geometry(export, left=left, right=30).plot_w
    names_px = max(cs.text_width(f"{name}  ", font_px) for name in shorts) + 14 * k
    spacing = min(names_px / plot_w, 0.5)
    # each bar's name needs its longest word (« Normandie », « Hauts-de- ») under it, at the Word size too
    words = [exposure.region.name if exposure.region is not None else "", "France", "Région"]
    word_px = max(cs.text_width(w, font_px) for name in words for w in cs.wrap_name(name, 1))
    need = len(shares) * (word_px + 0.8 * font_px)
    share_part = min(max(0.42, need / (plot_w * (1 - spacing))), 0.55)
    share_px = plot_w * (1 - spacing) * share_part
    chars = max(8, int(share_px / len(shares) * 0.9 / (font_px * 0.56)))
    return dict(left=left, spacing=spacing, share_part=share_part, share_px=share_px,
                products_px=plot_w * (1 - spacing) * (1 - share_part), chars=chars)


# ---------------------------------------------------------------- 3. import dependency

def dependency_figure(dependency: pd.DataFrame, *, template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                      export: ExportFrame | None = None) -> go.Figure:
    """Per main imported product, stacked shares of its 1st, 2nd and 3rd suppliers and of the rest;
    critical products (1st supplier outside the EU, > 50 %) in red, with a line at 50 % under the bars."""
    cs.require_columns(dependency, ["product", "total", "supplier_1_name", "supplier_1_share", "supplier_2_name",
                                  "supplier_2_share", "supplier_3_name", "supplier_3_share", "critical"],
                     "Dépendance aux importations")
    data = dependency[dependency["total"] > 0].reset_index(drop=True)
    if data.empty:
        raise EmptyDataError("Aucune importation pour ce territoire et cette année : la dépendance aux "
                             "fournisseurs ne peut pas être représentée.")
    codes = data["product"].astype(str).tolist()
    shorts = [cs.product_names(c)[0] for c in codes]
    fulls = [cs.product_names(c)[1] for c in codes]
    critical = data["critical"].astype(bool).to_numpy()
    text_font = cs.tick_font(export)
    shades = [palette.imports, lighten(palette.imports, 0.4), lighten(palette.imports, 0.65)]
    ordinals = ["1er fournisseur", "2e fournisseur", "3e fournisseur"]

    fig = cs.new_figure(template, export)
    top3 = np.zeros(len(data))
    for k in range(3):
        names = [plot_text(n) for n in data[f"supplier_{k + 1}_name"].fillna("").astype(str)]
        shares = data[f"supplier_{k + 1}_share"].fillna(0).to_numpy(dtype=float)
        top3 += shares
        # the 1st supplier is drawn as two traces (ordinary / critical) so that the legend tells them apart
        variants = ([(ordinals[0], ~critical, shades[0]),
                     (CRITICAL_LEGEND, critical, palette.deficit)] if k == 0 else [(ordinals[k], None, shades[k])])
        for name, mask, color in variants:
            if name == CRITICAL_LEGEND and not mask.any():
                continue
            shown = shares if mask is None else np.where(mask, shares, 0.0)
            fig.add_trace(go.Bar(
                name=name, orientation="h", y=shorts, x=shown, marker_color=color,
                text=[f"{n} {fmt.format_percent(s, decimals=0)}" if s >= 0.08 and n else ""
                      for n, s in zip(names, shown)],
                textposition="inside", insidetextanchor="middle", textfont=_font(export, 0.85),
                customdata=[[f, n or "–", fmt.format_percent(s), ordinals[k]]
                            for f, n, s in zip(fulls, names, shares)],
                hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[3]} : %{customdata[1]}, "
                               "%{customdata[2]} des importations du produit<extra></extra>")))
    rest = np.clip(1 - top3, 0, 1)
    fig.add_trace(go.Bar(
        name="Autres fournisseurs et non ventilé", orientation="h", y=shorts, x=rest,
        marker_color=lighten(palette.others, 0.5),
        customdata=[[f, fmt.format_percent(r)] for f, r in zip(fulls, rest)],
        hovertemplate="<b>%{customdata[0]}</b><br>Autres fournisseurs : %{customdata[1]}<extra></extra>"))
    # The 50 % line under the bars, seen in the gaps between them (drawn above, it struck through the
    # in-bar labels), and named by a bold « 50 % » under the axis (a tick would lay its gridline over it).
    fig.add_vline(x=0.5, layer="below", line=dict(color=TEXT_COLOR, width=2))
    fig.add_annotation(x=0.5, xref="x", y=0, yref="paper", yanchor="top", showarrow=False,
                       text=f"<b>{fmt.format_percent(0.5, decimals=0)}</b>", font=text_font)
    ticktext = [f"<span style='color:{palette.deficit}'><b>⚠ {s}</b></span>" if c else s
                for s, c in zip(shorts, critical)]
    tickvals, percent_text = cs.percent_ticks(1.0)
    fig.update_xaxes(range=[0, 1.03], tickvals=tickvals, ticktext=percent_text, tickfont=text_font,
                     title=dict(text="Part des importations du produit", font=text_font))
    fig.update_yaxes(categoryorder="array", categoryarray=shorts, autorange="reversed", tickvals=shorts,
                     ticktext=ticktext, tickfont=text_font, ticksuffix="  ")
    fig.update_layout(barmode="stack", bargap=0.25)
    fig = cs.finish(fig, export, legend=True, axis_bottom=90, left=cs.label_margin(shorts, extra=60), right=30,
                  screen_margin=dict(t=50, b=50, l=10, r=10))
    fig.update_layout(legend_traceorder="normal")
    return fig


# ---------------------------------------------------------------- 4. concentration (HHI)

def concentration_figure(concentration: pd.DataFrame, territory_name: str, region_name: str | None = None, *,
                         template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                         export: ExportFrame | None = None) -> go.Figure:
    """HHI (0–1) of partners and products per flow for the territory, its région and France, with the
    reading thresholds 0,15 and 0,25 as dotted lines (under the bars, clear of the value labels)."""
    cs.require_columns(concentration, ["flow", "dimension", "hhi", "hhi_region", "hhi_france"], "Concentration")
    data = concentration.reset_index(drop=True)
    if data.empty or not np.isfinite(data["hhi"].to_numpy(dtype=float)).any():
        raise EmptyDataError("Aucun échange pour ce territoire et cette année : la concentration ne peut pas "
                             "être représentée.")
    labels = [f"{_flow_title(f)} — {DIMENSION_LABELS.get(d, d)}"
              for f, d in zip(data["flow"], data["dimension"])]
    base = [palette.exports if f == EXPORT else palette.imports for f in data["flow"]]
    territory_name, region_name = cs.territory_label(territory_name), region_name and cs.territory_label(region_name)
    series = [("hhi", territory_name, base)]
    if region_name and np.isfinite(data["hhi_region"].to_numpy(dtype=float)).any():
        series.append(("hhi_region", region_name if region_name.lower().startswith("région")
                       else f"Région {region_name}", [lighten(c, 0.5) for c in base]))
    if np.isfinite(data["hhi_france"].to_numpy(dtype=float)).any():     # not for France itself
        series.append(("hhi_france", "France entière", [FRANCE_GREY] * len(base)))
    text_font = cs.tick_font(export)

    fig = cs.new_figure(template, export)
    for column, name, color in series:
        values = data[column].to_numpy(dtype=float)
        own = column == "hhi"
        fig.add_trace(go.Bar(
            name=name, orientation="h", y=labels, x=np.nan_to_num(values), marker_color=color,
            text=[f"{fmt.format_number(v, 2)} — {hhi_reading(v)}" if math.isfinite(v) else "" for v in values]
            if own else None, textposition="outside" if own else "none", cliponaxis=False, textfont=text_font,
            customdata=[[lab, name, fmt.format_number(v, 3), fmt.format_number(v * 10_000, 0), hhi_reading(v)]
                        for lab, v in zip(labels, values)],
            hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]} : IHH %{customdata[2]} "
                           "(%{customdata[3]} sur 10 000) — %{customdata[4]}<extra></extra>")))
    high = float(np.nanmax(data[[c for c, _, _ in series]].to_numpy(dtype=float)))
    top = max(high * 1.45, HHI_HIGH * 1.3)
    # The thresholds skip the band of each territory bar, where its value label sits (a full-height line
    # struck through the labels), and pass under the région and France bars.
    group = 1 - CONCENTRATION_BARGAP
    spans = [(-0.5, -group / 2)] + [(k - group / 2 + group / len(series), min(k + 1 - group / 2, len(labels) - 0.5))
                                    for k in range(len(labels))]
    for threshold in (HHI_MODERATE, HHI_HIGH):
        for y0, y1 in spans:
            fig.add_shape(type="line", x0=threshold, x1=threshold, y0=y0, y1=y1, xref="x", yref="y",
                          layer="below", line=dict(color="#6B7280", dash="dot", width=1.5))
    step = 0.05 if top <= 0.5 else 0.1 if top <= 1 else 0.2
    tickvals = [round(k * step, 2) for k in range(int(top / step) + 1)]
    fig.update_xaxes(range=[0, top], tickvals=tickvals, ticktext=[fmt.format_number(v, 2) for v in tickvals],
                     tickfont=text_font, title=dict(font=text_font, text=(   # two lines: readable at 1024 px
                         "Indice de Herfindahl-Hirschman (0 à 1)<br>Pointillés : seuils "
                         f"{fmt.format_number(HHI_MODERATE, 2)} (modéré) et "
                         f"{fmt.format_number(HHI_HIGH, 2)} (forte concentration)")))
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed", tickfont=text_font,
                     ticksuffix="  ")
    fig.update_layout(barmode="group", bargap=CONCENTRATION_BARGAP, bargroupgap=0.1)
    return cs.finish(fig, export, legend=True, axis_bottom=120, left=cs.label_margin(labels), right=30,
                   screen_margin=dict(t=50, b=80, l=10, r=10))


# ---------------------------------------------------------------- 5. EU 27 / outside the EU

def eu_split_figure(split: pd.DataFrame, territory_name: str | None = None, region_name: str | None = None, *,
                    template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                    export: ExportFrame | None = None) -> go.Figure:
    """One 100 % bar per flow: EU 27 (flow colour), outside the EU (lighter), non ventilé (grey, in the legend
    only when there is some); the EU share of the région (▼ above the bar) and of France (▲ below it)."""
    cs.require_columns(split, ["flow", "eu27", "extra_eu", "unallocated", "total", "share_eu", "share_extra_eu",
                             "share_unallocated", "share_eu_region", "share_eu_france"], "Répartition UE")
    data = split[split["total"] > 0].reset_index(drop=True)
    if data.empty:
        raise EmptyDataError("Aucun échange pour ce territoire et cette année : la répartition entre l'Union "
                             "européenne et le reste du monde ne peut pas être représentée.")
    flows = data["flow"].tolist()
    territory_name = territory_name and cs.territory_label(territory_name)
    region_name = region_name and cs.territory_label(region_name)
    labels = [_flow_title(f) for f in flows]
    flow_names = list(labels)
    base = [palette.exports if f == EXPORT else palette.imports for f in flows]
    text_font = cs.tick_font(export)
    parts = (("share_eu", "eu27", "UE 27", base),
             ("share_extra_eu", "extra_eu", "Hors UE", [lighten(c, 0.55) for c in base]),
             ("share_unallocated", "unallocated", "Non ventilé", [palette.others] * len(base)))

    # A numeric y axis (flows at 0, 1…, named by their ticks) so that the markers can sit just off the bars.
    rows = list(range(len(labels)))
    # Written shares that add up to 100 % per flow (largest remainders), the « non ventilé » remainder
    # included: under each flow's name when its band is too thin to hold it.
    written = [fmt.shares_adding_up(list(r)) for r in
               data[["share_eu", "share_extra_eu", "share_unallocated"]].fillna(0).to_numpy(dtype=float)]
    remainder_size = dict(size=round(cs.FONT_SIZE * 0.85 * export.factor)) if export is not None else dict(size=11)
    labels = [f"{label}<br><span style='font-size:{remainder_size['size']}px'>non ventilé : {w[2]}</span>"
              if share >= 0.0005 else label
              for label, w, share in zip(labels, written, data["share_unallocated"].fillna(0))]
    fig = cs.new_figure(template, export)
    money = fmt.AmountUnit.for_values(np.concatenate([data[v].to_numpy(dtype=float) for _, v, _, _ in parts])).format
    for position, (share_column, value_column, name, colors) in enumerate(parts):
        shares = data[share_column].fillna(0).to_numpy(dtype=float)
        values = data[value_column].to_numpy(dtype=float)
        texts = [w[position] for w in written]
        fig.add_trace(go.Bar(
            name=name, orientation="h", y=rows, x=shares, width=EU_BAR_WIDTH, marker_color=colors,
            showlegend=bool((shares >= 0.0005).any()),        # no legend for a part that draws nothing
            text=[f"{name} : {t}" if s >= 0.12 else "" for s, t in zip(shares, texts)],
            textposition="inside", insidetextanchor="middle", textfont=dict(color="white", **text_font),
            customdata=[[lab, name, money(v), t] for lab, v, t in zip(flow_names, values, texts)],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} : %{customdata[2]} "
                          "(%{customdata[3]})<extra></extra>"))
    # The région's EU share just above each bar (pointing down at it), France's just below (pointing up):
    # on the bar itself the two markers overlapped whenever the shares were close.
    marker_size = 14 if export is None else round(20 * export.factor)
    geometry = dict(legend=True, axis_bottom=90, left=cs.label_margin(["non ventilé : 00,0 %"] + flow_names), right=30)
    plot_height = cs.export_geometry(export, **geometry).plot_h if export is not None else SCREEN_PLOT_HEIGHT
    offset = EU_BAR_WIDTH / 2 + 0.55 * marker_size / (plot_height / len(rows))    # tip on the bar's edge
    markers = []
    if region_name and np.isfinite(data["share_eu_region"].to_numpy(dtype=float)).any():
        region_label = region_name if region_name.lower().startswith("région") else f"Région {region_name}"
        several = region_name.startswith("Régions ")       # a TI's régions taken together
        markers.append(("share_eu_region", "Part UE 27 des régions" if several else "Part UE 27 de la région",
                        f"Part UE 27 — {region_label}", "Régions" if several else "Région",
                        "triangle-down", -offset, "top", palette.node))
    if np.isfinite(data["share_eu_france"].to_numpy(dtype=float)).any():    # not for France itself
        markers.append(("share_eu_france", "Part UE 27 de la France", "Part UE 27 — France entière", "France",
                        "triangle-up", offset, "bottom", FRANCE_GREY))
    for column, name, hover_name, short, symbol, shift, side, color in markers:
        values = data[column].to_numpy(dtype=float)
        fig.add_trace(go.Scatter(
            name=name, mode="markers+text", y=[r + shift for r in rows], x=values, cliponaxis=False,
            marker=dict(symbol=symbol, size=marker_size, color=color, line=dict(color=TEXT_COLOR, width=1.5)),
            text=[f"{short} : {fmt.format_percent(v)}" if math.isfinite(v) else "" for v in values],
            textposition=[f"{side} {'left' if v > 0.85 else 'right' if v < 0.15 else 'center'}"
                          for v in np.nan_to_num(values, nan=0.5)],
            textfont=_font(export, 0.85),
            customdata=[[lab, fmt.format_percent(v)] for lab, v in zip(flow_names, values)],
            hovertemplate="<b>%{customdata[0]}</b><br>" + hover_name + " : %{customdata[1]}<extra></extra>"))
    tickvals, ticktext = cs.percent_ticks(1.0)
    fig.update_xaxes(range=[0, 1.03], tickvals=tickvals, ticktext=ticktext, tickfont=text_font,
                     title=dict(text="Part des échanges" + (f" — {territory_name}" if territory_name else ""),
                                font=text_font))
    fig.update_yaxes(range=[len(rows) - 0.5, -0.5], tickvals=rows, ticktext=labels, tickfont=text_font,
                     ticklabelstandoff=10, showgrid=False, zeroline=False)   # (ticksuffix: ignored with ticktext)
    fig.update_layout(barmode="stack")
    fig = cs.finish(fig, export, screen_margin=dict(t=50, b=40, l=10, r=10), **geometry)
    fig.update_layout(legend_traceorder="normal")
    return fig
