"""The synthesis rules one by one, on small hand-built tables (fast tier).

tests/test_synthesis.py checks every territory of the national demo (grammar, figures as displayed); this file
states each rule of lib.analysis.synthesis on a table small enough to compute by hand, so that a wrong share,
a flipped sign or a lost sentence fails in `make test-fast` (issue 23: no fast test reached the synthesis).

The main table: les Alpes-de-Haute-Provence (04) export 1 000 M€ in 2024 (900 M€ in 2023): Italie 600,
Espagne 300, États-Unis 100; products Automobiles 600, Savons 300, Viandes 100. They import 500 M€ (400 M€ in
2023): Chine 300 and Espagne 100 of Savons, Allemagne 100 of Viandes. Bouches-du-Rhône (13, same région)
export 3 000 M€ and import 2 000 M€; Paris (75) 4 000 M€ and 2 500 M€. Amounts below are in M€.
"""
from __future__ import annotations

import re

import pytest

from lib.analysis import indicators as ind
from lib.analysis.summary import territory_summary
from lib.analysis.synthesis import flow_synthesis, french_spacing, key_word, ordinal, overview_synthesis
from lib.core.schema import EXPORT, IMPORT
from lib.data.territories import FRANCE, Territory, department, region
from tests import small_cube

M = 1e6
NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"

# (year, flow, département) → (product, country, M€)
MAIN_SLICES = {
    (2024, "export", "04"): [("C29A", "IT", 550), ("C20B", "IT", 50), ("C20B", "ES", 250), ("C29A", "ES", 50),
                             ("C10A", "US", 100)],
    (2023, "export", "04"): [("C29A", "IT", 400), ("C29A", "ES", 50), ("C20B", "ES", 300), ("C10A", "US", 150)],
    (2024, "import", "04"): [("C20B", "CN", 300), ("C20B", "ES", 100), ("C10A", "DE", 100)],
    (2023, "import", "04"): [("C20B", "CN", 250), ("C20B", "ES", 50), ("C10A", "DE", 100)],
    **{(year, "export", "13"): [("C11Z", "DE", 3000)] for year in (2023, 2024)},
    **{(year, "import", "13"): [("C11Z", "DE", 2000)] for year in (2023, 2024)},
    **{(year, "export", "75"): [("C21Z", "US", 4000)] for year in (2023, 2024)},
    **{(year, "import", "75"): [("C21Z", "US", 2500)] for year in (2023, 2024)},
}
MAIN = [(year, flow, dep, *cell) for (year, flow, dep), cells in MAIN_SLICES.items() for cell in cells]


def make_cube(rows) -> ind.TradeCube:
    """A cube from (year, flow, département, product, country, value in M€) rows."""
    return small_cube.make_cube(rows, unit=M)


def spaced(text: str) -> str:
    """Write expected sentences with plain spaces; the synthesis puts French no-break spaces (amounts come
    with theirs from lib.core.formatting)."""
    return french_spacing(re.sub(r"(\d) (?=[Mk]?€)", "\\1" + NBSP, text))


# Function-scoped on purpose: mutation testing runs only the tests that called a function, and a module-scoped
# result would be computed by the first test alone.
@pytest.fixture
def main_cube():
    return make_cube(MAIN)


@pytest.fixture
def overview_04(main_cube):
    return overview_synthesis(main_cube, department("04"), 2024)


# ---------------------------------------------------------------- 1. totals and balance

def test_totals_sentence_quotes_both_flows_their_change_and_the_surplus(overview_04):
    assert overview_04.title == spaced("Commerce extérieur des Alpes-de-Haute-Provence en 2024 : synthèse")
    assert overview_04.sentences[0] == spaced(
        f"En 2024, les Alpes-de-Haute-Provence ont exporté 1{NNBSP}000,0 M€ de biens (+11,1 % sur un an) et en "
        "ont importé 500,0 M€ (+25,0 % sur un an) : l'excédent commercial atteint 500,0 M€.")


def test_a_deficit_is_stated_as_a_positive_amount_and_equal_flows_as_balanced():
    deficit = overview_synthesis(make_cube([(2024, "export", "05", "C10A", "IT", 100),
                                            (2024, "import", "05", "C10A", "IT", 300)]), department("05"), 2024)
    assert deficit.sentences[0] == spaced("En 2024, les Hautes-Alpes ont exporté 100,0 M€ de biens et en ont "
                                          "importé 300,0 M€ : le déficit commercial atteint 200,0 M€.")
    assert ("Solde commercial", f"{MINUS}200,0{NBSP}M€") in deficit.figures
    balanced = overview_synthesis(make_cube([(2024, "export", "05", "C10A", "IT", 100),
                                             (2024, "import", "05", "C10A", "IT", 100)]), department("05"), 2024)
    assert balanced.sentences[0] == spaced("En 2024, les Hautes-Alpes ont exporté 100,0 M€ de biens et en ont "
                                           "importé 100,0 M€ : les échanges sont équilibrés.")
    one_euro = small_cube.make_cube([(2024, "export", "05", "C10A", "IT", 2), (2024, "import", "05", "C10A", "IT", 1)])
    assert overview_synthesis(one_euro, department("05"), 2024).sentences[0].endswith(
        spaced(" : l'excédent commercial atteint 1 €."))           # a surplus of one euro is a surplus


def test_no_trade_at_all_is_said_in_one_sentence_without_figures(main_cube):
    synthesis = overview_synthesis(main_cube, department("06"), 2024)
    assert synthesis.title == spaced("Commerce extérieur des Alpes-Maritimes en 2024 : synthèse")
    assert synthesis.sentences == ["En 2024, aucun échange avec l'étranger n'est enregistré pour les "
                                   "Alpes-Maritimes dans les fichiers chargés."]
    assert synthesis.figures == []


def test_the_first_year_has_no_change_over_one_year(main_cube):
    synthesis = overview_synthesis(main_cube, department("04"), 2023)
    assert synthesis.sentences[0] == spaced("En 2023, les Alpes-de-Haute-Provence ont exporté 900,0 M€ de biens et "
                                            "en ont importé 400,0 M€ : l'excédent commercial atteint 500,0 M€.")
    assert "sur un an" not in synthesis.text
    assert not any("sur un an" in label for label, _ in synthesis.figures)


def test_a_change_under_one_percent_keeps_one_decimal_as_the_cards():
    cube = make_cube([(2023, "export", "05", "C10A", "IT", 1000), (2024, "export", "05", "C10A", "IT", 1005)])
    overview = overview_synthesis(cube, department("05"), 2024)
    assert overview.sentences[0].startswith(spaced("En 2024, les Hautes-Alpes ont exporté 1 005,0 M€ de biens "
                                                   "(+0,5 % sur un an)").replace(" 005", f"{NNBSP}005"))
    assert ("Exportations : évolution sur un an", f"+0,5{NBSP}%") in overview.figures
    assert ("Plus forte variation sur un an : exportations, Italie (%)", f"+0,5{NBSP}%") in overview.figures
    assert spaced("(+5,0 M€, soit +0,5 %).") in overview.text
    page = flow_synthesis(cube, department("05"), 2024, EXPORT)
    assert spaced("(+0,5 % sur un an).") in page.sentences[0]
    assert ("Exportations : évolution sur un an", f"+0,5{NBSP}%") in page.figures


def test_a_flow_absent_the_year_before_has_no_change_the_other_keeps_its_own():
    cube = make_cube([(2024, "export", "05", "C10A", "IT", 200), (2024, "import", "05", "C10A", "IT", 120),
                      (2023, "import", "05", "C10A", "IT", 100)])
    synthesis = overview_synthesis(cube, department("05"), 2024)
    assert synthesis.sentences[0] == spaced("En 2024, les Hautes-Alpes ont exporté 200,0 M€ de biens et en ont "
                                            "importé 120,0 M€ (+20,0 % sur un an) : l'excédent commercial "
                                            "atteint 80,0 M€.")
    assert [label for label, _ in synthesis.figures if "évolution" in label] == ["Importations : évolution sur un an"]


# ---------------------------------------------------------------- 2. partners

def test_partners_sentence_names_the_first_two_of_each_flow_with_their_shares(overview_04):
    assert overview_04.sentences[1] == spaced(
        "L'Italie reçoit 60,0 % des exportations, devant l'Espagne (30,0 %) ; la Chine fournit 60,0 % des "
        "importations, devant l'Allemagne (20,0 %).")


def test_partners_tied_are_ranked_by_code_and_plural_countries_take_a_plural_verb():
    cube = make_cube([(2024, "export", "05", "C10A", "US", 300), (2024, "export", "05", "C10A", "NL", 100),
                      (2024, "export", "05", "C10A", "DE", 100),
                      (2024, "import", "05", "C10A", "NL", 50)])
    synthesis = overview_synthesis(cube, department("05"), 2024)
    assert synthesis.sentences[1] == spaced("Les États-Unis reçoivent 60,0 % des exportations, devant l'Allemagne "
                                            "(20,0 %) ; les Pays-Bas fournissent 100,0 % des importations.")


def test_an_unallocated_code_is_no_partner_but_counts_in_the_total():
    cube = make_cube([(2024, "export", "05", "C10A", "QS", 500), (2024, "export", "05", "C10A", "SG", 300),
                      (2024, "export", "05", "C10A", "CN", 200)])
    synthesis = overview_synthesis(cube, department("05"), 2024)
    assert synthesis.sentences[1] == spaced("Singapour reçoit 30,0 % des exportations, devant la Chine (20,0 %).")
    assert ("Pays clients : 1er, Singapour", f"30,0{NBSP}%") in synthesis.figures


def test_a_flow_page_quotes_the_summary_it_is_given(main_cube):
    summary = territory_summary(main_cube, department("04"), 2024)
    summary["exports"] = 2000 * M                 # as the page's summary, computed once for the whole page
    synthesis = flow_synthesis(main_cube, department("04"), 2024, EXPORT, summary=summary)
    assert synthesis.figures[0] == ("Exportations", f"2{NNBSP}000,0{NBSP}M€")
    assert spaced("L'Italie reçoit 30,0 % des exportations") in synthesis.text
    overview = overview_synthesis(main_cube, department("04"), 2024, summary=summary)
    assert overview.figures[0] == ("Exportations", f"2{NNBSP}000,0{NBSP}M€")


def test_others_is_neither_a_partner_nor_a_product(main_cube):
    summary = territory_summary(main_cube, department("04"), 2024)
    for key in ("countries", "products"):
        summary["export_flows"][key] = [{"code": ind.OTHERS, "value": 900 * M}] + summary["export_flows"][key]
    text = overview_synthesis(main_cube, department("04"), 2024, summary=summary).text
    assert spaced("L'Italie reçoit 60,0 % des exportations, devant l'Espagne (30,0 %)") in text
    assert spaced("Le premier produit exporté est « Automobiles » (60,0 % des exportations)") in text
    assert "Autres" not in text and "AUTRES" not in text


# ---------------------------------------------------------------- 3. products

def test_products_sentence_names_the_first_two_of_each_flow_with_their_shares(overview_04):
    assert overview_04.sentences[2] == spaced(
        "Le premier produit exporté est « Automobiles » (60,0 % des exportations), suivi de « Savons, parfums, "
        "entretien » (30,0 %) ; le premier produit importé est « Savons, parfums, entretien » (80,0 % des "
        "importations), suivi de « Viandes » (20,0 %).")


def test_a_single_partner_and_product_have_no_second_and_de_is_elided():
    cube = make_cube([(2024, "export", "05", "C10A", "IT", 300), (2024, "export", "05", "C29A", "IT", 100),
                      (2024, "import", "05", "C29A", "DE", 100)])
    synthesis = overview_synthesis(cube, department("05"), 2024)
    assert synthesis.sentences[1] == spaced("L'Italie reçoit 100,0 % des exportations ; l'Allemagne fournit "
                                            "100,0 % des importations.")
    assert synthesis.sentences[2] == spaced(
        "Le premier produit exporté est « Viandes » (75,0 % des exportations), suivi d'« Automobiles » (25,0 %) ; "
        "le premier produit importé est « Automobiles » (100,0 % des importations).")
    assert not any(label.startswith(("2e", "Pays fournisseurs : 2e")) for label, _ in synthesis.figures
                   if "import" in label)


# ---------------------------------------------------------------- 4. concentration and dependency

def test_concentration_of_export_partners_with_its_reading_and_equivalent_number(overview_04):
    # 0,6² + 0,3² + 0,1² = 0,46 > 0,25: très concentré; 1 ÷ 0,46 = 2,17 clients of the same weight
    assert overview_04.sentences[3] == spaced(
        "Par pays, les exportations sont très concentrées (indice de Herfindahl-Hirschman 0,46 ; nombre "
        "équivalent de clients de même poids : 2,17).")
    assert ("Concentration des exportations par pays (IHH, 0–1)", "0,46") in overview_04.figures
    assert ("Nombre équivalent de pays clients (1 ÷ IHH)", "2,17") in overview_04.figures


@pytest.mark.parametrize("countries, words, hhi", [
    (["IT", "ES", "DE", "BE", "NL"], "modérément concentrées", "0,20"),              # 5 × 0,2² = 0,20
    (["IT", "ES", "DE", "BE", "NL", "AT", "PT", "PL", "SE", "DK"], "diversifiées", "0,10")])  # 10 × 0,1²
def test_concentration_readings_agree_with_les_exportations(countries, words, hhi):
    cube = make_cube([(2024, "export", "05", "C10A", code, 10) for code in countries])
    text = overview_synthesis(cube, department("05"), 2024).text
    assert spaced(f"Par pays, les exportations sont {words} (indice de Herfindahl-Hirschman {hhi} ;") in text


def test_no_concentration_without_named_export_partner_nor_without_exports():
    unallocated = overview_synthesis(make_cube([(2024, "export", "05", "C10A", "QS", 10)]), department("05"), 2024)
    assert "Herfindahl" not in unallocated.text
    imports_only = overview_synthesis(make_cube([(2024, "import", "05", "C10A", "US", 10)]), department("05"), 2024)
    assert "Herfindahl" not in imports_only.text
    assert imports_only.sentences[0].startswith("En 2024, les Hautes-Alpes ont exporté 0")
    assert spaced("Le premier produit importé est « Viandes » (100,0 % des importations).") in imports_only.sentences
    assert spaced("Les États-Unis fournissent 100,0 % des importations.") in imports_only.sentences


def test_exports_of_unnamed_products_only_leave_the_products_sentence_to_imports(main_cube):
    """Every export product folded into « Autres »: no first exported product, the imported ones still named."""
    summary = territory_summary(main_cube, department("04"), 2024)
    summary["export_flows"]["products"] = [{"code": ind.OTHERS, "value": summary["exports"]}]
    synthesis = overview_synthesis(main_cube, department("04"), 2024, summary=summary)
    assert synthesis.sentences[2] == spaced(
        "Le premier produit importé est « Savons, parfums, entretien » (80,0 % des importations), suivi de "
        "« Viandes » (20,0 %).")


def test_main_dependency_is_the_first_critical_product_and_its_supplier(overview_04):
    # Savons: Chine 300 of 400 = 75 % > 50 %, outside the EU; Viandes: Allemagne, in the EU
    assert overview_04.sentences[4] == spaced(
        "Dépendance la plus marquée : 75,0 % des importations de « Savons, parfums, entretien » viennent d'un seul "
        "fournisseur hors UE, la Chine.")
    assert ("Dépendance principale : Savons, parfums, entretien, part de Chine", f"75,0{NBSP}%") in overview_04.figures


def test_several_critical_products_are_counted():
    cube = make_cube([(2024, "import", "05", "C10A", "US", 300), (2024, "import", "05", "C29A", "CN", 200),
                      (2024, "import", "05", "C20B", "DE", 100), (2024, "export", "05", "C10A", "IT", 10)])
    synthesis = overview_synthesis(cube, department("05"), 2024)
    assert spaced("Dépendance la plus marquée : 100,0 % des importations de « Viandes » viennent d'un seul "
                  "fournisseur hors UE, les États-Unis (2 produits sur les 3 principaux sont dans ce cas).") \
        in synthesis.sentences
    assert ("Produits importés dépendant à plus de 50 % d'un fournisseur hors UE", "2") in synthesis.figures


def test_no_critical_product_is_said_so():
    cube = make_cube([(2024, "import", "05", "C10A", "DE", 300), (2024, "import", "05", "C29A", "CN", 50),
                      (2024, "import", "05", "C29A", "IT", 50), (2024, "export", "05", "C10A", "IT", 10)])
    synthesis = overview_synthesis(cube, department("05"), 2024)
    assert ("Aucun des 2 principaux produits importés ne dépend à plus de 50 % d'un seul fournisseur extérieur "
            "à l'Union européenne.") in [s.replace(NBSP, " ") for s in synthesis.sentences]
    assert ("Produits importés dépendant à plus de 50 % d'un fournisseur hors UE", "aucun") in synthesis.figures


def test_no_dependency_sentence_without_imports():
    text = overview_synthesis(make_cube([(2024, "export", "05", "C10A", "US", 10)]), department("05"), 2024).text
    assert "Dépendance" not in text and "Aucun des" not in text


# ---------------------------------------------------------------- 5. largest change over one year

def test_largest_change_is_the_largest_amount_among_partners_and_products(overview_04):
    # Italie +200 beats Automobiles +150 (exports) and Savons +100 (imports)
    assert overview_04.sentences[5] == spaced(
        "Sur un an, ce sont les exportations vers l'Italie qui ont le plus progressé (+200,0 M€, soit +50,0 %).")
    assert ("Plus forte variation sur un an : exportations, Italie", f"+200,0{NBSP}M€") in overview_04.figures
    assert ("Plus forte variation sur un an : exportations, Italie (%)", f"+50,0{NBSP}%") in overview_04.figures


def largest_change(rows, flow):
    """The « Sur un an » sentence of the Hautes-Alpes' flow page (None if there is none) and its figures."""
    synthesis = flow_synthesis(make_cube(rows), department("05"), 2024, flow)
    found = [s for s in synthesis.sentences if s.startswith("Sur un an")]
    return (found[0] if found else None), synthesis.figures


def test_a_fall_is_stated_with_a_minus_and_a_product_can_be_the_largest():
    sentence, figures = largest_change(
        [(2024, "import", "05", "C10A", "DE", 100), (2023, "import", "05", "C10A", "DE", 140),
         (2024, "import", "05", "C10A", "IT", 100), (2023, "import", "05", "C10A", "IT", 110),
         (2024, "import", "05", "C29A", "IT", 50), (2023, "import", "05", "C29A", "IT", 40)], IMPORT)
    # Viandes 250 → 200 (−50) beats Allemagne −40 and Italie +0
    assert sentence == spaced(f"Sur un an, ce sont les importations de viandes qui ont le plus reculé "
                              f"({MINUS}50,0 M€, soit {MINUS}20,0 %).")
    assert ("Plus forte variation sur un an : importations, Viandes", f"{MINUS}50,0{NBSP}M€") in figures


def test_a_partner_new_this_year_has_an_amount_but_no_rate():
    # Viandes +100 (from 10 to 110: +1 000 %) ties with Italie +100 (from nothing): the partner comes first
    sentence, figures = largest_change([(2024, "export", "05", "C10A", "IT", 100),
                                        (2023, "export", "05", "C10A", "DE", 10),
                                        (2024, "export", "05", "C10A", "DE", 10)], EXPORT)
    assert sentence == spaced("Sur un an, ce sont les exportations vers l'Italie qui ont le plus progressé "
                              "(+100,0 M€).")
    assert not any(label.endswith("(%)") for label, _ in figures)


def test_an_unallocated_first_partner_is_passed_over_not_the_partners_after_it():
    qs = [(year, "export", "05", product, "QS", value) for product in ("C10A", "C11Z", "C20B", "C21Z", "C24A")
          for year, value in ((2023, 2), (2024, 100))]
    sentence, _ = largest_change(qs + [(2023, "export", "05", "C29A", "DE", 10),
                                       (2024, "export", "05", "C29A", "DE", 300)], EXPORT)
    # QS (500, +490 in five products of +98) comes first and is no partner; Allemagne +290 ties « Automobiles »
    assert sentence == spaced("Sur un an, ce sont les exportations vers l'Allemagne qui ont le plus progressé "
                              f"(+290,0 M€, soit +2{NNBSP}900,0 %).")


def test_an_unchanged_first_partner_is_passed_over_not_the_partners_after_it():
    sentence, _ = largest_change([(year, "export", "05", "C10A", "US", 1000) for year in (2023, 2024)]
                                 + [(2023, "export", "05", "C29A", "DE", 10), (2024, "export", "05", "C29A", "DE", 20)],
                                 EXPORT)
    assert sentence == spaced("Sur un an, ce sont les exportations vers l'Allemagne qui ont le plus progressé "
                              "(+10,0 M€, soit +100,0 %).")


def test_a_rise_of_one_euro_is_a_rise():
    cube = small_cube.make_cube([(2023, "export", "05", "C10A", "IT", 2), (2024, "export", "05", "C10A", "IT", 3)])
    found = [s for s in flow_synthesis(cube, department("05"), 2024, EXPORT).sentences if s.startswith("Sur un an")]
    assert found == [spaced("Sur un an, ce sont les exportations vers l'Italie qui ont le plus progressé "
                            "(+1 €, soit +50,0 %).")]


def test_unallocated_codes_and_unchanged_rows_are_never_the_largest_change():
    # QS +490 is not a partner; Viandes +490 (product) is the largest named change
    sentence, _ = largest_change([(2024, "export", "05", "C10A", "QS", 500), (2023, "export", "05", "C10A", "QS", 10),
                                  (2024, "export", "05", "C29A", "IT", 100), (2023, "export", "05", "C29A", "IT", 90),
                                  (2024, "export", "05", "C10A", "US", 490), (2023, "export", "05", "C10A", "US", 490)],
                                 EXPORT)
    assert sentence == spaced("Sur un an, ce sont les exportations de viandes qui ont le plus progressé "
                              "(+490,0 M€, soit +98,0 %).")
    unchanged = [(2024, "export", "05", "C10A", "IT", 100), (2023, "export", "05", "C10A", "IT", 100)]
    assert largest_change(unchanged, EXPORT)[0] is None


# ---------------------------------------------------------------- 6. weight in the région and France, rank

def test_weight_in_the_region_and_in_france_then_the_rank(overview_04):
    # exports 1 000 of 4 000 (région) and of 8 000 (France); imports 500 of 2 500 and of 5 000; 3rd of 101
    assert overview_04.sentences[6] == spaced(
        "Les Alpes-de-Haute-Provence réalisent 25,0 % des exportations de la région Provence-Alpes-Côte d'Azur "
        "et 12,5 % de celles de la France ; 20,0 % des importations de la région Provence-Alpes-Côte d'Azur et "
        "10,0 % de celles de la France. Pour la valeur exportée, le département se classe au 3e rang sur 101.")
    assert len(overview_04.sentences) == 7


def test_figures_are_those_quoted_once_each_in_the_page_rounding(overview_04):
    assert overview_04.figures == [
        ("Exportations", f"1{NNBSP}000,0{NBSP}M€"), ("Importations", f"500,0{NBSP}M€"),
        ("Exportations : évolution sur un an", f"+11,1{NBSP}%"),
        ("Importations : évolution sur un an", f"+25,0{NBSP}%"), ("Solde commercial", f"500,0{NBSP}M€"),
        ("Pays clients : 1er, Italie", f"60,0{NBSP}%"), ("Pays clients : 2e, Espagne", f"30,0{NBSP}%"),
        ("Pays fournisseurs : 1er, Chine", f"60,0{NBSP}%"), ("Pays fournisseurs : 2e, Allemagne", f"20,0{NBSP}%"),
        ("1er produit exporté : Automobiles", f"60,0{NBSP}%"),
        ("2e produit exporté : Savons, parfums, entretien", f"30,0{NBSP}%"),
        ("1er produit importé : Savons, parfums, entretien", f"80,0{NBSP}%"),
        ("2e produit importé : Viandes", f"20,0{NBSP}%"),
        ("Concentration des exportations par pays (IHH, 0–1)", "0,46"),
        ("Nombre équivalent de pays clients (1 ÷ IHH)", "2,17"),
        ("Dépendance principale : Savons, parfums, entretien, part de Chine", f"75,0{NBSP}%"),
        ("Plus forte variation sur un an : exportations, Italie", f"+200,0{NBSP}M€"),
        ("Plus forte variation sur un an : exportations, Italie (%)", f"+50,0{NBSP}%"),
        ("Part de la région (export)", f"25,0{NBSP}%"), ("Part de la France (export)", f"12,5{NBSP}%"),
        ("Part de la région (import)", f"20,0{NBSP}%"), ("Part de la France (import)", f"10,0{NBSP}%"),
        ("Rang à l'export (sur 101 départements)", "3e")]


def test_the_largest_exporter_is_ranked_1er(main_cube):
    synthesis = overview_synthesis(main_cube, department("75"), 2024)
    assert synthesis.sentences[-1].endswith("Pour la valeur exportée, le département se classe au 1er rang sur 101.")
    assert ("Rang à l'export (sur 101 départements)", "1er") in synthesis.figures


def test_a_region_is_weighed_in_france_only_and_has_no_rank(main_cube):
    synthesis = overview_synthesis(main_cube, region("93"), 2024)
    assert synthesis.sentences[-1] == spaced("La région Provence-Alpes-Côte d'Azur réalise 50,0 % des exportations "
                                             "de la France et 50,0 % des importations de la France.")
    assert not any(label.startswith(("Part de la région", "Rang")) for label, _ in synthesis.figures)


def test_france_is_not_weighed_in_itself(main_cube):
    synthesis = overview_synthesis(main_cube, FRANCE, 2024)
    assert synthesis.sentences[0].startswith(f"En 2024, la France a exporté 8{NNBSP}000,0{NBSP}M€")
    assert "réalise" not in synthesis.text
    assert not any(label.startswith("Part") for label, _ in synthesis.figures)


def test_a_department_alone_in_its_region_is_weighed_in_france_only():
    cube = make_cube([(2024, "export", "976", "C10A", "IT", 10), (2024, "import", "976", "C10A", "IT", 5),
                      (2024, "export", "75", "C10A", "IT", 990), (2024, "import", "75", "C10A", "IT", 495)])
    synthesis = overview_synthesis(cube, department("976"), 2024)
    assert synthesis.sentences[-1] == spaced(
        "Mayotte réalise 1,0 % des exportations de la France et 1,0 % des importations de la France. Pour la "
        "valeur exportée, le département se classe au 2e rang sur 101.")


def test_an_industry_territory_on_two_regions_is_weighed_in_both_together():
    cube = make_cube([(2024, "export", "04", "C10A", "IT", 100), (2024, "export", "2A", "C10A", "IT", 100),
                      (2024, "export", "13", "C10A", "IT", 600), (2024, "export", "2B", "C10A", "IT", 200),
                      (2024, "export", "75", "C10A", "IT", 1000)])
    territory = Territory(id="ti:T1", kind="ti", name="Territoire test", departments=("04", "2A"),
                          regions=("93", "94"))
    synthesis = flow_synthesis(cube, territory, 2024, EXPORT)
    # 200 of 100 + 100 + 600 + 200 (PACA and Corse together), 200 of 2 000 for France; no rank for a TI
    assert synthesis.sentences[-1].endswith(spaced(
        "réalise 20,0 % des exportations des régions Provence-Alpes-Côte d'Azur et Corse réunies et 10,0 % de "
        "celles de la France."))
    assert ("Part des régions réunies (export)", f"20,0{NBSP}%") in synthesis.figures
    assert not any(label.startswith("Rang") for label, _ in synthesis.figures)


def test_a_france_the_files_do_not_cover_is_called_partial():
    cube = small_cube.make_cube([(2024, "export", "04", "C10A", "IT", 100), (2024, "export", "75", "C10A", "IT", 300)],
                                unit=M, whole_france=False)
    synthesis = flow_synthesis(cube, department("04"), 2024, EXPORT)
    assert synthesis.sentences[-1].startswith(spaced(
        "Les Alpes-de-Haute-Provence réalisent 100,0 % des exportations de la région Provence-Alpes-Côte d'Azur et "
        "25,0 % de celles de la France (partielle : départements des fichiers chargés)."))
    assert ("Part de la France partielle (export)", f"25,0{NBSP}%") in synthesis.figures


def test_when_nobody_imports_the_weight_is_of_exports_only():
    cube = make_cube([(2024, "export", "04", "C10A", "IT", 100), (2024, "export", "13", "C10A", "IT", 300),
                      (2024, "export", "75", "C10A", "IT", 600)])
    synthesis = overview_synthesis(cube, department("04"), 2024)
    assert synthesis.sentences[-1] == spaced(
        "Les Alpes-de-Haute-Provence réalisent 25,0 % des exportations de la région Provence-Alpes-Côte d'Azur et "
        "10,0 % de celles de la France. Pour la valeur exportée, le département se classe au 3e rang sur 101.")


# ---------------------------------------------------------------- the flow pages

def test_export_page_synthesis_speaks_of_exports_only(main_cube):
    synthesis = flow_synthesis(main_cube, department("04"), 2024, EXPORT)
    assert synthesis.title == spaced("Exportations des Alpes-de-Haute-Provence en 2024 : synthèse")
    assert synthesis.sentences == [spaced(s) for s in (
        f"En 2024, les Alpes-de-Haute-Provence ont exporté 1{NNBSP}000,0 M€ de biens (+11,1 % sur un an).",
        "L'Italie reçoit 60,0 % des exportations, devant l'Espagne (30,0 %).",
        "Le premier produit exporté est « Automobiles » (60,0 % des exportations), suivi de « Savons, parfums, "
        "entretien » (30,0 %).",
        "Sur un an, ce sont les exportations vers l'Italie qui ont le plus progressé (+200,0 M€, soit +50,0 %).",
        "Les Alpes-de-Haute-Provence réalisent 25,0 % des exportations de la région Provence-Alpes-Côte d'Azur et "
        "12,5 % de celles de la France. Pour la valeur exportée, le département se classe au 3e rang sur 101.")]
    assert synthesis.figures[:2] == [("Exportations", f"1{NNBSP}000,0{NBSP}M€"),
                                     ("Exportations : évolution sur un an", f"+11,1{NBSP}%")]


def test_import_page_synthesis_speaks_of_imports_only_without_rank(main_cube):
    synthesis = flow_synthesis(main_cube, department("04"), 2024, IMPORT)
    assert synthesis.title == spaced("Importations des Alpes-de-Haute-Provence en 2024 : synthèse")
    assert synthesis.sentences == [spaced(s) for s in (
        "En 2024, les Alpes-de-Haute-Provence ont importé 500,0 M€ de biens (+25,0 % sur un an).",
        "La Chine fournit 60,0 % des importations, devant l'Allemagne (20,0 %).",
        "Le premier produit importé est « Savons, parfums, entretien » (80,0 % des importations), suivi de "
        "« Viandes » (20,0 %).",
        "Sur un an, ce sont les importations de savons, parfums, entretien qui ont le plus progressé "
        "(+100,0 M€, soit +33,3 %).",
        "Les Alpes-de-Haute-Provence réalisent 20,0 % des importations de la région Provence-Alpes-Côte d'Azur et "
        "10,0 % de celles de la France.")]
    assert synthesis.figures[:2] == [("Importations", f"500,0{NBSP}M€"),
                                     ("Importations : évolution sur un an", f"+25,0{NBSP}%")]


def test_a_flow_page_without_that_flow_says_so():
    cube = make_cube([(2024, "export", "05", "C10A", "IT", 100), (2024, "import", "06", "C10A", "IT", 100)])
    synthesis = flow_synthesis(cube, department("05"), 2024, IMPORT)
    assert synthesis.title == spaced("Importations des Hautes-Alpes en 2024 : synthèse")
    assert synthesis.sentences == ["En 2024, aucune importation n'est enregistrée pour les Hautes-Alpes dans "
                                   "les fichiers chargés."]
    assert synthesis.figures == []
    exports = flow_synthesis(cube, department("06"), 2024, EXPORT)
    assert exports.title == spaced("Exportations des Alpes-Maritimes en 2024 : synthèse")
    assert exports.sentences == ["En 2024, aucune exportation n'est enregistrée pour les Alpes-Maritimes dans "
                                 "les fichiers chargés."]
    assert flow_synthesis(cube, department("05"), 2024, EXPORT).sentences[0] == spaced(
        "En 2024, les Hautes-Alpes ont exporté 100,0 M€ de biens.")


# ---------------------------------------------------------------- words

def test_french_spacing_puts_no_break_spaces_where_french_wants_them():
    assert french_spacing("a ; b : « c » 12 % d") == f"a{NNBSP}; b{NBSP}: «{NBSP}c{NBSP}» 12{NBSP}% d"
    assert french_spacing("taux % seul") == "taux % seul"          # only after a figure


def test_ordinals_and_flow_words():
    assert [ordinal(n) for n in (1, 2, 3, 101)] == ["1er", "2e", "3e", "101e"]
    assert (key_word(EXPORT), key_word(IMPORT)) == ("exportations", "importations")
