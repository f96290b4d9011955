"""One-sentence text alternative of a chart, generated from the figure itself (RGAA: every image that
carries information has a text alternative; the data table under each chart gives the detail).

Pure: reads a plotly figure (its traces, labels and texts as drawn) and returns French; the page puts it
beside the chart as the chart's accessible description (lib.ui.accessibility).
"""
from __future__ import annotations

import math

import plotly.graph_objects as go

from lib.analysis.indicators import OTHERS_LABEL
from lib.core.formatting import format_meur
from lib.presentation.plain_text import unplot_text


def _list(values) -> list:
    """Plotly keeps tuples or numpy arrays: a plain list, empty for None."""
    return [] if values is None else list(values)


def _clean(label) -> str:
    """The text a figure label shows: the code's own tags out, then a label's entities back to its characters
    (labels enter figures as lib.presentation.plain_text.plot_text)."""
    text = str(label).replace("<br>", " ").replace("<b>", "").replace("</b>", "")
    return " ".join(unplot_text(text).split())


def _largest(values, labels) -> tuple[str, float] | None:
    best = None
    for value, label in zip(_list(values), _list(labels)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number) and (best is None or abs(number) > abs(best[1])):
            best = (_clean(label), number)
    return best


def _sankey(trace) -> str:
    labels = [_clean(label) for label in _list(trace.node.label)]
    xs = _list(trace.node.x)
    left = sum(1 for x in xs if x < 0.5)
    right = len(labels) - left
    text = f"diagramme de flux reliant {left} éléments à gauche à {right} éléments à droite"
    values = _list(trace.link.value)
    if values:
        i = max(range(len(values)), key=lambda j: values[j])
        ends = _list(trace.link.customdata[i])[:2] if trace.link.customdata is not None else []

        def name(k: int, side: int) -> str:
            """The node's short name in quotes; « Autres » says which: « Autres produits », « Autres pays »."""
            short = labels[k].split(" — ")[0]
            if short == OTHERS_LABEL and len(ends) == 2:
                short = _clean(ends[side]).split(" (")[0]
            return f"« {short} »"

        source, target = trace.link.source[i], trace.link.target[i]
        text += (f" ; le plus gros flux relie {name(source, 0)} à {name(target, 1)} "
                 f"({format_meur(values[i])})")
    return text


def _bar(traces) -> str:
    names = [t.name for t in traces if t.name]
    first = traces[0]
    horizontal = first.orientation == "h"
    categories = list(_list(first.y if horizontal else first.x))
    text = f"graphique en barres de {len(categories)} catégories"
    if names:
        text += " (" + ", ".join(_clean(n) for n in names) + ")"
    shown = list(first.text) if first.text is not None and not isinstance(first.text, str) else None
    values = list(_list(first.x if horizontal else first.y))
    best = _largest(values, categories)
    if best is not None:
        index = [_clean(c) for c in categories].index(best[0])
        value = shown[index] if shown and index < len(shown) and shown[index] else None
        series = f" de la série « {_clean(first.name)} »" if first.name and len(traces) > 1 else ""
        text += f" ; la plus grande barre{series} : {best[0]}" + (f" ({_clean(value)})" if value else "")
    return text


def _treemap(traces) -> str:
    parts = []
    for trace in traces:
        labels = _list(trace.labels)
        parents = _list(trace.parents)
        values = _list(trace.values)
        leaves = [(l, v) for l, p, v in zip(labels, parents, values) if p and l not in set(parents)]
        best = _largest([v for _, v in leaves], [l for l, _ in leaves])
        part = f"{len(leaves)} cases"
        if best is not None:
            part += f", la plus grande : {best[0]}"
        parts.append(part)
    return "carte proportionnelle (" + " ; ".join(parts) + ")"


def _scatter(traces) -> str:
    names = [_clean(t.name) for t in traces if t.name]
    points = max(len(_list(t.x)) for t in traces)
    xs = [x for t in traces for x in _list(t.x)]
    text = f"graphique de {len(traces)} série{'s' if len(traces) > 1 else ''} ({points} points"
    if xs and all(isinstance(x, (int, float)) for x in xs):
        text += f", de {min(xs):g} à {max(xs):g}"
    text += ")"
    if names:
        text += " : " + ", ".join(names)
    return text


def describe_figure(fig: go.Figure, title: str = "") -> str:
    """« Graphique « Titre » : diagramme de flux reliant 11 éléments à gauche à 11 éléments à droite ; … »."""
    traces = [t for t in fig.data if t.visible is not False]
    if not traces:
        body = "aucune donnée"
    else:
        kind = traces[0].type
        same = [t for t in traces if t.type == kind]
        if kind == "sankey":
            body = _sankey(traces[0])
        elif kind == "bar":
            body = _bar(same)
        elif kind == "treemap":
            body = _treemap(same)
        elif kind == "scatter":
            body = _scatter(same)
        else:
            body = f"graphique de {len(traces)} série{'s' if len(traces) > 1 else ''}"
    name = _clean(title) or _clean(fig.layout.title.text or "")
    head = f"Graphique « {name} »" if name else "Graphique"
    return f"{head} : {body}. Les valeurs sont dans le tableau de données du graphique."
