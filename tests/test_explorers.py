"""Explorer indicators against plain-Python sums on a hand-made table, their tables, and their speed."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from lib.presentation import explorer_tables as etab
from lib.analysis import explorers as ex
from lib.outputs.excel_export import table_to_xlsx
from lib.analysis.indicators import OTHERS, TradeCube
from lib.core.schema import COUNTRY, PRODUCT
from lib.presentation.tables import display_frame

# (year, flow, département, product, country, value)
ROWS = [
    (2024, "export", "04", "C20B", "US", 100.0), (2024, "export", "04", "C20B", "DE", 50.0),
    (2024, "export", "04", "C21Z", "US", 30.0), (2024, "export", "13", "C20B", "US", 200.0),
    (2024, "export", "13", "C21Z", "DE", 70.0), (2024, "export", "75", "C21Z", "US", 400.0),
    (2024, "import", "04", "C20B", "DE", 40.0), (2024, "import", "13", "C21Z", "US", 500.0),
    (2024, "import", "2A", "C20B", "US", 10.0),
    (2023, "export", "04", "C20B", "US", 80.0), (2023, "import", "13", "C21Z", "US", 300.0),
    (2023, "export", "75", "C21Z", "DE", 60.0),
]
REGION = {"04": "93", "13": "93", "75": "11", "2A": "94"}


@pytest.fixture(scope="module")
def cube() -> TradeCube:
    frame = pd.DataFrame(ROWS, columns=["year", "flow", "department", "product", "country", "value_eur"])
    frame["region"] = frame["department"].map(REGION)
    frame["year"] = frame["year"].astype("int16")
    for column in ("flow", "department", "region", "product", "country"):
        frame[column] = frame[column].astype("category")
    return TradeCube(frame[["year", "flow", "department", "region", "product", "country", "value_eur"]])


def plain(year=None, flow=None, dep=None, product=None, country=None) -> float:
    """The reference: a plain-Python sum over the rows matching every given field."""
    return sum(v for y, f, d, p, c, v in ROWS
               if (year is None or y == year) and (flow is None or f == flow) and (dep is None or d == dep)
               and (product is None or p == product) and (country is None or c == country))


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


DEPS = ["04", "13", "75", "2A", "01"]


def test_what_the_data_contain(cube):
    assert ex.products_in_data(cube) == ["C20B", "C21Z"]
    assert ex.countries_in_data(cube) == ["DE", "US"]
    assert ex.top_code(cube, 2024, PRODUCT) == "C21Z"          # 500 against 350
    assert ex.top_code(cube, 2024, COUNTRY) == "US"
    assert ex.top_code(cube, 2024, COUNTRY, "import") == "US"


@pytest.mark.parametrize("dep", DEPS)
def test_department_values_match_plain_sums(cube, dep):
    exports, imports = plain(2024, "export", dep), plain(2024, "import", dep)
    expected = {
        "exports": exports, "imports": imports, "balance": exports - imports, "coverage": ratio(exports, imports),
        "exposure": ratio(plain(2024, "export", dep, country="US"), exports),
        "product_share": ratio(plain(2024, "export", dep, product="C20B"), exports),
    }
    for kind, value in expected.items():
        series = ex.department_values(cube, 2024, kind, country="US" if kind == "exposure" else None,
                                      product="C20B" if kind == "product_share" else None)
        assert len(series) == 101
        assert same(float(series[dep]), value), (kind, dep, float(series[dep]), value)


def test_department_values_reject_bad_requests(cube):
    with pytest.raises(ValueError):
        ex.department_values(cube, 2024, "population")
    with pytest.raises(ValueError):
        ex.department_values(cube, 2024, "exposure")
    with pytest.raises(ValueError):
        ex.department_flows(cube, 2024, country="US", product="C20B")


def test_ranking(cube):
    values = ex.department_values(cube, 2024, "coverage")
    top = ex.ranking(values, 2)
    assert top["department"].tolist() == ["04", "13"]                       # 180/40 then 270/500
    assert top["rank"].tolist() == [1, 2]
    bottom = ex.ranking(values, 1, lowest=True)
    assert bottom["department"].tolist() == ["2A"] and bottom["value"].iloc[0] == 0.0
    assert "75" not in ex.ranking(values, 101)["department"].tolist()      # no imports: no coverage, not ranked


def test_product_departments(cube):
    frame = ex.product_departments(cube, "C20B", 2024).set_index("department")
    france = plain(2024, "export", product="C20B")
    for dep in DEPS:
        exports, imports = plain(2024, "export", dep, "C20B"), plain(2024, "import", dep, "C20B")
        assert frame.loc[dep, "exports"] == exports and frame.loc[dep, "imports"] == imports
        assert frame.loc[dep, "balance"] == exports - imports
        assert same(frame.loc[dep, "share_of_france"], ratio(exports, france))
        assert same(frame.loc[dep, "share_of_department"], ratio(exports, plain(2024, "export", dep)))
    ordered = ex.product_departments(cube, "C20B", 2024)["department"].tolist()
    assert ordered[:3] == ["13", "04", "2A"]   # by exports, then imports


def test_product_partners_and_countries(cube):
    partners = ex.product_partners(cube, "C20B", 2024)
    assert partners["country"].tolist() == ["US", "DE"]
    for row in partners.itertuples():
        assert row.exports == plain(2024, "export", product="C20B", country=row.country)
        assert row.imports == plain(2024, "import", product="C20B", country=row.country)
        assert row.balance == row.exports - row.imports
    destinations = ex.product_countries(cube, "C20B", 2024, "export", n=1)
    assert destinations["code"].tolist() == ["US", OTHERS]
    assert destinations["value"].tolist() == [300.0, 50.0]
    assert destinations["share"].tolist() == pytest.approx([300 / 350, 50 / 350])


def test_product_trend_and_summary(cube):
    trend = ex.product_trend(cube, "C20B").set_index("year")
    for year in (2023, 2024):
        assert trend.loc[year, "exports"] == plain(year, "export", product="C20B")
        assert trend.loc[year, "imports"] == plain(year, "import", product="C20B")
        assert trend.loc[year, "share_of_exports"] == pytest.approx(
            plain(year, "export", product="C20B") / plain(year, "export"))
    summary = ex.product_summary(cube, "C21Z", 2024)
    assert summary["exports"] == plain(2024, "export", product="C21Z") == 500.0
    assert summary["imports"] == 500.0 and summary["balance"] == 0.0 and summary["coverage"] == 1.0
    assert summary["rank_exports"] == 1 and summary["count_exports"] == 2
    assert summary["change_exports"] == pytest.approx(500 / 60 - 1)
    assert summary["share_of_exports"] == pytest.approx(500 / 850)


def test_country_views(cube):
    frame = ex.country_departments(cube, "US", 2024).set_index("department")
    for dep in DEPS:
        exports, imports = plain(2024, "export", dep, country="US"), plain(2024, "import", dep, country="US")
        assert frame.loc[dep, "exports"] == exports and frame.loc[dep, "imports"] == imports
        assert same(frame.loc[dep, "exposure"], ratio(exports, plain(2024, "export", dep)))
        assert same(frame.loc[dep, "share_of_france"], ratio(exports, plain(2024, "export", country="US")))
    products = ex.country_products(cube, "US", 2024)
    assert products["product"].tolist() == ["C21Z", "C20B"]   # 930 then 310 both ways
    assert products.iloc[0][["exports", "imports", "balance"]].tolist() == [430.0, 500.0, -70.0]
    trend = ex.country_trend(cube, "US").set_index("year")
    assert trend.loc[2023, ["exports", "imports"]].tolist() == [80.0, 300.0]
    assert trend.loc[2024, ["exports", "imports", "balance"]].tolist() == [730.0, 510.0, 220.0]
    summary = ex.country_summary(cube, "DE", 2024)
    assert (summary["exports"], summary["imports"]) == (120.0, 40.0)
    assert summary["rank_exports"] == 2 and summary["rank_imports"] == 2 and summary["coverage"] == 3.0
    assert summary["change_exports"] == pytest.approx(120 / 60 - 1)


def test_unknown_codes_give_zeros_not_errors(cube):
    assert ex.product_departments(cube, "ZZZZ", 2024)[["exports", "imports"]].to_numpy().sum() == 0
    assert ex.product_trend(cube, "ZZZZ")["exports"].sum() == 0
    assert ex.country_products(cube, "XX", 2024).empty
    assert ex.country_summary(cube, "XX", 2024)["rank_exports"] is None
    assert ex.department_values(cube, 2030, "exports").sum() == 0      # a year without data


def test_tables_show_french_and_export_numbers(cube):
    values = ex.department_values(cube, 2024, "exports")
    sheets = [etab.map_table(values, "exports", "Exportations"),
              etab.ranking_table(ex.ranking(values, 3), "exports", "Exportations"),
              etab.product_departments_table(ex.product_departments(cube, "C20B", 2024), "C20B", n=5),
              etab.product_partners_table(ex.product_partners(cube, "C20B", 2024), "C20B"),
              etab.product_countries_table(ex.product_countries(cube, "C20B", 2024, "import"), "C20B", "import"),
              etab.france_trend_table(ex.country_trend(cube, "US"), "États-Unis"),
              etab.country_departments_table(ex.country_departments(cube, "US", 2024), "US"),
              etab.country_products_table(ex.country_products(cube, "US", 2024), "US")]
    for sheet in sheets:
        shown = display_frame(sheet)
        assert len(shown) == len(sheet.frame) and len(shown.columns) == len(sheet.columns)
        assert table_to_xlsx(sheet, territory_label="France", year=2024, source="Source : test")[:2] == b"PK"
    top = display_frame(sheets[1])
    assert top.iloc[0].tolist()[:3] == ["1", "75", "Paris"]
    # amounts of a few hundred euros: the table's one unit is k€, never « 0,0 M€ » (issue 9)
    assert top.iloc[0, -1].endswith("k€") and "," in top.iloc[0, -1] and top.columns[-1].endswith("(k€)")


