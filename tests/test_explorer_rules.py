"""The explorers' rules one by one (issue 23: survivors of mutation testing in lib.analysis.explorers).

tests/test_explorers.py checks the figures against plain sums; this file states the rules a sum does not
show: balances are exports − imports everywhere, ties are broken by code, a one-euro trade counts, the map
covers the 101 départements with zeros, ranks are whole numbers shared by ties, the default choices of the
explorers, and the French messages of bad requests.
"""
from __future__ import annotations

import itertools
import math
import string

import pandas as pd
import pytest

from lib.analysis import explorers as ex
from lib.analysis.indicators import OTHERS
from lib.core.schema import COUNTRY, DEPARTMENT, IMPORT
from lib.data.territories import FRANCE, department, region
from tests.small_cube import make_cube


# Ties on purpose: 04 and 13 export 100 each to US (13 imports more); 05 and 06 export 50 each, import nothing.
TIES_ROWS = [
    (2024, "export", "04", "C20B", "US", 100), (2024, "import", "04", "C20B", "US", 10),
    (2024, "export", "13", "C20B", "US", 100), (2024, "import", "13", "C20B", "US", 30),
    (2024, "export", "06", "C20B", "US", 50), (2024, "export", "05", "C20B", "US", 50),
    (2024, "export", "75", "C21Z", "DE", 1), (2024, "import", "75", "C21Z", "CN", 0.5),
    (2024, "export", "75", "C10A", "IT", 0),                     # a zero row: no trade with Italy nor in meat
]


def ties():
    """A fresh cube per test: mutation testing runs only the tests that called a function, and a shared
    cube would have memoised its matrices in the first test alone."""
    return make_cube(TIES_ROWS)


# ---------------------------------------------------------------- balances, ties and small amounts

@pytest.mark.parametrize("table", [lambda c: ex.country_departments(c, "US", 2024),
                                   lambda c: ex.product_departments(c, "C20B", 2024)])
def test_departments_of_a_partner_or_product_by_exports_then_imports_then_code(table):
    frame = table(ties())
    assert list(frame.index) == list(range(101))                  # a plain table, no index kept
    assert frame.columns[:4].tolist() == ["department", "exports", "imports", "balance"] and "index" not in frame
    assert frame["department"].tolist()[:5] == ["13", "04", "05", "06", "01"]
    assert (frame["balance"] == frame["exports"] - frame["imports"]).all()
    assert frame.set_index("department").loc["13", "balance"] == 70.0


def test_partners_and_products_tables_by_trade_then_code_with_balance():
    cube = make_cube([(2024, "export", "04", "C20B", "US", 60), (2024, "import", "04", "C20B", "DE", 60),
                      (2024, "export", "04", "C20B", "BE", 1), (2024, "export", "04", "C21Z", "US", 40),
                      (2024, "import", "04", "C21Z", "US", 80), (2024, "export", "04", "C10A", "US", 0.5)])
    partners = ex.product_partners(cube, "C20B", 2024)
    assert list(partners.columns) == ["country", "imports", "exports", "balance"]
    assert partners.values.tolist() == [["DE", 60.0, 0.0, -60.0], ["US", 0.0, 60.0, 60.0], ["BE", 0.0, 1.0, 1.0]]
    assert ex.product_partners(cube, "C20B", 2024, n=2)["country"].tolist() == ["DE", "US"]
    products = ex.country_products(cube, "US", 2024, n=None)
    assert list(products.columns) == ["product", "imports", "exports", "balance"]
    assert products.values.tolist() == [["C21Z", 80.0, 40.0, -40.0], ["C20B", 0.0, 60.0, 60.0],
                                        ["C10A", 0.0, 0.5, 0.5]]          # half a euro is still trade
    assert ex.country_products(cube, "US", 2024, n=1)["product"].tolist() == ["C21Z"]


def test_destinations_of_a_product_share_every_euro():
    cube = make_cube([(2024, "export", "04", "C20B", "US", 3), (2024, "export", "04", "C20B", "DE", 0.5),
                      (2024, "export", "04", "C20B", "IT", 0.5)])
    frame = ex.product_countries(cube, "C20B", 2024, "export", n=1)
    assert frame["code"].tolist() == ["US", OTHERS]
    assert frame["share"].tolist() == pytest.approx([0.75, 0.25])


def test_an_unknown_product_has_no_partner_and_no_destination():
    assert ex.product_partners(ties(), "C99Z", 2024).empty
    assert ex.product_countries(ties(), "C99Z", 2024, "export").empty
    assert ex.country_products(ties(), "ZZ", 2024).empty


# ---------------------------------------------------------------- the map: 101 départements

def test_matrices_cover_the_101_departments_with_zeros():
    frame = ex.matrix(ties(), 2024, "export", DEPARTMENT, COUNTRY)
    assert list(frame.index) == ex.DEPARTMENT_CODES
    assert frame.loc["01"].tolist() == [0.0] * len(frame.columns)
    assert not frame.isna().any().any()
    with pytest.raises(ValueError, match="^Matrice non prévue : country × department\\.$"):
        ex.matrix(ties(), 2024, "export", COUNTRY, DEPARTMENT)


def test_departments_absent_from_the_files_count_zero_not_missing():
    """Files of a few régions only (lib.analysis.coverage warns about them): the other départements are in
    the matrices with zeros, so that the map and the rankings show « 0 € », not a blank."""
    partial = make_cube([(2024, "export", "04", "C20B", "US", 100)], whole_france=False)
    frame = ex.matrix(partial, 2024, "export", DEPARTMENT, COUNTRY)
    assert list(frame.index) == ex.DEPARTMENT_CODES
    assert frame.loc["75", "US"] == 0.0 and frame.loc["04", "US"] == 100.0
    assert ex.department_flows(partial, 2024, country="US").loc["75"].tolist() == [0.0, 0.0]


def test_matrices_hold_every_cell_of_a_large_table():
    # 40 départements × 20 countries: cell numbers above what a small integer type holds (the codes are widened)
    deps, countries = ex.DEPARTMENT_CODES[:40], ["AT", "BE", "BG", "CH", "CN", "CY", "CZ", "DE", "DK", "EE",
                                                 "ES", "FI", "GB", "GR", "HR", "HU", "IE", "IT", "JP", "US"]
    rows = [(2024, "export", d, "C20B", c, 1 + i * 20 + j) for i, d in enumerate(deps) for j, c in enumerate(countries)]
    frame = ex.matrix(make_cube(rows), 2024, "export", DEPARTMENT, COUNTRY)
    for _, d, _, c, value in [(r[0], r[2], r[3], r[4], r[5]) for r in rows[::37]]:
        assert frame.loc[d, c] == value
    assert frame.to_numpy().sum() == sum(r[5] for r in rows)


def test_department_flows_are_named_by_department_and_refuse_two_filters():
    flows = ex.department_flows(ties(), 2024)
    assert flows.index.name == "department" and len(flows) == 101
    assert flows.loc["13"].tolist() == [100.0, 30.0]
    with pytest.raises(ValueError, match="^Choisir un pays ou un produit, pas les deux\\.$"):
        ex.department_flows(ties(), 2024, country="US", product="C20B")


def test_department_values_are_named_by_their_indicator():
    for kind in ex.MAP_KINDS:
        values = ex.department_values(ties(), 2024, kind, country="US", product="C20B")
        assert values.name == kind and values.dtype == float and len(values) == 101


def test_exposure_to_a_country_never_traded_is_zero_where_there_are_exports():
    values = ex.department_values(ties(), 2024, "exposure", country="JP")
    assert len(values) == 101
    assert values["04"] == 0.0 and math.isnan(values["01"])      # 01 exports nothing: no share


def test_bad_map_requests_say_what_is_wrong_in_french():
    with pytest.raises(ValueError, match="^Indicateur inconnu : « population » \\(attendu : exports, imports, "
                                         "balance, coverage, exposure, product_share\\)\\.$"):
        ex.department_values(ties(), 2024, "population")
    with pytest.raises(ValueError, match="^L'exposition se calcule pour un pays : paramètre country manquant\\.$"):
        ex.department_values(ties(), 2024, "exposure")
    with pytest.raises(ValueError, match="^La part d'un produit se calcule pour un produit : paramètre product "
                                         "manquant\\.$"):
        ex.department_values(ties(), 2024, "product_share")


def test_ranking_shares_ranks_between_ties_and_breaks_them_by_code():
    values = ex.department_values(ties(), 2024, "exports")
    top = ex.ranking(values, 5)
    assert list(top.index) == list(range(5)) and list(top.columns) == ["rank", "department", "value"]
    assert top["department"].tolist() == ["04", "13", "05", "06", "75"]
    assert top["rank"].tolist() == [1, 1, 3, 3, 5]
    assert pd.api.types.is_integer_dtype(top["rank"])           # « 1er », never « 1,0 »
    lowest = ex.ranking(values, 3, lowest=True)
    assert lowest["department"].tolist() == ["01", "02", "03"] and lowest["rank"].tolist() == [6, 6, 6]


# ---------------------------------------------------------------- what the data hold, first codes

def test_codes_in_data_are_those_with_a_non_zero_value_one_euro_included():
    assert ex.products_in_data(ties()) == ["C20B", "C21Z"]          # C10A has a zero row only
    assert ex.countries_in_data(ties()) == ["CN", "DE", "US"]


def test_first_code_of_some_departments_with_a_filter_and_none_without_trade():
    assert ex.top_code(ties(), 2024, COUNTRY) == "US"
    assert ex.top_code(ties(), 2024, COUNTRY, departments=("75",)) == "DE"      # one euro is trade
    assert ex.top_code(ties(), 2024, COUNTRY, IMPORT, departments=("75",)) == "CN"
    assert ex.top_code(ties(), 2024, COUNTRY, departments=("04", "75"), keep=lambda code: code != "US") == "DE"
    assert ex.top_code(ties(), 2024, COUNTRY, departments=("01",)) is None
    assert ex.top_code(ties(), 2024, COUNTRY, departments=("75",), keep=lambda code: False) is None


def test_ties_for_the_first_code_go_to_the_first_code_in_order():
    cube = make_cube([(2024, "export", "04", "C20B", code, 10) for code in ("US", "DE", "IT", "BE", "CN")])
    assert ex.top_code(cube, 2024, COUNTRY) == "BE"
    # among 300 codes (AA, AB…), AK and HS tied first: a stable sort keeps AK, a quicksort would not here
    codes = [a + b for a, b in itertools.product(string.ascii_uppercase, repeat=2)][:300]
    values = [(i * 7 + 3) % 5 + 1 for i in range(300)]
    values[10] = values[200] = 9
    many = make_cube([(2024, "export", "04", "C20B", code, value) for code, value in zip(codes, values)])
    assert (codes[10], codes[200]) == ("AK", "HS")
    assert ex.top_code(many, 2024, COUNTRY) == "AK"


DEFAULTS_ROWS = [
    (2024, "export", "04", "C20B", "DE", 500), (2024, "export", "04", "C21Z", "QS", 900),
    (2024, "export", "04", "C21Z", "CH", 200), (2024, "export", "13", "C10A", "US", 1200),
    (2024, "export", "13", "C29A", "IT", 50),
]


def defaults():
    """A fresh cube per test (see ties)."""
    return make_cube(DEFAULTS_ROWS)


def test_default_choices_are_the_territory_s_own_first_product_and_partner():
    dep04 = department("04")
    assert ex.territory_departments(dep04) == ("04",)
    assert ex.territory_departments(FRANCE) is None
    assert ex.default_product(defaults(), 2024, dep04) == "C21Z"           # 1 100 of C21Z against 500
    assert ex.default_partner(defaults(), 2024, dep04) == "DE"             # QS is « non ventilé », never chosen
    assert ex.default_exposure_country(defaults(), 2024, dep04) == "CH"    # the first one outside the EU
    assert ex.territory_first_outside_eu(defaults(), 2024, region("93")) == "US"
    assert ex.default_product(defaults(), 2024, FRANCE) == "C10A"
    assert ex.default_partner(defaults(), 2024, FRANCE) == "US"


def test_without_exports_the_defaults_are_france_s_and_the_united_states():
    dep01 = department("01")
    assert ex.default_product(defaults(), 2024, dep01) == "C10A"
    assert ex.default_partner(defaults(), 2024, dep01) == "US"
    eu_only = make_cube([(2024, "export", "04", "C20B", "DE", 10)])
    assert ex.territory_first_outside_eu(eu_only, 2024, department("04")) is None
    assert ex.default_exposure_country(eu_only, 2024, department("04")) == "US"


def test_france_s_default_partner_is_never_an_unallocated_code_either():
    cube = make_cube([(2024, "export", "13", "C10A", "QS", 900), (2024, "export", "13", "C10A", "US", 100)])
    assert ex.default_partner(cube, 2024, department("01")) == "US"       # 01 exports nothing: France's first
    assert ex.default_partner(cube, 2024, FRANCE) == "US"


def test_territory_value_sums_a_column_over_the_territory_s_departments():
    frame = ex.country_departments(ties(), "US", 2024)
    assert ex.territory_value(frame, ("04", "13")) == 200.0
    assert ex.territory_value(frame, ("04", "13"), "imports") == 40.0
    assert ex.territory_value(frame, ("01",)) == 0.0


# ---------------------------------------------------------------- key figures of a product or partner

def test_summary_names_its_code_and_year_and_counts_only_traded_codes():
    summary = ex.country_summary(ties(), "DE", 2024)
    assert (summary["code"], summary["year"]) == ("DE", 2024)
    assert summary["exports"] == 1.0 and summary["rank_exports"] == 2 and summary["count_exports"] == 2
    assert summary["imports"] == 0.0 and summary["rank_imports"] is None and summary["count_imports"] == 2
    assert summary["balance"] == 1.0 and math.isnan(summary["coverage"])


def test_summary_without_previous_year_or_without_trade_then_has_no_change():
    single_year = ex.product_summary(ties(), "C20B", 2024)
    assert math.isnan(single_year["change_exports"]) and math.isnan(single_year["change_imports"])
    cube = make_cube([(2023, "export", "04", "C20B", "US", 10), (2024, "export", "04", "C20B", "US", 15),
                      (2024, "export", "04", "C21Z", "US", 5)])
    new = ex.product_summary(cube, "C21Z", 2024)
    assert new["exports"] == 5.0 and math.isnan(new["change_exports"])
    assert ex.product_summary(cube, "C20B", 2024)["change_exports"] == pytest.approx(0.5)
    absent = ex.product_summary(cube, "C99Z", 2024)
    assert absent["exports"] == 0.0 and math.isnan(absent["change_exports"])
