"""Year-on-year rules one by one (issue 23: survivors of mutation testing in lib.analysis.trends): which
partners a change sentence names (1 % of the flow this year or last year, boundaries included), in which order,
with which precision and sign; a euro or less is trade; articles of island and saint names.
"""
from __future__ import annotations

import re

import pytest

from lib.analysis import trends
from lib.data.territories import department
from tests.small_cube import make_cube

DEP = department("04")


def fr(text: str) -> str:
    """Expected sentences written with plain spaces: a figure and its « % » or « € » take a no-break space."""
    return re.sub(r"(\d) (?=%|k?€)", "\\1\u00a0", text).replace("(-", "(\u2212")


def sentences(rows, n=3, flow="export"):
    """Change sentences of the Alpes-de-Haute-Provence (partners only), 13 trading both years so that both exist."""
    rows = rows + [(year, flow, "13", "C20B", "US", 1000) for year in (2023, 2024)]
    return trends.change_sentences(make_cube(rows), DEP, 2024, flow, n=n, dimensions=("partners",))


# 04 in euros. 2023: US 200, IT 40, ES 9, DE 1, CH 0,5 (250,5; 1 % = 2,5). 2024: US 201, IT 30, DE 5, BE 3,
# CH 1, NL 0,5 (240,5; 1 % = 2,4).
YEARS = [
    (2023, "export", "04", "C20B", "US", 200), (2024, "export", "04", "C20B", "US", 201),
    (2023, "export", "04", "C20B", "IT", 40), (2024, "export", "04", "C20B", "IT", 30),
    (2023, "export", "04", "C20B", "ES", 9),
    (2023, "export", "04", "C20B", "DE", 1), (2024, "export", "04", "C20B", "DE", 5),
    (2024, "export", "04", "C20B", "BE", 3),
    (2023, "export", "04", "C20B", "CH", 0.5), (2024, "export", "04", "C20B", "CH", 1),
    (2024, "export", "04", "C20B", "NL", 0.5),
]


def test_rises_then_falls_largest_first_with_their_sign_and_precision():
    assert sentences(YEARS) == [fr(s) for s in (
        "Les exportations vers l'Allemagne ont progressé de 400,0 % (+4 €) entre 2023 et 2024.",
        "Les exportations vers la Belgique, nulles en 2023, ont atteint 3 € en 2024.",
        "Les exportations vers les États-Unis ont progressé de 0,5 % (+1 €) entre 2023 et 2024.",
        "Les exportations vers l'Italie ont reculé de 25,0 % (-10 €) entre 2023 et 2024.",
        "Les exportations vers l'Espagne ont reculé de 100,0 % (-9 €) entre 2023 et 2024.")]


def test_two_rises_and_two_falls_by_default():
    cube = make_cube(YEARS)
    found = trends.change_sentences(cube, DEP, 2024, "export", dimensions=("partners",))
    assert [re.split(" ont |, ", s.split(" vers ")[1])[0] for s in found] == ["l'Allemagne", "la Belgique", "l'Italie",
                                                                            "l'Espagne"]


def test_ties_are_named_by_code():
    rises = [(2023, "export", "04", "C20B", c, 10) for c in ("US", "DE")] + \
            [(2024, "export", "04", "C20B", c, 20) for c in ("US", "DE")]
    assert [s.split(" ont ")[0] for s in sentences(rises, n=1)] == ["Les exportations vers l'Allemagne"]
    falls = [(2023, "export", "04", "C20B", c, 20) for c in ("US", "DE")] + \
            [(2024, "export", "04", "C20B", c, 10) for c in ("US", "DE")]
    found = sentences(falls, n=1)
    assert len(found) == 1 and found[0].startswith("Les exportations vers l'Allemagne ont reculé")


def test_one_percent_of_this_year_s_flow_is_enough_and_less_is_not():
    # 2024: US 97, IT 1,5, DE 1 (exactly 1 % of 100), NL 0,5 (0,5 %): NL is not named
    found = sentences([(2023, "export", "04", "C20B", "US", 100), (2024, "export", "04", "C20B", "US", 97),
                       (2024, "export", "04", "C20B", "IT", 1.5), (2024, "export", "04", "C20B", "DE", 1),
                       (2024, "export", "04", "C20B", "NL", 0.5)], n=5)
    assert [s.split(",")[0].split(" ont ")[0] for s in found] == [
        "Les exportations vers l'Italie", "Les exportations vers l'Allemagne", "Les exportations vers les États-Unis"]


def test_one_percent_of_last_year_s_flow_is_enough_and_unchanged_partners_are_not_named():
    # 2023: US 98,5, JP 1 (1 %), CH 0,5; 2024: US 98,5 (unchanged), CH 0,3, JP nothing
    found = sentences([(2023, "export", "04", "C20B", "US", 98.5), (2024, "export", "04", "C20B", "US", 98.5),
                       (2023, "export", "04", "C20B", "JP", 1),
                       (2023, "export", "04", "C20B", "CH", 0.5), (2024, "export", "04", "C20B", "CH", 0.3)], n=5)
    assert found == [fr("Les exportations vers le Japon ont reculé de 100,0 % (-1 €) entre 2023 et 2024.")]


def test_a_territory_that_stopped_trading_names_last_year_s_main_partners_only():
    found = sentences([(2023, "export", "04", "C20B", "US", 1000), (2023, "export", "04", "C20B", "DE", 1)])
    assert found == [fr("Les exportations vers les États-Unis ont reculé de 100,0 % (-1,0 k€) entre 2023 et 2024.")]


def test_a_territory_that_started_trading_names_this_year_s_main_partners_only():
    found = sentences([(2024, "export", "04", "C20B", "US", 1000), (2024, "export", "04", "C20B", "DE", 1)])
    assert found == [fr("Les exportations vers les États-Unis, nulles en 2023, ont atteint 1,0 k€ en 2024.")]


def test_flows_of_a_euro_or_less_are_still_named():
    started = sentences([(2024, "export", "04", "C20B", "US", 0.6), (2024, "export", "04", "C20B", "DE", 0.4)])
    assert len(started) == 2 and all("nulles en 2023" in s for s in started)
    stopped = sentences([(2023, "export", "04", "C20B", "US", 0.5), (2024, "export", "04", "C20B", "DE", 1000)])
    assert any(s.startswith("Les exportations vers les États-Unis ont reculé de 100,0") for s in stopped)


def test_an_unknown_flow_is_refused_in_french():
    with pytest.raises(ValueError, match="^Flux inconnu : « transit »\\.$"):
        trends.change_sentences(make_cube(YEARS), DEP, 2024, "transit")


# ---------------------------------------------------------------- change tables

def test_partner_changes_list_this_year_s_partners_half_a_euro_included():
    frame = trends.partner_changes(make_cube(YEARS), DEP, 2024, "export")
    assert list(frame.columns) == ["country", "value", "previous", "change_eur", "change_pct", "share"]
    assert list(frame.index) == list(range(6))
    assert frame["country"].tolist() == ["US", "IT", "DE", "BE", "CH", "NL"]     # ES sold nothing in 2024
    assert frame.set_index("country").loc["CH", "change_pct"] == pytest.approx(1.0)   # 0,5 € → 1 €


def test_change_tables_break_ties_by_code_and_keep_n():
    cube = make_cube([(2024, "export", "04", product, country, 10)
                      for product, country in (("C29A", "US"), ("C10A", "DE"), ("C20B", "BE"))])
    assert trends.partner_changes(cube, DEP, 2024, "export")["country"].tolist() == ["BE", "DE", "US"]
    assert trends.product_changes(cube, DEP, 2024, "export", n=2)["product"].tolist() == ["C10A", "C20B"]


# ---------------------------------------------------------------- words

def test_qatar_is_a_country_not_a_customs_code():
    assert not trends.is_unallocated("QA")
    assert trends.is_unallocated("QS") and trends.is_unallocated("ZZ")


def test_a_product_label_in_capitals_keeps_them(monkeypatch):
    monkeypatch.setattr(trends, "product_short_label", lambda code: "TIC et numérique")
    assert trends.product_phrase("C26A") == "de TIC et numérique"
    monkeypatch.setattr(trends, "product_short_label", lambda code: "Énergie")
    assert trends.product_phrase("D35A") == "d'énergie"


def test_a_territory_without_a_flow_has_no_change_sentence_for_it_and_no_error():
    """A département that exports but never imports (real files have such cases): its import page and the
    overview ask for the import sentences; there are none, and nothing raises."""
    rows = [(2023, "export", "04", "C20B", "IT", 100), (2024, "export", "04", "C20B", "IT", 120),
            (2023, "import", "13", "C20B", "DE", 50), (2024, "import", "13", "C20B", "DE", 60)]
    cube = make_cube(rows, whole_france=False)
    assert trends.change_sentences(cube, DEP, 2024, "import") == []
    assert len(trends.change_sentences(cube, DEP, 2024, "export")) == 2     # partner and product rises
