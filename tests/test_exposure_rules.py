"""Exposure, dependency and concentration rules one by one (issue 23: survivors of mutation testing in
lib.analysis.exposure): half a euro is trade, no share without a whole, France is never compared with itself,
the HHI refuses negative shares but takes zeros, only France's and the régions' matrices are kept.
"""
from __future__ import annotations

import math

import pytest

from lib.analysis import exposure as ex
from lib.data.territories import FRANCE, department, region
from tests.small_cube import make_cube


# 04 exports 1,5 € to US and 0,5 € to DE (all of France's Viandes to DE); 13 exports to US only; nobody in
# the région imports; 75 imports.
SMALL_ROWS = [
    (2024, "export", "04", "C20B", "US", 1.5), (2024, "export", "04", "C10A", "DE", 0.5),
    (2024, "export", "13", "C20B", "US", 8), (2024, "import", "75", "C20B", "CN", 4),
]


def small():
    """A fresh cube per test (see tests/test_explorer_rules.ties)."""
    return make_cube(SMALL_ROWS)


# ---------------------------------------------------------------- HHI

def test_hhi_takes_any_iterable_refuses_negative_shares_and_ignores_zeros():
    assert ex.hhi(iter([0.5, 0.5])) == pytest.approx(0.5)
    assert ex.hhi([0.0, 1.0]) == 1.0                                   # a zero share is a share of nothing
    with pytest.raises(ValueError, match="^hhi : une part ne peut pas être négative\\.$"):
        ex.hhi([1.2, -0.2])


def test_concentration_counts_half_a_euro_and_has_no_index_without_trade():
    frame = ex.concentration(small(), department("04"), 2024).set_index(["flow", "dimension"])
    exports = frame.loc[("export", "partners")]
    assert exports["hhi"] == pytest.approx(0.75 ** 2 + 0.25 ** 2)      # 1,5 € and 0,5 € of 2 €
    assert exports["n_equivalent"] == pytest.approx(1 / 0.625)
    assert exports["reading_region"] == "très concentré"               # PACA: 9,5 € to US of 10 €
    imports = frame.loc[("import", "partners")]
    assert math.isnan(imports["hhi"]) and imports["reading"] == "" and math.isnan(imports["n_equivalent"])
    assert math.isnan(imports["hhi_region"]) and imports["reading_region"] == ""   # the région imports nothing
    assert imports["hhi_france"] == 1.0 and imports["reading_france"] == "très concentré"
    half = ex.concentration(make_cube([(2024, "export", "04", "C20B", "US", 0.5)]), department("04"), 2024)
    assert half.set_index(["flow", "dimension"]).loc[("export", "products"), "hhi"] == 1.0


def test_concentration_of_a_region_and_of_france_has_no_comparison_above_them():
    regional = ex.concentration(small(), region("93"), 2024)
    assert regional["hhi_region"].isna().all() and (regional["reading_region"] == "").all()
    assert regional["reading_france"].tolist()[:2] == ["très concentré", "très concentré"]   # 9,5 € of 10 €
    national = ex.concentration(small(), FRANCE, 2024)
    assert national["hhi_france"].isna().all() and (national["reading_france"] == "").all()


# ---------------------------------------------------------------- exposure to one partner

def test_exposure_lists_products_of_half_a_euro_with_france_s_dependency():
    found = ex.exposure_to_partner(small(), department("04"), 2024, "de")
    assert (found.country, found.year, found.value, found.exports) == ("DE", 2024, 0.5, 2.0)
    products = found.products
    assert list(products.index) == [0] and "index" not in products.columns
    assert products["product"].tolist() == ["C10A"]
    assert products["share_of_product"].tolist() == [1.0]
    assert products["share_of_product_france"].tolist() == [1.0]       # France's 0,5 € of meat all go to DE


def test_exposure_products_by_value_then_code_and_n_kept():
    cube = make_cube([(2024, "export", "04", code, "US", 10) for code in ("C29A", "C10A", "C20B")])
    found = ex.exposure_to_partner(cube, department("04"), 2024, "US", n_products=2)
    assert found.products["product"].tolist() == ["C10A", "C20B"]
    assert found.products["share_of_partner"].tolist() == pytest.approx([1 / 3, 1 / 3])


def test_a_partner_absent_from_the_data_weighs_zero_where_there_are_exports():
    found = ex.exposure_to_partner(small(), department("04"), 2024, "JP")
    assert found.share == 0.0 and found.share_region == 0.0 and found.share_france == 0.0
    nothing = make_cube([(2024, "export", "75", "C20B", "US", 5)])
    empty = ex.exposure_to_partner(nothing, department("04"), 2024, "JP")
    assert math.isnan(empty.share) and math.isnan(empty.share_region)   # no exports: no share at all
    assert empty.share_france == 0.0


def test_france_is_not_compared_with_itself_product_by_product():
    found = ex.exposure_to_partner(small(), FRANCE, 2024, "US")
    assert found.products["product"].tolist() == ["C20B"]
    assert found.products["share_of_product_france"].isna().all()
    assert math.isnan(found.share_france)


# ---------------------------------------------------------------- import dependency, EU split

def test_dependency_counts_half_a_euro_and_leaves_missing_suppliers_blank():
    cube = make_cube([(2024, "import", "04", "C20B", "CN", 0.5), (2024, "import", "04", "C10A", "US", 3),
                      (2024, "import", "04", "C10A", "DE", 0.5)])
    frame = ex.import_dependency(cube, department("04"), 2024).set_index("product")
    assert frame.index.tolist() == ["C10A", "C20B"]
    assert frame.loc["C10A", "supplier_2"] == "DE" and frame.loc["C10A", "supplier_2_share"] == pytest.approx(0.5 / 3.5)
    assert frame.loc["C20B", "supplier_1"] == "CN" and frame.loc["C20B", "critical"]
    assert frame.loc["C20B", ["supplier_2", "supplier_2_name", "supplier_3", "supplier_3_name"]].tolist() == [""] * 4


def test_eu_split_of_france_has_no_france_beside_it():
    national = ex.eu_split(small(), FRANCE, 2024)
    assert national["share_eu_france"].isna().all()
    local = ex.eu_split(small(), department("04"), 2024).set_index("flow")
    assert local.loc["export", "share_eu_france"] == pytest.approx(0.5 / 10)


# ---------------------------------------------------------------- memory

def test_only_france_s_and_the_regions_matrices_are_kept():
    """A matrix weighs ≈ 250 KB on the national table: kept for France and the régions (many pages compare with
    them), computed again for a département or a TI."""
    cube = small()
    assert ex.trade_matrix(cube, FRANCE, 2024, "export") is ex.trade_matrix(cube, FRANCE, 2024, "export")
    assert ex.trade_matrix(cube, region("93"), 2024, "export") is ex.trade_matrix(cube, region("93"), 2024, "export")
    own = ex.trade_matrix(cube, department("04"), 2024, "export")
    assert own is not ex.trade_matrix(cube, department("04"), 2024, "export")
    assert own.values.sum() == 2.0


def test_a_matrix_sums_per_country_and_per_product():
    own = ex.trade_matrix(small(), department("04"), 2024, "export")
    assert own.by_country()[["DE", "US", "CN"]].tolist() == [0.5, 1.5, 0.0]
    assert own.by_product()[["C10A", "C20B"]].tolist() == [0.5, 1.5]
