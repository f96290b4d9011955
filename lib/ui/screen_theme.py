"""Streamlit's chart look written into the figures: plotly draws a treemap or a Sankey diagram once, a bar or
line chart twice, instead of two or three times.

Why: with `theme="streamlit"`, Streamlit's frontend gives the figure its template, then, once the chart's
width is measured, a JSON copy of the whole figure: a new `layout.template` object and new data arrays
(base64 `bdata`, decoded again), which plotly's `react` takes for a new figure and draws again from
scratch (bench/plotly_draws.py). Here the template that Streamlit applies (captured by
`python -m bench.capture_screen_theme` into screen_theme.json) is merged into the figure's own settings,
the figure keeps no template, its arrays are plain lists, and it carries a `datarevision` naming its data:
drawn with `theme=None`, it looks the same, pixel for pixel (hover labels included), and is drawn once.

A treemap is also given an empty pattern per tile: plotly.js otherwise writes each tile's colour into its
own copy of the data while drawing (src/traces/sunburst/fill_one.js), which the next `react` reads as a
change and draws again; with a pattern array it does not, and an empty pattern draws nothing.

Charts with cartesian axes get the same, with three of plotly's rules written out: plotly's `coerce2` counts a
grid, tick or zero-line colour only when it comes from the figure, not from a template, so once the colours are
written in, what plotly would have left off is said off (`_axis_settings`). Drawn twice instead of three times
(the second draw is plotly's own, for the axes' automatic margins), once where `ready_to_draw` can give the
labels their margin up front (lib/ui/screen_margins). So are the tile maps (scatter traces with their own
colour scale and bar): drawn a second time from scratch with Streamlit's theme, about 170 ms of the map page's
switch. Geographic maps, shared colour scales and trace types not checked against Streamlit's theme
(tests/e2e/test_screen_theme_pixels.py, `python -m bench.chart_pixels`) keep that theme.

Pure functions over plotly's figure dicts; applied once per figure (built, or read from the warm store).
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from lib.ui.screen_margins import settle_margins

THEME_FILE = Path(__file__).with_name("screen_theme.json")
# layout families of subplots and shared colour axes (xaxis, xaxis2, …)
_SUBPLOTS = ("xaxis", "yaxis", "geo", "polar", "ternary", "scene", "mapbox", "map", "smith", "coloraxis")
# …of which these keep Streamlit's theme (maps, colour bars: not checked against it pixel for pixel)
_THEMED_BY_STREAMLIT = _SUBPLOTS[2:]
# trace types compared pixel for pixel, drawn with and without the template written in
_CHECKED = {"bar", "scatter", "treemap", "sunburst", "icicle", "sankey"}
_AXIS = re.compile(r"([xy])axis(\d*)")
_CARTESIAN = {"bar", "scatter", "scattergl", "histogram", "box", "violin", "heatmap", "waterfall", "funnel",
              "candlestick", "ohlc", "contour", "histogram2d", "histogram2dcontour", "image"}
_TILED = {"treemap", "sunburst", "icicle"}


@lru_cache(maxsize=1)
def screen_template() -> dict:
    return json.loads(THEME_FILE.read_text(encoding="utf-8"))


def with_defaults(own: dict, defaults: dict) -> dict:
    """`own` completed by `defaults` where it says nothing, nested dicts merged: what a plotly template does.
    The defaults' values are shared, not copied: the figures made here are only read (serialised) afterwards."""
    merged = dict(own)
    for key, value in defaults.items():
        mine = merged.get(key)
        if mine is None:
            merged[key] = value
        elif isinstance(mine, dict) and isinstance(value, dict):
            merged[key] = with_defaults(mine, value)
    return merged


def _data_revision(data: list) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _plain(value):
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    return str(value)


def plain_arrays(value):
    """numpy arrays, and those plotly's `to_dict` already base64-encoded (`bdata`), as lists, through dicts
    and lists: plotly.js decodes `bdata` into new arrays at every `react`, and then draws the chart again."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value and set(value) <= {"bdata", "dtype", "shape"}:
            decoded = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            if value.get("shape"):
                decoded = decoded.reshape([int(n) for n in str(value["shape"]).split(",")])
            return decoded.tolist()
        return {k: plain_arrays(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if value and not isinstance(value[0], (dict, list, tuple)) and getattr(value[0], "ndim", 0) == 0:
            return value        # a list of numbers or texts (plotly's lists are of one kind): nothing inside
        return [plain_arrays(v) for v in value]
    tolist = getattr(value, "tolist", None)
    return tolist() if tolist is not None and getattr(value, "ndim", 0) > 0 else value


def keeps_streamlit_theme(figure: dict) -> bool:
    """A map, a colour axis or a colour bar, or a trace type not checked: left to Streamlit's theme."""
    layout = figure.get("layout", {})
    if any(re.fullmatch(rf"({'|'.join(_THEMED_BY_STREAMLIT)})\d*", key) for key in layout):
        return True
    for trace in figure.get("data", []):
        kind = trace.get("type", "scatter")
        if kind not in _CHECKED or any(trace.get(k) for k in _THEMED_BY_STREAMLIT):
            return True
        marker = trace.get("marker") or {}
        if trace.get("showscale") or marker.get("coloraxis"):
            return True
        if marker.get("showscale") and not _own_colour_bar(kind, marker):
            return True
    return False


def _own_colour_bar(kind: str, marker: dict) -> bool:
    """A scatter trace's colour bar with its own colour scale (the tile maps'): Streamlit's template gives such
    a bar nothing of its own (only `layout.coloraxis.colorbar`, for shared colour axes), only the layout's font,
    which `for_screen` writes in. Checked pixel for pixel on the three map pages (`bench.chart_pixels`)."""
    return kind == "scatter" and marker.get("colorscale") is not None and "colorbar" in marker


def _axes(figure: dict) -> tuple[set[str], set[str]]:
    """Every cartesian axis the traces use ('xaxis', 'yaxis2', …), and those along which bars are laid out:
    plotly gives the latter no grid and no zero line unless told (`noGrids`, plots/cartesian/layout_defaults.js:
    the position axis of an « oriented » trace, x for upright bars, y for horizontal ones)."""
    used, positions = set(), set()
    for trace in figure.get("data", []):
        kind = trace.get("type", "scatter")
        if kind not in _CARTESIAN:
            continue
        names = {letter: f"{letter}axis{str(trace.get(f'{letter}axis') or letter)[1:]}" for letter in "xy"}
        used.update(names.values())
        if kind == "bar":      # the one « oriented » type drawn this way (_CHECKED); plotly's default orientation
            lying = trace.get("orientation", "h" if trace.get("x") is not None and trace.get("y") is None else "v")
            positions.add(names["y" if lying == "h" else "x"])
    return used, positions


def _axis_settings(own: dict, defaults: dict, bars_along: bool) -> dict:
    """An axis's settings with the template's written in, and what plotly would have left off said off:
    tick marks (on by a written tick colour), the minor grid (by a minor grid colour), and the grid and zero
    line of an axis along which bars are laid out (by their colours). What the figure sets itself is kept."""
    merged = with_defaults(own, defaults)
    if not any(key in own for key in ("ticks", "ticklen", "tickwidth", "tickcolor")):
        merged["ticks"] = ""
    own_minor = own.get("minor") or {}
    if "minor" in merged and not any(key in own_minor for key in ("showgrid", "gridcolor", "gridwidth", "griddash")):
        merged["minor"] = {**merged["minor"], "showgrid": False}
    if bars_along:
        for key in ("showgrid", "zeroline"):
            if key not in own:
                merged[key] = False
    return merged


def ready_to_draw(figure: dict) -> dict:
    """The dict a screen chart is drawn from: Streamlit's look written in (`for_screen`), and margins already
    wide enough for the labels the figure names (lib.ui.screen_margins): one drawing by plotly."""
    return settle_margins(for_screen(figure))


def is_drawn_once(figure: dict) -> bool:
    """The figure went through `for_screen` and is to be drawn with `theme=None`."""
    layout = figure.get("layout", {})
    return "template" not in layout and "datarevision" in layout


def for_screen(figure: dict, template: dict | None = None) -> dict:
    """Treemaps, Sankey diagrams, bar and line charts: a copy with the screen template written in, no
    template left, plain lists for arrays, and a data revision. Maps and colour scales: the figure as it is."""
    if keeps_streamlit_theme(figure):
        return figure
    template = template or screen_template()
    figure = {**figure, "data": plain_arrays(figure.get("data", [])), "layout": plain_arrays(figure.get("layout", {}))}
    layout = {k: v for k, v in figure.get("layout", {}).items() if k != "template"}
    for key, defaults in template.get("layout", {}).items():
        if key in _SUBPLOTS:             # axes below; maps and colour axes: the figure has none
            continue
        if isinstance(defaults, dict):
            layout[key] = with_defaults(layout.get(key) or {}, defaults)
        elif layout.get(key) is None:
            layout[key] = defaults
    used, positions = _axes(figure)
    for name in sorted(used | {key for key in layout if _AXIS.fullmatch(key)}):
        defaults = template.get("layout", {}).get(f"{name[0]}axis") or {}
        layout[name] = _axis_settings(layout.get(name) or {}, defaults, name in positions)
    data, seen = [], {}
    for trace in figure.get("data", []):
        kind = trace.get("type", "scatter")
        choices = template.get("data", {}).get(kind) or [{}]
        index = seen[kind] = seen.get(kind, -1) + 1
        own = with_defaults(trace, {k: v for k, v in choices[index % len(choices)].items() if k != "type"})
        if kind in _TILED:
            marker = dict(own.get("marker") or {})
            pattern = dict(marker.get("pattern") or {})
            if pattern.get("shape") is None:
                tiles = len(own.get("ids") or own.get("labels") or [])
                pattern["shape"] = [""] * tiles
                marker["pattern"] = pattern
                own["marker"] = marker
        data.append(own)
    layout["datarevision"] = _data_revision(data)
    themed = {k: v for k, v in figure.items() if k not in ("data", "layout")}
    themed.update(data=data, layout=layout)
    return themed
