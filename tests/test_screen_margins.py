"""Margins given up front for the labels a screen chart names (lib/ui/screen_margins): widths of Streamlit's
chart font, plotly's spacing, and the axes left to plotly. Checked against the browser in
tests/e2e/test_screen_margins.py."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from lib.ui import screen_margins as sm
from lib.ui.screen_theme import ready_to_draw

NBSP = "\u00a0"


def test_label_widths_follow_the_font_bold_runs_and_lines():
    assert sm.label_width(f"400{NBSP}M€") == pytest.approx((3 * 0.497 + 0.2 + 0.727 + 0.497) * 12)
    assert sm.label_width("iiii") < sm.label_width("MMMM") / 2            # proportional, not a mean width
    assert sm.label_width("<b>Solde</b>") > sm.label_width("Solde")       # bold is wider
    assert sm.label_width("<span style='color:red'>Exp.</span>") == sm.label_width("Exp.")   # tags weigh nothing
    assert sm.label_width("Court<br>Bien plus long") == sm.label_width("Bien plus long")     # widest line
    assert sm.label_width("&amp;") == sm.label_width("&")                  # entities as drawn
    assert sm.label_width("Émirats", size=24) == pytest.approx(2 * sm.label_width("Émirats"))
    assert sm.label_width("漢") == pytest.approx(sm._UNKNOWN_EM * 12)       # unknown: wider than any known


def _bars(countries, **layout) -> dict:
    figure = go.Figure(go.Bar(x=[1.0] * len(countries), y=countries, orientation="h"))
    figure.update_layout(margin=dict(l=10, r=10, t=40, b=40), **layout)
    figure.update_yaxes(type="category", categoryarray=countries, automargin=True)
    figure.update_xaxes(automargin=True)
    return figure.to_dict()


def test_a_category_axis_on_the_left_gets_the_room_of_its_longest_label():
    figure = _bars(["Italie", "Émirats arabes unis"], yaxis_ticksuffix="  ")
    layout = sm.settle_margins(figure)["layout"]
    widest = sm.label_width("Émirats arabes unis  ")
    pad = 10                                                               # the smallest margin, under 12
    assert layout["margin"]["l"] == int(widest + sm.LABEL_GAP + pad + sm.SAFETY) + 1
    assert {k: layout["margin"][k] for k in "rtb"} == {"r": 10, "t": 40, "b": 40}
    assert figure["layout"]["margin"]["l"] == 10                          # the figure given is not changed


def test_multi_line_labels_at_the_bottom_get_their_height():
    figure = go.Figure(go.Bar(x=["2023", "2024"], y=[1, 2]))
    figure.update_layout(margin=dict(l=10, r=10, t=50, b=20))
    figure.update_xaxes(automargin=True, tickvals=["2023", "2024"],
                        ticktext=["2023<br>Exp. 1<br>Imp. 2<br><b>Solde</b>", "2024<br>Exp. 1<br>Imp. 2<br>x"])
    margin = sm.settle_margins(figure.to_dict())["layout"]["margin"]
    # four lines of 12 px: three line heights of 1,3 em and one box of 4/3 em (62,8 px in Chromium), then the gap
    assert margin["b"] == 83 and margin["l"] == 10


def test_ticks_out_of_range_are_not_measured():
    figure = go.Figure(go.Bar(x=["a"], y=[5.0]))
    figure.update_layout(margin=dict(l=10, r=10, t=10, b=40))
    figure.update_yaxes(automargin=True, range=[0, 6], tickvals=[0, 5, 1000],
                        ticktext=["0", "5", "un libellé très, très long"])
    assert sm.settle_margins(figure.to_dict())["layout"]["margin"]["l"] == \
        int(sm.label_width("5") + sm.LABEL_GAP + 10 + sm.SAFETY) + 1


def test_widened_margins_count_in_plotlys_padding():
    """plotly pads each push by its smallest margin, at most 12: a left margin widened from 4 raises it."""
    figure = _bars(["Italie"])
    figure["layout"]["margin"] = dict(l=4, r=30, t=30, b=30)
    margin = sm.settle_margins(figure)["layout"]["margin"]
    assert margin["l"] == int(sm.label_width("Italie") + sm.LABEL_GAP + 12 + sm.SAFETY) + 1


@pytest.mark.parametrize("change", [
    dict(yaxis_title_text="Pays"),                     # a title's depth is not computed here
    dict(yaxis_automargin=False),
    dict(yaxis_showticklabels=False),
    dict(yaxis_tickfont_family="Arial"),               # another font than the one measured
    dict(yaxis_ticklabelposition="inside"),
    dict(yaxis_side="right"),
    dict(margin_autoexpand=False),
])
def test_axes_left_to_plotly(change):
    figure = _bars(["Émirats arabes unis"])
    changed = go.Figure(figure).update_layout(**change).to_dict()
    assert sm.settle_margins(changed)["layout"]["margin"] == changed["layout"]["margin"]


def test_labels_plotly_chooses_and_axes_off_the_paper_edge_are_left_to_plotly():
    numbers = go.Figure(go.Bar(x=["a"], y=[123456.0])).update_layout(margin=dict(l=10, r=10, t=10, b=10))
    numbers.update_yaxes(automargin=True)
    assert sm.settle_margins(numbers.to_dict())["layout"]["margin"]["l"] == 10
    panels = make_subplots(rows=1, cols=2)
    panels.add_trace(go.Bar(x=[1], y=["Émirats arabes unis"], orientation="h"), row=1, col=2)
    panels.update_layout(margin=dict(l=10, r=10, t=10, b=10))
    panels.update_yaxes(automargin=True, type="category", categoryarray=["Émirats arabes unis"], row=1, col=2)
    assert sm.settle_margins(panels.to_dict())["layout"]["margin"]["l"] == 10     # its x axis starts at 0,55


def test_a_figure_ready_to_draw_has_the_screen_look_and_the_margins():
    figure = _bars(["Royaume-Uni"])
    ready = ready_to_draw(figure)
    assert "template" not in ready["layout"] and "datarevision" in ready["layout"]
    assert ready["layout"]["margin"]["l"] > 10


def test_a_category_axis_is_also_known_from_its_values_as_plotly_types_it():
    """The partners' chart names its countries' order without saying « category »: plotly infers it from the
    bars' text values; numbers would make a linear axis, whose labels plotly chooses."""
    named = _bars(["Italie", "Royaume-Uni"])
    del named["layout"]["yaxis"]["type"]
    assert sm.settle_margins(named)["layout"]["margin"]["l"] > 10
    numbers = go.Figure(go.Bar(x=[1.0, 2.0], y=[2020, 2021], orientation="h")).to_dict()
    numbers["layout"].update(margin=dict(l=10, r=10, t=10, b=10),
                             yaxis=dict(automargin=True, categoryarray=["un très long libellé"]))
    assert sm.settle_margins(numbers)["layout"]["margin"]["l"] == 10


def test_the_minus_sign_of_negative_amounts_is_measured():
    assert sm.label_width("\u221240\u202f000\u00a0M€") < sm.label_width("+40\u202f000\u00a0M€") + 1


def test_named_tick_texts_are_measured_without_the_axis_suffix():
    """plotly draws `ticktext` as given: a `ticksuffix` only follows labels it writes itself (categories)."""
    named = _bars(["Italie", "Émirats arabes unis"], yaxis_ticksuffix="  ")
    named["layout"]["yaxis"].update(tickvals=["Italie", "Émirats arabes unis"],
                                    ticktext=["Italie", "Émirats arabes unis"])
    suffixed = _bars(["Italie", "Émirats arabes unis"], yaxis_ticksuffix="  ")
    assert sm.label_depths(suffixed["layout"])["l"] - sm.label_depths(named["layout"])["l"] == \
        pytest.approx(sm.label_width("  "))


def test_smaller_runs_and_moved_labels():
    """The EU split's labels: a second line at 11 px, moved 10 px away from the axis (ticklabelstandoff)."""
    small = "Exportations<br><span style='font-size:11px'>non ventilé : 0,3\u00a0%</span>"
    assert sm.label_width(small) == pytest.approx(max(sm.label_width("Exportations"),
                                                      sm.label_width("non ventilé : 0,3\u00a0%", size=11)))
    assert sm.label_width("<b>a<span style='font-size:24px'>b</span>c</b>") == pytest.approx(
        sm.label_width("<b>ac</b>") + sm.label_width("<b>b</b>", size=24))
    figure = _bars(["Italie"])
    moved = _bars(["Italie"])
    moved["layout"]["yaxis"]["ticklabelstandoff"] = 10
    assert sm.label_depths(moved["layout"])["l"] == pytest.approx(sm.label_depths(figure["layout"])["l"] + 10)


def test_an_axis_title_with_its_standoff_counts_as_plotly_counts_it():
    figure = go.Figure(go.Bar(x=["a"], y=[1.0])).update_layout(margin=dict(l=10, r=10, t=10, b=10))
    figure.update_xaxes(automargin=True, tickvals=["a"], ticktext=["a"])
    plain = sm.label_depths(figure.to_dict()["layout"])["b"]
    figure.update_xaxes(title=dict(text="Part des exportations", font=dict(size=14), standoff=20))
    assert sm.label_depths(figure.to_dict()["layout"])["b"] == pytest.approx(plain + 14 * 0.7 + 20)
    figure.update_xaxes(title_text="Part<br>des exportations")          # one more line
    assert sm.label_depths(figure.to_dict()["layout"])["b"] == pytest.approx(plain + 14 * (0.7 + 1.3) + 20)


def test_margins_too_wide_for_a_phone_are_left_to_plotly():
    """plotly shrinks the margins it takes on a narrow chart, never those it is given: a label column that
    would leave a phone's chart less than plotly's minimum plot width keeps plotly's own margin."""
    long_names = _bars(["Bijoux et instruments de musique"])
    long_names["layout"]["margin"]["r"] = 120                       # the specialisation index column
    assert sm.settle_margins(long_names)["layout"]["margin"]["l"] == 10
    long_names["layout"]["margin"]["r"] = 10
    assert sm.settle_margins(long_names)["layout"]["margin"]["l"] > 150
    many_lines = go.Figure(go.Bar(x=["a"], y=[1])).update_layout(height=120, margin=dict(l=10, r=10, t=40, b=10))
    many_lines.update_xaxes(automargin=True, tickvals=["a"], ticktext=["a<br>b<br>c"])
    assert sm.settle_margins(many_lines.to_dict())["layout"]["margin"]["b"] == 10    # 120 px high: left to plotly
    many_lines.update_layout(height=450)
    assert sm.settle_margins(many_lines.to_dict())["layout"]["margin"]["b"] > 10


def test_a_label_at_the_end_of_the_axis_keeps_plotlys_first_wide_drawing():
    """The dependency chart's « 100 % » sits 3 % before the end of its axis: with the country names' margin
    given, a phone's plot is so narrow that the label passes the chart's edge and plotly hides it."""
    figure = _bars(["Métaux précieux et non ferreux"])
    figure["layout"]["xaxis"].update(range=[0, 1.03], tickvals=[0, 0.5, 1.0], ticktext=["0 %", "50 %", "100 %"])
    assert sm.settle_margins(figure)["layout"]["margin"]["l"] == 10
    figure["layout"]["xaxis"]["range"] = [0, 1.3]                      # room enough after the last label
    assert sm.settle_margins(figure)["layout"]["margin"]["l"] > 150
    figure["layout"]["xaxis"]["range"] = [1.03, 0]                     # reversed: the small values at the right
    figure["layout"]["xaxis"].update(tickvals=[0.03, 1.0], ticktext=["3,0 % du total", "1"])
    assert sm.settle_margins(figure)["layout"]["margin"]["l"] == 10


def test_a_category_axis_named_by_its_traces_alone_gets_the_room_of_the_categories_in_range():
    """No `categoryarray`: plotly shows the traces' values in their order (`categoryorder` « trace »)."""
    figure = go.Figure(go.Bar(x=[3.0, 2.0, 1.0], y=["Cuir et chaussures", "Autres équipements électriques", "Lait"],
                              orientation="h"))
    figure.update_layout(margin=dict(l=10, r=10, t=20, b=20))
    figure.update_yaxes(type="category", automargin=True, ticksuffix="  ")
    widest = sm.label_width("Autres équipements électriques  ")
    assert sm.label_depths(figure.to_dict()["layout"], figure.to_dict()["data"])["l"] == pytest.approx(
        widest + sm.LABEL_GAP)
    figure.update_yaxes(range=[-0.5, 0.5])                     # only the first category on screen
    assert sm.label_depths(figure.to_dict()["layout"], figure.to_dict()["data"])["l"] == pytest.approx(
        sm.label_width("Cuir et chaussures  ") + sm.LABEL_GAP)
    figure.update_yaxes(range=None, categoryorder="total ascending")   # plotly sorts: left to plotly
    assert "l" not in sm.label_depths(figure.to_dict()["layout"], figure.to_dict()["data"])
