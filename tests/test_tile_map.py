"""The tile-grid map: the grid itself (complete, no overlap, looks like France) and the figure's colours."""
from __future__ import annotations

import io
import itertools
import json

import numpy as np
import pandas as pd
import pytest

from lib.core import formatting as fmt
from lib.presentation.figures import EmptyDataError, ExportFrame
from lib.presentation.palette import COLORBLIND_PALETTE, DEFAULT_PALETTE
from lib.data.reference.departments import DEPARTMENTS
from lib.presentation.tile_map import (
    GRID, KINDS, MISSING_COLOR, OVERSEAS, colorbar_ticks, colorscale, map_figure, tiles)

CODES = DEPARTMENTS["code"].tolist()
MAINLAND = [c for c in CODES if c not in OVERSEAS]


def _values(seed: int = 1) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(rng.uniform(1e6, 5e9, len(CODES)), index=CODES)


# ---------------------------------------------------------------- the grid

def test_grid_has_every_departement_in_its_own_cell():
    assert sorted(GRID) == sorted(CODES)
    assert len(GRID) == 101
    assert len(set(GRID.values())) == 101, "two départements share a cell"
    assert all(isinstance(c, int) and isinstance(r, int) and c >= 0 and r >= 0 for c, r in GRID.values())


def test_corsica_bottom_right_and_overseas_apart():
    cols = [GRID[c][0] for c in MAINLAND]
    rows = [GRID[c][1] for c in MAINLAND]
    for code in ("2A", "2B"):
        assert GRID[code][0] == max(cols) and GRID[code][1] >= max(rows) - 1
    assert GRID["2B"][1] < GRID["2A"][1]  # Haute-Corse above Corse-du-Sud
    # the overseas inset touches no mainland tile (not even by a corner)
    for dom, dep in itertools.product(OVERSEAS, [c for c in MAINLAND if c not in ("2A", "2B")]):
        (c1, r1), (c2, r2) = GRID[dom], GRID[dep]
        assert max(abs(c1 - c2), abs(r1 - r2)) >= 2, (dom, dep)


def test_well_known_neighbours_touch():
    for a, b in [("75", "92"), ("75", "93"), ("75", "94"), ("13", "83"), ("83", "06"), ("04", "05"), ("29", "22"),
                 ("59", "62"), ("67", "68"), ("69", "01"), ("33", "40"), ("64", "65"), ("2A", "2B")]:
        (c1, r1), (c2, r2) = GRID[a], GRID[b]
        assert max(abs(c1 - c2), abs(r1 - r2)) == 1, (a, b)


@pytest.fixture(scope="module")
def real_geography(shared_raw):
    """Centroids and land borders of the mainland départements, from the shared geojson (read, never copied)."""
    path = shared_raw / "geo" / "departements-version-simplifiee.geojson"
    if not path.is_file():
        pytest.skip("geojson des départements absent")
    features = json.loads(path.read_text())["features"]
    centroids, vertices = {}, {}
    for feature in features:
        code, geometry = feature["properties"]["code"], feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        area = cx = cy = 0.0
        points = set()
        for polygon in polygons:
            ring = polygon[0]
            for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
                cross = x0 * y1 - x1 * y0
                area += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
            points |= {(round(x, 4), round(y, 4)) for ring in polygon for x, y in ring}
        centroids[code] = (cx / (3 * area), cy / (3 * area))
        vertices[code] = points
    borders = [(a, b) for a, b in itertools.combinations(sorted(vertices), 2) if len(vertices[a] & vertices[b]) >= 2]
    return centroids, borders


def _spearman(x, y) -> float:
    rx, ry = pd.Series(x).rank(), pd.Series(y).rank()
    return float(np.corrcoef(rx, ry)[0, 1])


def test_grid_follows_real_positions(real_geography):
    centroids, _ = real_geography
    codes = [c for c in MAINLAND if c in centroids]
    assert len(codes) == 96
    assert _spearman([GRID[c][0] for c in codes], [centroids[c][0] for c in codes]) > 0.9   # west → east
    assert _spearman([GRID[c][1] for c in codes], [-centroids[c][1] for c in codes]) > 0.9  # north → south


def test_most_real_borders_are_kept(real_geography):
    _, borders = real_geography
    touching = [max(abs(GRID[a][0] - GRID[b][0]), abs(GRID[a][1] - GRID[b][1])) == 1 for a, b in borders]
    assert len(borders) > 200
    assert sum(touching) / len(borders) >= 0.88
    # and every département touches at least one of its real neighbours
    for code in MAINLAND:
        mine = [(a, b) for a, b in borders if code in (a, b)]
        if mine:
            assert any(max(abs(GRID[a][0] - GRID[b][0]), abs(GRID[a][1] - GRID[b][1])) == 1 for a, b in mine), code


# ---------------------------------------------------------------- colours

@pytest.mark.parametrize("kind", ["exports", "imports", "exposure", "product_share"])
@pytest.mark.parametrize("palette", [DEFAULT_PALETTE, COLORBLIND_PALETTE])
def test_sequential_colours_follow_values(kind, palette):
    values = _values()
    if KINDS[kind].unit == "share":
        values = values / values.max() * 0.4
    values.iloc[3] = 0.0
    values.iloc[7] = np.nan
    drawn = {t.code: t for t in tiles(values, kind, palette)}
    stops = colorscale(kind, palette)
    top = values.idxmax()
    assert drawn[top].color == stops[-1][1].upper()          # the highest value has the end colour
    assert drawn[CODES[3]].color == stops[0][1].upper()      # zero has the start colour
    assert drawn[CODES[7]].color == MISSING_COLOR
    # darker as the value grows (relative luminance decreases)
    finite = values.dropna().sort_values()
    lum = [sum(int(drawn[c].color[i:i + 2], 16) for i in (1, 3, 5)) for c in finite.index]
    assert all(a >= b for a, b in zip(lum, lum[1:]))


def test_balance_is_diverging_around_zero():
    values = pd.Series(0.0, index=CODES)
    values["13"], values["31"], values["04"] = -8e9, 5e9, 0.0
    drawn = {t.code: t for t in tiles(values, "balance")}
    assert drawn["13"].color == DEFAULT_PALETTE.deficit.upper()     # largest deficit: the red end
    assert drawn["04"].color == colorscale("balance")[1][1].upper()  # zero: the neutral middle
    red, green = (int(drawn["31"].color[i:i + 2], 16) for i in (1, 3))
    assert green > red                                                # a surplus is green


def test_coverage_uses_a_log_scale_around_one():
    values = pd.Series(1.0, index=CODES)
    values["13"], values["31"], values["75"] = 0.25, 4.0, np.nan
    drawn = {t.code: t for t in tiles(values, "coverage")}
    assert drawn["31"].color == DEFAULT_PALETTE.surplus.upper()
    assert drawn["13"].color == DEFAULT_PALETTE.deficit.upper()
    assert drawn["04"].color == colorscale("coverage")[1][1].upper()
    assert drawn["75"].color == MISSING_COLOR
    positions, texts = colorbar_ticks("coverage", values)
    assert texts == ["0,25", "0,5", "1", "2", "4"] and positions[2] == pytest.approx(0.5)


def test_colour_bar_labels_are_french():
    values = _values() * 10  # up to 50 Md€
    positions, texts = colorbar_ticks("exports", values)
    assert texts[0] == "0" and all(t.endswith(f"{fmt.NBSP}Md€") for t in texts[1:])
    assert positions == sorted(positions) and positions[0] == 0 and positions[-1] <= 1
    _, shares = colorbar_ticks("exposure", pd.Series([0.0, 0.12, 0.37], index=["01", "02", "03"]))
    assert shares[0] == fmt.format_percent(0.0, decimals=0) and all(t.endswith(f"{fmt.NBSP}%") for t in shares)
    _, signed = colorbar_ticks("balance", pd.Series([-2e8, 1e8], index=["01", "02"]))
    assert signed[0].startswith(("-", "−")) and signed[-1].startswith("+") and "M€" in signed[-1]


# ---------------------------------------------------------------- the figure

def test_figure_is_cartesian_with_codes_hover_and_outline():
    values = _values()
    fig = map_figure(values, "exports", {"04", "05", "06"})
    spec = fig.to_plotly_json()
    assert all(trace["type"] == "scatter" for trace in spec["data"])       # no geo trace: offline export works
    assert "geo" not in spec["layout"]
    assert spec["layout"]["yaxis"]["scaleanchor"] == "x"                    # square tiles
    texts = {a["text"].replace("<b>", "").replace("</b>", "") for a in spec["layout"]["annotations"]}
    assert set(CODES) <= texts
    filled = [s for s in spec["layout"]["shapes"] if s["fillcolor"] != "rgba(0,0,0,0)"]
    outlined = [s for s in spec["layout"]["shapes"] if s["fillcolor"] == "rgba(0,0,0,0)" and s["line"].get("dash") is None]
    assert len(filled) == 101 and len(outlined) == 3
    hover = spec["data"][0]
    row = next(c for c in hover["customdata"] if c[0] == "13")
    assert row[1] == "Bouches-du-Rhône" and row[2] == fmt.format_meur(values["13"])
    bar = spec["data"][1]["marker"]
    assert bar["showscale"] and bar["colorbar"]["ticktext"]
    # the tile of the highest value carries the scale's end colour
    top = values.idxmax()
    col, row_ = GRID[top]
    shape = next(s for s in filled if s["x0"] < col < s["x1"] and s["y0"] < row_ < s["y1"])
    assert shape["fillcolor"] == colorscale("exports")[-1][1].upper()


def test_hover_extra_and_missing_text():
    values = _values()
    values["75"] = np.nan
    extra = pd.Series({"13": "Rang 2 sur 101"})
    fig = map_figure(values, "exposure", label="Part des exportations vers les États-Unis", hover_extra=extra,
                     missing_text="aucune exportation")
    custom = {c[0]: c for c in fig.data[0].customdata}
    assert "aucune exportation" in custom["75"][2]
    assert custom["13"][3] == "<br>Rang 2 sur 101" and custom["04"][3] == ""
    assert "vers les États-Unis" in fig.data[0].hovertemplate


def test_nothing_to_draw_raises_a_french_message():
    with pytest.raises(EmptyDataError, match="Aucune valeur"):
        map_figure(pd.Series(np.nan, index=CODES), "coverage")
    with pytest.raises(EmptyDataError):
        map_figure(pd.Series(0.0, index=CODES), "exports")
    with pytest.raises(ValueError):
        map_figure(_values(), "population")


def test_png_export_with_kaleido():
    from lib.outputs.png_export import PngExportUnavailable, chrome_available, figure_to_png
    if not chrome_available():
        pytest.skip("Chromium absent : export PNG non testé")
    from PIL import Image
    frame = ExportFrame(title="Exportations par département (2024)", source="Source : test", width=800, height=700)
    try:
        png = figure_to_png(map_figure(_values(), "balance", {"13"}, template="plotly_white", export=frame),
                            frame.width, frame.height, 1)
    except PngExportUnavailable as exc:  # pragma: no cover - depends on the host
        pytest.skip(str(exc))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (800, 700)
    colours = image.getcolors(1_000_000)
    dark = sum(n for n, c in colours if max(c) < 30) / (800 * 700)
    assert dark < 0.05  # no black tiles (the "streamlit" template's placeholder colours)
    greenish = sum(n for n, (r, g, b) in colours if g > r + 30 and g > b)
    assert greenish > 500  # surplus tiles are drawn
