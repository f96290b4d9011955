"""Plotly figures of the publication, built from lib.analysis.indicators results (pure functions, no Streamlit).

Every builder takes ``template``, ``palette`` and ``export``. On screen, leave ``template=None`` so the
Streamlit theme applies; for a PNG, pass an ``ExportFrame``: the figure then gets an explicit light
template (never plotly's default, which `import streamlit` turns into placeholder colours that export
black), a title, the source line, a white background and fonts sized for a 16 cm wide Word picture.
Every number a user reads is formatted with lib.core.formatting (« 511,9 M€ », « 1,8 % »).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.core import formatting as fmt
from lib.presentation import chart_style as cs
from lib.presentation.chart_style import (  # EXPORT_TEMPLATE, exact_decimals: also read as figures.X
    EXPORT_TEMPLATE, FONT_FAMILY, TEXT_COLOR, EmptyDataError, ExportFrame, exact_decimals)
from lib.analysis.indicators import OTHERS, FlowStructure
from lib.presentation.palette import DEFAULT_PALETTE, Palette, lighten, relative_luminance, to_rgba
from lib.data.reference.departments import is_department
from lib.data.reference.products import (
    group_short_label, product_group)
from lib.core.schema import EXPORT, FLOW_NAMES, IMPORT

SCREEN_FONT_PX = 12       # plotly's text on screen (Streamlit's theme)
LINK_HIGHLIGHT_ALPHA = 0.9
LINK_NEUTRAL_ALPHA = 0.35
SANKEY_SCREEN_HEIGHT = 620
# A white halo keeps Sankey labels readable where coloured links cross them.
LABEL_HALO = "0 0 3px #ffffff, 0 0 3px #ffffff, 0 0 2px #ffffff"


# ---------------------------------------------------------------- shared helpers


# ---------------------------------------------------------------- 1. balance by partner country

def balance_figure(partners: pd.DataFrame, *, template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                   export: ExportFrame | None = None) -> go.Figure:
    """« Balance commerciale territoriale »: imports to the left, exports to the right, balance in green/red."""
    cs.require_columns(partners, ["country", "imports", "exports", "balance"], "Balance commerciale")
    if partners.empty or float(partners[["imports", "exports"]].to_numpy().sum()) <= 0:
        raise EmptyDataError("Aucun échange avec un pays partenaire pour ce territoire et cette année : "
                             "la balance commerciale ne peut pas être représentée.")
    names = [cs.country_names(code)[0] for code in partners["country"]]
    return butterfly_figure(
        names, names, partners, balance_header="Solde",
        legend=("Solde positif (excédent)", "Solde négatif (déficit)"),
        hover=("<b>%{customdata[0]}</b><br>Importations : %{customdata[1]}<br>Exportations : %{customdata[2]}"
               "<br>Solde : %{customdata[3]}<extra></extra>"),
        template=template, palette=palette, export=export)


def butterfly_figure(names: list[str], full_names: list[str], frame: pd.DataFrame, *, balance_header: str,
                     legend: tuple[str, str], hover: str, template: str | None = None,
                     palette: Palette = DEFAULT_PALETTE, export: ExportFrame | None = None) -> go.Figure:
    """The publication's butterfly: one row per name, imports to the left, exports to the right, and the
    balance (frame columns imports, exports, balance) in a green/red column of its own — a marker on the
    bars themselves would cover the value labels of small rows. Used for partners and for products."""
    frame = frame.reset_index(drop=True)
    imports = frame["imports"].to_numpy(dtype=float)
    exports = frame["exports"].to_numpy(dtype=float)
    balance = frame["balance"].to_numpy(dtype=float)
    money, signed_money, unit = cs.money([*imports, *exports, *balance])
    custom = [[full, money(i), money(e), signed_money(b)]
              for full, i, e, b in zip(full_names, imports, exports, balance)]
    text_font = cs.tick_font(export)
    balance_size = cs.FONT_SIZE if export is None else round(cs.FONT_SIZE * export.factor)
    balance_texts = [signed_money(v) for v in balance]
    label_left = cs.label_margin(names)
    if export is not None:
        plot_w = cs.export_geometry(export, legend=True, axis_bottom=45, left=label_left, right=30).plot_w
        column = (max(cs.text_width(t, balance_size, bold=True) for t in balance_texts) + 2.5 * balance_size) / plot_w
    else:   # the marker's column; its amount runs on into the right margin (px, see screen_margin)
        column = 0.08
    fig = cs.new_subplots(template, export, rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.01,
                        column_widths=[1 - column, column], subplot_titles=["", f"<b>{balance_header}</b>"])
    for name, values, color, sign in (("Importations", imports, palette.imports, -1),
                                      ("Exportations", exports, palette.exports, 1)):
        fig.add_trace(go.Bar(
            name=name, orientation="h", y=names, x=sign * values, marker_color=color,
            text=[money(v) for v in values], textposition="outside", cliponaxis=False,
            textfont=text_font, customdata=custom, hovertemplate=hover), row=1, col=1)
    marker_size = 14 if export is None else round(20 * export.factor)
    for positive, label, color in ((True, legend[0], palette.surplus), (False, legend[1], palette.deficit)):
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
    # room for the outside value labels: more on screen, where the chart can be 500 px wide (1024 px page),
    # and fewer ticks there so that they stay level
    if export is not None:   # measured: each label's own width after its bar, on each side of the axis
        half_px = plot_w * (1 - column - 0.01) / 2
        span = max(reach * 1.05, cs.outside_reach([*imports, *exports], [money(v) for v in (*imports, *exports)],
                                                  balance_size, half_px, pad=10 * export.factor))
        target = 2 * cs.tick_target(half_px, money(reach), balance_size, most=3)
        tickvals, ticktext = cs.meur_ticks(-span, span, absolute=True, unit=unit, target=target)
        kept = [(v, t) for v, t in zip(tickvals, ticktext) if abs(v) <= span]
        tickvals, ticktext = [v for v, _ in kept], [t for _, t in kept]
    else:
        tickvals, ticktext = cs.meur_ticks(-reach, reach, absolute=True, unit=unit, target=2)
        span = reach * 1.8
    fig.update_xaxes(range=[-span, span], tickvals=tickvals, ticktext=ticktext, zeroline=True, tickangle=0,
                     zerolinecolor="#6B7280", zerolinewidth=1.5, tickfont=text_font, showgrid=True, row=1, col=1)
    fig.update_xaxes(range=[-0.3, 4] if export is not None else [-1.5, 2.5], visible=False, row=1, col=2)
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed",
                     tickfont=text_font, ticksuffix="  ", row=1, col=1)
    fig.update_yaxes(showgrid=False, row=1, col=2)
    if export is not None:
        fig.layout.annotations[-1].font = dict(size=balance_size)
    fig.update_layout(barmode="relative", bargap=0.3)
    # the legend goes above the « Solde » header (on one row with it, a long legend ran into it)
    fig = cs.finish(fig, export, legend=True, axis_bottom=45, left=label_left, right=30,
                    top_extra=cs.FONT_SIZE * 1.3 if export is not None else 0,
                    # on screen, the balance amounts run past their column into this margin (px: a
                    # 358 px chart on a phone has a column of 30 px for « +181,8 M€ »)
                    screen_margin=dict(t=40, b=90, l=10, r=round(max(
                        cs.text_width(t, SCREEN_FONT_PX, bold=True) for t in balance_texts) + 16)))
    if export is None:   # under the axis: on two rows above it, the legend ran into the « Solde » header
        fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left", y=-0.12, yanchor="top"))
    return fig


# ---------------------------------------------------------------- 2. treemaps

TILE_TEXT_LIGHT = "#FFFFFF"
TILE_TEXT_DARK = TEXT_COLOR
# White text down to 3:1 contrast (WCAG's bar for large or bold text, which tile labels are): the flow
# colours and their mid shades get white, only the pale tints get near-black.
TILE_DARK_LUMINANCE = 0.30
TREEMAP_FIGURES_SHARE = 0.03      # of the picture's area: from there a tile also shows its value and share
TREEMAP_NAME_SHARE = 0.003        # from there its name (plotly fits the text in the tile)
TREEMAP_SCREEN_FONT = 12          # px: the largest size plotly may give a tile's text on screen


def _tile_text(color: str) -> str:
    """Text colour for a tile: white on dark and mid tones, near-black on light ones."""
    return TILE_TEXT_LIGHT if relative_luminance(color) <= TILE_DARK_LUMINANCE else TILE_TEXT_DARK


def _treemap_trace(breakdown: pd.DataFrame, flow: str, palette: Palette, export: ExportFrame | None,
                   area: float = 1.0, unit: fmt.AmountUnit | None = None) -> go.Treemap:
    """Products as tiles inside their A38 group; shades of the flow colour, darkest for the largest group."""
    cs.check_flow(flow)
    cs.require_columns(breakdown, ["product", "value", "share"], "Répartition par produit")
    frame = breakdown[breakdown["value"] > 0].copy()
    if frame.empty:
        raise EmptyDataError(f"Aucune valeur d'{'exportation' if flow == EXPORT else 'importation'} pour ce "
                             "territoire et cette année : la répartition par produit ne peut pas être représentée.")
    total = float(frame["value"].sum())
    money = (unit or fmt.AmountUnit.for_values([total])).format     # one unit for the chart
    frame["product"] = frame["product"].astype(str)
    frame["group"] = frame["product"].map(product_group)
    frame = frame.sort_values(["value", "product"], ascending=[False, True], kind="mergesort")
    groups = frame.groupby("group", sort=False)["value"].sum().sort_values(ascending=False, kind="mergesort")
    base = cs.flow_color(flow, palette)
    flow_word = "des exportations" if flow == EXPORT else "des importations"
    n_groups = len(groups)
    group_shade = {g: lighten(base, 0.55 * rank / max(n_groups - 1, 1)) for rank, g in enumerate(groups.index)}

    if export is not None and export.print_width_cm:
        return _print_treemap_trace(frame, total, flow, palette, export, group_shade, money, flow_word)

    # Text only where it can be read: the share of the picture a tile takes decides what it shows
    # (plotly would otherwise shrink it to a few pixels). `area` = the treemap's part of the figure.
    ids, labels, parents, values, colors, texts, custom = [], [], [], [], [], [], []
    by_group: dict = {}   # plain lists, largest first: a DataFrame filter and itertuples per group cost 15 ms
    for product, value, group in zip(frame["product"].tolist(), frame["value"].tolist(), frame["group"].tolist()):
        by_group.setdefault(group, []).append((product, value))
    for group in groups.index:
        members = by_group[group]
        group_label = group_short_label(group)
        group_value = float(groups[group])
        parent = ""
        if len(members) > 1:  # a one-product group is drawn as the product itself
            parent = f"groupe:{group}"
            # Every header names its group (on two short lines when the group is small).
            ids.append(parent)
            header = "<br>".join(cs.wrap(group_label, 16 if group_value / total * area < 0.05 else 40))
            labels.append(group_label)
            parents.append("")
            values.append(group_value)
            colors.append(group_shade[group])
            texts.append(header)
            custom.append([group_label, money(group_value), fmt.format_percent(group_value / total),
                           "Groupe de produits"])
        for rank, (product, value) in enumerate(members):
            short, full = cs.product_names(product)
            share = value / total
            ids.append(product)
            labels.append(short)
            parents.append(parent)
            values.append(float(value))
            colors.append(lighten(group_shade[group], min(0.1 * (rank + (parent != "")), 0.35)))
            value_text, share_text = money(value), fmt.format_percent(share)
            wrapped = "<br>".join(cs.wrap(short, 18 if share * area >= 0.01 else 11))   # narrow tiles, short lines
            # Every tile that can hold text gets its name, and its figures when it is large (plotly scales
            # the text down to fit); only the tiniest stay blank rather than microscopic.
            if share * area >= TREEMAP_FIGURES_SHARE:
                texts.append(f"<b>{wrapped}</b><br>{value_text}<br>{share_text}")
            elif share * area >= TREEMAP_NAME_SHARE:
                texts.append(f"<b>{wrapped}</b>")
            else:
                texts.append("")
            custom.append([full, value_text, share_text, group_label])
    return go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total", sort=False,
        text=texts, textinfo="text", customdata=custom,
        hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]} — %{customdata[2]} " + flow_word
                       + "<br><i>%{customdata[3]}</i><extra></extra>"),
        marker=dict(colors=colors, line=dict(color="white", width=1.5)),
        tiling=dict(pad=2), pathbar=dict(visible=export is None),
        # plotly's own choice put dark text on mid-blue and mid-purple tiles: decided here, per tile
        textfont=cs.tick_font(export) or dict(size=TREEMAP_SCREEN_FONT), name=FLOW_NAMES[flow].capitalize(),
        insidetextfont=dict(cs.tick_font(export) or dict(size=TREEMAP_SCREEN_FONT),
                            color=[_tile_text(c) for c in colors]))


PRINT_TILE_SHARE = 0.05    # a product's own tile in a picture for Word: 5 % of the flow or more…
PRINT_TILES = 8            # …and at most this many; the rest make one « Autres produits » tile


def _print_treemap_trace(frame: pd.DataFrame, total: float, flow: str, palette: Palette, export: ExportFrame,
                         group_shade: dict, money, flow_word: str) -> go.Treemap:
    """The treemap for a picture printed in Word: one level, the main products only (each named with its
    value and share), the rest in one « Autres produits » tile. With every product drawn, the printed picture
    was a mosaic of blank tiles whose labels, shrunk to fit, printed at 1 to 5 pt."""
    kept = frame[frame["value"] / total >= PRINT_TILE_SHARE].head(PRINT_TILES)
    rest = float(frame["value"].sum() - kept["value"].sum())
    rows = [(str(r.product), float(r.value), group_shade[r.group]) for r in kept.itertuples(index=False)]
    if rest > 0:
        rows.append((OTHERS, rest, palette.others))
    ids, labels, values, colors, texts, custom = [], [], [], [], [], []
    for rank, (product, value, shade) in enumerate(rows):
        short, full = cs.product_names(product)
        if product == OTHERS:
            short, full = "Autres produits", f"{len(frame) - len(kept)} autres produits"
        share = value / total
        ids.append(product)
        labels.append(short)
        values.append(value)
        colors.append(shade)
        name = "<br>".join(cs.wrap(short, 14))     # a small tile: its name and share (its value in the table)
        texts.append(f"<b>{name}</b><br>{money(value)}<br>{fmt.format_percent(share)}" if share >= 0.1
                     else f"<b>{name}</b><br>{fmt.format_percent(share)}")
        custom.append([full, money(value), fmt.format_percent(share),
                       "" if product == OTHERS else group_short_label(product_group(product))])
    font = cs.tick_font(export)
    return go.Treemap(
        ids=ids, labels=labels, parents=[""] * len(ids), values=values, branchvalues="total", sort=False,
        text=texts, textinfo="text", customdata=custom,
        hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]} — %{customdata[2]} " + flow_word
                       + "<br><i>%{customdata[3]}</i><extra></extra>"),
        marker=dict(colors=colors, line=dict(color="white", width=2)), tiling=dict(pad=2),
        pathbar=dict(visible=False), textfont=font, name=FLOW_NAMES[flow].capitalize(),
        insidetextfont=dict(font, color=[_tile_text(c) for c in colors]))


def treemap_figure(breakdown: pd.DataFrame, flow: str, *, template: str | None = None,
                   palette: Palette = DEFAULT_PALETTE, export: ExportFrame | None = None) -> go.Figure:
    """One flow's products as tiles whose area is proportional to their value."""
    fig = cs.new_figure(template, export)
    fig.add_trace(_treemap_trace(breakdown, flow, palette, export))
    return cs.finish(fig, export, screen_margin=dict(t=10, b=10, l=10, r=10))


def flows_treemap_figure(export_breakdown: pd.DataFrame, import_breakdown: pd.DataFrame, *,
                         template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                         export: ExportFrame | None = None) -> go.Figure:
    """« Principales activités à l'export et à l'import »: the two treemaps side by side."""
    parts = {}
    unit = fmt.AmountUnit.for_values([float(b.loc[b["value"] > 0, "value"].sum()) if not b.empty else 0.0
                                      for b in (export_breakdown, import_breakdown)])
    for flow, breakdown in ((EXPORT, export_breakdown), (IMPORT, import_breakdown)):
        try:
            parts[flow] = _treemap_trace(breakdown, flow, palette, export, area=0.5, unit=unit)
        except EmptyDataError:
            parts[flow] = None
    if all(trace is None for trace in parts.values()):
        raise EmptyDataError("Aucune exportation ni importation pour ce territoire et cette année : "
                             "les principales activités ne peuvent pas être représentées.")
    titles = []
    for flow, breakdown in ((EXPORT, export_breakdown), (IMPORT, import_breakdown)):
        total = float(breakdown.loc[breakdown["value"] > 0, "value"].sum()) if not breakdown.empty else 0.0
        titles.append(f"<b>{FLOW_NAMES[flow].capitalize()}</b> — {unit.format(total)}")
    fig = cs.new_subplots(template, export, rows=1, cols=2, specs=[[{"type": "domain"}, {"type": "domain"}]],
                        subplot_titles=titles, horizontal_spacing=0.03)
    for col, flow in enumerate((EXPORT, IMPORT), start=1):
        if parts[flow] is not None:
            fig.add_trace(parts[flow], row=1, col=col)
        else:
            word = "exportation" if flow == EXPORT else "importation"
            fig.add_annotation(text=f"Aucune {word}", showarrow=False, xref="paper", yref="paper",
                               x=0.25 if col == 1 else 0.75, y=0.5, font=dict(color="#6B7280"))
    title_size = round(cs.FONT_SIZE * 1.15 * export.factor) if export is not None else None
    for annotation in fig.layout.annotations[:2]:
        annotation.font = dict(color=cs.flow_color(EXPORT if annotation.x < 0.5 else IMPORT, palette),
                               **({"size": title_size} if title_size else {}))
    return cs.finish(fig, export, axis_bottom=0, top_extra=cs.FONT_SIZE * 1.15 * 1.8,
                   screen_margin=dict(t=40, b=10, l=10, r=10))


# ---------------------------------------------------------------- 3. Sankey

def _side_nodes(table: pd.DataFrame, names, total: float) -> list[dict]:
    nodes = []
    for row in table.itertuples(index=False):
        short, full = names(str(row.code))
        nodes.append(dict(code=str(row.code), value=float(row.value), short=short, full=full,
                          share=row.value / total if total else float("nan")))
    return nodes


def _column_positions(values: list[float], n_max: int, gap: float, others_last: bool = False) -> list[float]:
    """Node centres (0 = top) for values stacked top to bottom, mirroring plotly's own node heights.

    ``others_last``: the « Autres » node (last) stands apart: the gaps above it take 30 % from each of the
    other gaps, so the column keeps plotly's height scale and still fits.
    """
    total = sum(values)
    scale = (1 - (n_max - 1) * gap) / total if total else 0
    n = len(values)
    inner_gap, others_gap = gap, gap
    if others_last and n > 2:
        inner_gap = gap * 0.7
        others_gap = gap + (n - 2) * gap * 0.3          # same total of gaps as before: (n − 1) × gap
    centres, cursor = [], 0.0
    for index, value in enumerate(values):
        height = value * scale
        centres.append(min(max(cursor + height / 2, 0.001), 0.999))
        cursor += height + (others_gap if index == n - 2 else inner_gap)
    return centres


SANKEY_LABEL_CHARS = 20        # wrap node labels beyond this many characters per line
_LABEL_LINE = 1.3              # plotly's line height in an annotation, in font sizes
_LABEL_GAP = 14                # px between a node and its label, at 1600 px wide or on screen


def _sankey_label_lines(node: dict, chars: int = SANKEY_LABEL_CHARS) -> list[str]:
    """« Savons, parfums, entretien — 315,0 M€ » wrapped: the name on its lines, the amount after it."""
    text = f"{node['short']} — {fmt.format_meur(node['value'])}"
    if len(text) <= chars:
        return [text]
    lines = cs.wrap_name(node["short"], chars)
    amount = fmt.format_meur(node["value"])
    if len(f"{lines[-1]} — {amount}") <= chars + 4:
        lines[-1] = f"{lines[-1]} — {amount}"
    else:
        lines.append(amount)
    return lines


def _fitting_lines(column: list[dict], line_px: float, plot_h: float, gap: float) -> list[list[str]]:
    """A column's labels wrapped as narrow as the height allows: with big Word text, labels of three lines
    each overflowed the plot and were pushed over the column heading and out of the picture; wider lines
    (fewer of them) keep every label level with its node."""
    for chars in (SANKEY_LABEL_CHARS, 26, 32, 40, 200):
        lines = [_sankey_label_lines(node, chars) for node in column]
        if sum(map(len, lines)) * line_px + (len(column) - 1) * gap <= plot_h:
            return lines
    return lines


def _spread(centres: list[float], heights: list[float], low: float, high: float, gap: float) -> list[float]:
    """Label centres as close as possible to ``centres`` (px from the top), none overlapping the next,
    all within [low, high]: push down from the top, then back up from the bottom."""
    tops = []
    for centre, height in zip(centres, heights):
        top = max(centre - height / 2, low, (tops[-1] + heights[len(tops) - 1] + gap) if tops else low)
        tops.append(top)
    for i in range(len(tops) - 1, -1, -1):
        limit = high if i == len(tops) - 1 else tops[i + 1] - gap
        tops[i] = min(tops[i], limit - heights[i])
    return [top + height / 2 for top, height in zip(tops, heights)]


def sankey_label_boxes(fig: go.Figure) -> list[dict]:
    """The label annotations of a Sankey (``name="sankey-label"``), for tests and text alternatives."""
    return [a for a in fig.layout.annotations if a.name == "sankey-label"]


def sankey_figure(structure: FlowStructure, *, template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                  export: ExportFrame | None = None) -> go.Figure:
    """Exports: products (left) → countries (right); imports: countries (left) → products (right).

    Node labels sit outside the diagram, in the margins (left labels right-aligned against the left nodes,
    right labels left-aligned after the right nodes), wrapped, spread apart vertically so that no label
    covers a band or another label; plotly's own labels (drawn over the bands) are kept in the data for
    hovers and tests but not drawn. The « Autres » nodes stand apart at the bottom of each column.
    """
    flow = cs.check_flow(structure.flow)
    if structure.is_empty or structure.links.empty:
        word = "exportation" if flow == EXPORT else "importation"
        raise EmptyDataError(f"Aucune {word} pour ce territoire et cette année : le diagramme des flux "
                             "ne peut pas être représenté.")
    total = structure.total
    money = fmt.AmountUnit.for_values([total]).format       # one unit for the chart: never « 0,0 M€ »
    products = _side_nodes(structure.products, cs.product_names, total)
    countries = _side_nodes(structure.countries, cs.country_names, total)
    left, right = (products, countries) if flow == EXPORT else (countries, products)
    nodes = left + right
    index_left = {node["code"]: i for i, node in enumerate(left)}
    index_right = {node["code"]: len(left) + i for i, node in enumerate(right)}

    k = export.factor if export is not None else 1.0
    font_size = round(cs.FONT_SIZE * k) if export is not None else 12
    thickness = round(22 * k) if export is not None else 16
    offset = _LABEL_GAP * k + thickness / 2      # plotly centres a node on its x: half of it is outside
    headers = (("Produits exportés", "Pays de destination") if flow == EXPORT
               else ("Pays d'origine", "Produits importés"))
    # the plot's height does not depend on the side margins: known before the labels are wrapped
    height_args = dict(axis_bottom=20, top_extra=cs.FONT_SIZE * 1.8)
    label_room = (cs.export_geometry(export, **height_args).plot_h if export is not None
                  else SANKEY_SCREEN_HEIGHT - 40 - 14)
    lines = [line for column in (left, right)
             for line in _fitting_lines(column, font_size * _LABEL_LINE, label_room, 2 * k)]


    def column_width(column_lines: list[list[str]], header: str) -> float:
        widest = max([cs.text_width(line, font_size) for group in column_lines for line in group]
                     + [cs.text_width(header, font_size) * 1.05])
        return widest + offset + 6 * k

    left_px, right_px = column_width(lines[:len(left)], headers[0]), column_width(lines[len(left):], headers[1])
    # Plotly sizes nodes with `pad` px between them; centres placed with that same gap (as a fraction of
    # the plot height, hence a known height) stack them exactly.
    geometry_args = dict(left=left_px / k + 16, right=right_px / k + 16, **height_args)
    screen_margin = dict(t=40, b=14, l=round(left_px) + 8, r=round(right_px) + 8)
    if export is not None:
        pad = round(32 * export.factor)
        plot_h = cs.export_geometry(export, **geometry_args).plot_h
    else:  # a fixed height, so the gap is known in px on screen too
        pad = 22
        plot_h = SANKEY_SCREEN_HEIGHT - screen_margin["t"] - screen_margin["b"]
    gap = pad / plot_h
    n_max = max(len(left), len(right))
    ys = _column_positions([n["value"] for n in left], n_max, gap, left[-1]["code"] == OTHERS) + \
        _column_positions([n["value"] for n in right], n_max, gap, right[-1]["code"] == OTHERS)
    xs = [0.001] * len(left) + [0.999] * len(right)

    highlighted = {(str(r.product), str(r.country)) for r in structure.top_links.itertuples(index=False)}
    links = structure.links.copy()
    links["product"] = links["product"].astype(str)
    links["country"] = links["country"].astype(str)
    links["highlight"] = [(p, c) in highlighted for p, c in zip(links["product"], links["country"])]
    # Grey links first, red ones last, so the red ones are drawn on top.
    links = links.sort_values(["highlight", "value"], ascending=[True, True], kind="mergesort")
    product_nodes = {n["code"]: n for n in products}
    country_nodes = {n["code"]: n for n in countries}
    sources, targets, link_values, link_colors, link_custom = [], [], [], [], []
    for row in links.itertuples(index=False):
        if flow == EXPORT:
            source, target = index_left[row.product], index_right[row.country]
            first, second = product_nodes[row.product]["full"], country_nodes[row.country]["full"]
        else:
            source, target = index_left[row.country], index_right[row.product]
            first, second = country_nodes[row.country]["full"], product_nodes[row.product]["full"]
        sources.append(source)
        targets.append(target)
        link_values.append(float(row.value))
        link_colors.append(to_rgba(palette.link_highlight, LINK_HIGHLIGHT_ALPHA) if row.highlight
                           else to_rgba(palette.link_neutral, LINK_NEUTRAL_ALPHA))
        link_custom.append([first, second, money(row.value), fmt.format_percent(row.value / total)])

    fig = cs.new_figure(template, export)
    fig.add_trace(go.Sankey(
        arrangement="fixed", valueformat=",.0f",
        node=dict(
            label=[f"{n['short']} — {money(n['value'])}" for n in nodes],
            x=xs, y=ys, pad=pad,
            thickness=thickness,
            color=[palette.others if n["code"] == OTHERS else palette.node for n in nodes],
            line=dict(width=0),
            customdata=[[n["full"], money(n["value"]), fmt.format_percent(n["share"])] for n in nodes],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} — %{customdata[2]} du total<extra></extra>"),
        link=dict(source=sources, target=targets, value=link_values, color=link_colors, customdata=link_custom,
                  hovertemplate=("%{customdata[0]} → %{customdata[1]}<br><b>%{customdata[2]}</b> — "
                                 "%{customdata[3]} du total<extra></extra>")),
        # plotly's labels would sit on the bands: transparent (the annotations below are the labels)
        textfont=dict(size=1, color="rgba(0,0,0,0)", shadow="none")))
    line_px = font_size * _LABEL_LINE
    labels: list[dict] = []
    leaders: list[dict] = []
    for side, (column, first) in enumerate(((left, 0), (right, len(left)))):
        heights = [len(lines[first + i]) * line_px for i in range(len(column))]
        wanted = [ys[first + i] * plot_h for i in range(len(column))]
        centres = _spread(wanted, heights, 0, plot_h, 2 * k)
        for i, (node, centre) in enumerate(zip(column, centres)):
            others = node["code"] == OTHERS
            if abs(centre - wanted[i]) > 2 * k:   # moved away from its node: a thin leader line joins them
                leaders.append(dict(type="line", name="sankey-leader", xref="paper", xsizemode="pixel",
                                    xanchor=0 if side == 0 else 1, yref="paper",
                                    x0=-offset + 2 * k if side == 0 else offset - 2 * k,
                                    x1=-thickness / 2 if side == 0 else thickness / 2,
                                    y0=1 - centre / plot_h, y1=1 - wanted[i] / plot_h,
                                    line=dict(color="#8C9199", width=max(1, round(k)))))
            labels.append(dict(
                name="sankey-label", text="<br>".join(lines[first + i]), showarrow=False,
                xref="paper", x=0 if side == 0 else 1, xanchor="right" if side == 0 else "left",
                xshift=-offset if side == 0 else offset,
                yref="paper", y=1 - centre / plot_h, yanchor="middle", align="right" if side == 0 else "left",
                # one font on screen and in the PNG: the one the margins are measured for
                font=dict(size=font_size, color="#555B63" if others else TEXT_COLOR, family=FONT_FAMILY)))
    header_font = dict(size=font_size, family=FONT_FAMILY)
    for text, x, anchor in ((headers[0], 0, "right"), (headers[1], 1, "left")):
        labels.append(dict(text=f"<b>{text}</b>", showarrow=False, xref="paper", yref="paper", x=x, xanchor=anchor,
                           xshift=-offset if x == 0 else offset,
                           y=1, yanchor="bottom", yshift=6 * k + line_px / 2, font=header_font))
    cs.add_annotations(fig, labels, leaders)
    if export is None:
        fig.update_layout(height=SANKEY_SCREEN_HEIGHT)
    return cs.finish(fig, export, screen_margin=screen_margin, **geometry_args)


# ---------------------------------------------------------------- 4. specialisation

def specialisation_figure(spec: pd.DataFrame, territory_name: str, region_name: str | None = None, *,
                          flow: str = EXPORT, template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                          export: ExportFrame | None = None) -> go.Figure:
    """Shares of the territory's main products in the territory, its région and France (grouped bars)."""
    cs.check_flow(flow)
    cs.require_columns(spec, ["product", "share_territory", "share_region", "share_france", "specialisation"],
                     "Spécialisation")
    if spec.empty or not (spec["share_territory"].fillna(0) > 0).any():
        raise EmptyDataError("Aucun produit échangé par ce territoire cette année : la spécialisation ne peut "
                             "pas être représentée.")
    frame = spec.reset_index(drop=True)
    territory_name, region_name = cs.territory_label(territory_name), region_name and cs.territory_label(region_name)
    codes = frame["product"].astype(str).tolist()
    shorts = [cs.product_names(c)[0] for c in codes]
    fulls = [cs.product_names(c)[1] for c in codes]
    index_texts = [fmt.format_ratio(v) for v in frame["specialisation"].to_numpy(dtype=float)]
    base = cs.flow_color(flow, palette)
    series = [("share_territory", territory_name, base)]
    if region_name and frame["share_region"].notna().any():
        series.append(("share_region", f"Région {region_name}" if not region_name.lower().startswith("région")
                       else region_name, lighten(base, 0.5)))
    series.append(("share_france", "France entière", "#9AA0A6"))
    text_font = cs.tick_font(export)

    fig = cs.new_figure(template, export)
    for column, name, color in series:
        values = frame[column].to_numpy(dtype=float)
        texts = [fmt.format_percent(v) for v in values]
        # only the territory's bars are labelled (three would not fit); in a picture, after the group's
        # longest bar: on its own bar, the big Word text ran over the région's and France's bars
        own = column == "share_territory" and export is None
        fig.add_trace(go.Bar(
            name=name, orientation="h", y=shorts, x=values, marker_color=color,
            text=texts if own else None, textposition="outside" if own else "none", cliponaxis=False,
            textfont=text_font, constraintext="none",
            customdata=[[full, name, t, idx] for full, t, idx in zip(fulls, texts, index_texts)],
            hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]} : %{customdata[2]}"
                           "<br>Indice de spécialisation : %{customdata[3]}<extra></extra>")))
    annotation_font = dict(size=round(cs.FONT_SIZE * export.factor)) if export is not None else {}
    index_labels = []
    for short, value, text in zip(shorts, frame["specialisation"].to_numpy(dtype=float), index_texts):
        color = palette.surplus if (math.isfinite(value) and value >= 1) else TEXT_COLOR
        index_labels.append(dict(xref="paper", x=1, xanchor="left", xshift=14, yref="y", y=short, showarrow=False,
                                 text=f"<b>{text}</b>", font=dict(color=color, **annotation_font)))
    index_labels.append(dict(xref="paper", x=1, xanchor="left", xshift=14, yref="paper", y=1, yanchor="bottom",
                             showarrow=False, align="left", text="<b>Indice de<br>spécialisation</b>",
                             font=annotation_font))
    cs.add_annotations(fig, index_labels)
    high = float(np.nanmax(frame[[c for c, _, _ in series]].to_numpy(dtype=float)))
    end = high * 1.18
    if export is not None:
        group_high = np.nan_to_num(frame[[c for c, _, _ in series]].to_numpy(dtype=float)).max(axis=1)
        own_texts = [fmt.format_percent(v) for v in frame["share_territory"].to_numpy(dtype=float)]
        geometry = cs.export_geometry(export, legend=True, axis_bottom=90, left=cs.label_margin(shorts),
                                      right=cs.text_width("spécialisation", cs.FONT_SIZE) + 40)
        font_px = round(cs.FONT_SIZE * export.factor)
        end = max(end, cs.outside_reach(group_high, own_texts, font_px, geometry.plot_w, pad=12 * export.factor))
        # level with the territory's bar, the group's first (top) one
        slot = geometry.plot_h / len(shorts) * (1 - 0.2) / len(series)
        cs.add_annotations(fig, [dict(xref="x", x=float(v), xanchor="left", xshift=6 * export.factor, yref="y",
                                      y=short, yshift=(len(series) - 1) / 2 * slot, showarrow=False, text=text,
                                      font=dict(size=font_px))
                                 for short, v, text in zip(shorts, group_high, own_texts)])
    tickvals, ticktext = cs.percent_ticks(high)
    fig.update_xaxes(range=[0, end], tickvals=tickvals, ticktext=ticktext, tickfont=text_font,
                     title=dict(text="Part dans le total " + ("des exportations" if flow == EXPORT
                                                              else "des importations"), font=text_font))
    fig.update_yaxes(categoryorder="array", categoryarray=shorts, autorange="reversed", tickfont=text_font,
                     ticksuffix="  ")
    fig.update_layout(barmode="group", bargap=0.2, bargroupgap=0.12)
    return cs.finish(fig, export, legend=True, axis_bottom=90, left=cs.label_margin(shorts),
                   right=cs.text_width("spécialisation", cs.FONT_SIZE) + 40,
                   screen_margin=dict(t=60, b=40, l=10, r=120))


# ---------------------------------------------------------------- 5. départements side by side

def departments_comparison_figure(frame: pd.DataFrame, *, template: str | None = None,
                                  palette: Palette = DEFAULT_PALETTE,
                                  export: ExportFrame | None = None) -> go.Figure:
    """Exports and imports of several départements (grouped bars) with their balance as green/red markers."""
    cs.require_columns(frame, ["department", "exports", "imports", "balance", "coverage"], "Comparaison")
    data = frame.reset_index(drop=True)
    if data.empty or not (data[["exports", "imports"]].fillna(0).to_numpy() > 0).any():
        raise EmptyDataError("Aucun échange pour les départements choisis cette année : la comparaison ne peut "
                             "pas être représentée.")
    codes = data["department"].astype(str).tolist()
    names = [cs.department_label(c) for c in codes]
    chars, solde_break = 16 if len(names) > 4 else 30, ""
    if export is not None:   # lines as long as a category's width allows (the Word size's big text)
        font_px = round(cs.FONT_SIZE * export.factor)
        plot_w = cs.export_geometry(export, left=130, right=30).plot_w
        chars = max(6, int(0.9 * plot_w / len(names) / (font_px * 0.56)))
        solde_break = "<br>" if chars < len("Solde : +10 000,0 M€") else ""
    axis_labels = ["<br>".join(cs.wrap_name(n, chars)) for n in names]
    exports = data["exports"].fillna(0).to_numpy(dtype=float)
    imports = data["imports"].fillna(0).to_numpy(dtype=float)
    balance = data["balance"].to_numpy(dtype=float)
    money, signed_money, unit = cs.money([*exports, *imports, *balance])
    custom = [[f"{n} ({c})" if is_department(c) else n, money(e), money(i),
               signed_money(b), fmt.format_ratio(cv)]
              for n, c, e, i, b, cv in zip(names, codes, exports, imports, balance,
                                           data["coverage"].to_numpy(dtype=float))]
    hover = ("<b>%{customdata[0]}</b><br>Exportations : %{customdata[1]}<br>Importations : %{customdata[2]}"
             "<br>Solde : %{customdata[3]}<br>Taux de couverture : %{customdata[4]}<extra></extra>")
    text_font = cs.tick_font(export)
    small_font = dict(size=round(cs.FONT_SIZE * 0.85 * export.factor)) if export is not None else {}

    # beyond 6 départements the bars get too narrow for a readable value; in a picture, values are written
    # only when the widest fits its bar (shrunk to fit, they printed at 4 pt in Word)
    labelled = len(names) <= 6
    if export is not None and labelled:
        bar_px = plot_w / len(names) * (1 - 0.25) / 2 * (1 - 0.06)
        labelled = max(cs.text_width(money(v), small_font["size"]) for v in [*exports, *imports]) <= bar_px
    fig = cs.new_figure(template, export)
    for name, values, color in (("Exportations", exports, palette.exports), ("Importations", imports, palette.imports)):
        fig.add_trace(go.Bar(name=name, x=axis_labels, y=values, marker_color=color,
                             text=[money(v) for v in values] if labelled else None,
                             textposition="outside", cliponaxis=False,
                             textfont=small_font, customdata=custom, hovertemplate=hover))
    marker_size = 16 if export is None else round(22 * export.factor)
    for positive, label, color in ((True, "Solde positif (excédent)", palette.surplus),
                                   (False, "Solde négatif (déficit)", palette.deficit)):
        mask = np.nan_to_num(balance) >= 0 if positive else np.nan_to_num(balance) < 0
        if not mask.any():
            continue
        fig.add_trace(go.Scatter(
            name=label, mode="markers", x=[a for a, m in zip(axis_labels, mask) if m], y=balance[mask],
            marker=dict(symbol="diamond", size=marker_size, color=color, line=dict(color="white", width=1.5)),
            customdata=[c for c, m in zip(custom, mask) if m], hovertemplate=hover, cliponaxis=False))
    low = float(min(0.0, np.nanmin(balance)))
    high = float(max(exports.max(), imports.max(), np.nanmax(balance)))
    tickvals, ticktext = cs.meur_ticks(low, high, unit=unit)
    fig.update_yaxes(range=[cs.floor_with_tick(low, high, tickvals), high * 1.12], tickvals=tickvals,
                     ticktext=ticktext, tickfont=text_font, zeroline=True, zerolinecolor="#6B7280",
                     zerolinewidth=1.5)
    # Under each name, its balance in green or red (the markers alone carry no figure).
    category_texts = [f"{label}<br><span style='color:{palette.surplus if b >= 0 else palette.deficit}'>"
                      f"<b>Solde :{solde_break or ' '}{signed_money(b)}</b></span>"
                      for label, b in zip(axis_labels, np.nan_to_num(balance))]
    fig.update_xaxes(categoryorder="array", categoryarray=axis_labels, tickvals=axis_labels,
                     ticktext=category_texts, tickfont=text_font, tickangle=0)
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.06)
    lines = max(label.count("<br>") + 2 for label in axis_labels) + (1 if solde_break else 0)
    return cs.finish(fig, export, legend=True, axis_bottom=20 + lines * cs.FONT_SIZE * 1.25,
                   left=max(cs.text_width(t, cs.FONT_SIZE) for t in ticktext) + 30, right=30,
                   screen_margin=dict(t=50, b=40, l=10, r=10))
