"""The Sankey's content for a phone: its two columns one under the other, as bars in plain HTML.

Why: below 640 px a Sankey has no room for two columns of labels and the bands between them (labels piled
up, the red flows vanished). The same figures read well as lists: the products, the countries, then the
five largest flows in the highlight colour. Plain HTML (no chart) costs the browser almost nothing, so the
page can send it beside the Sankey and let the screen's width choose (lib/ui/responsive.py).
"""
from __future__ import annotations

from html import escape as _escape

from lib.analysis.indicators import FlowStructure
from lib.core import formatting as fmt
from lib.core.schema import EXPORT
from lib.presentation import chart_style as cs
from lib.presentation.palette import DEFAULT_PALETTE, Palette

FLOW_LIST_CLASS = "cet-flow-list"


def escape(text: str) -> str:
    """Text between tags: < > & escaped, quotes kept (« d'origine » stays readable in the HTML)."""
    return _escape(text, quote=False)


def _rows(nodes: list[tuple[str, float]], total: float, money, color: str, others: str) -> str:
    """One line per node: its name and amount, and a bar as long as its share of the largest node."""
    largest = max((value for _, value in nodes), default=0.0) or 1.0
    lines = []
    for name, value in nodes:
        fill = others if name == cs.OTHERS_LABEL else color
        share = fmt.format_percent(value / total) if total else "n.d."
        lines.append(
            f'<li><span class="name">{escape(name)}</span>'
            f'<span class="value">{escape(money(value))} · {escape(share)}</span>'
            f'<span class="bar" style="width:{100 * value / largest:.1f}%;background:{fill}"></span></li>')
    return "".join(lines)


def flow_list_html(structure: FlowStructure, palette: Palette = DEFAULT_PALETTE) -> str:
    """Products, countries and the five largest flows of a FlowStructure, as one HTML block (French)."""
    money = fmt.AmountUnit.for_values([structure.total]).format     # one unit, as the Sankey
    products = [(cs.product_names(str(r.code))[0], float(r.value)) for r in structure.products.itertuples()]
    countries = [(cs.country_names(str(r.code))[0], float(r.value)) for r in structure.countries.itertuples()]
    export = structure.flow == EXPORT
    sides = ((("Produits exportés", products), ("Pays de destination", countries)) if export
             else (("Pays d'origine", countries), ("Produits importés", products)))
    color = cs.flow_color(structure.flow, palette)
    parts = [f'<div class="{FLOW_LIST_CLASS}">']
    for title, nodes in sides:
        parts.append(f"<p><b>{escape(title)}</b></p><ul>"
                     f"{_rows(nodes, structure.total, money, color, palette.others)}</ul>")
    if not structure.top_links.empty:
        parts.append(f'<p><b>Les {len(structure.top_links)} principaux flux</b></p><ol>')
        for link in structure.top_links.itertuples(index=False):
            product = cs.product_names(str(link.product))[0]
            country = cs.country_names(str(link.country))[0]
            first, second = (product, country) if export else (country, product)
            parts.append(f'<li style="border-left:4px solid {palette.link_highlight}">{escape(first)} → '
                         f'{escape(second)} : <b>{escape(money(float(link.value)))}</b></li>')
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)
