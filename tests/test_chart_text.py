"""Text alternatives of the charts (lib.presentation.chart_text): one French sentence from each figure's own data."""
from __future__ import annotations

import pytest

from lib.presentation import figures
from lib.analysis import indicators as ind
from lib.presentation.chart_text import describe_figure
from lib.presentation.figures import EmptyDataError
from lib.outputs.report import report_items
from lib.core.schema import EXPORT


def test_sankey_sentence_names_the_largest_flow(app_data):
    structure = ind.flow_structure(app_data.cube, app_data.catalog.resolve("dep:04"), 2024, EXPORT)
    text = describe_figure(figures.sankey_figure(structure), "Flux à l'export")
    assert text.startswith("Graphique « Flux à l'export » : diagramme de flux reliant 11 éléments à gauche à 11")
    assert "le plus gros flux va de Savons, parfums, entretien à Italie (181,9\u00a0M€)" in text


def test_every_chart_of_the_report_has_a_sentence(app_data):
    territory = app_data.catalog.resolve("dep:04")
    seen = 0
    for item in report_items(app_data.cube, app_data.catalog, territory, 2024):
        if item.build is None:
            continue
        try:
            figure = item.build()
        except EmptyDataError:
            continue
        text = describe_figure(figure, item.title)
        seen += 1
        assert text.startswith(f"Graphique « {item.title} » : ") and text.endswith(".")
        assert "nan" not in text and "None" not in text and "aucune donnée" not in text, text
    assert seen >= 8


def test_an_empty_figure_says_so():
    import plotly.graph_objects as go
    assert describe_figure(go.Figure(), "Vide") == ("Graphique « Vide » : aucune donnée. Les valeurs sont dans le "
                                                    "tableau de données du graphique.")
