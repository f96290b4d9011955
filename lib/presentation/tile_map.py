"""« Carte de France » as a tile grid: one square per département, no base map (pure Python, no Streamlit).

The grid is the project's own: each of the 96 mainland départements has a (column, row) cell chosen so
that the picture looks like France and neighbours touch as far as possible (about nine real borders in
ten are kept, diagonals included); Île-de-France is enlarged to eight tiles around Paris, Corsica sits
at the bottom right, and the five overseas départements form a labelled inset at the top left.

Tiles are plotly shapes on a cartesian plane with equal aspect, so a PNG exported by kaleido needs no
network (a geo trace would fetch its base map from a CDN). Each tile's colour is computed here, which
lets a test check that the largest value gets the scale's end colour; an invisible scatter carries the
hover and the click selection, and another one only draws the colour bar, whose ticks are French.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.core import formatting as fmt
from lib.presentation import chart_style as cs
from lib.presentation.chart_style import exact_decimals, FONT_FAMILY, TEXT_COLOR, EmptyDataError, ExportFrame
from lib.presentation.palette import DEFAULT_PALETTE, Palette, hex_to_rgb, lighten, relative_luminance
from lib.presentation.plain_text import plot_text
from lib.data.reference.departments import department_name

# The mainland, row by row from the north (« .. » = sea or abroad). Read it as a map.
_MAINLAND = """
.. .. .. .. .. 62 59 .. .. .. .. ..
.. .. .. .. 76 80 60 02 08 .. .. ..
.. .. .. 14 27 95 93 51 55 54 57 67
29 22 50 61 78 92 75 77 10 52 88 68
56 35 53 72 28 91 94 89 21 70 90 ..
.. 44 49 37 41 45 58 71 39 25 .. ..
.. 85 79 86 36 18 03 42 69 01 74 ..
.. .. 17 16 87 23 63 43 07 38 73 ..
.. .. .. 33 24 19 15 48 30 26 05 ..
.. .. .. 40 47 46 12 34 84 04 06 ..
.. .. .. 64 32 82 81 11 13 83 .. ..
.. .. .. .. 65 31 09 66 .. .. .. 2B
.. .. .. .. .. .. .. .. .. .. .. 2A
"""
# Overseas inset, top left (the Channel is empty there): (column, row).
OVERSEAS = ("971", "972", "973", "974", "976")
_OVERSEAS_CELLS = {"971": (0, 0), "972": (1, 0), "973": (2, 0), "974": (0, 1), "976": (1, 1)}
OVERSEAS_LABEL = "Outre-mer"


def _parse(text: str) -> dict[str, tuple[int, int]]:
    cells = {}
    for row, line in enumerate(text.strip().splitlines()):
        for col, token in enumerate(line.split()):
            if token != "..":
                cells[token] = (col, row)
    return cells


GRID: dict[str, tuple[int, int]] = {**_parse(_MAINLAND), **_OVERSEAS_CELLS}
N_COLS = max(c for c, _ in GRID.values()) + 1
N_ROWS = max(r for _, r in GRID.values()) + 1
TILE = 0.92            # side of a tile (cell = 1)
MISSING_COLOR = "#D9DCE1"
NEUTRAL_COLOR = "#F4F4F2"
SCREEN_HEIGHT = 560
EXPORT_SIZE = (1600, 1400)  # the map is about as tall as wide: a near-square picture suits Word


# ---------------------------------------------------------------- indicators a map can show

@dataclass(frozen=True)
class MapKind:
    key: str
    label: str   # colour bar title and hover line
    unit: str    # "eur", "share" or "ratio"
    scale: str   # "sqrt" (0 → max), "signed_sqrt" (−m → +m around 0), "log" (ratio around 1)


KINDS: dict[str, MapKind] = {
    "exports": MapKind("exports", "Exportations", "eur", "sqrt"),
    "imports": MapKind("imports", "Importations", "eur", "sqrt"),
    "balance": MapKind("balance", "Solde commercial", "eur", "signed_sqrt"),
    "coverage": MapKind("coverage", "Taux de couverture", "ratio", "log"),
    "exposure": MapKind("exposure", "Part des exportations vers le pays", "share", "sqrt"),
    "product_share": MapKind("product_share", "Part du produit dans les exportations", "share", "sqrt"),
}
KIND_LABELS = {
    "exports": "Exportations",
    "imports": "Importations",
    "balance": "Solde commercial (exportations − importations)",
    "coverage": "Taux de couverture (exportations ÷ importations)",
    "exposure": "Exposition à un pays (part des exportations vers ce pays)",
    "product_share": "Poids d'un produit (part dans les exportations)",
}
_LOG_LIMIT = 4.0  # coverage colours saturate beyond ×16 / ÷16


def colorscale(kind: str, palette: Palette = DEFAULT_PALETTE) -> list[tuple[float, str]]:
    """Stops (position 0→1, hex colour); sequential in the flow's colour, diverging red/green around the centre."""
    scale = KINDS[kind].scale
    if scale in ("signed_sqrt", "log"):
        return [(0.0, palette.deficit), (0.5, NEUTRAL_COLOR), (1.0, palette.surplus)]
    base = palette.imports if kind == "imports" else palette.exports
    return [(0.0, lighten(base, 0.93)), (0.5, base.upper()), (1.0, darken(base, 0.45))]


def darken(color: str, amount: float) -> str:
    """Mix with black (0 = unchanged, 1 = black): the largest values stand out in every palette."""
    r, g, b = (round(c * (1 - min(max(amount, 0.0), 1.0))) for c in hex_to_rgb(color))
    return f"#{r:02X}{g:02X}{b:02X}"


def color_at(stops: list[tuple[float, str]], t: float) -> str:
    """Linear RGB interpolation between stops; t is clipped to [0, 1]."""
    t = min(max(float(t), 0.0), 1.0)
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if t <= p1:
            if t == p1:
                return c1.upper()
            w = (t - p0) / (p1 - p0) if p1 > p0 else 0.0
            a, b = hex_to_rgb(c0), hex_to_rgb(c1)
            return "#" + "".join(f"{round(x + (y - x) * w):02X}" for x, y in zip(a, b))
    return stops[-1][1].upper()


@dataclass(frozen=True)
class _Scale:
    """Value ↔ position on the colour bar (0 → 1)."""
    kind: MapKind
    reach: float  # max for sqrt, max |v| for signed_sqrt, |log2| limit for log

    def position(self, value: float) -> float:
        if value is None or not math.isfinite(value):
            return float("nan")
        if self.kind.scale == "sqrt":
            return math.sqrt(max(value, 0.0) / self.reach) if self.reach > 0 else 0.0
        if self.kind.scale == "signed_sqrt":
            if self.reach <= 0:
                return 0.5
            return 0.5 + 0.5 * math.copysign(math.sqrt(min(abs(value) / self.reach, 1.0)), value)
        ratio = math.log2(value) if value > 0 else -self.reach
        return 0.5 + 0.5 * min(max(ratio / self.reach, -1.0), 1.0)


def _scale_for(kind: MapKind, values: np.ndarray) -> _Scale:
    finite = values[np.isfinite(values)]
    if kind.scale == "sqrt":
        return _Scale(kind, float(finite.max()) if finite.size else 0.0)
    if kind.scale == "signed_sqrt":
        return _Scale(kind, float(np.abs(finite).max()) if finite.size else 0.0)
    logs = np.abs(np.log2(finite[finite > 0])) if (finite > 0).any() else np.array([1.0])
    return _Scale(kind, float(min(max(logs.max(), 1.0), _LOG_LIMIT)))


# ---------------------------------------------------------------- French labels of the colour bar

_NICE = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def _nice(value: float) -> float:
    """Round to a « nice » number (1, 1,5, 2, 2,5, 3, 4, 5, 6, 8 × 10^k), downwards-biased."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(value))
    candidates = [f * magnitude for f in _NICE if f * magnitude <= value * 1.0000001]
    return candidates[-1] if candidates else magnitude


def _amount_texts(values: list[float], signed: bool) -> list[str]:
    high = max((abs(v) for v in values), default=0)
    divisor, unit = (1e9, "Md€") if high >= 1e10 else (1e6, "M€")
    decimals = exact_decimals([v / divisor for v in values])     # « 1,5 M€ », never a rounded « 2 M€ »
    texts = [fmt.format_number(v / divisor, decimals) for v in values]
    return [("+" if signed and v > 0 else "") + f"{t}{fmt.NBSP}{unit}" for v, t in zip(values, texts)]


def _percent_texts(values: list[float]) -> list[str]:
    decimals = exact_decimals([v * 100 for v in values])
    return [fmt.format_percent(v, decimals=decimals) for v in values]


def _ratio_text(ratio: float) -> str:
    """2 → « 2 », 0.25 → « 0,25 » (as many decimals as the power of two needs, no trailing zeros)."""
    text = fmt.format_number(ratio, 0 if ratio >= 1 else 6)
    return text.rstrip("0").rstrip(",") if "," in text else text


def colorbar_ticks(kind: str, values: pd.Series) -> tuple[list[float], list[str]]:
    """Positions (0→1) and French labels of the colour bar's ticks."""
    spec = KINDS[kind]
    scale = _scale_for(spec, values.to_numpy(dtype=float))
    if spec.scale == "log":
        limit = int(math.floor(scale.reach))
        ratios = [2.0 ** k for k in range(-limit, limit + 1)]
        return [scale.position(r) for r in ratios], [_ratio_text(r) for r in ratios]
    if scale.reach <= 0:
        return [0.0 if spec.scale == "sqrt" else 0.5], ["0"]
    # ticks evenly spread along the colour bar (not along the values): nice values near reach·t²
    fractions = (0.25, 0.5, 0.75, 1.0)
    magnitudes = sorted({_nice(scale.reach * f * f) for f in fractions} - {0.0})
    ticks = [0.0] + magnitudes
    if spec.scale == "signed_sqrt":
        ticks = [-m for m in reversed(magnitudes)] + ticks
    positions = [scale.position(v) for v in ticks]
    if spec.unit == "eur":
        texts = _amount_texts(ticks, signed=spec.scale == "signed_sqrt")
        texts = ["0" if v == 0 else t for v, t in zip(ticks, texts)]
    else:
        texts = _percent_texts(ticks)
    return positions, texts


def format_value(kind: str, value: float) -> str:
    spec = KINDS[kind]
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return fmt.MISSING
    if spec.unit == "eur":
        return fmt.format_signed_meur(value) if spec.scale == "signed_sqrt" else fmt.format_meur(value)
    if spec.unit == "share":
        return fmt.format_percent(value)
    return fmt.format_ratio(value)


def _text_color(fill: str) -> str:
    """White on dark tiles, dark on light ones (WCAG relative luminance)."""
    return "#FFFFFF" if relative_luminance(fill) < 0.33 else TEXT_COLOR


# ---------------------------------------------------------------- the figure

@dataclass(frozen=True)
class Tile:
    code: str
    col: int
    row: int
    value: float
    color: str


def tiles(values: pd.Series, kind: str, palette: Palette = DEFAULT_PALETTE) -> list[Tile]:
    """Every département's tile with its colour (grey when the value is missing)."""
    spec = KINDS[kind]
    series = pd.to_numeric(values, errors="coerce").astype(float)
    series.index = series.index.astype(str)
    series = series.reindex(list(GRID))
    stops = colorscale(kind, palette)
    scale = _scale_for(spec, series.to_numpy(dtype=float))
    result = []
    for code, (col, row) in GRID.items():
        value = float(series[code])
        color = MISSING_COLOR if not math.isfinite(value) else color_at(stops, scale.position(value))
        result.append(Tile(code, col, row, value, color))
    return result


def map_figure(values: pd.Series, kind: str, highlight: set[str] | frozenset[str] = frozenset(), *,
               label: str | None = None, hover_extra: pd.Series | None = None, missing_text: str | None = None,
               template: str | None = None, palette: Palette = DEFAULT_PALETTE,
               export: ExportFrame | None = None) -> go.Figure:
    """One square per département coloured by `values` (index: département codes).

    `kind` picks the colours and formats (see KINDS); `highlight` outlines the selected territory's
    départements; `label` replaces the indicator's name (« Exportations vers les États-Unis »);
    `hover_extra` adds one line per département to the hover; `missing_text` explains a missing value.
    """
    if kind not in KINDS:
        raise ValueError(f"Indicateur de carte inconnu : « {kind} » (attendu : {', '.join(KINDS)}).")
    spec = KINDS[kind]
    title = label or spec.label
    drawn = tiles(values, kind, palette)
    finite = np.array([t.value for t in drawn if math.isfinite(t.value)])
    if finite.size == 0 or (spec.scale != "log" and not np.any(finite != 0)):
        raise EmptyDataError(f"Aucune valeur à représenter pour « {title} » cette année : la carte des "
                             "départements ne peut pas être dessinée.")
    k = export.factor if export is not None else 1.0
    title = plot_text(title)              # the pages' label may quote a product or a country: plotly text
    fig = cs.new_figure(template, export)
    half = TILE / 2
    shapes = [dict(type="rect", xref="x", yref="y", x0=t.col - half, x1=t.col + half, y0=t.row - half,
                   y1=t.row + half, fillcolor=t.color, line=dict(width=0), layer="below") for t in drawn]
    # the overseas inset: a dashed frame and its label
    inset = [GRID[c] for c in OVERSEAS]
    x0, x1 = min(c for c, _ in inset) - 0.6, max(c for c, _ in inset) + 0.6
    y0, y1 = min(r for _, r in inset) - 0.6, max(r for _, r in inset) + 0.6
    shapes.append(dict(type="rect", xref="x", yref="y", x0=x0, x1=x1, y0=y0, y1=y1, fillcolor="rgba(0,0,0,0)",
                       line=dict(color="#8A9099", width=1.2 * k, dash="dot"), layer="below"))
    outlined = [t for t in drawn if t.code in set(highlight)]
    for t in outlined:
        shapes.append(dict(type="rect", xref="x", yref="y", x0=t.col - 0.5, x1=t.col + 0.5, y0=t.row - 0.5,
                           y1=t.row + 0.5, fillcolor="rgba(0,0,0,0)",
                           line=dict(color=TEXT_COLOR, width=3 * k), layer="above"))
    fig.update_layout(shapes=shapes)

    code_size = round(cs.FONT_SIZE * 0.62 * k) if export is not None else 11
    if export is not None and export.print_width_cm:      # the codes too print at 7 pt or more in Word
        code_size = max(code_size, cs.min_text_px(export))
    bold = set(highlight)
    annotations = [dict(x=t.col, y=t.row, xref="x", yref="y", showarrow=False,
                        text=f"<b>{t.code}</b>" if t.code in bold else t.code,
                        font=dict(size=code_size, color=_text_color(t.color), family=FONT_FAMILY)) for t in drawn]
    # The inset's name above its frame, in a band of its own: under it, it covered tile 14 on a narrow map.
    annotations.append(dict(x=x0, y=y0, xref="x", yref="y", xanchor="left", yanchor="bottom", yshift=1,
                            text=OVERSEAS_LABEL, showarrow=False,
                            font=dict(size=code_size, color="#5B616B", family=FONT_FAMILY)))
    fig.update_layout(annotations=annotations)  # one call: add_annotation re-validates the layout each time

    extra = (hover_extra.astype(str).map(plot_text).reindex(list(GRID)) if hover_extra is not None
             else pd.Series("", index=list(GRID)))
    missing = missing_text or "donnée non disponible"
    custom = []
    for t in drawn:
        value_text = format_value(kind, t.value) if math.isfinite(t.value) else f"{fmt.MISSING} ({missing})"
        line = extra.get(t.code, "")
        line = "" if not isinstance(line, str) or line in ("", "nan") else f"<br>{line}"
        custom.append([t.code, department_name(t.code), value_text, line])
    marker_size = 30 if export is None else round(40 * k)
    fig.add_trace(go.Scatter(
        x=[t.col for t in drawn], y=[t.row for t in drawn], mode="markers", name=title, showlegend=False,
        marker=dict(symbol="square", size=marker_size, color="rgba(0,0,0,0)", line=dict(width=0)),
        selected=dict(marker=dict(opacity=0)), unselected=dict(marker=dict(opacity=0)),
        customdata=custom,
        hovertemplate=f"<b>%{{customdata[1]}} (%{{customdata[0]}})</b><br>{title} : %{{customdata[2]}}"
                      "%{customdata[3]}<extra></extra>"))

    tickvals, ticktext = colorbar_ticks(kind, pd.Series([t.value for t in drawn]))
    stops = colorscale(kind, palette)
    bar_font = dict(size=round(cs.FONT_SIZE * k)) if export is not None else {}
    fig.add_trace(go.Scatter(
        x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker=dict(color=[0.0], cmin=0.0, cmax=1.0, colorscale=[[p, c] for p, c in stops], showscale=True,
                    colorbar=dict(title=dict(text="<br>".join(cs.wrap(title, 18)), side="top",
                                             font=bar_font),
                                  tickvals=tickvals, ticktext=ticktext, tickfont=bar_font, ticks="outside",
                                  ticklen=round(6 * k), tickcolor="#8A9099",
                                  thickness=round(22 * k) if export is not None else 14,
                                  len=0.75, lenmode="fraction", x=1.0, xanchor="left", xpad=10 * k,
                                  y=0.5, yanchor="middle", outlinewidth=0))))

    fig.update_xaxes(visible=False, range=[-0.65, N_COLS - 0.35], fixedrange=True, constrain="domain")
    fig.update_yaxes(visible=False, range=[N_ROWS - 0.35, -1.3], fixedrange=True, scaleanchor="x",
                     scaleratio=1, constrain="domain")
    fig.update_layout(dragmode=False, hovermode="closest", clickmode="event+select")
    if export is None:
        fig.update_layout(height=SCREEN_HEIGHT)
    bar_width = max(len(t) for t in ticktext) * cs.FONT_SIZE * 0.56 + 70
    return cs.finish(fig, export, left=30, right=max(bar_width, 250), axis_bottom=0,
                   screen_margin=dict(t=10, b=10, l=10, r=10))

