"""Indicators against plain-Python sums over a small hand-made table."""
from collections import defaultdict

import pandas as pd
import pytest

from lib.analysis import indicators as ind
from lib.analysis.summary import territory_summary
from lib.data.territories import FRANCE, department, region

PRODUCTS = [f"C{n}Z" for n in range(10, 23)]          # 13 products
COUNTRIES = ["DE", "IT", "ES", "BE", "US", "CN", "CH", "GB", "NL", "PL", "JP", "MA", "TN"]  # 13


def _rows():
    rows = []
    for d_i, dep in enumerate(["04", "05", "06", "75"]):
        for p_i, product in enumerate(PRODUCTS):
            for c_i, country in enumerate(COUNTRIES):
                for year in (2023, 2024):
                    for flow in ("export", "import"):
                        if (p_i + c_i + d_i) % 3 == 0:
                            continue            # absent cells
                        value = float((p_i + 1) * 1000 + (c_i + 1) * 37 + d_i * 11 + (year - 2023) * 5
                                      + (7 if flow == "import" else 0))
                        rows.append((year, flow, dep, "x", product, country, value))
    return rows


@pytest.fixture(scope="module")
def rows():
    return _rows()


@pytest.fixture(scope="module")
def cube(rows):
    table = pd.DataFrame(rows, columns=["year", "flow", "department", "region", "product", "country", "value_eur"])
    return ind.TradeCube(table)


def _sum(rows, **match):
    return sum(r[6] for r in rows if all(r[{"year": 0, "flow": 1, "dep": 2, "product": 4, "country": 5}[k]] in v
                                         if isinstance(v, (set, tuple)) else
                                         r[{"year": 0, "flow": 1, "dep": 2, "product": 4, "country": 5}[k]] == v
                                         for k, v in match.items()))


def test_totals_and_shares(cube, rows):
    summary = territory_summary(cube, department("04"), 2024)
    exports = _sum(rows, year=2024, flow="export", dep="04")
    imports = _sum(rows, year=2024, flow="import", dep="04")
    paca_exports = _sum(rows, year=2024, flow="export", dep=("04", "05", "06"))
    all_exports = _sum(rows, year=2024, flow="export")
    assert summary["exports"] == pytest.approx(exports)
    assert summary["imports"] == pytest.approx(imports)
    assert summary["balance"] == pytest.approx(exports - imports)
    assert summary["coverage"] == pytest.approx(exports / imports)
    assert summary["share_of_region"]["exports"] == pytest.approx(exports / paca_exports)
    assert summary["share_of_france"]["exports"] == pytest.approx(exports / all_exports)
    assert territory_summary(cube, region("93"), 2024)["share_of_region"] is None


def test_top10_with_others_and_top_links(cube, rows):
    summary = territory_summary(cube, department("05"), 2024)
    flows = summary["export_flows"]
    by_product, by_country, by_link = defaultdict(float), defaultdict(float), defaultdict(float)
    for r in rows:
        if r[0] == 2024 and r[1] == "export" and r[2] == "05":
            by_product[r[4]] += r[6]
            by_country[r[5]] += r[6]
            by_link[(r[4], r[5])] += r[6]
    expected_products = sorted(by_product.items(), key=lambda kv: (-kv[1], kv[0]))
    assert [p["code"] for p in flows["products"]] == [c for c, _ in expected_products[:10]] + ["AUTRES"]
    assert flows["products"][-1]["value"] == pytest.approx(sum(v for _, v in expected_products[10:]))
    assert sum(p["value"] for p in flows["countries"]) == pytest.approx(summary["exports"])
    top_p = {c for c, _ in expected_products[:10]}
    top_c = {c for c, _ in sorted(by_country.items(), key=lambda kv: (-kv[1], kv[0]))[:10]}
    inner = sorted(((k, v) for k, v in by_link.items() if k[0] in top_p and k[1] in top_c),
                   key=lambda kv: -kv[1])[:5]
    assert [(l["product"], l["country"]) for l in flows["top_links"]] == [k for k, _ in inner]
    structure = ind.flow_structure(cube, department("05"), 2024, "export")
    assert structure.links["value"].sum() == pytest.approx(summary["exports"])
    assert structure.links["product"].nunique() == 11 and structure.links["country"].nunique() == 11


def test_partner_balance_and_products(cube, rows):
    partners = ind.partner_balance(cube, FRANCE, 2024, n=5)
    trade = defaultdict(float)
    for r in rows:
        if r[0] == 2024:
            trade[r[5]] += r[6]
    assert list(partners["country"]) == [c for c, _ in sorted(trade.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
    assert len(partners) == 5
    for partner in partners.itertuples(index=False):     # every partner shown, not one that may be absent
        exports = _sum(rows, year=2024, flow="export", country=partner.country)
        imports = _sum(rows, year=2024, flow="import", country=partner.country)
        assert (partner.exports, partner.imports) == (pytest.approx(exports), pytest.approx(imports))
        assert partner.balance == pytest.approx(exports - imports), partner.country   # exports − imports
    breakdown = ind.product_breakdown(cube, department("75"), 2024, "import")
    assert breakdown["share"].sum() == pytest.approx(1.0)
    assert breakdown["value"].sum() == pytest.approx(_sum(rows, year=2024, flow="import", dep="75"))


def test_specialisation_rank_and_comparison(cube, rows):
    spec = ind.specialisation(cube, department("04"), 2024, "export", n=3)
    top = spec.iloc[0]
    own = _sum(rows, year=2024, flow="export", dep="04", product=top["product"]) / _sum(rows, year=2024,
                                                                                       flow="export", dep="04")
    france = _sum(rows, year=2024, flow="export", product=top["product"]) / _sum(rows, year=2024, flow="export")
    assert top["share_territory"] == pytest.approx(own)
    assert top["specialisation"] == pytest.approx(own / france)
    totals = {d: _sum(rows, year=2024, flow="export", dep=d) for d in ("04", "05", "06", "75")}
    best = max(totals, key=totals.get)
    assert ind.department_rank(cube, best, 2024) == 1
    assert ind.department_rank(cube, "48", 2024) == 5      # no row: tied after the four with trade
    frame = ind.compare_departments(cube, ["04", "48"], 2024)
    assert frame.loc[0, "exports"] == pytest.approx(totals["04"])
    assert frame.loc[1, "exports"] == 0 and pd.isna(frame.loc[1, "coverage"])


def test_empty_territory_and_previous_year(cube):
    summary = territory_summary(cube, department("48"), 2024)
    assert summary["exports"] == 0 and summary["coverage"] is None
    assert summary["export_flows"]["products"] == [] and summary["export_flows"]["top_links"] == []
    assert ind.previous_year(cube, 2024) == 2023 and ind.previous_year(cube, 2023) is None
    assert ind.change(110.0, 100.0) == pytest.approx(0.10)


def test_compared_departments_balance_is_exports_minus_imports(cube, rows):
    frame = ind.compare_departments(cube, ["04", "05", "75"], 2024)
    assert list(frame["department"]) == ["04", "05", "75"]
    for row in frame.itertuples(index=False):
        exports = _sum(rows, year=2024, flow="export", dep=row.department)
        imports = _sum(rows, year=2024, flow="import", dep=row.department)
        assert (row.exports, row.imports) == (pytest.approx(exports), pytest.approx(imports))
        assert row.balance == pytest.approx(exports - imports), row.department
        assert row.coverage == pytest.approx(exports / imports), row.department


# ---------------------------------------------------------------- rules stated one by one (issue 23)
import math  # noqa: E402

import numpy as np  # noqa: E402

COLUMNS = ["year", "flow", "department", "region", "product", "country", "value_eur"]


def _small_cube(rows):
    """A cube from (year, flow, département, product, country, value) rows."""
    return ind.TradeCube(pd.DataFrame([(y, f, d, "x", p, c, float(v)) for y, f, d, p, c, v in rows], columns=COLUMNS))


SMALL = [
    (2024, "export", "04", "P1", "DE", 300), (2024, "import", "04", "P1", "DE", 30),
    (2024, "export", "04", "P2", "IT", 100), (2024, "export", "04", "P3", "IT", 100),
    (2024, "export", "04", "P4", "GB", 1),          # one euro: still traded
    (2024, "import", "04", "P1", "IT", 1),          # imports of one euro: a coverage exists
    (2024, "export", "05", "P5", "US", 500),        # another département of the région only
    (2023, "export", "04", "P6", "ES", 50),         # another year only: no trade in 2024
    (2024, "export", "06", "P1", "BE", 10), (2024, "import", "06", "P1", "AT", 10),
    (2024, "export", "06", "P1", "CH", 10),         # three partners of 06 tied at 10
]


@pytest.fixture(scope="module")
def small():
    return _small_cube(SMALL)


def test_partners_are_the_territory_s_own_with_positive_trade(small):
    partners = ind.partner_balance(small, department("04"), 2024)
    assert list(partners.columns) == ["country", "imports", "exports", "balance"]
    assert list(partners.index) == list(range(len(partners)))
    # US (only in 05) and ES (only in 2023) are not partners of 04 in 2024; GB's one euro is trade
    assert list(partners["country"]) == ["DE", "IT", "GB"]
    assert partners.set_index("country").loc["GB"].tolist() == [0.0, 1.0, 1.0]
    assert partners.set_index("country").loc["DE"].tolist() == [30.0, 300.0, 270.0]


def test_partners_tied_on_trade_are_ranked_by_country_code(small):
    partners = ind.partner_balance(small, department("06"), 2024)
    assert list(partners["country"]) == ["AT", "BE", "CH"]
    assert list(ind.partner_balance(small, department("06"), 2024, n=2)["country"]) == ["AT", "BE"]


def test_product_breakdown_lists_traded_products_by_value_then_code(small):
    breakdown = ind.product_breakdown(small, department("04"), 2024, "export")
    assert list(breakdown.columns) == ["product", "value", "share"]
    assert list(breakdown.index) == [0, 1, 2, 3]
    # P5 (05 only) and P6 (2023 only) are not listed; P2 and P3 tie at 100: code order; P4's one euro listed
    assert list(breakdown["product"]) == ["P1", "P2", "P3", "P4"]
    assert list(breakdown["share"]) == pytest.approx([300 / 501, 100 / 501, 100 / 501, 1 / 501])


def test_product_shares_only_of_traded_products(small):
    shares = ind.product_shares(small, department("04"), 2024, "export")
    assert shares.to_dict() == pytest.approx({"P1": 300 / 501, "P2": 100 / 501, "P3": 100 / 501, "P4": 1 / 501})


def test_a_change_from_nothing_is_not_available():
    assert math.isnan(ind.change(5.0, 0.0))
    assert math.isnan(ind.change(5.0, None))
    assert ind.change(0.0, 4.0) == -1.0


def test_coverage_exists_for_any_import_and_is_a_number(small):
    frame = ind.compare_departments(small, ["04", "05"], 2024)
    assert frame["coverage"].dtype == np.float64
    assert frame.loc[0, "coverage"] == pytest.approx(501 / 31)
    assert math.isnan(frame.loc[1, "coverage"])                # 05 imports nothing
    one_euro = ind.compare_departments(_small_cube([(2024, "export", "04", "P1", "DE", 5),
                                                    (2024, "import", "04", "P1", "DE", 1)]), ["04"], 2024)
    assert one_euro.loc[0, "coverage"] == 5.0                  # imports of exactly one euro


def test_specialisation_keeps_the_n_largest_shares_in_order(small):
    spec = ind.specialisation(small, department("04"), 2024, "export", n=2)
    assert list(spec["product"]) == ["P1", "P2"]               # P2 before P3 (tie at 100: code order)
    assert spec["share_territory"].tolist() == pytest.approx([300 / 501, 100 / 501])
    # région 93 = 04 + 05 + 06 (501 + 500 + 20 exported): P1 is 300 + 20
    assert spec["share_region"].tolist() == pytest.approx([320 / 1021, 100 / 1021])
    assert spec["specialisation"].dtype == np.float64
    assert spec["specialisation"].tolist() == pytest.approx([(300 / 501) / (320 / 1021), (100 / 501) / (100 / 1021)])


def test_specialisation_of_a_region_has_no_region_share(small):
    spec = ind.specialisation(small, region("93"), 2024, "export", n=3)
    assert spec["share_region"].isna().all() and len(spec) == 3


def test_specialisation_index_is_one_when_the_territory_trades_like_france():
    cube = _small_cube([(2024, "export", "04", "P1", "DE", 40), (2024, "export", "75", "P1", "DE", 60)])
    spec = ind.specialisation(cube, department("04"), 2024, "export")
    assert spec["share_france"].tolist() == [1.0] and spec["specialisation"].tolist() == [1.0]


def test_specialisation_ties_on_share_are_broken_by_product_code():
    # 80 products, two sizes: among equal shares the order is the product code, whatever the sort algorithm
    rows = [(2024, "export", "04", f"P{i:02d}", "DE", 2 if (i * 7) % 5 == 0 else 1) for i in range(80)]
    spec = ind.specialisation(_small_cube(rows), department("04"), 2024, "export", n=20)
    expected = sorted(rows, key=lambda r: (-r[5], r[3]))[:20]
    assert list(spec["product"]) == [r[3] for r in expected]


def test_share_of_france_for_both_flows(small):
    share = ind.shares(small, department("04"), 2024)["share_of_france"]
    assert share["exports"] == pytest.approx(501 / 1021)
    assert share["imports"] == pytest.approx(31 / 41)           # 04 imports 31 of France's 41


def test_flow_structure_keeps_n_products_and_n_countries(small):
    structure = ind.flow_structure(small, department("04"), 2024, "export", n=2)
    assert list(structure.products.columns) == ["code", "value"] and list(structure.products.index) == [0, 1, 2]
    assert list(structure.products["code"]) == ["P1", "P2", "AUTRES"]        # P2 before P3: tie, code order
    assert structure.products["value"].tolist() == [300.0, 100.0, 101.0]
    assert list(structure.countries["code"]) == ["DE", "IT", "AUTRES"]


def test_sankey_links_by_value_then_product_then_country_one_euro_included(small):
    links = ind.flow_structure(small, department("04"), 2024, "export").links
    assert list(links.columns) == ["product", "country", "value"] and list(links.index) == list(range(len(links)))
    assert list(zip(links["product"], links["country"], links["value"])) == [
        ("P1", "DE", 300.0), ("P2", "IT", 100.0), ("P3", "IT", 100.0), ("P4", "GB", 1.0)]
    top = ind.flow_structure(small, department("06"), 2024, "export").top_links
    assert list(top.columns) == ["product", "country", "value"]
    assert list(zip(top["product"], top["country"])) == [("P1", "BE"), ("P1", "CH")]     # tie: country code
