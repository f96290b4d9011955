"""Issue 14 (items 5, 9, 10, 11): ticks that do not lie, labels that can be read and match, shares that add up,
defaults that fit the territory. Figures are built from the demo data for a département, a Territoire
d'industrie and Mayotte, as the pages build them (lib.outputs.report lists every chart of the pages)."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from lib.analysis import explorers as ex, exposure
from lib.presentation import chart_style, exposure_figures as xf, figures, tables, tile_map
from lib.core import formatting as fmt
from lib.analysis.indicators import product_breakdown
from lib.outputs.report import report_items

YEAR = 2024
TERRITORIES = ["dep:04", "ti:TI-DEMO-001", "dep:976"]


def _number(text: str) -> float | None:
    """The number a tick label writes (« 7,5 % » → 7.5, « −10 M€ » → -10), None when it writes none."""
    clean = re.sub(r"<[^>]+>", "", str(text)).replace(fmt.NBSP, "").replace("\u202f", "").replace(" ", "")
    match = re.search(r"[−-]?\d+(,\d+)?", clean)
    if not match:
        return None
    return float(match.group(0).replace("−", "-").replace(",", "."))


def _unit(texts) -> float | None:
    joined = " ".join(map(str, texts))
    return 0.01 if "%" in joined else 1e6 if "M€" in joined else 1e9 if "Md€" in joined else None


def _axes(fig):
    for name in dir(fig.layout):
        if re.fullmatch(r"[xy]axis\d*", name):
            yield name, fig.layout[name]


def _check_axis(where: str, tickvals, ticktext) -> int:
    unit = _unit(ticktext)
    if unit is None or any(isinstance(v, str) for v in tickvals):   # category axes (names, years)
        return 0
    for value, text in zip(tickvals, ticktext):
        written = _number(text)
        assert written is not None, f"{where} : « {text} »"
        assert math.isclose(written * unit, abs(value) if written >= 0 > value else value,
                            rel_tol=1e-9, abs_tol=1e-9 * unit), f"{where} : tick {value} écrit « {text} »"
    return len(ticktext)


@pytest.fixture(scope="module")
def all_figures(app_data):
    built = []
    for tid in TERRITORIES:
        territory = app_data.catalog.resolve(tid)
        for item in report_items(app_data.cube, app_data.catalog, territory, YEAR):
            if item.build is None:
                continue
            built.append((f"{tid} {item.key}", item.build()))
            built.append((f"{tid} {item.key} (PNG)", item.build(template="plotly_white", export=figures.ExportFrame(
                title="t", source="s"))))
    return built


# ---------------------------------------------------------------- item 5: ticks

def test_percent_ticks_carry_the_decimals_their_values_need():
    values, texts = chart_style.percent_ticks(0.105)         # the exposure chart of the issue: 2,5 % steps
    assert [round(v, 4) for v in values] == [0, 0.025, 0.05, 0.075, 0.1, 0.125]
    assert texts[3] == f"7,5{fmt.NBSP}%" and texts[1] == f"2,5{fmt.NBSP}%"   # was « 8 % », « 2 % »
    values, texts = chart_style.meur_ticks(0, 3.7e6)
    assert all(_number(t) * 1e6 == pytest.approx(v) for v, t in zip(values, texts))


def test_every_chart_tick_writes_its_own_value(all_figures):
    checked = 0
    for where, fig in all_figures:
        for name, axis in _axes(fig):
            if axis.tickvals is not None and axis.ticktext is not None:
                checked += _check_axis(f"{where} {name}", axis.tickvals, axis.ticktext)
            else:   # plotly's own ticks: a rounding format would lie as well
                assert not axis.tickformat or not re.search(r"\.0[f%]", axis.tickformat), f"{where} {name}"
    assert checked > 200


@pytest.mark.parametrize("kind", list(tile_map.KINDS))
def test_map_colour_bar_ticks_write_their_values(app_data, kind):
    values = ex.department_values(app_data.cube, YEAR, kind, country="US" if kind == "exposure" else None,
                                  product="C20B" if kind == "product_share" else None)
    fig = tile_map.map_figure(values, kind)
    bar = next(t.marker.colorbar for t in fig.data if t.marker and t.marker.showscale)
    if kind == "coverage":                 # ratios around 1 on a log scale: « 0,25 », « 2 »…
        return
    spec = tile_map.KINDS[kind]
    scale = tile_map._scale_for(spec, values.to_numpy(dtype=float))
    ticks = [0.0] + sorted({tile_map._nice(scale.reach * f * f) for f in (0.25, 0.5, 0.75, 1.0)} - {0.0})
    if spec.scale == "signed_sqrt":
        ticks = [-v for v in reversed(ticks[1:])] + ticks
    assert len(ticks) == len(bar.ticktext)
    unit = _unit(bar.ticktext) or 1e6
    for value, text in zip(ticks, bar.ticktext):
        assert _number(text) * unit == pytest.approx(value), (kind, value, text)


def test_deficit_markers_sit_over_a_negative_tick():
    yearly = pd.DataFrame({"year": [2023, 2024], "exports": [40e6, 45e6], "imports": [43e6, 46e6],
                           "balance": [-3e6, -1e6]})
    fig = xf.trend_figure(yearly)
    bottom = fig.layout.yaxis.range[0]
    assert bottom <= min(fig.layout.yaxis.tickvals) < 0               # a « −10 M€ » tick is on the axis
    assert any(_number(t) < 0 for t in fig.layout.yaxis.ticktext)


# ---------------------------------------------------------------- item 9: labels

def test_treemaps_name_every_group_and_every_tile_that_has_room(app_data):
    for tid in ("dep:04", "ti:TI-DEMO-001"):
        territory = app_data.catalog.resolve(tid)
        for flow in ("export", "import"):
            breakdown = product_breakdown(app_data.cube, territory, YEAR, flow)
            for export in (None, figures.ExportFrame(title="t", source="s")):
                trace = figures.flows_treemap_figure(breakdown, breakdown, export=export).data[0]
                total = sum(v for v, p in zip(trace.values, trace.parents) if p == "")   # top level
                for tile_id, text, value in zip(trace.ids, trace.text, trace.values):
                    if tile_id.startswith("groupe:"):
                        assert text.strip(fmt.NBSP), f"groupe sans nom : {tile_id}"
                    elif value / total * 0.5 >= figures.TREEMAP_NAME_SHARE:
                        assert text, f"{tid} {flow} : tuile {tile_id} sans nom"


def test_one_name_per_product_in_charts_and_tables(app_data):
    territory = app_data.catalog.resolve("dep:04")
    result = exposure.exposure_to_partner(app_data.cube, territory, YEAR, "US")
    fig = xf.exposure_figure(result, territory.name)
    from lib.presentation import exposure_tables as xtab
    tables_frame = tables.display_frame(xtab.exposure_products_table(result))
    assert list(fig.data[1].y) == tables_frame["Produit"].tolist()          # « Savons, parfums, entretien » both
    assert tables.FULL_LABEL_HEADER in tables_frame                       # the nomenclature's wording beside
    assert "Fabrication de savons" in " ".join(tables_frame[tables.FULL_LABEL_HEADER])


def test_balance_is_called_solde_in_every_chart(all_figures):
    for where, fig in all_figures:
        text = fig.to_json()
        assert "Balance positive" not in text and "Balance négative" not in text and "Balance :" not in text, where


def test_table_headers_are_never_cut():
    shown = pd.DataFrame({"Exportations 2024 (M€)": ["1,2 M€"], "Part des exportations": ["3,0 %"]})
    widths = tables.screen_column_widths(shown)
    for header, width in widths.items():
        assert width >= len(header) * 7                   # the whole header, not « Exportations 2024 (M »


# ---------------------------------------------------------------- item 10: shares that add up

def test_written_shares_add_up_to_one_hundred():
    texts = fmt.shares_adding_up([0.7324, 0.2668, 0.0008])
    assert texts == [f"73,2{fmt.NBSP}%", f"26,7{fmt.NBSP}%", f"0,1{fmt.NBSP}%"]
    for parts in ([1 / 3] * 3, [0.4996, 0.4996, 0.0008], [0.12345, 0.5, 0.37655]):
        assert sum(_number(t) for t in fmt.shares_adding_up(parts)) == pytest.approx(100.0)


def test_eu_split_chart_shows_the_unallocated_remainder():
    split = pd.DataFrame([{"flow": "export", "eu27": 732.4, "extra_eu": 266.8, "unallocated": 0.8, "total": 1000,
                           "share_eu": 0.7324, "share_extra_eu": 0.2668, "share_unallocated": 0.0008,
                           "share_eu_region": 0.7, "share_eu_france": 0.6}])
    fig = xf.eu_split_figure(split, "x", "Provence-Alpes-Côte d'Azur")
    eu, extra = fig.data[0].text[0], fig.data[1].text[0]
    remainder = fig.layout.yaxis.ticktext[0]
    assert "non ventilé : 0,1" in remainder
    assert sum(_number(t.split(":")[-1]) for t in (eu, extra, remainder)) == pytest.approx(100.0)


def test_one_precision_rule_for_small_shares():
    assert fmt.format_percent(0.001) == f"0,10{fmt.NBSP}%" and fmt.format_percent(0.0009) == f"0,09{fmt.NBSP}%"
    assert fmt.format_percent(0.018) == f"1,8{fmt.NBSP}%"


# ---------------------------------------------------------------- item 11: defaults

def test_exposure_default_is_the_first_partner_outside_the_eu(app_data):
    from lib.data.reference.countries import is_eu27
    for tid in ("dep:04", "dep:976", "fr"):
        territory = app_data.catalog.resolve(tid)
        code = ex.default_exposure_country(app_data.cube, YEAR, territory)
        assert not is_eu27(code)
        assert exposure.exposure_to_partner(app_data.cube, territory, YEAR, code).value > 0   # a chart, always
    assert ex.default_exposure_country(app_data.cube, YEAR, app_data.catalog.resolve("dep:976")) == "KM"
