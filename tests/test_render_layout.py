"""Issue 18: every chart a user takes away lays out as well as the screen, at the PNG size (1600 × 900, the
map 1600 × 1400) and at the sizes Word places them (no title, the frames of lib.outputs.fiche_docx and note_docx).

The figures are drawn in headless Chromium with the plotly.js kaleido uses (tests/render_check.py) and every
text box is measured: nothing outside the picture, no text over another or over data it does not label, Sankey
labels level with their nodes, nothing printed under 7 pt in Word. Panel: tests/render_panel.py (8 territories
of every shape × both palettes × every chart of the pages, the explorers and the map). Whole file: about
2 min 30 s on a shared 2-core machine (one browser, ~0,25 s a figure).
"""
from __future__ import annotations

import os
from pathlib import Path

import plotly.graph_objects as go
import pytest

from tests import render_panel as panel
from tests.render_check import CHROMIUM, RenderChecker, kind_of

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def checker():
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"Chromium absent ({CHROMIUM}) : contrôle de mise en page ignoré.")
    with RenderChecker() as opened:
        yield opened


# ---------------------------------------------------------------- the checker finds what it must

def _bare(**layout) -> go.Figure:
    # 14 px text on an 800 px picture printed 16 cm wide: 14 × 453,5 / 800 = 7,9 pt
    fig = go.Figure(layout={**dict(template="plotly_white", width=800, height=400, showlegend=False,
                                   font=dict(size=14), margin=dict(l=80, r=20, t=20, b=40, autoexpand=False)),
                            **layout})
    fig.add_trace(go.Bar(x=["a", "b"], y=[3, 5]))
    return fig


def test_a_clean_figure_has_no_problem(checker):
    assert checker.check(_bare(), 800, 400, print_width_cm=16) == []


def test_a_tick_label_cut_at_the_border_is_reported(checker):
    fig = _bare(margin=dict(l=8, r=20, t=20, b=40, autoexpand=False))
    fig.update_yaxes(tickvals=[0, 2.5, 5], ticktext=["0,0 %", "12,5 %", "25,0 %"])
    problems = checker.check(fig, 800, 400)
    assert any(p.startswith("hors cadre : « 12,5 % » (graduation y) dépasse à gauche") for p in problems)


def test_overlapping_texts_and_text_on_data_are_reported(checker):
    fig = _bare()
    fig.add_annotation(text="Une légende très longue", x=0, y=1.5, showarrow=False)
    fig.add_annotation(text="Un titre de colonne", x=0, y=1.5, showarrow=False)
    problems = checker.check(fig, 800, 400)
    kinds = {kind_of(p) for p in problems}
    assert {"chevauchement", "sur les données"} <= kinds, problems


def test_invisible_text_is_ignored_and_small_print_is_reported(checker):
    fig = _bare()
    fig.add_annotation(text="caché", x=1, y=10, showarrow=False, font=dict(color="rgba(0,0,0,0)"))
    fig.add_annotation(text="petit", x=0, y=4, showarrow=False, font=dict(size=11))
    problems = checker.check(fig, 800, 400, print_width_cm=16)
    assert problems == ["trop petit : « petit » (annotation) imprimé à 6,2 pt sur 16 cm"]
    assert checker.check(fig, 800, 400, print_width_cm=24) == []        # 11 px printed 24 cm wide: 9,4 pt


def test_a_sankey_label_away_from_its_node_is_reported(checker):
    fig = go.Figure(go.Sankey(arrangement="fixed", node=dict(label=["", "", ""], x=[0.001, 0.999, 0.999],
                                                             y=[0.5, 0.2, 0.8], pad=20),
                              link=dict(source=[0, 0], target=[1, 2], value=[1, 1]),
                              textfont=dict(size=1, color="rgba(0,0,0,0)")),
                    layout=dict(template="plotly_white", width=800, height=400,
                                margin=dict(l=150, r=150, t=20, b=20, autoexpand=False)))
    for text, x, y, anchor in (("Gauche", 0, 0.5, "right"), ("Haut", 1, 0.8, "left"), ("Bas", 1, 0.2, "left")):
        fig.add_annotation(name="sankey-label", text=text, x=x, y=y, xref="paper", yref="paper", xanchor=anchor,
                           xshift=-20 if x == 0 else 20, showarrow=False)
    problems = checker.check(fig, 800, 400)
    assert [kind_of(p) for p in problems] == [], problems     # level with their nodes
    fig.layout.annotations[1].y = 0.45                         # « Haut » dropped far below its node
    problems = checker.check(fig, 800, 400)
    assert any(p.startswith("décalé : « Haut »") for p in problems), problems


# ---------------------------------------------------------------- every figure of the panel

@pytest.mark.parametrize("territory_id", panel.TERRITORIES)
def test_every_exported_chart_lays_out_cleanly(app_data, checker, territory_id):
    cases = panel.cases(app_data, [territory_id], map_territories=panel.MAP_TERRITORIES)
    results = panel.run(checker, cases)
    assert len(results) >= 40, sorted(results)          # every chart of the pages, in 2 palettes × 2 sizes
    assert any(label.endswith("Word") for label in results) and any(label.endswith("PNG") for label in results)
    failing = [f"{label}: {problem}" for label, problems in results.items() for problem in problems]
    assert not failing, panel.summary(results) + "\n" + "\n".join(failing[:40])
