"""Figures: structure (nodes, links, colours, order), French formats, and PNG exports that are not black.

Inputs are built with lib.analysis.indicators on a small hand-made tidy table, so the figures are tested on what
the pages really pass them.
"""
from __future__ import annotations

import colorsys
import io
import os

import numpy as np
import pandas as pd
import pytest

from lib.presentation import figures
from lib.analysis import indicators as ind
from lib.core.formatting import NBSP, PLOTLY_SEPARATORS, THIN
from lib.presentation.palette import COLORBLIND_PALETTE, DEFAULT_PALETTE, PALETTES, hex_to_rgb, relative_luminance, to_rgba
from lib.data.reference.countries import country_name
from lib.data.reference.products import product_short_label
from lib.core.schema import EXPORT, IMPORT, PRODUCT, TIDY_COLUMNS
from lib.data.territories import department

YEAR_ = 2024
PRODUCTS_ = ["C10A", "C11Z", "C20B", "C21Z", "C22B", "C24A", "C25D", "C26E", "C27B", "C28A", "C29B",
             "C30C", "C32B", "A01Z"]
COUNTRIES_ = ["IT", "DE", "ES", "BE", "US", "GB", "CH", "CN", "NL", "PL", "JP", "MA", "TR", "CA"]


def sample_table() -> pd.DataFrame:
    """14 products × 14 countries for the 04 (and a little for 13 and 69, for région / France shares).

    Values are deterministic and all distinct, so the tops and the 5 red links are unambiguous.
    """
    rng = np.random.default_rng(7)
    rows = []
    for dep, region, scale in (("04", "93", 1.0), ("13", "93", 6.0), ("69", "84", 9.0)):
        for flow, flow_scale in ((EXPORT, 1.0), (IMPORT, 0.8)):
            for i, product in enumerate(PRODUCTS_):
                for j, country in enumerate(COUNTRIES_):
                    weight = (0.78 ** i) * (0.74 ** j) * rng.uniform(0.5, 1.5)
                    if flow == IMPORT and j == 0:
                        weight *= 3.0  # Italy: a deficit partner
                    rows.append((YEAR_, flow, dep, region, product, country,
                                 round(weight * 9e6 * scale * flow_scale, 0) + i * 13 + j))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


@pytest.fixture(scope="module")
def cube():
    return ind.TradeCube(sample_table())


@pytest.fixture(scope="module")
def dep04():
    return department("04")


def sankey_nodes(fig):
    return fig.data[0].node


# ---------------------------------------------------------------- palette

def test_palettes_named_in_french_and_colorblind_is_okabe_ito():
    assert PALETTES == {"standard": DEFAULT_PALETTE, "daltonien": COLORBLIND_PALETTE}
    assert (COLORBLIND_PALETTE.imports, COLORBLIND_PALETTE.exports, COLORBLIND_PALETTE.surplus,
            COLORBLIND_PALETTE.deficit) == ("#0072B2", "#CC79A7", "#009E73", "#D55E00")
    assert to_rgba("#D55E00", 0.5) == "rgba(213,94,0,0.5)"


# ---------------------------------------------------------------- Sankey

@pytest.mark.parametrize("flow", [EXPORT, IMPORT])
def test_sankey_has_top10_plus_autres_on_each_side_in_value_order(cube, dep04, flow):
    structure = ind.flow_structure(cube, dep04, YEAR_, flow)
    fig = figures.sankey_figure(structure)
    node = sankey_nodes(fig)
    labels = list(node.label)
    assert len(labels) == 22
    left, right = labels[:11], labels[11:]
    assert left[-1].startswith("Autres — ") and right[-1].startswith("Autres — ")
    xs, ys = list(node.x), list(node.y)
    assert all(x < 0.5 for x in xs[:11]) and all(x > 0.5 for x in xs[11:])
    # Top to bottom: y increases down the column, and so does the rank by value.
    assert ys[:11] == sorted(ys[:11]) and ys[11:] == sorted(ys[11:])
    first_product = product_short_label(structure.products["code"].iloc[0])
    first_country = country_name(structure.countries["code"].iloc[0])
    if flow == EXPORT:   # products left, destination countries right
        assert left[0].startswith(first_product + " — ") and right[0].startswith(first_country + " — ")
    else:                # origin countries left, products right
        assert left[0].startswith(first_country + " — ") and right[0].startswith(first_product + " — ")


def test_sankey_highlights_exactly_the_five_largest_inner_links(cube, dep04):
    structure = ind.flow_structure(cube, dep04, YEAR_, EXPORT)
    palette = COLORBLIND_PALETTE
    fig = figures.sankey_figure(structure, palette=palette)
    link, labels = fig.data[0].link, list(sankey_nodes(fig).label)
    red = to_rgba(palette.link_highlight, figures.LINK_HIGHLIGHT_ALPHA)
    grey = to_rgba(palette.link_neutral, figures.LINK_NEUTRAL_ALPHA)
    colors = list(link.color)
    assert colors.count(red) == 5 and colors.count(grey) == len(colors) - 5
    assert len(colors) == len(structure.links)
    red_pairs = {(labels[s].split(" — ")[0], labels[t].split(" — ")[0])
                 for s, t, c in zip(link.source, link.target, colors) if c == red}
    inner = structure.links[(structure.links["product"] != ind.OTHERS) & (structure.links["country"] != ind.OTHERS)]
    expected = {(product_short_label(p), country_name(c)) for p, c in inner.nlargest(5, "value")[["product", "country"]]
                .itertuples(index=False)}
    assert red_pairs == expected
    assert sum(link.value) == pytest.approx(structure.total)


def test_sankey_labels_and_hover_are_french(cube, dep04):
    structure = ind.flow_structure(cube, dep04, YEAR_, IMPORT)
    fig = figures.sankey_figure(structure)
    node = sankey_nodes(fig)
    assert fig.layout.separators == PLOTLY_SEPARATORS
    italy = next(label for label in node.label if label.startswith("Italie — "))
    assert italy.endswith(f"{NBSP}M€") and "," in italy and "." not in italy
    shares = [row[2] for row in node.customdata]
    assert all(s.endswith(f"{NBSP}%") for s in shares)
    assert "du total" in node.hovertemplate and "du total" in fig.data[0].link.hovertemplate


def test_sankey_without_autres_when_few_products(dep04):
    table = sample_table()
    table = table[table[PRODUCT].isin(PRODUCTS_[:3])]
    structure = ind.flow_structure(ind.TradeCube(table), dep04, YEAR_, EXPORT)
    labels = list(sankey_nodes(figures.sankey_figure(structure)).label)
    assert len(labels) == 3 + 11
    assert sum(label.startswith("Autres") for label in labels) == 1


# ---------------------------------------------------------------- balance

def test_balance_keeps_data_order_and_values_and_colours_by_sign(cube, dep04):
    partners = ind.partner_balance(cube, dep04, YEAR_)
    assert (partners["balance"] < 0).any() and (partners["balance"] >= 0).any()
    fig = figures.balance_figure(partners)
    names = [country_name(c) for c in partners["country"]]
    imports_bar, exports_bar = fig.data[0], fig.data[1]
    assert (imports_bar.name, exports_bar.name) == ("Importations", "Exportations")
    assert list(imports_bar.y) == names and list(exports_bar.y) == names
    assert list(fig.layout.yaxis.categoryarray) == names and fig.layout.yaxis.autorange == "reversed"
    np.testing.assert_allclose(imports_bar.x, -partners["imports"].to_numpy())   # to the left
    np.testing.assert_allclose(exports_bar.x, partners["exports"].to_numpy())    # to the right
    assert imports_bar.text[0] == figures.fmt.format_meur(partners["imports"].iloc[0])  # labelled positive
    marker_colour, text_colour, text = {}, {}, {}
    for trace in fig.data[2:]:
        for y, label in zip(trace.y, trace.text):
            marker_colour[y], text_colour[y], text[y] = trace.marker.color, trace.textfont.color, label
    for name, value in zip(names, partners["balance"]):
        expected = DEFAULT_PALETTE.surplus if value >= 0 else DEFAULT_PALETTE.deficit
        assert marker_colour[name] == text_colour[name] == expected
        assert text[name] == f"{NBSP}<b>{figures.fmt.format_signed_meur(value)}</b>"
    assert marker_colour["Italie"] == DEFAULT_PALETTE.deficit
    ticks = list(fig.layout.xaxis.ticktext)
    assert all(t.endswith(f"{NBSP}M€") and not t.startswith("-") for t in ticks)


def test_balance_formats_thousands_with_narrow_space():
    partners = pd.DataFrame({"country": ["DE", "IT"], "imports": [2_345_600_000.0, 10e6],
                             "exports": [1_000_000_000.0, 12e6]})
    partners["balance"] = partners["exports"] - partners["imports"]
    fig = figures.balance_figure(partners)
    assert fig.data[0].text[0] == f"2{THIN}345,6{NBSP}M€"
    assert fig.data[0].customdata[0][3] == f"\u22121{THIN}345,6{NBSP}M€"
    assert any(THIN in t for t in fig.layout.xaxis.ticktext)


# ---------------------------------------------------------------- treemaps

def _hue(color: str) -> float:
    r, g, b = (c / 255 for c in hex_to_rgb(color))
    return colorsys.rgb_to_hsv(r, g, b)[0]


@pytest.mark.parametrize("flow,palette", [(EXPORT, DEFAULT_PALETTE), (IMPORT, DEFAULT_PALETTE),
                                          (EXPORT, COLORBLIND_PALETTE)])
def test_treemap_sums_to_flow_total_in_flow_colour_family(cube, dep04, flow, palette):
    breakdown = ind.product_breakdown(cube, dep04, YEAR_, flow)
    trace = figures.treemap_figure(breakdown, flow, palette=palette).data[0]
    leaves = [v for v, node in zip(trace.values, trace.ids) if node not in set(trace.parents)]
    roots = [v for v, parent in zip(trace.values, trace.parents) if not parent]
    assert sum(leaves) == pytest.approx(breakdown["value"].sum())
    assert sum(roots) == pytest.approx(breakdown["value"].sum())
    assert len(leaves) == len(breakdown)
    base = palette.exports if flow == EXPORT else palette.imports
    assert all(abs(_hue(c) - _hue(base)) < 0.02 for c in trace.marker.colors)
    assert trace.marker.colors[0] == base  # largest group in the full colour
    # Products sit inside their A38 group (C10A meat and C11Z drinks: agri-food, CA); a group holding
    # one product is drawn as that product (C21Z alone in CF).
    ids = list(trace.ids)
    assert trace.parents[ids.index("C10A")] == trace.parents[ids.index("C11Z")] == "groupe:CA"
    assert trace.parents[ids.index("C21Z")] == "" and "groupe:CF" not in ids
    assert trace.text[ids.index("C21Z")].startswith("<b>Produits<br>pharmaceutiques</b><br>")


def _contrast(a: str, b: str) -> float:
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("palette", [DEFAULT_PALETTE, COLORBLIND_PALETTE])
@pytest.mark.parametrize("flow", [EXPORT, IMPORT])
def test_treemap_text_colour_follows_tile_luminance(cube, dep04, flow, palette):
    """White on the flow colour and its mid shades (plotly put dark text on mid-blue tiles), near-black on
    pale tints: one colour per tile, each readable (3:1 at least, the bar for large or bold text)."""
    trace = figures.treemap_figure(ind.product_breakdown(cube, dep04, YEAR_, flow), flow, palette=palette,
                                   export=figures.ExportFrame(title="t", source="s")).data[0]
    text_colours = list(trace.insidetextfont.color)
    assert len(text_colours) == len(trace.marker.colors)
    assert trace.insidetextfont.size == trace.textfont.size
    for tile, text in zip(trace.marker.colors, text_colours):
        dark_tile = relative_luminance(tile) <= figures.TILE_DARK_LUMINANCE
        assert text == (figures.TILE_TEXT_LIGHT if dark_tile else figures.TILE_TEXT_DARK)
        assert _contrast(tile, text) >= 3
    base = palette.exports if flow == EXPORT else palette.imports
    assert text_colours[0] == figures.TILE_TEXT_LIGHT and trace.marker.colors[0] == base
    # the mid-blue tile of the review (« Appareils ménagers » on the imports, once dark text) is white now
    assert figures._tile_text("#6796C6") == figures.TILE_TEXT_LIGHT
    assert figures._tile_text("#D1BCDB") == figures.TILE_TEXT_DARK


def test_two_treemaps_side_by_side(cube, dep04):
    fig = figures.flows_treemap_figure(ind.product_breakdown(cube, dep04, YEAR_, EXPORT),
                                       ind.product_breakdown(cube, dep04, YEAR_, IMPORT))
    assert [t.type for t in fig.data] == ["treemap", "treemap"]
    assert fig.data[0].domain.x[1] <= fig.data[1].domain.x[0]
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0].startswith("<b>Exportations</b> — ") and titles[1].startswith("<b>Importations</b> — ")


def test_treemap_hover_values_are_french(cube, dep04):
    trace = figures.treemap_figure(ind.product_breakdown(cube, dep04, YEAR_, EXPORT), EXPORT).data[0]
    value, share = trace.customdata[0][1], trace.customdata[0][2]
    assert value.endswith(f"{NBSP}M€") and "," in value and "." not in value
    assert share.endswith(f"{NBSP}%") and "," in share


# ---------------------------------------------------------------- specialisation and comparison

def test_specialisation_bars_and_index(cube, dep04):
    spec = ind.specialisation(cube, dep04, YEAR_, EXPORT)
    fig = figures.specialisation_figure(spec, "Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur")
    assert [t.name for t in fig.data] == ["Alpes-de-Haute-Provence", "Région Provence-Alpes-Côte d'Azur",
                                          "France entière"]
    np.testing.assert_allclose(fig.data[0].x, spec["share_territory"])
    np.testing.assert_allclose(fig.data[2].x, spec["share_france"])
    assert list(fig.data[0].y) == [product_short_label(p) for p in spec["product"]]
    first_index = figures.fmt.format_ratio(spec["specialisation"].iloc[0])
    assert fig.data[0].customdata[0][3] == first_index and "," in first_index
    assert "Indice de spécialisation" in fig.data[0].hovertemplate
    assert all(t.endswith(f"{NBSP}%") for t in fig.layout.xaxis.ticktext)


def test_departments_comparison(cube):
    frame = ind.compare_departments(cube, ["04", "13", "69"], YEAR_)
    fig = figures.departments_comparison_figure(frame)
    exports_bar, imports_bar = fig.data[0], fig.data[1]
    assert (exports_bar.name, imports_bar.name) == ("Exportations", "Importations")
    assert exports_bar.marker.color == DEFAULT_PALETTE.exports and imports_bar.marker.color == DEFAULT_PALETTE.imports
    assert exports_bar.x[0].replace("<br>", " ") == "Alpes-de-Haute-Provence"
    np.testing.assert_allclose(exports_bar.y, frame["exports"])
    markers = {x: t.marker.color for t in fig.data[2:] for x in t.x}
    for label, value in zip(exports_bar.x, frame["balance"]):
        assert markers[label] == (DEFAULT_PALETTE.surplus if value >= 0 else DEFAULT_PALETTE.deficit)
    assert "Taux de couverture" in exports_bar.hovertemplate


# ---------------------------------------------------------------- empty inputs

def test_every_builder_raises_a_french_empty_data_error(cube, dep04):
    empty = ind.TradeCube(sample_table().iloc[0:0])
    cases = [
        lambda: figures.balance_figure(ind.partner_balance(empty, dep04, YEAR_)),
        lambda: figures.treemap_figure(ind.product_breakdown(empty, dep04, YEAR_, EXPORT), EXPORT),
        lambda: figures.flows_treemap_figure(ind.product_breakdown(empty, dep04, YEAR_, EXPORT),
                                             ind.product_breakdown(empty, dep04, YEAR_, IMPORT)),
        lambda: figures.sankey_figure(ind.flow_structure(empty, dep04, YEAR_, IMPORT)),
        lambda: figures.specialisation_figure(ind.specialisation(empty, dep04, YEAR_, EXPORT), "Alpes", "PACA"),
        lambda: figures.departments_comparison_figure(ind.compare_departments(empty, ["04"], YEAR_)),
    ]
    for build in cases:
        with pytest.raises(figures.EmptyDataError, match=r"^Aucun"):
            build()


# ---------------------------------------------------------------- export mode

def test_export_frame_sets_title_source_size_and_light_template(cube, dep04):
    frame = figures.ExportFrame(title="Flux à l'export — Alpes-de-Haute-Provence (2024)",
                                source="Source : douanes françaises (DGDDI)")
    fig = figures.sankey_figure(ind.flow_structure(cube, dep04, YEAR_, EXPORT), export=frame)
    assert fig.layout.title.text == frame.title
    assert any(a.text == frame.source for a in fig.layout.annotations)
    assert (fig.layout.width, fig.layout.height) == (1600, 900)
    assert fig.layout.paper_bgcolor == "white"
    assert fig.layout.template.layout.paper_bgcolor == "white"  # plotly_white, not the ambient default
    assert figures.sankey_figure(ind.flow_structure(cube, dep04, YEAR_, EXPORT), export=frame,
                                 template="simple_white").layout.template.layout.plot_bgcolor == "white"


def dark_fraction(png: bytes) -> float:
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colors = image.getcolors(image.width * image.height)
    dark = sum(count for count, rgb in colors if max(rgb) < 30)
    return dark / (image.width * image.height)


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium absent : pas d'export PNG")
def test_exported_png_is_not_dark_even_after_importing_streamlit(cube, dep04):
    import plotly.io as pio
    import streamlit  # noqa: F401  (sets plotly's default template to "streamlit")
    from PIL import Image

    assert pio.templates.default == "streamlit"
    frame = figures.ExportFrame(title="Principales activités à l'export et à l'import — 04 (2024)",
                                source="Source : douanes françaises (DGDDI)")
    fig = figures.flows_treemap_figure(ind.product_breakdown(cube, dep04, YEAR_, EXPORT),
                                       ind.product_breakdown(cube, dep04, YEAR_, IMPORT), export=frame)
    assert fig.layout.template.layout.paper_bgcolor == "white"  # plotly_white, not "streamlit"
    png = fig.to_image(format="png", width=800, height=450)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(png)).size == (800, 450)
    assert dark_fraction(png) < 0.05
