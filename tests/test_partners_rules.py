"""The rules of lib.analysis.partners one by one, on tables small enough to compute by hand (fast tier).

tests/test_partners.py checks the CLI contracts on official-layout files; this file states the rules the mutation
run found unasserted (issue 23): which territories the partner page proposes first, the bounds and French
messages of the rate, the product filter and the cent of the partner contract, and every key of the tariff
contract, null (never NaN) where a share has no denominator.

Provence-Alpes-Côte d'Azur (93) in 2024, exports in M€: Bouches-du-Rhône (13) 3 000, Alpes-Maritimes (06)
2 000, Var (83) 1 500, Vaucluse (84) 1 000, Hautes-Alpes (05) 500, Alpes-de-Haute-Provence (04) 100. In 2023
the order is reversed (04 first). Imports, large in 05, rank nothing.
"""
from __future__ import annotations

import json
import math

import pytest

from lib.analysis import partners
from lib.data.territories import FRANCE, Territory, department, region
from lib.data.reference.products import PRODUCTS
from tests import small_cube

M = 1e6
EXPORTS_2024 = {"13": 3000, "06": 2000, "83": 1500, "84": 1000, "05": 500, "04": 100}
TI = Territory(id="ti:TI-X", kind="ti", name="Val d'essai", departments=("05",), regions=("93",))


def paca_cube():
    rows = [(2024, "export", dep, "C20B", "US", value) for dep, value in EXPORTS_2024.items()]
    rows += [(2023, "export", dep, "C20B", "US", 4000 - value) for dep, value in EXPORTS_2024.items()]
    rows += [(year, "import", "05", "C20B", "CN", 9000) for year in (2023, 2024)]
    return small_cube.make_cube(rows, unit=M)


def test_the_partner_page_proposes_the_territory_then_the_biggest_exporters_of_its_region():
    cube = paca_cube()
    assert partners.default_partner_territories(cube, department("04"), 2024) == [
        "dep:04", "dep:13", "dep:06", "dep:83"]
    assert partners.default_partner_territories(cube, department("13"), 2024, n=3) == ["dep:13", "dep:06", "dep:83"]
    assert partners.default_partner_territories(cube, TI, 2024) == ["ti:TI-X", "dep:13", "dep:06", "dep:83"]


def test_a_region_is_shown_through_its_biggest_exporters_of_the_year_asked():
    cube = paca_cube()
    assert partners.default_partner_territories(cube, region("93"), 2024) == ["dep:13", "dep:06", "dep:83", "dep:84"]
    assert partners.default_partner_territories(cube, region("93"), 2023) == ["dep:04", "dep:05", "dep:84", "dep:83"]


def test_departments_that_export_as_much_keep_the_order_of_their_codes():
    """France: every other département (02, 04, 06…) exports 2 €, the others 1 €: many ties, kept in code
    order (an unstable sort gave 02, 04, 12, 08)."""
    codes = small_cube.DEPARTMENTS["code"].tolist()
    cube = small_cube.make_cube([(2024, "export", d, "C20B", "US", 1.0 + i % 2) for i, d in enumerate(codes)])
    assert partners.default_partner_territories(cube, FRANCE, 2024) == ["dep:02", "dep:04", "dep:06", "dep:08"]


@pytest.mark.parametrize("text, rate", [("0", 0.0), ("500", 5.0), ("12,5 %", 0.125)])
def test_a_rate_from_0_to_500_percent_is_accepted_bounds_included(text, rate):
    assert partners.parse_rate(text) == rate


def test_a_rate_that_is_no_number_is_refused_quoting_its_first_twenty_characters():
    with pytest.raises(partners.PartnerError) as error:
        partners.parse_rate("vingt-cinq pour cent environ")
    assert str(error.value) == ("Taux non valable : « vingt-cinq pour cent » "
                                "(attendu un pourcentage comme 25 ou 12,5).")


@pytest.mark.parametrize("text, quoted", [("500,01", "500,01"), ("-1", "-1"),
                                           ("1000000000000000000000", "10000000000000000000")])
def test_a_rate_out_of_bounds_is_refused_naming_them(text, quoted):
    with pytest.raises(partners.PartnerError) as error:
        partners.parse_rate(text)
    assert str(error.value) == f"Taux non valable : « {quoted} » (attendu de 0 à 500 %)."


def test_the_partner_contract_keeps_the_product_asked_and_euros_to_the_cent():
    cube = small_cube.make_cube([(2024, "export", "04", "C20B", "US", 12.345678),
                                 (2024, "export", "04", "C10A", "US", 1000.0)])
    contract = partners.partner_trend_json(cube, [department("04")], "US", "export", "C20B")
    assert contract["product"] == "C20B"
    assert contract["territories"] == [{"id": "dep:04", "name": "Alpes-de-Haute-Provence", "values": {"2024": 12.35}}]


def tariff_cube():
    """04 exports 300 € of C20B and 100 € of C10A to the US, 600 € to Italy; 13 exports 1 000 € to the US."""
    return small_cube.make_cube([(2024, "export", "04", "C20B", "US", 300.0), (2024, "export", "04", "C10A", "US", 100.0),
                                 (2024, "export", "04", "C20B", "IT", 600.0), (2024, "export", "13", "C29A", "US", 1000.0)])


def test_the_tariff_contract_names_every_figure():
    contract = partners.tariff_json(partners.tariff_exposure(tariff_cube(), department("04"), 2024, "US", 0.1))
    assert contract["territory"] == {"id": "dep:04", "name": "Alpes-de-Haute-Provence", "kind": "dep",
                                     "departments": ["04"], "regions": ["93"]}
    assert {key: contract[key] for key in ("country", "year", "rate", "exposed", "exports", "share_of_exports")} == {
        "country": "US", "year": 2024, "rate": 0.1, "exposed": 400.0, "exports": 1000.0, "share_of_exports": 0.4}
    assert contract["duty"] == pytest.approx(40.0)
    assert contract["products"][0] == {"code": "C20B", "exposed": 300.0, "product_exports": 900.0,
                                       "share_of_product_exports": 1 / 3, "share_of_exports": 0.3,
                                       "duty": pytest.approx(30.0)}
    assert contract["region"] == {"id": "reg:93", "name": "Provence-Alpes-Côte d'Azur", "exposed": 1400.0,
                                  "exports": 2000.0, "share_of_exports": 0.7, "duty": pytest.approx(140.0)}
    assert contract["france"] == {"exposed": 1400.0, "exports": 2000.0, "share_of_exports": 0.7,
                                  "duty": pytest.approx(140.0)}


def test_the_tariff_contract_of_france_has_no_region_and_no_france_beside_it():
    contract = partners.tariff_json(partners.tariff_exposure(tariff_cube(), FRANCE, 2024, "US", 0.1))
    assert contract["territory"]["id"] == "fr"
    assert contract["region"] is None and contract["france"] is None
    assert contract["exposed"] == 1400.0


def test_a_share_of_no_exports_is_null_in_the_contract_never_nan():
    figures = partners.Exposed(exposed=0.0, exports=0.0, rate=0.25)
    assert figures.as_json() == {"exposed": 0.0, "exports": 0.0, "share_of_exports": None, "duty": 0.0}
    contract = partners.tariff_json(partners.tariff_exposure(tariff_cube(), department("05"), 2024, "US", 0.1))
    assert contract["share_of_exports"] is None and not math.isnan(contract["region"]["share_of_exports"])
    json.dumps(contract, allow_nan=False)          # a NaN anywhere would raise: JSON has none


@pytest.mark.parametrize("partner, name, export_phrase, import_phrase", [
    ("UE", "Union européenne (27 pays)", "vers l'Union européenne", "depuis l'Union européenne"),
    ("HORS-UE", "Hors Union européenne", "hors de l'Union européenne", "hors de l'Union européenne"),
    ("US", "États-Unis", "vers les États-Unis", "en provenance des États-Unis"),
    ("DE", "Allemagne", "vers l'Allemagne", "en provenance de l'Allemagne"),
])
def test_a_partner_is_named_in_french_with_the_direction_of_the_flow(partner, name, export_phrase, import_phrase):
    assert partners.partner_name(partner) == name
    assert partners.partner_phrase(partner, "export") == export_phrase
    assert partners.partner_phrase(partner, "import") == import_phrase


def test_the_ranking_of_the_region_counts_only_the_products_chosen():
    ranking = partners.tariff_exposure(tariff_cube(), department("04"), 2024, "US", 0.1, products=["C20B"]).ranking
    by_department = ranking.set_index("department")
    assert by_department.loc["04", "exposed"] == 300.0          # C10A's 100 € to the US left out
    assert by_department.loc["13", "exposed"] == 0.0            # only C29A
    assert by_department.loc["13", "exports"] == 1000.0


def test_departments_absent_from_partial_files_rank_with_zeros():
    """Files of a few départements only: the others of the région are listed with 0 € exposed and 0 € of
    exports (share not defined), never a blank nor an invented euro."""
    partial = small_cube.make_cube([(2024, "export", "04", "C20B", "US", 300.0),
                                    (2024, "export", "13", "C29A", "US", 1000.0)], whole_france=False)
    ranking = partners.tariff_exposure(partial, department("04"), 2024, "US", 0.1).ranking.set_index("department")
    assert ranking.index.tolist() == ["13", "04", "05", "06", "83", "84"]
    absent = ranking.loc[["05", "06", "83", "84"]]
    assert absent[["exposed", "exports", "duty"]].to_numpy().tolist() == [[0.0, 0.0, 0.0]] * 4
    assert absent["share"].isna().all() and ranking.loc["04", "share"] == 1.0


def test_the_partner_table_by_territory_and_year_with_the_product_filter():
    cube = small_cube.make_cube([(2023, "export", "04", "C20B", "US", 100.0), (2023, "export", "04", "C10A", "US", 900.0),
                                 (2024, "export", "04", "C20B", "US", 150.0), (2024, "export", "04", "C20B", "IT", 50.0)])
    trend = partners.partner_trend(cube, [department("04")], "US", "export", "C20B")
    assert list(trend.columns) == ["territory", "name", "year", "value", "total", "share", "change"]
    assert trend.drop(columns="change").to_dict("records") == [
        {"territory": "dep:04", "name": "Alpes-de-Haute-Provence", "year": 2023, "value": 100.0, "total": 100.0,
         "share": 1.0},
        {"territory": "dep:04", "name": "Alpes-de-Haute-Provence", "year": 2024, "value": 150.0, "total": 200.0,
         "share": 0.75}]
    assert math.isnan(trend["change"][0]) and trend["change"][1] == 0.5
    assert partners.partner_value(cube, department("04"), 2023, "export", "US", "C10A") == (900.0, 900.0)
    with pytest.raises(partners.PartnerError) as error:
        partners.partner_trend(cube, [department("04")], "US", "transit")
    assert str(error.value) == "Flux inconnu : « transit » (attendu « export » ou « import »)."


def test_the_tariff_ranking_names_the_departments_their_duty_and_the_territory_s_own():
    cube = small_cube.make_cube([(2024, "export", "04", "C20B", "US", 300.0), (2024, "export", "05", "C20B", "US", 300.0),
                                 (2024, "export", "06", "C20B", "US", 0.5), (2024, "export", "06", "C20B", "IT", 0.25)])
    ranking = partners.tariff_exposure(cube, department("05"), 2024, "US", 0.1).ranking
    assert list(ranking.columns) == ["department", "name", "exposed", "exports", "share", "duty", "own"]
    assert ranking.head(3)[["department", "name", "exposed", "own"]].to_dict("records") == [
        {"department": "04", "name": "Alpes-de-Haute-Provence", "exposed": 300.0, "own": False},
        {"department": "05", "name": "Hautes-Alpes", "exposed": 300.0, "own": True},
        {"department": "06", "name": "Alpes-Maritimes", "exposed": 0.5, "own": False}]
    assert ranking["duty"].head(3).tolist() == pytest.approx([30.0, 30.0, 0.05])
    assert ranking["share"][2] == pytest.approx(0.5 / 0.75)


def test_the_tariff_products_keep_a_half_euro_and_break_ties_by_code():
    cube = small_cube.make_cube([(2024, "export", "04", "C29A", "US", 300.0), (2024, "export", "04", "C20B", "US", 300.0),
                                 (2024, "export", "04", "C10A", "US", 0.5)])
    products = partners.tariff_exposure(cube, department("04"), 2024, "US", 0.1).products
    assert products["product"].tolist() == ["C20B", "C29A", "C10A"]
    assert products["duty"].tolist() == pytest.approx([30.0, 30.0, 0.05])


def test_no_territory_chosen_gives_an_empty_partner_table_with_its_columns():
    empty = partners.partner_trend(small_cube.make_cube([(2024, "export", "04", "C20B", "US", 1.0)]), [], "US")
    assert empty.empty and list(empty.columns) == ["territory", "name", "year", "value", "total", "share", "change"]


def quick_pick_cube():
    """Bouches-du-Rhône (13) to the United States in 2024, M€: C29A 700, C20B and C21Z 500 each, C10A 300,
    C28B 200, C26A 100, C30A 0. Flows that are not 13's exports to the US in 2024 are large and must not count."""
    sold = {"C29A": 700, "C21Z": 500, "C20B": 500, "C10A": 300, "C28B": 200, "C26A": 100, "C30A": 0}
    rows = [(2024, "export", "13", product, "US", value) for product, value in sold.items()]
    rows += [(2024, "import", "13", "C30A", "US", 9000), (2024, "export", "13", "C30A", "CN", 9000),
             (2023, "export", "13", "C30A", "US", 9000), (2024, "export", "06", "C30A", "US", 9000)]
    return small_cube.make_cube(rows, unit=M)


def test_the_quick_pick_proposes_the_five_products_the_territory_sells_most_to_the_country():
    """Ties keep the order of the codes; a product sold for nothing is never proposed."""
    cube = quick_pick_cube()
    assert partners.quick_pick_products(cube, department("13"), 2024, "US") == [
        "C29A", "C20B", "C21Z", "C10A", "C28B"]
    assert partners.quick_pick_products(cube, department("13"), 2024, "US", n=2) == ["C29A", "C20B"]
    assert partners.quick_pick_products(cube, department("13"), 2024, "US", n=10) == [
        "C29A", "C20B", "C21Z", "C10A", "C28B", "C26A"]
    assert partners.quick_pick_products(cube, department("13"), 2024, "JP") == []


@pytest.mark.parametrize("text, code", [(" us ", "US"), ("hors ue", "HORS-UE"), ("Extra-EU", "HORS-UE"),
                                        ("eu27", "UE"), ("ue", "UE")])
def test_a_partner_is_read_whatever_its_case_spaces_and_alias(text, code):
    assert partners.parse_partner(text) == code


def test_an_unknown_partner_is_refused_quoting_its_first_forty_characters_and_what_is_expected():
    with pytest.raises(partners.PartnerError) as error:
        partners.parse_partner("QS")
    assert str(error.value) == ("Pays partenaire inconnu : « QS ». "
                                "Attendu un code pays ISO à deux lettres (US, CN, DE…), « UE » ou « HORS-UE ».")
    with pytest.raises(partners.PartnerError) as error:
        partners.parse_partner("z" * 50, groups=False)
    assert str(error.value) == (f"Pays partenaire inconnu : « {'z' * 40} ». "
                                "Attendu un code pays ISO à deux lettres (US, CN, DE…).")
    with pytest.raises(partners.PartnerError) as error:
        partners.parse_partner(None)
    assert str(error.value).startswith("Pays partenaire inconnu : « None ». ")


def test_a_duty_is_set_by_a_country_never_by_a_group():
    with pytest.raises(partners.PartnerError) as error:
        partners.parse_partner("hors ue", groups=False)
    assert str(error.value) == ("Un droit de douane est fixé par un pays : « hors ue » n'en est pas un. "
                                "Attendu un code pays ISO à deux lettres (US, CN, DE…).")


def test_the_quick_pick_keeps_a_half_euro_and_many_ties_in_the_order_of_the_codes():
    """Every other product (A02Z, B05Z, B07Z…) sold 2 € to the US, the others 1 €: among 129 products an
    unstable sort mixed K65Z in. Half a euro is still a sale."""
    codes = sorted(PRODUCTS["code"].astype(str))
    cube = small_cube.make_cube([(2024, "export", "13", code, "US", 1.0 + i % 2) for i, code in enumerate(codes)])
    assert partners.quick_pick_products(cube, department("13"), 2024, "US") == [
        "A02Z", "B05Z", "B07Z", "B09Z", "C10B"]
    half = small_cube.make_cube([(2024, "export", "13", "C10A", "US", 0.5)])
    assert partners.quick_pick_products(half, department("13"), 2024, "US") == ["C10A"]


def test_france_beside_the_territory_counts_only_the_products_chosen():
    exposure = partners.tariff_exposure(tariff_cube(), department("04"), 2024, "US", 0.1, products=["C20B"])
    assert exposure.france.exposed == 300.0 and exposure.france.exports == 2000.0   # 13's C29A left out
    assert exposure.region_figures.exposed == 300.0


def test_the_tariff_products_are_a_plain_table_numbered_from_zero():
    products = partners.tariff_exposure(tariff_cube(), department("04"), 2024, "US", 0.1).products
    assert list(products.columns) == ["product", "exposed", "product_exports", "share_of_product_exports",
                                      "share_of_exports", "duty"]
    assert products.index.tolist() == [0, 1] and products["product"].tolist() == ["C20B", "C10A"]
