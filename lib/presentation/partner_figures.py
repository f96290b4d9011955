"""Figures and tables of « Un pays, plusieurs territoires » and « Droits de douane : exposition ».

Same contract as lib/presentation/figures.py: keyword arguments ``template``, ``palette``, ``export``
(an ``ExportFrame`` for a PNG), French number formats, ``EmptyDataError`` with a French sentence.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.analysis.partners import TariffExposure, partner_name, partner_phrase
from lib.core import formatting as fmt
from lib.core.schema import EXPORT
from lib.data.reference.products import product_short_label
from lib.data.territories import region_title
from lib.presentation import chart_style as cs
from lib.presentation.chart_style import EmptyDataError, ExportFrame
from lib.presentation.palette import DEFAULT_PALETTE, Palette
from lib.presentation.plain_text import plot_text
from lib.presentation.table_model import Column, TableSheet

# Eight distinguishable line colours (Okabe–Ito, then two greys): a territory keeps its colour in any palette.
LINE_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C8C8C")
LINE_DASHES = ("solid", "dash", "dot", "dashdot", "solid", "dash", "dot", "dashdot")
TARIFF_PRODUCTS_SHOWN = 15


def rate_label(rate: float) -> str:
    """« 25 % », « 12,5 % »: a rate as the user typed it (no « 25,0 % »)."""
    return fmt.format_percent(rate, decimals=0 if abs(rate * 100 - round(rate * 100)) < 1e-9 else 1)


def _font(export: ExportFrame | None, scale: float = 1.0) -> dict:
    return {} if export is None else dict(size=round(cs.FONT_SIZE * scale * export.factor))


# ---------------------------------------------------------------- one partner, several territories

def partner_trend_figure(trend: pd.DataFrame, partner: str, flow: str, *, template: str | None = None,
                         palette: Palette = DEFAULT_PALETTE, export: ExportFrame | None = None) -> go.Figure:
    """One line per territory: its exports to (imports from) the partner, every year of the data."""
    cs.require_columns(trend, ["territory", "name", "year", "value"], "Évolution par territoire")
    if trend.empty or not (trend["value"] > 0).any():
        raise EmptyDataError(f"Aucun échange {partner_phrase(partner, flow)} n'est enregistré pour ces territoires "
                             "sur la période.")
    money, _, unit = cs.money(trend["value"].tolist())
    years = sorted({int(y) for y in trend["year"]})
    labels = [str(y) for y in years]            # a category axis: no « 2 024 »
    fig = cs.new_figure(template, export)
    width = 3 if export is None else round(4 * export.factor)
    size = 9 if export is None else round(14 * export.factor)
    for index, (territory, part) in enumerate(trend.groupby("territory", sort=False)):
        part = part.sort_values("year")
        name = cs.territory_label(part["name"].iloc[0])
        values = part["value"].to_numpy(dtype=float)
        shares = part["share"].to_numpy(dtype=float) if "share" in part else [float("nan")] * len(part)
        fig.add_trace(go.Scatter(
            name=name, x=[str(int(y)) for y in part["year"]], y=values, mode="lines+markers",
            line=dict(color=LINE_COLORS[index % 8], width=width, dash=LINE_DASHES[index % 8]),
            marker=dict(size=size, color=LINE_COLORS[index % 8]),
            customdata=[[name, money(v), fmt.format_percent(s)] for v, s in zip(values, shares)],
            hovertemplate=("<b>%{customdata[0]}</b>, %{x}<br>" + plot_text(partner_name(partner)) + " : %{customdata[1]}"
                           "<br>Part des échanges du territoire avec tous les pays : %{customdata[2]}"
                           "<extra></extra>")))
    high = float(trend["value"].max())
    tickvals, ticktext = cs.meur_ticks(0.0, high, unit=unit)
    fig.update_yaxes(range=[0, high * 1.08], tickvals=tickvals, ticktext=ticktext, tickfont=cs.tick_font(export),
                     rangemode="tozero")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels, tickfont=cs.tick_font(export))
    fig.update_layout(hovermode="closest", legend=dict(font=_font(export, 0.9)))
    return cs.finish(fig, export, legend=True, axis_bottom=20 + cs.FONT_SIZE * 1.3,
                     left=max(cs.text_width(t, cs.FONT_SIZE) for t in ticktext) + 30, right=40,
                     top_extra=cs.FONT_SIZE * 1.4 * max(0, (len(trend["territory"].unique()) - 1) // 4),
                     screen_margin=dict(t=60, b=30, l=10, r=10))


def partner_trend_table(trend: pd.DataFrame, partner: str, flow: str, product: str | None) -> TableSheet:
    """One row per territory: its value each year, its share of the territory's trade with all countries
    each year, the change on the last year and over the period."""
    years = sorted({int(y) for y in trend["year"]})
    rows = []
    for territory, part in trend.groupby("territory", sort=False):
        by_year = part.set_index("year")
        row = {"name": part["name"].iloc[0], "territory": territory}
        for year in years:
            row[f"value_{year}"] = float(by_year.at[year, "value"])
            row[f"share_{year}"] = float(by_year.at[year, "share"])
        first, last = by_year.at[years[0], "value"], by_year.at[years[-1], "value"]
        row["change_last"] = float(by_year.at[years[-1], "change"]) if len(years) > 1 else float("nan")
        row["change_period"] = last / first - 1 if first else float("nan")
        rows.append(row)
    words = "Exportations" if flow == EXPORT else "Importations"
    columns = [Column("name", "Territoire", "text")]
    columns += [Column(f"value_{y}", f"{y} (€)", "eur") for y in years]
    columns += [Column(f"share_{y}", f"Part {y}", "share") for y in years]
    if len(years) > 1:
        columns += [Column("change_last", f"Évolution {years[-2]}-{years[-1]}", "share"),
                    Column("change_period", f"Évolution {years[0]}-{years[-1]}", "share")]
    what = f" de {product_short_label(product)} ({product})" if product else ""
    return TableSheet(
        title=f"{words}{what} {partner_phrase(partner, flow)}, par territoire", sheet_name="Un pays",
        frame=pd.DataFrame(rows), columns=columns,
        notes=[f"Part = {words.lower()}{what} {partner_phrase(partner, flow)} ÷ {words.lower()}{what} du territoire "
               "avec tous les pays, la même année.",
               "Une année sans échange enregistré compte pour 0 (absence d'échanges ou secret statistique)."])


# ---------------------------------------------------------------- tariff exposure

def _exposed_words(result: TariffExposure) -> str:
    """« Exportations vers la Chine exposées à un droit de 25 % »."""
    rate = rate_label(result.rate).replace("\u00a0", " ")
    return f"Exportations {partner_phrase(result.country, EXPORT)} exposées à un droit de {rate}"


def _product_title(result: TariffExposure) -> str:
    return (f"{len(result.chosen_products)} produit{'s' if len(result.chosen_products) > 1 else ''} choisi"
            f"{'s' if len(result.chosen_products) > 1 else ''}" if result.chosen_products else "tous les biens")


def tariff_products_figure(result: TariffExposure, *, template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                           export: ExportFrame | None = None) -> go.Figure:
    """The products exposed, biggest first (horizontal bars), each with the share of its exports going there
    (« 73,9 M€ · 26,3 % »: the page and the axis title say what the percentage is)."""
    if result.is_empty:
        raise EmptyDataError(f"{result.territory.name} n'a enregistré aucune exportation de ces produits "
                             f"{partner_phrase(result.country, EXPORT)} en {result.year}.")
    data = result.products.head(TARIFF_PRODUCTS_SHOWN).iloc[::-1]
    money, _, unit = cs.money(data["exposed"].tolist())
    names = [cs.product_names(p)[0] for p in data["product"]]
    texts = [_two_figures(money(v), fmt.format_percent(s), export) for v, s in
             zip(data["exposed"], data["share_of_product_exports"])]
    fig = cs.new_figure(template, export)
    fig.add_trace(go.Bar(
        x=data["exposed"], y=names, orientation="h", marker_color=palette.exports, text=texts,
        textposition="outside", cliponaxis=False, textfont=_font(export, 0.85), constraintext="none",
        customdata=[[cs.product_names(p)[1], money(v), fmt.format_percent(s), money(d)] for p, v, s, d in
                    zip(data["product"], data["exposed"], data["share_of_product_exports"], data["duty"])],
        hovertemplate=("<b>%{customdata[0]}</b><br>Exportations exposées : %{customdata[1]}<br>Part des "
                       "exportations du produit : %{customdata[2]}<br>Droits au taux choisi : %{customdata[3]}"
                       "<extra></extra>")))
    high = float(data["exposed"].max())
    return _finish_bars(fig, export, names, high, cs.meur_ticks(0.0, high, unit=unit, target=4),
                        "Montant exposé · part du produit vendue à ce pays", row_px=34)


MAX_RANKING_BARS = 20       # the most exposed départements drawn (plus the territory's own, if below them)


def ranking_bars(export: ExportFrame | None) -> int:
    """How many bars the ranking draws: 20 on screen (the chart grows with them), and in a picture as many as
    its plot height holds with every name printed (a line and a half of text each): 14 or so in Word."""
    if export is None:
        return MAX_RANKING_BARS
    geometry = cs.export_geometry(export, axis_bottom=30 + cs.FONT_SIZE * 2.6)
    line = cs.FONT_SIZE * export.factor * 1.5
    return max(5, min(MAX_RANKING_BARS, int(geometry.plot_h // line)))


def tariff_ranking_figure(result: TariffExposure, *, template: str | None = None, palette: Palette = DEFAULT_PALETTE,
                          export: ExportFrame | None = None) -> go.Figure:
    """Share of each département's exports exposed, the territory's départements in the exports colour."""
    data = result.ranking.dropna(subset=["share"])
    if data.empty or not (data["exposed"] > 0).any():
        raise EmptyDataError("Aucun département de la région n'exporte ces produits vers ce pays cette année.")
    data = data.sort_values(["share", "department"], ascending=[True, False], kind="mergesort")
    most = ranking_bars(export)
    if len(data) > most:                    # France: 101 bars would not read; the table keeps them all
        kept = data.tail(most)
        data = pd.concat([data[data["own"] & ~data.index.isin(kept.index)], kept])
    names = [cs.territory_label(f"{n} ({d})") for n, d in zip(data["name"], data["department"])]
    money, _, _ = cs.money(data["exposed"].tolist())
    colors = [palette.exports if own else "#9AA0A6" for own in data["own"]]
    fig = cs.new_figure(template, export)
    fig.add_trace(go.Bar(
        x=data["share"], y=names, orientation="h", marker_color=colors,
        text=[_two_figures(fmt.format_percent(s), money(v), export) for s, v in zip(data["share"], data["exposed"])],
        textposition="outside", cliponaxis=False, textfont=_font(export, 0.85), constraintext="none",
        customdata=[[n, fmt.format_percent(s), money(v), money(d)] for n, s, v, d in
                    zip(names, data["share"], data["exposed"], data["duty"])],
        hovertemplate=("<b>%{customdata[0]}</b><br>Part des exportations exposée : %{customdata[1]}<br>Exportations "
                       "exposées : %{customdata[2]}<br>Droits au taux choisi : %{customdata[3]}<extra></extra>")))
    high = float(data["share"].max())
    return _finish_bars(fig, export, names, high, cs.percent_ticks(high),
                        "Part des exportations exposée · montant exposé", row_px=30)


def _two_figures(first: str, second: str, export: ExportFrame | None) -> str:
    """A bar's label: « 73,9 M€ · 26,3 % » in a picture; on screen one figure under the other, narrow enough
    to stay within a phone's chart after the longest bar (on one line, it ran past the edge at 390 px)."""
    return f"{first} · {second}" if export is not None else f"{first}<br>{second}"


def _finish_bars(fig: go.Figure, export: ExportFrame | None, names: list[str], high: float, ticks,
                 axis_title: str, *, row_px: int) -> go.Figure:
    """The tariff bar charts' common frame: value axis with room for the labels after the longest bar, names on
    the left, a screen height that grows with the bars (``row_px`` each). The value axis only in a picture: on
    screen every bar carries its figures and the page says what they are; on a phone's narrow plot the axis
    title, centred, ran past the chart's edge and the ticks turned and overlapped."""
    if export is None:
        fig.update_xaxes(range=[0, high * 1.5], showticklabels=False, showgrid=False, zeroline=False)
    else:
        tickvals, ticktext = ticks
        fig.update_xaxes(range=[0, high * 1.5], tickvals=tickvals, ticktext=ticktext, tickfont=cs.tick_font(export),
                         title=dict(text=axis_title, font=_font(export, 0.85)))
    fig.update_yaxes(tickfont=cs.tick_font(export), automargin=export is None, ticksuffix="  ")
    fig.update_layout(bargap=0.25, height=None if export else max(320, row_px * len(names) + 100))
    return cs.finish(fig, export, axis_bottom=30 + cs.FONT_SIZE * 2.6, left=cs.label_margin(names), right=40,
                     screen_margin=dict(t=20, b=30, l=10, r=10))


def tariff_products_table(result: TariffExposure) -> TableSheet:
    frame = result.products.assign(label=[product_short_label(p) for p in result.products["product"]])
    return TableSheet(
        title=f"{_exposed_words(result)}, par produit ({_product_title(result)})", sheet_name="Droits produits",
        frame=frame, columns=[
            Column("product", "Code", "text"), Column("label", "Produit", "text"),
            Column("exposed", "Exportations exposées (€)", "eur"),
            Column("product_exports", "Exportations du produit, tous pays (€)", "eur"),
            Column("share_of_product_exports", "Part des exportations du produit", "share"),
            Column("share_of_exports", "Part des exportations du territoire", "share"),
            Column("duty", f"Droits à {rate_label(result.rate)} (€)", "eur")],
        notes=[_reading_note(result)])


def _reading_note(result: TariffExposure) -> str:
    return (f"Droits = exportations exposées × {rate_label(result.rate)}, les échanges restant ceux de "
            f"{result.year} : ni baisse des volumes, ni détournement vers d'autres pays, ni effet sur les prix. "
            "Un ordre de grandeur de l'enjeu, pas une prévision.")


def tariff_peers_table(result: TariffExposure) -> TableSheet:
    """The territory, its région(s) and France: exposed exports, all exports, share, duty."""
    rows = [("Territoire", result.territory.name, result.own)]
    if result.region is not None:
        rows.append(("Régions" if len(result.region.regions) > 1 else "Région", region_title(result.region),
                     result.region_figures))
    if result.france is not None:
        rows.append(("France", "France entière", result.france))
    frame = pd.DataFrame([{"level": level, "name": name, "exposed": f.exposed, "exports": f.exports,
                           "share": f.share, "duty": f.duty} for level, name, f in rows])
    return TableSheet(
        title=f"{_exposed_words(result)} : le territoire, sa région et la France ({_product_title(result)})",
        sheet_name="Droits comparaison", frame=frame, columns=[
            Column("level", "Niveau", "text"), Column("name", "Territoire", "text"),
            Column("share", "Part des exportations exposée", "share"),
            Column("exposed", "Exportations exposées (€)", "eur"),
            Column("duty", f"Droits à {rate_label(result.rate)} (€)", "eur"),
            Column("exports", "Exportations, tous pays et produits (€)", "eur")],
        notes=[_reading_note(result)])


def tariff_ranking_table(result: TariffExposure) -> TableSheet:
    frame = result.ranking.assign(rank=range(1, len(result.ranking) + 1))
    scope = result.region or result.territory
    where = ("de France" if scope.kind == "fr" else
             f"des régions {scope.name[len('Régions '):]}" if len(scope.regions) > 1 else f"de la région {scope.name}")
    return TableSheet(
        title=f"{_exposed_words(result)} : départements {where} ({_product_title(result)})", sheet_name="Droits départements",
        frame=frame, columns=[
            Column("rank", "Rang", "int"), Column("department", "Code", "text"), Column("name", "Département", "text"),
            Column("exposed", "Exportations exposées (€)", "eur"), Column("exports", "Exportations, tous pays (€)", "eur"),
            Column("share", "Part des exportations exposée", "share"),
            Column("duty", f"Droits à {rate_label(result.rate)} (€)", "eur")],
        notes=[_reading_note(result)])
