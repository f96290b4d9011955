"""Issue 18: the measures export layouts are computed from (lib.presentation.chart_style), checked without a
browser. Widths were measured in Chromium (canvas measureText, 22 px Arial → Liberation Sans) on this machine;
tests/test_render_layout.py checks the drawn figures themselves."""
from __future__ import annotations

import pytest

from lib.presentation import chart_style as cs
from lib.presentation.chart_style import ExportFrame

MEASURED_22PX = {
    "12,5\u00a0%": 68.5,
    "Machines d'usage spécifique": 281.8,
    "605,1 M€ · 40,1 % du produit": 282.5,
    "Allemagne — 110\u00a0006,6\u00a0M€": 272.7,
    "ÉQUIPEMENTS AUTOMOBILES": 324.8,
    "Provence-Alpes-Côte d'Azur": 276.9,
}


@pytest.mark.parametrize("text", MEASURED_22PX)
def test_text_width_is_close_to_the_drawn_width_and_never_short(text):
    estimate, real = cs.text_width(text, 22), MEASURED_22PX[text]
    # a margin computed from it must hold the label: never below the real width, at most 8 % above
    assert real * 0.99 <= estimate <= real * 1.08


def test_text_width_reads_the_widest_line_without_tags():
    assert cs.text_width("<b>Région</b><br>Hauts-de-France", 22) == cs.text_width("Hauts-de-France", 22)


def test_legend_rows_follow_plotly_wrapping():
    assert cs.legend_rows(["Exportations", "Importations"], 22, 1400) == 1
    names = ["1er fournisseur", "1er fournisseur : dépendance critique (hors UE, plus de 50 %)", "2e fournisseur",
             "3e fournisseur", "Autres fournisseurs et non ventilé"]
    # too long for one row: plotly lays the items in a grid of the widest item's width
    assert cs.legend_rows(names, 32, 1000) == 5
    assert cs.legend_rows(names, 22, 1400) == 3


def test_a_wrapped_legend_gets_its_rows_above_the_plot():
    frame = ExportFrame(title="", source="Source", print_width_cm=16)
    one = cs.export_geometry(frame, legend=True)
    names = ["1er fournisseur", "1er fournisseur : dépendance critique (hors UE, plus de 50 %)", "2e fournisseur",
             "3e fournisseur", "Autres fournisseurs et non ventilé"]
    several = cs.export_geometry(frame, legend=names)
    rows = cs.legend_rows(names, round(cs.FONT_SIZE * frame.factor), frame.width - 60 * frame.factor)
    assert rows > 1
    assert several.top - one.top == pytest.approx((rows - 1) * round(cs.FONT_SIZE * frame.factor) * cs.LEGEND_ROW)


def test_labels_are_never_shrunk_below_seven_points_in_word():
    word = ExportFrame(title="", source="s", print_width_cm=16)
    px_per_pt = word.width / (16 / 2.54 * 72)
    assert cs.min_text_px(word) / px_per_pt >= 7.0
    assert cs.min_text_px(ExportFrame(title="t", source="s")) == 17         # PNG: 3/4 of its 22 px text


def test_outside_reach_leaves_each_label_its_width():
    values, texts, font, axis = [100.0, 60.0, 5.0], ["100,0 M€ · 40,1 % du produit", "60,0 M€", "5,0 M€"], 32, 900
    reach = cs.outside_reach(values, texts, font, axis, pad=10)
    for value, text in zip(values, texts):
        assert value / reach * axis + cs.text_width(text, font) + 10 <= axis + 1e-6


def test_tick_target_gives_fewer_ticks_to_big_text_on_a_narrow_axis():
    assert cs.tick_target(1400, "1\u00a0000\u00a0M€", 22) == 5
    assert cs.tick_target(500, "1\u00a0000\u00a0M€", 32) < 5
