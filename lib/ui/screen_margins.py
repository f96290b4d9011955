"""The room axis labels take, given as the chart's margin: plotly then draws a bar or line chart once, not twice.

Why: a screen chart keeps small margins and lets plotly widen them for its axis labels (``automargin``). plotly
finds the labels too wide only after drawing the whole chart, widens the margin and draws it all again
(``plots.doAutoMargin`` → ``_doPlot``): about 35 ms of the overview's page switch went to the redraws of its two
bar charts (CDP profile, `python -m bench.switch_profile`), more on a first load, when plotly's code is cold.

Here the labels' room is computed from their text, with the advance widths of Streamlit's chart font (Source
Sans, weights 400 and 700, measured in Chromium with canvas ``measureText``), plotly's own spacing rules and the
constants plotly's automargin gave for the overview's charts (tests/e2e/test_screen_margins.py checks them
against the browser). ``automargin`` stays on: a label wider than computed still gets its room (drawn twice, as
before). Only labels the figure names (``ticktext``, or the categories of a category axis) are measured;
axes whose labels plotly chooses keep plotly's margins. An axis title counts as plotly counts it. Margins a
phone's chart could not afford are left to plotly, which shrinks its own on a narrow screen (`settled_depths`).

Pure functions over plotly's figure dicts (after lib.ui.screen_theme.for_screen).
"""
from __future__ import annotations

import math
import re

from lib.presentation.plain_text import unplot_text

_CHARS = ("0123456789 !\"#$%&'()*+,-./:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
          "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ€\u00a0\u202f–—’«»œŒ"
          "\u2212\u2011…°‘“”„•\u2009\u2007")
# thousandths of an em, in the order of _CHARS
_REGULAR = (
    "497 497 497 497 497 497 497 497 497 497 200 289 426 497 497 824 609 249 303 303 418 497 249 311 249 350 249 "
    "249 497 497 497 425 847 543 588 571 615 527 494 617 652 263 479 579 486 727 647 664 566 664 569 534 536 645 "
    "515 786 513 476 539 303 350 303 497 500 542 504 553 456 555 496 292 504 544 246 247 495 255 829 547 542 555 "
    "555 347 419 338 544 467 719 446 467 425 303 241 303 497 544 544 544 544 544 544 822 571 527 527 527 527 263 "
    "263 263 263 639 647 664 664 664 664 664 497 664 645 645 645 645 476 583 576 504 504 504 504 504 504 778 456 "
    "496 496 496 496 246 246 246 246 544 547 542 542 542 542 542 497 542 544 544 544 544 467 555 467 497 200 120 "
    "480 800 249 429 429 839 847 497 311 948 331 249 426 426 426 304 100 497")
_BOLD = (
    "528 528 528 528 528 528 528 528 528 528 200 340 537 528 528 857 667 300 344 344 457 528 300 332 300 339 300 "
    "300 528 528 528 463 902 573 605 582 635 548 524 638 674 301 509 614 518 762 665 684 596 684 613 556 556 665 "
    "556 813 567 525 541 344 339 344 528 500 555 527 573 468 573 518 341 534 571 276 278 548 286 857 572 555 573 "
    "573 398 443 383 568 523 776 514 521 460 344 268 344 528 573 573 573 573 573 573 845 582 548 548 548 548 301 "
    "301 301 301 657 665 684 684 684 684 684 528 684 665 665 665 665 525 617 632 527 527 527 527 527 527 781 467 "
    "518 518 518 518 276 276 276 276 558 572 555 555 555 555 555 528 555 568 568 568 568 521 573 521 528 200 120 "
    "480 800 300 480 480 822 871 528 332 978 365 300 537 537 537 345 100 528")
_EM = {weight: dict(zip(_CHARS, (int(w) / 1000 for w in table.split())))
       for weight, table in ((400, _REGULAR), (700, _BOLD))}
_UNKNOWN_EM = 0.9           # a character outside the table: wider than any in it, so never too little room
SCREEN_FONT = '"Source Sans", sans-serif'     # the start of the family Streamlit's theme gives plotly
DEFAULT_SIZE = 12           # px, Streamlit's chart font size

# plotly's spacing, in px (measured on the overview's charts at 12 px, tests/e2e/test_screen_margins.py)
LABEL_GAP = 9               # from the plot area's edge to the labels (layout.margin.pad 8, and 1)
LINE_SPACING = 1.3          # plotly's line height, in font sizes (svg_text_utils LINE_SPACING)
LINE_BOX = 4 / 3            # one line's box, in font sizes
CAP_SHIFT = 0.7             # an axis title's first line, in font sizes (plotly's alignment constant)
SAFETY = 1                  # px more than computed: a label one pixel wider is not drawn twice
NARROWEST_CHART_PX = 320    # a chart's width on a 360 px phone screen (the app is laid out down to there)
MIN_PLOT_PX = 64            # plotly's smallest plot area (layout.minreducedwidth and minreducedheight)
PLOTLY_HEIGHT = 450         # a figure's height when it gives none

_PIECE = re.compile(r"<[^>]*>|[^<]+")
_FONT_SIZE = re.compile(r"font-size:\s*([\d.]+)px", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_AXIS = re.compile(r"([xy])axis(\d*)")


def label_width(text: str, size: float = DEFAULT_SIZE) -> float:
    """Width in px of a plotly label drawn in the screen font: its widest ``<br>`` line, ``<b>`` runs bold,
    ``<span style='font-size:…px'>`` runs at their size, other tags ignored, entities as their characters."""
    return max(_line_width(line, size) for line in _LINE_BREAK.split(str(text)))


def _line_width(line: str, size: float) -> float:
    width, bold, sizes = 0.0, 0, [size]
    for piece in _PIECE.findall(line):
        if not piece.startswith("<"):
            table = _EM[700 if bold else 400]
            width += sizes[-1] * sum(table.get(char, _UNKNOWN_EM) for char in unplot_text(piece))
            continue
        tag = piece.lower()
        if tag.startswith("<b>") or tag.startswith("<b "):
            bold += 1
        elif tag.startswith("</b"):
            bold = max(bold - 1, 0)
        elif tag.startswith("<span"):
            found = _FONT_SIZE.search(piece)
            sizes.append(float(found.group(1)) if found else sizes[-1])
        elif tag.startswith("</span") and len(sizes) > 1:
            sizes.pop()
    return width


def line_count(text: str) -> int:
    return len(_LINE_BREAK.split(str(text)))


def _shown_labels(name: str, axis: dict, data: list) -> list[str] | None:
    """The labels the figure names for this axis (those within its range when it gives one), or None where
    plotly chooses them."""
    if axis.get("ticktext") is not None and axis.get("tickvals") is not None:
        pairs = list(zip(axis["tickvals"], axis["ticktext"]))
        if all(isinstance(v, (int, float)) for v in axis["tickvals"]):
            pairs = [(value, text) for value, text in pairs if _in_range(axis, value)]
        return [str(text) for _, text in pairs]          # drawn as they are: plotly adds no prefix or suffix
    if axis.get("tickvals") or not _is_category(name, axis, data):
        return None
    categories = axis.get("categoryarray")
    if categories is None and axis.get("categoryorder", "trace") == "trace":
        categories = _trace_categories(name, data)        # the traces' values, in their order (plotly's default)
    if categories is None:
        return None
    categories = [label for index, label in enumerate(categories) if _in_range(axis, index)]
    affix = str(axis.get("tickprefix") or ""), str(axis.get("ticksuffix") or "")
    return [f"{affix[0]}{label}{affix[1]}" for label in categories]


def _in_range(axis: dict, value: float) -> bool:
    """The value lies within the axis' given range (no numeric range given: shown)."""
    bounds = axis.get("range")
    if not (bounds and len(bounds) == 2 and all(isinstance(v, (int, float)) for v in bounds)):
        return True
    low, high = sorted(bounds)
    return low <= value <= high


def _axis_values(name: str, data: list) -> list:
    """The values the traces drawn along this axis give it (their x for « xaxis2 », …), in trace order."""
    letter, number = name[0], name[5:]
    return [value for trace in data if (trace.get(f"{letter}axis") or letter) == f"{letter}{number}"
            for value in (trace.get(letter) or [])]


def _trace_categories(name: str, data: list) -> list[str]:
    return list(dict.fromkeys(str(value) for value in _axis_values(name, data)))


def _is_category(name: str, axis: dict, data: list) -> bool:
    """A category axis: said so, or typed by plotly from its traces' values, all text (plotly's autotype)."""
    if axis.get("type") is not None:
        return axis["type"] == "category"
    values = _axis_values(name, data)
    return bool(values) and all(isinstance(value, str) for value in values)


def _measurable(axis: dict, layout: dict) -> bool:
    """An axis whose labels' room is computed here: plain, outside labels in the screen font, not turned, a
    title only with its standoff (plotly's estimate differs without); anything else is left to plotly."""
    font = {**(layout.get("font") or {}), **(axis.get("tickfont") or {})}
    title = axis.get("title")
    return (axis.get("automargin") is True and axis.get("visible") is not False
            and axis.get("showticklabels") is not False
            and str(font.get("family") or SCREEN_FONT).startswith(SCREEN_FONT)
            and axis.get("ticklabelposition", "outside") == "outside"
            and axis.get("tickangle") in (None, 0, "auto")
            and axis.get("anchor") != "free" and axis.get("mirror") in (None, False)
            and not isinstance(title, str)
            and not (isinstance(title, dict) and title.get("text") and title.get("standoff") is None))


def _at_paper_edge(layout: dict, anchor: str | None, letter: str) -> bool:
    """The axis line lies on the paper's edge of the plot area: its anchor axis starts at 0 (other positions
    share their margin push with the plot's width, a rule not reproduced here)."""
    other = "y" if letter == "x" else "x"
    name = f"{other}axis{(anchor or other)[1:]}"
    domain = (layout.get(name) or {}).get("domain") or [0, 1]
    return float(domain[0]) == 0.0


def _title_depth(title, layout: dict) -> float:
    """What an axis title adds to the push, as plotly estimates it (axes.js approxTitleDepth, with a
    standoff): its cap height and extra lines, and the standoff."""
    if not isinstance(title, dict) or not title.get("text"):
        return 0.0
    size = float((title.get("font") or {}).get("size") or (layout.get("font") or {}).get("size") or DEFAULT_SIZE)
    return size * (CAP_SHIFT + (line_count(title["text"]) - 1) * LINE_SPACING) + float(title["standoff"])


def axis_depths(layout: dict, data: list = ()) -> dict[str, tuple[str, float]]:
    """For each axis whose labels are measured here: its side (« l » or « b ») and the px its labels take
    beyond the plot area (before plotly's pad). `data`: the traces, for an axis typed from them."""
    depths = {}
    for name, axis in layout.items():
        match = _AXIS.fullmatch(name)
        if not match or not isinstance(axis, dict) or not _measurable(axis, layout):
            continue
        labels = _shown_labels(name, axis, list(data))
        letter = match.group(1)
        if not labels or not _at_paper_edge(layout, axis.get("anchor"), letter):
            continue
        size = float((axis.get("tickfont") or {}).get("size") or (layout.get("font") or {}).get("size")
                     or DEFAULT_SIZE)
        extra = float(axis.get("ticklen", 5)) if axis.get("ticks") == "outside" else 0.0
        extra += float(axis.get("ticklabelstandoff") or 0)          # labels moved away from the axis
        extra += _title_depth(axis.get("title"), layout)
        if letter == "y" and axis.get("side", "left") == "left":
            depths[name] = ("l", max(label_width(label, size) for label in labels) + extra + LABEL_GAP)
        elif letter == "x" and axis.get("side", "bottom") == "bottom":
            lines = max(line_count(label) for label in labels)
            depths[name] = ("b", (lines - 1) * LINE_SPACING * size + LINE_BOX * size + extra + LABEL_GAP)
    return depths


def label_depths(layout: dict, data: list = ()) -> dict[str, float]:
    """The deepest labels on the left and at the bottom (`axis_depths` by side)."""
    depths: dict[str, float] = {}
    for side, depth in axis_depths(layout, data).values():
        depths[side] = max(depths.get(side, 0.0), depth)
    return depths


def settle_margins(figure: dict) -> dict:
    """`figure` with left and bottom margins wide enough for the labels it names (a copy; the same dict when
    nothing is to change)."""
    layout = figure.get("layout") or {}
    margin = dict(layout.get("margin") or {})
    depths = settled_depths(layout, figure.get("data") or [])
    if not depths:
        return figure
    wanted = _with_room(margin, depths)
    if wanted == margin:
        return figure
    return {**figure, "layout": {**layout, "margin": wanted}}


def settled_depths(layout: dict, data: list = ()) -> dict[str, float]:
    """The sides (« l », « b ») whose margin is given up front, with their labels' depth.

    A margin given is kept by plotly whatever the chart's width, whereas the one it takes by itself shrinks on a
    narrow screen so that the plot keeps some width: left and right margins that would leave a phone's chart
    (NARROWEST_CHART_PX) less than plotly's minimum plot width are left to plotly, as a bottom margin that
    would leave the chart's height less than that minimum, and a left margin that would push a bottom label
    past a phone chart's edge (`_end_labels_fit`)."""
    margin = dict(layout.get("margin") or {})
    if margin.get("autoexpand") is False or not all(side in margin for side in "lrtb"):
        return {}
    depths = label_depths(layout, data)
    wanted = _with_room(margin, depths)
    height = float(layout.get("height") or PLOTLY_HEIGHT)
    if wanted["l"] + wanted["r"] > NARROWEST_CHART_PX - MIN_PLOT_PX or not _end_labels_fit(layout, wanted):
        depths.pop("l", None)
    if wanted["t"] + wanted["b"] > height - MIN_PLOT_PX:
        depths.pop("b", None)
    return depths


def _end_labels_fit(layout: dict, margin: dict) -> bool:
    """Every named label of a bottom axis stays within a phone's chart with these margins. plotly hides a label
    past the chart's edge, and widens the margin for it only when it sees it: drawn first with a narrow plot,
    « 100 % » at the end of an axis was lost, drawn first with plotly's wide one it got its room."""
    plot_w = NARROWEST_CHART_PX - margin["l"] - margin["r"]
    for name, axis in layout.items():
        match = _AXIS.fullmatch(name)
        if not match or match.group(1) != "x" or not isinstance(axis, dict) or axis.get("visible") is False \
                or axis.get("showticklabels") is False:
            continue
        values, texts, bounds = axis.get("tickvals"), axis.get("ticktext"), axis.get("range")
        if not (values and texts and bounds and len(bounds) == 2
                and all(isinstance(v, (int, float)) for v in (*values, *bounds))):
            continue
        low, high = sorted(bounds)
        right = bounds[1]                      # the value drawn at the right end (the first if reversed)
        start, end = (axis.get("domain") or [0, 1])
        axis_px = (end - start) * plot_w
        size = float((axis.get("tickfont") or {}).get("size") or DEFAULT_SIZE)
        for value, text in zip(values, texts):
            if low <= value <= high and high > low:
                room = abs(right - value) / (high - low) * axis_px + (1 - end) * plot_w + margin["r"]
                if label_width(text, size) / 2 > room - 1:
                    return False
    return True


def _with_room(margin: dict, depths: dict[str, float]) -> dict:
    wanted = dict(margin)
    for _ in range(2):        # plotly pads every push by its smallest margin (12 at most): widened margins count
        pad = min(12, *(wanted[side] for side in "lrtb"))
        for side, depth in depths.items():
            wanted[side] = max(margin[side], math.ceil(depth + pad + SAFETY))
    return wanted
