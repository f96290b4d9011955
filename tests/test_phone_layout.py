"""Issue 22, item 4, in pure functions: what a phone reads instead of the Sankey, and screen figures whose
texts keep their size at 358 px (the chart's width on a 390 px phone). The browser test is
tests/e2e/test_phone.py."""
from __future__ import annotations

import re

import pandas as pd

from lib.analysis.indicators import OTHERS, FlowStructure
from lib.core.schema import EXPORT, IMPORT
from lib.presentation import chart_style as cs
from lib.presentation.exposure_figures import trend_figure
from lib.presentation.figures import SCREEN_FONT_PX, ExportFrame, balance_figure
from lib.presentation.flow_list import flow_list_html
from lib.presentation.palette import COLORBLIND_PALETTE, DEFAULT_PALETTE


def _structure(flow: str) -> FlowStructure:
    products = pd.DataFrame({"code": ["C20B", "A01Z", OTHERS], "value": [300e6, 60e6, 40e6]})
    countries = pd.DataFrame({"code": ["IT", "ES", OTHERS], "value": [250e6, 100e6, 50e6]})
    links = pd.DataFrame({"product": ["C20B", "C20B", "A01Z", OTHERS], "country": ["IT", "ES", "IT", OTHERS],
                          "value": [200e6, 100e6, 50e6, 50e6]})
    return FlowStructure(flow=flow, total=400e6, products=products, countries=countries, links=links,
                         top_links=links.iloc[:3].reset_index(drop=True))


def _items(html: str, tag: str) -> list[str]:
    return [re.sub(r"<[^>]+>", " ", item).split() for item in re.findall(rf"<{tag}>(.*?)</{tag}>", html)]


def test_export_lists_products_then_countries_then_the_largest_flows():
    html = flow_list_html(_structure(EXPORT))
    titles = re.findall(r"<p><b>(.*?)</b></p>", html)
    assert titles == ["Produits exportés", "Pays de destination", "Les 3 principaux flux"]
    products, countries = re.findall(r"<ul>(.*?)</ul>", html)
    assert re.findall(r'class="name">(.*?)</span>', countries) == ["Italie", "Espagne", "Autres"]
    assert re.findall(r'class="value">(.*?)</span>', countries) == [
        "250,0\u00a0M€ · 62,5\u00a0%", "100,0\u00a0M€ · 25,0\u00a0%", "50,0\u00a0M€ · 12,5\u00a0%"]
    # bars as long as each node's share of the largest; « Autres » in the palette's grey
    assert re.findall(r"width:([\d.]+)%", countries) == ["100.0", "40.0", "20.0"]
    assert re.findall(r"background:(#\w+)", countries) == [DEFAULT_PALETTE.exports] * 2 + [DEFAULT_PALETTE.others]
    flows = re.findall(r"<li style[^>]*>(.*?)</li>", html)
    assert flows[0] == "Savons, parfums, entretien → Italie : <b>200,0\u00a0M€</b>"
    assert len(flows) == 3 and all(DEFAULT_PALETTE.link_highlight in f for f in re.findall(r"<li style[^>]*>", html))


def test_import_lists_countries_first_and_flows_from_country_to_product():
    html = flow_list_html(_structure(IMPORT), COLORBLIND_PALETTE)
    assert re.findall(r"<p><b>(.*?)</b></p>", html)[:2] == ["Pays d'origine", "Produits importés"]
    assert "Italie → Savons, parfums, entretien : " in html
    assert COLORBLIND_PALETTE.imports in html and DEFAULT_PALETTE.imports not in html


def test_names_are_escaped(monkeypatch):
    monkeypatch.setattr(cs, "country_names", lambda code: ("<b>Pays & Co</b>", "x"))
    html = flow_list_html(_structure(EXPORT))
    assert "&lt;b&gt;Pays &amp; Co&lt;/b&gt;" in html and "<b>Pays & Co" not in html


YEARLY = pd.DataFrame({"year": [2023, 2024, 2025], "exports": [515.2e6, 511.9e6, 513.0e6],
                       "imports": [465.6e6, 459.7e6, 474.1e6], "balance": [49.6e6, 52.2e6, 38.9e6]})


def test_trend_on_screen_gives_the_amounts_under_each_year_at_full_size():
    fig = trend_figure(YEARLY)
    assert [trace.text for trace in fig.data[:2]] == [None, None]    # plotly shrank them to fit narrow bars
    ticks = fig.layout.xaxis.ticktext
    assert [re.sub(r"<[^>]+>", "|", t).split("|")[0] for t in ticks] == ["2023", "2024", "2025"]
    assert "Exp. 511,9\u00a0M€" in ticks[1] and "Imp. 459,7\u00a0M€" in ticks[1] and "<b>Solde +52,2\u00a0M€</b>" in ticks[1]
    assert fig.layout.margin.b >= 30 + 2 * SCREEN_FONT_PX       # two more lines of labels


def test_trend_picture_keeps_the_amounts_on_the_bars():
    fig = trend_figure(YEARLY, export=ExportFrame(title="t", source="s"))
    assert list(fig.data[0].text) == ["515,2\u00a0M€", "511,9\u00a0M€", "513,0\u00a0M€"]
    assert all("Exp." not in tick for tick in fig.layout.xaxis.ticktext)


def test_balance_amounts_have_a_right_margin_of_their_width_on_screen():
    partners = pd.DataFrame({"country": ["IT", "DE"], "imports": [59.8e6, 1_892.6e6], "exports": [241.6e6, 33.1e6],
                             "balance": [181.8e6, -1_859.5e6]})
    fig = balance_figure(partners)
    widest = cs.text_width("−1\u00a0859,5\u00a0M€", SCREEN_FONT_PX, bold=True)
    assert fig.layout.margin.r >= widest
    balance_domain = fig.layout.xaxis2.domain
    assert balance_domain[1] - balance_domain[0] < 0.1       # the column holds the marker; its text runs on
