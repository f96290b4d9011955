"""Figures without axes are drawn with Streamlit's look written in (lib/ui/screen_theme): what is written,
what is kept, and which figures are left to Streamlit's theme."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lib.ui import screen_theme

TEMPLATE = {"layout": {"font": {"family": "Source Sans", "size": 12, "color": "#808495"},
                       "hoverlabel": {"bgcolor": "#FFFFFF"}, "paper_bgcolor": "#FFFFFF",
                       "xaxis": {"gridcolor": "#e6eaf1"}, "coloraxis": {"colorbar": {"len": 0.75}}},
            "data": {"sankey": [{"type": "sankey", "textfont": {"color": "#808495"}}]}}


def _treemap(values=(3.0, 1.0, 2.0)) -> dict:
    figure = go.Figure(go.Treemap(ids=["a", "b", "c"], labels=["A", "B", "C"], parents=["", "a", "a"],
                                  values=np.array(values), branchvalues="total"))
    figure.update_layout(font=dict(size=14), separators=", ")
    return figure.to_dict()


def test_a_treemap_gets_the_template_under_its_own_settings_and_no_template():
    themed = screen_theme.for_screen(_treemap(), TEMPLATE)
    layout = themed["layout"]
    assert "template" not in layout
    assert layout["font"] == {"size": 14, "family": "Source Sans", "color": "#808495"}   # its own size kept
    assert layout["hoverlabel"] == {"bgcolor": "#FFFFFF"} and layout["paper_bgcolor"] == "#FFFFFF"
    assert layout["separators"] == ", "
    assert "xaxis" not in layout and "coloraxis" not in layout          # no axes given to a figure without
    assert screen_theme.is_drawn_once(themed)


def test_arrays_are_plain_lists_and_each_tile_gets_an_empty_pattern():
    figure = _treemap()
    assert "bdata" in figure["data"][0]["values"]          # what plotly's to_dict gives
    trace = screen_theme.for_screen(figure, TEMPLATE)["data"][0]
    assert trace["values"] == [3.0, 1.0, 2.0]
    assert trace["marker"]["pattern"]["shape"] == ["", "", ""]


def test_a_trace_gets_its_types_defaults_without_losing_its_own():
    sankey = go.Figure(go.Sankey(node=dict(label=["x", "y"]), link=dict(source=[0], target=[1], value=[1]),
                                 textfont=dict(size=11))).to_dict()
    trace = screen_theme.for_screen(sankey, TEMPLATE)["data"][0]
    assert trace["textfont"] == {"size": 11, "color": "#808495"}
    owned = go.Figure(go.Sankey(node=dict(label=["x", "y"]), textfont=dict(color="black"))).to_dict()
    assert screen_theme.for_screen(owned, TEMPLATE)["data"][0]["textfont"] == {"color": "black"}


def test_the_data_revision_names_the_data():
    first, same, other = (screen_theme.for_screen(_treemap(v), TEMPLATE)["layout"]["datarevision"]
                          for v in ((3.0, 1.0, 2.0), (3.0, 1.0, 2.0), (3.0, 2.0, 1.0)))
    assert first == same and first != other


def test_figures_with_axes_are_left_to_streamlits_theme():
    bars = go.Figure(go.Bar(x=["a"], y=[1])).to_dict()
    assert screen_theme.has_axes(bars)
    assert screen_theme.for_screen(bars, TEMPLATE) is bars
    assert not screen_theme.is_drawn_once(bars)
    assert screen_theme.has_axes({"data": [{"type": "sankey"}], "layout": {"yaxis2": {}}})
    assert screen_theme.has_axes({"data": [{"type": "scattergeo", "geo": "geo"}], "layout": {}})
    assert not screen_theme.has_axes(_treemap())


def test_the_figure_given_is_not_changed():
    figure = _treemap()
    before = repr(figure)
    screen_theme.for_screen(figure, TEMPLATE)
    assert repr(figure) == before


def test_the_stored_template_is_streamlits_light_theme():
    template = screen_theme.screen_template()
    assert template["layout"]["paper_bgcolor"] == "#FFFFFF"
    assert "Source Sans" in template["layout"]["font"]["family"]
    assert "sankey" in template["data"]
