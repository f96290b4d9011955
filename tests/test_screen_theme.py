"""Figures are drawn with Streamlit's look written in (lib/ui/screen_theme): what is written, what is kept,
what is said off on axes, and which figures are left to Streamlit's theme."""
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


AXES_TEMPLATE = {"layout": {**TEMPLATE["layout"],
                            "xaxis": {"gridcolor": "#e6eaf1", "tickcolor": "#e6eaf1", "showgrid": False,
                                      "minor": {"gridcolor": "#e6eaf1"}, "tickfont": {"size": 12}},
                            "yaxis": {"gridcolor": "#e6eaf1", "tickcolor": "#e6eaf1", "zerolinecolor": "#e6eaf1",
                                      "minor": {"gridcolor": "#e6eaf1"}}},
                 "data": {"scatter": [{"type": "scatter", "marker": {"line": {"width": 0}}}]}}


def test_a_bar_chart_gets_the_template_in_its_axes_and_no_template():
    bars = go.Figure(go.Bar(x=[2020, 2021], y=np.array([1.0, 2.0])))
    bars.update_layout(yaxis=dict(tickfont=dict(size=9)))
    themed = screen_theme.for_screen(bars.to_dict(), AXES_TEMPLATE)
    layout = themed["layout"]
    assert screen_theme.is_drawn_once(themed) and "template" not in layout
    assert themed["data"][0]["y"] == [1.0, 2.0]
    assert layout["yaxis"]["gridcolor"] == "#e6eaf1" and layout["yaxis"]["tickfont"] == {"size": 9}
    assert layout["xaxis"]["showgrid"] is False and layout["xaxis"]["tickfont"] == {"size": 12}


def test_what_a_template_leaves_off_is_said_off_once_written_in():
    bars = go.Figure(go.Bar(x=[2020, 2021], y=[1, 2])).to_dict()
    layout = screen_theme.for_screen(bars, AXES_TEMPLATE)["layout"]
    for axis in ("xaxis", "yaxis"):
        assert layout[axis]["ticks"] == ""                      # a written tick colour would turn them on
        assert layout[axis]["minor"] == {"gridcolor": "#e6eaf1", "showgrid": False}
    assert "showgrid" not in layout["yaxis"] and "zeroline" not in layout["yaxis"]  # numbers: plotly decides
    owned = go.Figure(go.Bar(x=[1], y=[1]))
    owned.update_layout(yaxis=dict(ticklen=4), xaxis=dict(ticks="outside", minor=dict(showgrid=True)))
    layout = screen_theme.for_screen(owned.to_dict(), AXES_TEMPLATE)["layout"]
    assert "ticks" not in layout["yaxis"] and layout["xaxis"]["ticks"] == "outside"
    assert layout["xaxis"]["minor"]["showgrid"] is True


def test_the_axis_bars_are_laid_along_keeps_no_grid_and_no_zero_line():
    horizontal = go.Figure(go.Bar(y=["Allemagne", "Italie", "Chine"], x=[3, 2, 1], orientation="h")).to_dict()
    layout = screen_theme.for_screen(horizontal, AXES_TEMPLATE)["layout"]
    assert layout["yaxis"]["showgrid"] is False and layout["yaxis"]["zeroline"] is False
    assert "zeroline" not in layout["xaxis"]                   # the values' axis: plotly decides
    upright = go.Figure(go.Bar(x=[2023, 2024], y=[1, 2])).to_dict()          # years as numbers: bars stand on x
    assert screen_theme.for_screen(upright, AXES_TEMPLATE)["layout"]["xaxis"]["zeroline"] is False
    only_x = {"data": [{"type": "bar", "x": [1, 2]}], "layout": {}}          # plotly lays these bars down
    assert screen_theme.for_screen(only_x, AXES_TEMPLATE)["layout"]["yaxis"]["zeroline"] is False
    # texts on an axis that holds no bars (markers beside a bar panel): plotly draws their grid
    markers = go.Figure(go.Scatter(y=["Allemagne", "Italie"], x=[1, 2], mode="markers")).to_dict()
    layout = screen_theme.for_screen(markers, AXES_TEMPLATE)["layout"]
    assert "showgrid" not in layout["yaxis"] and "zeroline" not in layout["yaxis"]
    owned = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    owned.update_layout(xaxis=dict(showgrid=True))
    layout = screen_theme.for_screen(owned.to_dict(), AXES_TEMPLATE)["layout"]
    assert layout["xaxis"]["showgrid"] is True and layout["xaxis"]["zeroline"] is False


def test_each_axis_of_subplots_gets_its_letters_template():
    from plotly.subplots import make_subplots
    figure = make_subplots(rows=1, cols=2)
    figure.add_trace(go.Bar(x=["a", "b", "c"], y=[1, 2, 3]), row=1, col=1)
    figure.add_trace(go.Scatter(x=[1, 2, 3], y=[1, 2, 3]), row=1, col=2)
    layout = screen_theme.for_screen(figure.to_dict(), AXES_TEMPLATE)["layout"]
    assert layout["xaxis"]["showgrid"] is False and layout["xaxis2"]["showgrid"] is False   # x template
    assert layout["xaxis"]["zeroline"] is False and "zeroline" not in layout["xaxis2"]      # bars / markers
    assert layout["yaxis2"]["zerolinecolor"] == "#e6eaf1" and "tickfont" in layout["xaxis2"]


def test_maps_and_colour_scales_are_left_to_streamlits_theme():
    geo = {"data": [{"type": "scattergeo", "lat": [1], "lon": [1]}], "layout": {}}
    coloured = go.Figure(go.Scatter(x=[1], y=[1], marker=dict(color=[0.5], showscale=True))).to_dict()
    shared_scale = {"data": [{"type": "bar", "x": [1], "y": [1]}], "layout": {"coloraxis": {}}}
    for figure in (geo, coloured, shared_scale):
        assert screen_theme.keeps_streamlit_theme(figure)
        assert screen_theme.for_screen(figure, AXES_TEMPLATE) is figure
        assert not screen_theme.is_drawn_once(figure)
    assert not screen_theme.keeps_streamlit_theme(_treemap())
    assert not screen_theme.keeps_streamlit_theme(go.Figure(go.Bar(x=["a"], y=[1])).to_dict())


def test_a_tile_map_with_its_own_colour_scale_is_drawn_with_the_look_written_in():
    import pandas as pd
    from lib.analysis.explorers import DEPARTMENT_CODES
    from lib.presentation import tile_map
    values = pd.Series([float(i) for i in range(len(DEPARTMENT_CODES))], index=DEPARTMENT_CODES)
    figure = tile_map.map_figure(values, "exports", {"13"}, label="Exportations").to_dict()
    assert not screen_theme.keeps_streamlit_theme(figure)
    drawn = screen_theme.for_screen(figure, TEMPLATE)
    assert screen_theme.is_drawn_once(drawn)
    bars = [t["marker"] for t in drawn["data"] if (t.get("marker") or {}).get("showscale")]
    assert len(bars) == 1 and bars[0]["colorscale"] and bars[0]["colorbar"]["ticktext"]   # its own scale, kept
    # without a scale of its own, the bar would take the template's: left to Streamlit's theme
    del figure["data"][[t.get("marker", {}).get("showscale") for t in figure["data"]].index(True)]["marker"]["colorscale"]
    assert screen_theme.keeps_streamlit_theme(figure)


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
