"""Sankey labels you can read: outside the diagram, never over a band nor over another label.

Every département's export and import Sankey is drawn by plotly.js in Chromium (the library bundled with
the plotly package, so offline) at two screen widths (the chart's width at 1024 px and at 1920 px) and at
the PNG's layout size (1 600 × 900, exported at scale 2: 3 200 × 1 800). The label boxes measured in the
drawn SVG are compared with the node rectangles of the same drawing.
"""
from __future__ import annotations

import json
from pathlib import Path

import plotly
import pytest

from lib.presentation import figures
from lib.analysis import indicators as ind
from lib.core.schema import EXPORT, IMPORT

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SIZES = {"écran 1024": (560, figures.SANKEY_SCREEN_HEIGHT), "écran 1920": (1180, figures.SANKEY_SCREEN_HEIGHT),
         "PNG": None}

MEASURE = """async ([figure, labels]) => {
  const div = document.getElementById('g');
  await Plotly.newPlot(div, figure.data, figure.layout, {staticPlot: true});
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const svg = box(div.querySelector('.main-svg'));
  const nodes = [...div.querySelectorAll('.sankey-node .node-rect')].map(box);
  const annotations = [...div.querySelectorAll('g.annotation')];
  const found = labels.map(i => annotations.find(a => a.getAttribute('data-index') === String(i)));
  return {svg, nodes, labels: found.map(a => a ? box(a.querySelector('text')) : null)};
}"""


@pytest.fixture(scope="module")
def browser_page(browser):
    """A blank page with plotly.js, from the session's Playwright browser (tests/e2e/conftest.py): a second
    Playwright instance cannot start while that one's event loop runs in this thread."""
    page = browser.new_page(viewport={"width": 1700, "height": 1000})
    page.set_content('<html><body style="margin:0"><div id="g"></div></body></html>')
    page.add_script_tag(path=str(PLOTLY_JS))
    yield page
    page.close()


def _overlap(a, b, tolerance=0.5) -> bool:
    return a[0] < b[2] - tolerance and b[0] < a[2] - tolerance and a[1] < b[3] - tolerance and b[1] < a[3] - tolerance


def _problems(fig, measured, what: str) -> list[str]:
    label_annotations = [a for a in fig.layout.annotations if a.name == "sankey-label"]
    boxes = measured["labels"]
    nodes = measured["nodes"]
    svg = measured["svg"]
    problems = []
    if any(b is None for b in boxes) or len(nodes) != len(label_annotations):
        return [f"{what}: {len(nodes)} nœuds, {len(boxes)} étiquettes"]
    diagram_left = min(n[0] for n in nodes)
    diagram_right = max(n[2] for n in nodes)
    for annotation, b in zip(label_annotations, boxes):
        name = annotation.text.replace("<br>", " ")
        if annotation.xanchor == "right" and b[2] > diagram_left:
            problems.append(f"{what}: « {name} » empiète sur le diagramme ({b[2]:.0f} > {diagram_left:.0f})")
        if annotation.xanchor == "left" and b[0] < diagram_right:
            problems.append(f"{what}: « {name} » empiète sur le diagramme ({b[0]:.0f} < {diagram_right:.0f})")
        if b[0] < svg[0] - 0.5 or b[2] > svg[2] + 0.5 or b[1] < svg[1] - 0.5 or b[3] > svg[3] + 0.5:
            problems.append(f"{what}: « {name} » coupée par le bord de l'image")
        for node in nodes:
            if _overlap(b, node):
                problems.append(f"{what}: « {name} » recouvre un nœud")
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if _overlap(boxes[i], boxes[j]):
                problems.append(f"{what}: « {label_annotations[i].text} » et « {label_annotations[j].text} » "
                                "se chevauchent")
    return problems


def _draw(page, fig):
    data = json.loads(fig.to_json())
    labels = [i for i, a in enumerate(fig.layout.annotations) if a.name == "sankey-label"]
    return page.evaluate(MEASURE, [data, labels])


def test_labels_sit_outside_the_diagram_for_every_department(browser_page, app_data):
    problems = []
    for index, territory in enumerate(app_data.catalog.departments()):
        for flow in (EXPORT, IMPORT):
            structure = ind.flow_structure(app_data.cube, territory, 2024, flow)
            if structure.is_empty or structure.links.empty:
                continue
            for size_name, size in SIZES.items():
                if size_name == "écran 1920" and index % 10:   # the wide screen is the easy case: a sample
                    continue
                if size is None:
                    fig = figures.sankey_figure(structure, export=figures.ExportFrame(title="Titre", source="Source"))
                else:
                    fig = figures.sankey_figure(structure, template="plotly_white")
                    fig.update_layout(width=size[0], height=size[1])
                problems += _problems(fig, _draw(browser_page, fig), f"{territory.id} {flow} {size_name}")
    assert not problems, "\n".join(problems[:30])


def test_the_check_sees_a_label_drawn_over_the_bands(browser_page, app_data):
    """Put the labels back where plotly puts them (inside): the check must fail."""
    structure = ind.flow_structure(app_data.cube, app_data.catalog.resolve("dep:04"), 2024, EXPORT)
    fig = figures.sankey_figure(structure, template="plotly_white")
    fig.update_layout(width=700)
    for annotation in fig.layout.annotations:
        if annotation.name == "sankey-label":
            annotation.xshift = -annotation.xshift
    assert _problems(fig, _draw(browser_page, fig), "dep:04")
