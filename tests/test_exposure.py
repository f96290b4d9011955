"""Exposure, dependency, concentration and EU split against plain-Python sums on a small hand-made table;
their tables and figures."""
import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from lib.analysis import exposure as ex
from lib.presentation import exposure_figures as ef
from lib.presentation import exposure_tables as et
from lib.analysis import trends
from lib.outputs.excel_export import TableSheet
from lib.presentation.figures import EmptyDataError, ExportFrame
from lib.core.formatting import PLOTLY_SEPARATORS
from lib.analysis.indicators import TradeCube
from lib.presentation.palette import DEFAULT_PALETTE
from lib.presentation.tables import display_frame
from lib.data.territories import FRANCE, department, region

PACA = {"04", "05", "06", "13", "83", "84"}
PRODUCTS = ["C10A", "C14Z", "C20A", "C21Z", "C29A"]
COUNTRIES = ["DE", "IT", "US", "CN", "GB", "CH", "QV", "QZ"]

# Import dependency of 04 in 2024, crafted: totals 5 000 > 4 000 > 3 000 > 2 000 > 1 000.
DEPENDENCY = {
    "C21Z": {"CN": 3000, "DE": 1500, "US": 500},     # CN (non-EU) 60 % → critical
    "C20A": {"DE": 2800, "US": 800, "CN": 400},      # DE 70 %, but EU → not critical
    "C29A": {"US": 1500, "DE": 900, "IT": 600},      # US exactly 50 % → not critical (> 50 % needed)
    "C10A": {"QZ": 1000, "CH": 800, "IT": 200},      # secret 50 % is no supplier: CH first with 40 %
    "C14Z": {"GB": 900, "IT": 100},                  # GB (non-EU) 90 % → critical; no 3rd supplier
}


def _rows():
    rows = []
    for d_i, dep in enumerate(["04", "05", "13", "75"]):
        for p_i, product in enumerate(PRODUCTS):
            for c_i, country in enumerate(COUNTRIES):
                for year in (2023, 2024):
                    if (p_i + 2 * c_i + d_i) % 4 == 0:
                        continue
                    value = float((p_i + 1) * 100 + (c_i + 1) ** 2 * 13 + d_i * 7 + (year - 2023) * 3)
                    rows.append((year, "export", dep, product, country, value))
                    if dep != "04":
                        rows.append((year, "import", dep, product, country, value * 1.5 + 11))
    for factor, (product, suppliers) in zip((5, 4, 3, 2, 1), DEPENDENCY.items()):
        for country, value in suppliers.items():
            rows.append((2024, "import", "04", product, country, float(value) * factor / sum(suppliers.values())
                         * 1000))
    return rows


ROWS = _rows()


@pytest.fixture(scope="module")
def cube():
    table = pd.DataFrame([(y, f, d, "x", p, c, v) for y, f, d, p, c, v in ROWS],
                         columns=["year", "flow", "department", "region", "product", "country", "value_eur"])
    return TradeCube(table)


def _sum(year, flow, deps=None, product=None, country=None, countries=None):
    return sum(v for y, f, d, p, c, v in ROWS
               if y == year and f == flow and (deps is None or d in deps) and (product is None or p == product)
               and (country is None or c == country) and (countries is None or c in countries))


# ---------------------------------------------------------------- HHI

def test_hhi_of_known_shares():
    assert ex.hhi([0.5, 0.5]) == pytest.approx(0.5)
    assert ex.hhi([0.25] * 4) == pytest.approx(0.25)
    assert ex.hhi([1.0]) == pytest.approx(1.0)
    assert ex.hhi(np.array([0.6, 0.3, 0.1])) == pytest.approx(0.36 + 0.09 + 0.01)
    assert ex.hhi([0.1] * 10) == pytest.approx(0.1)
    assert math.isnan(ex.hhi([]))
    with pytest.raises(ValueError):
        ex.hhi([0.5, -0.1])


@pytest.mark.parametrize("value, reading", [
    (0.1, "diversifié"), (0.1499, "diversifié"), (0.15, "modérément concentré"), (0.25, "modérément concentré"),
    (0.2501, "très concentré"), (1.0, "très concentré"), (float("nan"), "")])
def test_hhi_readings(value, reading):
    assert ex.hhi_reading(value) == reading


def _plain_hhi(sums: dict) -> float:
    total = sum(sums.values())
    return sum((v / total) ** 2 for v in sums.values() if v > 0)


def test_concentration_against_plain_hhi(cube):
    frame = ex.concentration(cube, department("05"), 2024)
    assert list(frame[["flow", "dimension"]].itertuples(index=False, name=None)) == [
        ("export", "partners"), ("export", "products"), ("import", "partners"), ("import", "products")]
    for row in frame.itertuples(index=False):
        for deps, column in ((({"05"}), "hhi"), (PACA, "hhi_region"), (None, "hhi_france")):
            sums = defaultdict(float)
            for y, f, d, p, c, v in ROWS:
                if y == 2024 and f == row.flow and (deps is None or d in deps):
                    if row.dimension == "partners" and c.startswith("Q"):
                        continue                       # « non ventilé » is no partner
                    sums[c if row.dimension == "partners" else p] += v
            assert getattr(row, column) == pytest.approx(_plain_hhi(sums)), (row.flow, row.dimension, column)
        assert row.reading == ex.hhi_reading(row.hhi)
        assert row.n_equivalent == pytest.approx(1 / row.hhi)
    national = ex.concentration(cube, FRANCE, 2024)
    assert national["hhi_region"].isna().all() and (national["reading_region"] == "").all()
    assert national["hhi_france"].isna().all()          # France is not compared with itself (issue 14, item 8)


# ---------------------------------------------------------------- exposure to one partner

def test_exposure_to_partner_against_plain_sums(cube):
    result = ex.exposure_to_partner(cube, department("04"), 2024, "us", n_products=3)
    to_us = _sum(2024, "export", {"04"}, country="US")
    exports = _sum(2024, "export", {"04"})
    assert result.country == "US" and result.country_name == "États-Unis"
    assert result.value == pytest.approx(to_us)
    assert result.exports == pytest.approx(exports)
    assert result.share == pytest.approx(to_us / exports)
    assert result.region.id == "reg:93"
    assert result.share_region == pytest.approx(_sum(2024, "export", PACA, country="US")
                                                / _sum(2024, "export", PACA))
    assert result.share_france == pytest.approx(_sum(2024, "export", country="US") / _sum(2024, "export"))
    by_product = {p: _sum(2024, "export", {"04"}, product=p, country="US") for p in PRODUCTS}
    expected = sorted((p for p in by_product if by_product[p] > 0), key=lambda p: (-by_product[p], p))[:3]
    assert result.products["product"].tolist() == expected
    for row in result.products.itertuples(index=False):
        product_total = _sum(2024, "export", {"04"}, product=row.product)
        assert row.value == pytest.approx(by_product[row.product])
        assert row.product_exports == pytest.approx(product_total)
        assert row.share_of_product == pytest.approx(by_product[row.product] / product_total)
        assert row.share_of_partner == pytest.approx(by_product[row.product] / to_us)
        assert row.share_of_product_france == pytest.approx(
            _sum(2024, "export", product=row.product, country="US") / _sum(2024, "export", product=row.product))


def test_exposure_to_absent_partner_and_for_france(cube):
    nothing = ex.exposure_to_partner(cube, department("04"), 2024, "JP")
    assert nothing.is_empty and nothing.value == 0 and nothing.share == 0 and nothing.products.empty
    national = ex.exposure_to_partner(cube, FRANCE, 2024, "DE")
    assert national.region is None and math.isnan(national.share_region)
    assert math.isnan(national.share_france)             # no « France » bar beside « France entière »


# ---------------------------------------------------------------- import dependency

def test_import_dependency_shares_and_critical_flag(cube):
    frame = ex.import_dependency(cube, department("04"), 2024, n_products=10)
    assert frame["product"].tolist() == ["C21Z", "C20A", "C29A", "C10A", "C14Z"]
    grand_total = sum(v for y, f, d, p, c, v in ROWS if y == 2024 and f == "import" and d == "04")
    rows = frame.set_index("product")
    for product, suppliers in DEPENDENCY.items():
        total = sum(suppliers.values())
        named = sorted(((c, v) for c, v in suppliers.items() if not c.startswith("Q")), key=lambda cv: -cv[1])
        row = rows.loc[product]
        assert row["total"] == pytest.approx(_sum(2024, "import", {"04"}, product=product))
        assert row["share_of_imports"] == pytest.approx(row["total"] / grand_total)
        for k in range(3):
            if k < len(named):
                assert row[f"supplier_{k + 1}"] == named[k][0]
                assert row[f"supplier_{k + 1}_share"] == pytest.approx(named[k][1] / total)
            else:
                assert row[f"supplier_{k + 1}"] == "" and row[f"supplier_{k + 1}_share"] == 0
        assert row["top3_share"] == pytest.approx(sum(v for _, v in named[:3]) / total)
        assert row["unallocated_share"] == pytest.approx(suppliers.get("QZ", 0) / total)
    assert rows["supplier_1_name"].tolist() == ["Chine", "Allemagne", "États-Unis", "Suisse", "Royaume-Uni"]
    assert rows["critical"].tolist() == [True, False, False, False, True]
    assert rows["first_supplier_eu"].tolist() == [False, True, False, False, False]
    assert ex.import_dependency(cube, department("04"), 2024, n_products=2)["product"].tolist() == ["C21Z", "C20A"]
    assert ex.import_dependency(cube, department("04"), 2024, critical_share=0.45)["critical"].tolist() == \
        [True, False, True, False, True]


def test_import_dependency_empty_territory(cube):
    frame = ex.import_dependency(cube, department("04"), 2023)   # 04 imports nothing in 2023
    assert frame.empty and "critical" in frame.columns
    with pytest.raises(EmptyDataError):
        ef.dependency_figure(frame)


# ---------------------------------------------------------------- EU split

def test_eu_split_against_plain_sums(cube):
    frame = ex.eu_split(cube, department("13"), 2024).set_index("flow")
    eu = {"DE", "IT"}
    for flow in ("export", "import"):
        row = frame.loc[flow]
        total = _sum(2024, flow, {"13"})
        expected_eu = _sum(2024, flow, {"13"}, countries=eu)
        expected_unallocated = _sum(2024, flow, {"13"}, countries={"QV", "QZ"})
        assert row["eu27"] == pytest.approx(expected_eu)
        assert row["unallocated"] == pytest.approx(expected_unallocated)
        assert row["extra_eu"] == pytest.approx(total - expected_eu - expected_unallocated)   # US CN GB CH
        assert row["total"] == pytest.approx(total)
        assert row["share_eu"] == pytest.approx(expected_eu / total)
        assert row["share_eu"] + row["share_extra_eu"] + row["share_unallocated"] == pytest.approx(1)
        assert row["share_eu_region"] == pytest.approx(_sum(2024, flow, PACA, countries=eu) / _sum(2024, flow, PACA))
        assert row["share_eu_france"] == pytest.approx(_sum(2024, flow, countries=eu) / _sum(2024, flow))
    assert ex.eu_split(cube, region("93"), 2024)["share_eu_region"].isna().all()


# ---------------------------------------------------------------- tables

def _check_table(table: TableSheet):
    assert isinstance(table, TableSheet)
    for column in table.columns:
        assert column.key in table.frame.columns, column.key
    shown = display_frame(table)
    assert list(shown.columns)[0] and len(shown) == len(table.frame)
    return shown


def test_tables_build_and_show_french_formats(cube):
    t = department("04")
    _check_table(et.trend_table(trends.yearly_totals(cube, t)))
    _check_table(et.changes_table(trends.partner_changes(cube, t, 2024, "export"), "export", 2024, 2023))
    _check_table(et.changes_table(trends.product_changes(cube, t, 2024, "import"), "import", 2024, None,
                                  dimension="products"))
    exposure = ex.exposure_to_partner(cube, t, 2024, "US")
    summary = _check_table(et.exposure_summary_table(exposure, t.name))
    assert summary.iloc[:, 0].tolist() == ["Alpes-de-Haute-Provence", "Région Provence-Alpes-Côte d'Azur",
                                           "France entière"]
    _check_table(et.exposure_products_table(exposure))
    dependency = _check_table(et.dependency_table(ex.import_dependency(cube, t, 2024)))
    assert dependency["Dépendance critique"].tolist() == ["Oui", "", "", "", "Oui"]
    conc = et.concentration_table(ex.concentration(cube, t, 2024))
    _check_table(conc)
    assert conc.frame["hhi_10000"].tolist() == pytest.approx((conc.frame["hhi"] * 10_000).round().tolist())
    assert any("0,15" in note and "0,25" in note for note in conc.notes)
    split = _check_table(et.eu_split_table(ex.eu_split(cube, t, 2024)))
    assert split["Part UE 27"].iloc[0].endswith("%") and "," in split["Part UE 27"].iloc[0]


# ---------------------------------------------------------------- figures

EXPORT_FRAME = ExportFrame(title="Titre", source="Source : douanes françaises (DGDDI)")


def test_trend_figure_traces_and_colours(cube):
    yearly = trends.yearly_totals(cube, department("05"))
    fig = ef.trend_figure(yearly)
    assert [t.name for t in fig.data] == ["Exportations", "Importations", "Solde commercial"]
    assert fig.data[0].marker.color == DEFAULT_PALETTE.exports
    assert fig.data[1].marker.color == DEFAULT_PALETTE.imports
    assert list(fig.data[0].x) == ["2023", "2024"]
    np.testing.assert_allclose(fig.data[0].y, yearly["exports"])
    np.testing.assert_allclose(fig.data[2].y, yearly["balance"])
    assert fig.layout.separators == PLOTLY_SEPARATORS
    assert "<b>Solde " in fig.layout.xaxis.ticktext[0]          # on screen no colon: narrow columns on a phone
    exported = ef.trend_figure(yearly, export=EXPORT_FRAME)
    assert "<b>Solde : " in exported.layout.xaxis.ticktext[0]
    assert exported.layout.paper_bgcolor == "white" and exported.layout.width == EXPORT_FRAME.width
    with pytest.raises(EmptyDataError):
        ef.trend_figure(yearly.iloc[0:0])
    with pytest.raises(EmptyDataError):
        ef.trend_figure(yearly.assign(exports=0.0, imports=0.0, balance=0.0))


def test_exposure_figure(cube):
    result = ex.exposure_to_partner(cube, department("04"), 2024, "US", n_products=3)
    fig = ef.exposure_figure(result, "Alpes-de-Haute-Provence")
    shares, products = fig.data
    np.testing.assert_allclose(shares.y, [result.share, result.share_region, result.share_france])
    # one name per région on a page (never « PACA » here and « Provence-Alpes-Côte d'Azur » in the legend
    # beside): the full name, wrapped on 2 lines under « Région »; full names in hover too
    assert list(shares.x) == ["Alpes-de-<br>Haute-Provence", "Région<br>Provence-Alpes-<br>Côte d'Azur", "France"]
    assert list(shares.customdata) == ["Alpes-de-Haute-Provence", "Région Provence-Alpes-Côte d'Azur",
                                       "France entière"]
    assert "%{customdata}" in shares.hovertemplate
    np.testing.assert_allclose(products.x, result.products["value"])
    assert products.marker.color == DEFAULT_PALETTE.exports
    ef.exposure_figure(result, "Alpes-de-Haute-Provence", export=EXPORT_FRAME)
    with pytest.raises(EmptyDataError, match="vers le Japon"):
        ef.exposure_figure(ex.exposure_to_partner(cube, department("04"), 2024, "JP"), "x")


def test_dependency_figure_highlights_critical_products(cube):
    dependency = ex.import_dependency(cube, department("04"), 2024)
    fig = ef.dependency_figure(dependency)
    names = [t.name for t in fig.data]
    assert names == ["1er fournisseur", ef.CRITICAL_LEGEND, "2e fournisseur", "3e fournisseur",
                     "Autres fournisseurs et non ventilé"]
    ordinary, critical = fig.data[0], fig.data[1]
    np.testing.assert_allclose(critical.x, np.where(dependency["critical"], dependency["supplier_1_share"], 0))
    np.testing.assert_allclose(ordinary.x + critical.x, dependency["supplier_1_share"])
    assert critical.marker.color == DEFAULT_PALETTE.deficit
    stacked = sum(np.asarray(t.x, dtype=float) for t in fig.data)
    np.testing.assert_allclose(stacked, 1.0)
    assert sum("⚠" in text for text in fig.layout.yaxis.ticktext) == 2
    # the 50 % line passes under the bars (it struck through the in-bar labels), named under the axis
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1, line.layer) == (0.5, 0.5, "below")
    assert [a.text for a in fig.layout.annotations] == ["<b>50\u00a0%</b>"]
    ef.dependency_figure(dependency, export=EXPORT_FRAME)
    calm = ef.dependency_figure(dependency.assign(critical=False))
    assert ef.CRITICAL_LEGEND not in [t.name for t in calm.data]


def test_concentration_and_eu_split_figures(cube):
    conc = ex.concentration(cube, department("04"), 2024)
    fig = ef.concentration_figure(conc, "Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur")
    assert [t.name for t in fig.data] == ["Alpes-de-Haute-Provence", "Région Provence-Alpes-Côte d'Azur",
                                          "France entière"]
    np.testing.assert_allclose(fig.data[0].x, conc["hhi"])
    assert fig.data[0].text[0].startswith(f"{conc['hhi'].iloc[0]:.2f}".replace(".", ","))
    # Dotted thresholds under the bars, and never across the band of a territory bar, where its label is.
    assert {shape.x0 for shape in fig.layout.shapes} == {0.15, 0.25}
    assert all(shape.layer == "below" and shape.x0 == shape.x1 for shape in fig.layout.shapes)
    group, n = 1 - fig.layout.bargap, len(fig.data)
    for k in range(len(conc)):
        band = (k - group / 2, k - group / 2 + group / n)
        assert not any(min(s.y0, s.y1) < band[1] and max(s.y0, s.y1) > band[0] for s in fig.layout.shapes)
    for threshold in (0.15, 0.25):    # the rest of the height is drawn
        drawn = sum(abs(s.y1 - s.y0) for s in fig.layout.shapes if s.x0 == threshold)
        assert drawn == pytest.approx(len(conc) * (1 - group / n))
    national = ef.concentration_figure(ex.concentration(cube, FRANCE, 2024), "France entière", export=EXPORT_FRAME)
    assert [t.name for t in national.data] == ["France entière"]
    with pytest.raises(EmptyDataError):
        ef.concentration_figure(conc.assign(hhi=np.nan), "x")

    split = ex.eu_split(cube, department("04"), 2024)
    fig = ef.eu_split_figure(split, "Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur")
    assert [t.name for t in fig.data] == ["UE 27", "Hors UE", "Non ventilé", "Part UE 27 de la région",
                                          "Part UE 27 de la France"]
    np.testing.assert_allclose(sum(np.asarray(t.x, dtype=float) for t in fig.data[:3]), 1.0)
    assert list(fig.data[0].marker.color) == [DEFAULT_PALETTE.exports, DEFAULT_PALETTE.imports]
    # each flow named, with its « non ventilé » remainder under it when there is one to add up
    assert [t.split("<br>")[0] for t in fig.layout.yaxis.ticktext] == ["Exportations", "Importations"]
    # The région's marker just above each bar, France's just below, different symbols: no overlap.
    bars, region, france = fig.data[0], fig.data[3], fig.data[4]
    half = bars.width / 2
    assert all(r <= row - half < row + half <= f for r, row, f in zip(region.y, bars.y, france.y))
    assert region.marker.symbol != france.marker.symbol
    np.testing.assert_allclose(region.x, split["share_eu_region"])
    assert region.text[0].startswith("Région : ") and france.text[0].startswith("France : ")
    # « Non ventilé » in the legend only when it draws something
    assert fig.data[2].showlegend is bool(split["share_unallocated"].max() >= 0.0005)
    none_unallocated = split.assign(share_unallocated=0.0, unallocated=0.0)
    for exported in (None, EXPORT_FRAME):
        legend = [t.name for t in ef.eu_split_figure(none_unallocated, "x", "y", export=exported).data
                  if t.showlegend is not False]
        assert legend == ["UE 27", "Hors UE", "Part UE 27 de la région", "Part UE 27 de la France"]
    ef.eu_split_figure(split, export=EXPORT_FRAME)
    with pytest.raises(EmptyDataError):
        ef.eu_split_figure(split.assign(total=0.0))


# ---------------------------------------------------------------- national demo (timings: python -m bench.timings)

def test_first_supplier_share_never_exceeds_the_product_imports(app_data):
    for territory in (department("04"), department("75"), FRANCE):
        dependency = ex.import_dependency(app_data.cube, territory, app_data.latest_year)
        assert not dependency.empty
        assert ((dependency["supplier_1_share"] > 0) & (dependency["supplier_1_share"] <= 1 + 1e-9)).all()
