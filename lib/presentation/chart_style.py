"""Chart style shared by every figure module: export frame, fonts, margins, axis ticks, money and name helpers.

One place for the layout rules (a PNG's title, source line and font sizes; ticks in « M€ » and « % »; label
wrapping) so that the overview, exposure, explorer and tile-map figures look alike. Pure plotly, no Streamlit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.core import formatting as fmt
from lib.core.schema import EXPORT, FLOW_NAMES, IMPORT
from lib.analysis.indicators import OTHERS, OTHERS_LABEL
from lib.data.reference.countries import country_name
from lib.data.reference.departments import department_name, is_department
from lib.data.reference.products import product_label, product_short_label
from lib.presentation.palette import Palette
from lib.presentation.plain_text import plot_text, unplot_text

EXPORT_TEMPLATE = "plotly_white"
FONT_FAMILY = "Arial, Liberation Sans, DejaVu Sans, sans-serif"
TEXT_COLOR = "#1F2328"
# Export sizes in px at 1600 px wide (scaled with the width): 22 px ≈ 6,2 pt once pasted 16 cm wide, which is
# why a picture meant for Word gives its printed width (ExportFrame.print_width_cm) and gets larger text.
EXPORT_BASE_WIDTH = 1600
TITLE_SIZE, FONT_SIZE, SOURCE_SIZE = 34, 22, 18
MIN_PRINT_PT = 7.5          # smallest text once printed (the source line), a little above the 7 pt floor


class EmptyDataError(ValueError):
    """Nothing to draw; `str(err)` is a French sentence a page can show as is (st.info)."""


@dataclass(frozen=True)
class ExportFrame:
    """What a PNG needs besides the data: its title, its source line and its size."""
    title: str
    source: str
    width: int = 1600
    height: int = 900
    scale: int = 2
    print_width_cm: float | None = None     # width once placed in Word: text grows to stay legible there

    @property
    def factor(self) -> float:
        """Font and margin scale relative to the 1600 px reference width, raised for a picture printed
        ``print_width_cm`` wide so that its smallest text (the source line) prints at MIN_PRINT_PT or more."""
        factor = self.width / EXPORT_BASE_WIDTH
        if self.print_width_cm:
            px_per_pt = self.width / (self.print_width_cm / 2.54 * 72)
            factor = max(factor, MIN_PRINT_PT * px_per_pt / SOURCE_SIZE)
        return factor


def chosen_template(template: str | None, export: ExportFrame | None) -> str | None:
    return template if template is not None else (EXPORT_TEMPLATE if export is not None else None)


def new_figure(template: str | None, export: ExportFrame | None) -> go.Figure:
    """An explicit template is set at construction, so plotly's default never leaks into an export."""
    layout = {"separators": fmt.PLOTLY_SEPARATORS}
    chosen = chosen_template(template, export)
    if chosen is not None:
        layout["template"] = chosen
    return go.Figure(layout=layout)


# Labels enter figures here, escaped for plotly's HTML subset (lib.presentation.plain_text.plot_text): a
# figure module takes a product, country, département or territory name from these helpers, never raw.

def product_names(code: str) -> tuple[str, str]:
    """(short label, full label) of a product code, « Autres » included, as plotly text."""
    if code == OTHERS:
        return OTHERS_LABEL, "Autres produits (au-delà des 10 premiers)"
    return plot_text(product_short_label(code)), plot_text(product_label(code))


def country_names(code: str) -> tuple[str, str]:
    if code == OTHERS:
        return OTHERS_LABEL, "Autres pays (au-delà des 10 premiers)"
    name = plot_text(country_name(code))
    return name, name


def department_label(code) -> str:
    return plot_text(department_name(code) if is_department(code) else str(code))


def territory_label(territory_or_name) -> str:
    """A territory's name (a Territory or its name) as plotly text."""
    return plot_text(getattr(territory_or_name, "name", territory_or_name))


def check_flow(flow: str) -> str:
    if flow not in FLOW_NAMES:
        raise ValueError(f"Flux inconnu : « {flow} » (attendu « {EXPORT} » ou « {IMPORT} »).")
    return flow


def flow_color(flow: str, palette: Palette) -> str:
    return palette.exports if flow == EXPORT else palette.imports


def require_columns(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} : colonne(s) manquante(s) {', '.join(missing)}.")


def nice_step(span: float, target_ticks: int = 5) -> float:
    """A 1-2-2,5-5 step giving about `target_ticks` ticks over `span`."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def exact_decimals(shown: list[float], most: int = 3) -> int:
    """The fewest decimals (0 to `most`) that write every value exactly: a 2,5 % gridline reads « 2,5 % »,
    never a rounded « 2 % » or « 3 % » (distinct labels alone are not enough: they can still lie)."""
    for decimals in range(most + 1):
        if all(abs(round(v, decimals) - v) <= 1e-9 * max(1.0, abs(v)) for v in shown):
            return decimals
    return most


def money(values):
    """The chart's one amount unit (lib.core.formatting.AmountUnit.for_values): plain and signed formatters, and
    the unit for the axis; a small amount reads « < 0,1 M€ », never « 0,0 M€ »."""
    unit = fmt.AmountUnit.for_values(values)
    return unit.format, (lambda v: unit.format(v, signed=True)), unit


def exact_texts(values: list[float], render, unit: float) -> list[str]:
    """Tick labels (`render(value, decimals)`) with the decimals that write `value / unit` exactly."""
    decimals = exact_decimals([v / unit for v in values])
    return [render(v, decimals) for v in values]


def meur_ticks(low: float, high: float, absolute: bool = False, unit: fmt.AmountUnit = fmt.MEUR,
                target: int = 5) -> tuple[list[float], list[str]]:
    """Ticks in euros labelled in French M€ (« 1 200 M€ », or the chart's unit); `absolute` shows imports'
    negative side as positive; about `target` intervals."""
    step = nice_step(high - low, target)
    first, last = math.floor(low / step), math.ceil(high / step)
    values = [k * step for k in range(first, last + 1)]

    def render(v, decimals):
        shown = abs(v) if absolute else v
        return f"{fmt.format_number(shown / unit.euros, decimals)}{fmt.NBSP}{unit.symbol}"
    return values, exact_texts(values, render, unit.euros)


def floor_with_tick(low: float, high: float, tickvals: list[float]) -> float:
    """Bottom of a value axis: 0, or below a negative minimum far enough to show a negative tick (a
    deficit marker under an axis with no negative label cannot be read)."""
    if low >= 0:
        return 0.0
    return min(low - 0.06 * (high - low), min(tickvals))


def percent_ticks(high: float) -> tuple[list[float], list[str]]:
    step = nice_step(high)
    values = [k * step for k in range(0, math.ceil(high / step) + 1)]
    return values, exact_texts(values, lambda v, d: fmt.format_percent(v, decimals=d), 0.01)


def wrap(text: str, max_chars: int) -> list[str]:
    """Greedy line wrap on spaces (titles, axis labels)."""
    if len(text) <= max_chars:
        return [text]
    return _greedy_wrap(text, lambda line: len(line) > max_chars)


def wrap_px(text: str, width: float, size: float) -> list[str]:
    """Greedy line wrap on spaces so that each line is at most `width` px wide at `size` px (a single word
    wider than that keeps its own line)."""
    return _greedy_wrap(text, lambda line: text_width(line, size) > width)


def _greedy_wrap(text: str, too_long) -> list[str]:
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and too_long(candidate):
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def wrap_name(name: str, max_chars: int) -> list[str]:
    """Wrap a place name on spaces and after hyphens (« Alpes-de-Haute-/Provence »)."""
    pieces = name.replace("-", "-\x00").replace(" ", " \x00").split("\x00")
    lines, current = [], ""
    for piece in pieces:
        if current and len(current + piece) > max_chars:
            lines.append(current.rstrip())
            current = piece
        else:
            current += piece
    lines.append(current.rstrip())
    return lines


# Advance widths of Arial / Liberation Sans (same metrics), in em: digits and the usual punctuation exactly,
# other letters by class. A margin computed from them fits the label plotly draws (« 12,5 % » is 3,1 em wide,
# not the 3,9 em seven average characters would give, while « M€ » or capitals are wider than average).
_NARROW = dict.fromkeys("il.,:;'|!íìïî", 0.25) | dict.fromkeys("jft ()[]\u00a0\u202f-·/", 0.3)
_WIDE = dict.fromkeys("mwMW%—", 0.89) | dict.fromkeys("ABCDEFGHKNOPQRSTUVXYZÉÈÀÇÔ", 0.69) \
    | dict.fromkeys("rI", 0.33) | dict.fromkeys("J", 0.5) | dict.fromkeys("L", 0.56)
_TAG = None


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Rendered width in px of `text` (HTML tags ignored, the widest of its ``<br>`` lines) at `size` px."""
    import re
    global _TAG
    _TAG = _TAG or re.compile(r"<[^>]+>")
    lines = re.split(r"<br\s*/?>", str(text))
    widest = max(sum(_NARROW.get(c, _WIDE.get(c, 0.56)) for c in unplot_text(_TAG.sub("", line))) for line in lines)
    return widest * size * (1.07 if bold else 1.0)


@dataclass(frozen=True)
class Geometry:
    """Export margins in px, and the lines of the title and the source."""
    top: float
    bottom: float
    left: float
    right: float
    title_lines: list
    source_lines: list
    width: int
    height: int

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom


LEGEND_SYMBOL = 40          # px of a legend item besides its text (plotly's symbol and gap), unscaled
LEGEND_ROW = 1.35           # a legend row's height, in font sizes


def legend_rows(names: list[str], font_size: float, width: float) -> int:
    """How many rows plotly's horizontal legend takes for `names` within `width` px: one row when they all
    fit, else a grid whose columns are as wide as the widest item (so one long name can give a row each)."""
    items = [LEGEND_SYMBOL + text_width(name, font_size) + 0.6 * font_size for name in names]
    if not items or sum(items) <= width:
        return 1
    columns = max(1, int(width // max(items)))
    return math.ceil(len(items) / columns)


def export_geometry(export: ExportFrame, *, legend: bool | list[str] = False, axis_bottom: float = 0,
                    left: float = 30, right: float = 30, top_extra: float = 0) -> Geometry:
    """Margins are computed (not auto-expanded) so the source line sits at a known place under the plot.

    `axis_bottom`, `left`, `right` and `top_extra` (headers above the plot) are px at the 1600 px width.
    `legend`: True keeps one legend row above the plot (and above `top_extra`); the legend's names keep as
    many rows as plotly will wrap them onto.
    """
    k = export.factor
    title_size, font_size, source_size = (round(s * k) for s in (TITLE_SIZE, FONT_SIZE, SOURCE_SIZE))
    # No title (a Word document puts its own heading above the picture): no room kept for one.
    title_lines = wrap(export.title, int(export.width * 0.95 / (title_size * 0.5))) if export.title else []
    source_lines = wrap(export.source, int(export.width * 0.95 / (source_size * 0.5)))
    rows = 0
    if legend:
        names = legend if isinstance(legend, list) else []
        rows = legend_rows(names, font_size, export.width - (left + right) * k) if names else 1
    top = 22 * k + len(title_lines) * title_size * 1.3 + 16 * k \
        + (font_size * LEGEND_ROW * rows + 8 * k if rows else 0) + top_extra * k
    bottom = axis_bottom * k + len(source_lines) * source_size * 1.35 + 22 * k
    return Geometry(top=top, bottom=bottom, left=left * k, right=right * k, title_lines=title_lines,
                    source_lines=source_lines, width=export.width, height=export.height)


def legend_names(fig: go.Figure) -> list[str]:
    """The names plotly's legend shows (traces with a name and showlegend not False)."""
    return [trace.name for trace in fig.data if trace.name and trace.showlegend is not False]


def min_text_px(export: ExportFrame) -> float:
    """Smallest text plotly may shrink a bar or tile label to before hiding it: 3/4 of the body text, and no
    less than 7 pt once printed ``print_width_cm`` wide (a label shrunk to 4 pt is worse than none)."""
    smallest = 0.75 * FONT_SIZE * export.factor
    if export.print_width_cm:
        smallest = max(smallest, 7.1 * export.width / (export.print_width_cm / 2.54 * 72))
    return math.ceil(smallest)


def finish(fig: go.Figure, export: ExportFrame | None, *, legend: bool = False, screen_margin: dict | None = None,
            **geometry_args) -> go.Figure:
    """Screen: compact margins. Export: size, white background, title, source line, legible fonts."""
    fig.update_layout(separators=fmt.PLOTLY_SEPARATORS)
    if export is None:
        fig.update_layout(margin=screen_margin or dict(t=40, b=40, l=10, r=10))
        if legend:
            fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom"))
        return fig
    k = export.factor
    title_size, font_size, source_size = (round(s * k) for s in (TITLE_SIZE, FONT_SIZE, SOURCE_SIZE))
    if legend:
        legend = legend_names(fig) or True
    geometry = export_geometry(export, legend=legend, **geometry_args)
    fig.update_layout(
        width=export.width, height=export.height, paper_bgcolor="white", plot_bgcolor="white",
        font=dict(family=FONT_FAMILY, size=font_size, color=TEXT_COLOR),
        margin=dict(t=geometry.top, b=geometry.bottom, l=geometry.left, r=geometry.right, pad=0,
                    autoexpand=False),
        # plotly anchors a multi-line title on its first line: shift it down by the extra lines
        title=dict(text="<br>".join(plot_text(line) for line in geometry.title_lines), xref="container", x=22 * k / export.width,
                   xanchor="left", yref="container", yanchor="top",
                   y=1 - (22 * k + max(len(geometry.title_lines) - 1, 0) * title_size * 0.65) / export.height,
                   font=dict(size=title_size, color=TEXT_COLOR, family=FONT_FAMILY)),
        hoverlabel=dict(font_size=font_size),
        # a bar or tile label that would need shrinking below min_text_px is left out, not printed at 4 pt
        uniformtext=dict(minsize=min_text_px(export), mode="hide"))
    if legend:
        above = (8 + geometry_args.get("top_extra", 0)) * k      # over the headers kept by top_extra
        fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left", y=1 + above / geometry.plot_h,
                                      yanchor="bottom", font=dict(size=font_size), bgcolor="rgba(0,0,0,0)"))
    else:
        fig.update_layout(showlegend=False)
    fig.add_annotation(
        text="<br>".join(plot_text(line) for line in geometry.source_lines), showarrow=False, align="left",
        xref="paper", x=-(geometry.left - 22 * k) / geometry.plot_w, xanchor="left",
        yref="paper", y=-(geometry.bottom - 16 * k) / geometry.plot_h, yanchor="bottom",
        font=dict(size=source_size, color="#555B63", family=FONT_FAMILY))
    return fig


def add_annotations(fig: go.Figure, annotations: list[dict], shapes: list[dict] = ()) -> None:
    """Many annotations (and shapes) at once: plotly's add_annotation validates the whole list again at
    every call, so a Sankey's 25 labels cost 300 validations one by one, 25 here."""
    fig.update_layout(annotations=list(fig.layout.annotations) + list(annotations),
                      shapes=list(fig.layout.shapes) + list(shapes))


def outside_reach(values, texts, font_size: float, axis_px: float, pad: float = 10) -> float:
    """The axis end (data units, from 0) that leaves room after each bar for its outside label: a bar of
    value v ends at v / reach × axis_px and its label needs its own width after that."""
    reach = 0.0
    for value, text in zip(values, texts):
        room = axis_px - text_width(text, font_size) - pad
        if value > 0:
            reach = max(reach, value * axis_px / max(room, 0.25 * axis_px))
    return reach


def tick_target(axis_px: float, sample: str, font_size: float, most: int = 5) -> int:
    """How many intervals an axis of `axis_px` can label with labels like `sample`, each followed by at
    least its own width of space (big Word text on a narrow axis: fewer ticks, never « 200 M€400 M€ »)."""
    return max(1, min(most, int(axis_px / (1.6 * text_width(sample, font_size) + font_size))))


def tick_font(export: ExportFrame | None) -> dict:
    return {} if export is None else dict(size=round(FONT_SIZE * export.factor))


def label_margin(labels, extra: float = 30) -> float:
    """Left margin (px at 1600 wide) that fits the longest category label."""
    return max((text_width(str(label), FONT_SIZE) for label in labels), default=0) + extra


def new_subplots(template: str | None, export: ExportFrame | None, **kwargs) -> go.Figure:
    """make_subplots with the same template rule as new_figure."""
    fig = make_subplots(**kwargs)
    chosen = chosen_template(template, export)
    if chosen is not None:
        fig.update_layout(template=chosen)
    fig.update_layout(separators=fmt.PLOTLY_SEPARATORS)
    return fig
