"""Text alternatives of the charts (lib.presentation.chart_text): one French sentence from each figure's own data."""
from __future__ import annotations

import pandas as pd
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
    assert "le plus gros flux relie « Savons, parfums, entretien » à « Italie » (181,9\u00a0M€)" in text


def test_sankey_sentence_says_which_others():
    """« Autres » on both sides: the sentence says « Autres produits » / « Autres pays », never « de Autres »."""
    structure = ind.FlowStructure(
        flow=EXPORT, total=100.0,
        products=pd.DataFrame({"code": ["C20B", ind.OTHERS], "value": [10.0, 90.0]}),
        countries=pd.DataFrame({"code": ["BE", ind.OTHERS], "value": [20.0, 80.0]}),
        links=pd.DataFrame({"product": ["C20B", ind.OTHERS, ind.OTHERS], "country": ["BE", "BE", ind.OTHERS],
                            "value": [10.0, 10.0, 80.0]}),
        top_links=pd.DataFrame({"product": [ind.OTHERS], "country": [ind.OTHERS], "value": [80.0]}))
    text = describe_figure(figures.sankey_figure(structure), "Flux")
    assert "le plus gros flux relie « Autres produits » à « Autres pays »" in text, text
    assert " de Autres" not in text and " à Autres" not in text


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
