"""Year-on-year trends against plain-Python sums over a small hand-made table, and the French sentences."""
import math
from collections import defaultdict

import pandas as pd
import pytest

from lib.analysis import trends
from lib.core.formatting import NBSP
from lib.analysis.indicators import TradeCube
from lib.data.territories import FRANCE, Territory, department, region

M = 1e6
MINUS = "\u2212"

# (year, flow, département, product, country, value)
ROWS = [
    # 2022: exports only (no import anywhere: coverage is NaN)
    (2022, "export", "04", "C21Z", "DE", 1 * M),
    # 2023
    (2023, "export", "04", "C21Z", "DE", 60 * M), (2023, "export", "04", "C29A", "DE", 40 * M),
    (2023, "export", "04", "C21Z", "CN", 50 * M), (2023, "export", "04", "C10A", "JP", 20 * M),
    (2023, "export", "04", "C10A", "BE", 0.5 * M), (2023, "export", "04", "C29A", "QV", 10 * M),
    (2023, "import", "04", "C21Z", "JP", 10 * M), (2023, "import", "04", "C10A", "US", 8 * M),
    (2023, "export", "05", "C21Z", "DE", 25 * M),
    (2023, "export", "75", "C29A", "CN", 90 * M),
    # 2024
    (2024, "export", "04", "C21Z", "DE", 47.7 * M), (2024, "export", "04", "C29A", "DE", 40 * M),   # DE −12,3 %
    (2024, "export", "04", "C21Z", "CN", 54.06 * M),                                              # CN +8,1 %
    (2024, "export", "04", "C10A", "JP", 20 * M),                                                 # unchanged
    (2024, "export", "04", "C10A", "BE", 1.0 * M),       # doubles, but < 1 % of the flow: never named
    (2024, "export", "04", "C29A", "QV", 30 * M),        # « non ventilé »: never named
    (2024, "export", "04", "C14Z", "MA", 5 * M),         # new partner and new product
    (2024, "import", "04", "C21Z", "JP", 12 * M), (2024, "import", "04", "C10A", "US", 6 * M),
    (2024, "export", "05", "C21Z", "DE", 30 * M), (2024, "export", "05", "C29A", "US", 10 * M),
    (2024, "export", "75", "C29A", "CN", 100 * M),
    (2024, "import", "75", "C21Z", "CN", 50 * M),
]
PACA = {"04", "05", "06", "13", "83", "84"}


@pytest.fixture(scope="module")
def cube():
    table = pd.DataFrame([(y, f, d, "x", p, c, v) for y, f, d, p, c, v in ROWS],
                         columns=["year", "flow", "department", "region", "product", "country", "value_eur"])
    return TradeCube(table)


def _sum(year=None, flow=None, deps=None, product=None, country=None):
    return sum(v for y, f, d, p, c, v in ROWS
               if (year is None or y == year) and (flow is None or f == flow) and (deps is None or d in deps)
               and (product is None or p == product) and (country is None or c == country))


def _by(key_index, year, flow, deps):
    sums = defaultdict(float)
    for row in ROWS:
        if row[0] == year and row[1] == flow and (deps is None or row[2] in deps):
            sums[row[key_index]] += row[5]
    return sums


# ---------------------------------------------------------------- yearly totals

@pytest.mark.parametrize("territory, deps", [(department("04"), {"04"}), (region("93"), PACA), (FRANCE, None)])
def test_yearly_totals_every_year(cube, territory, deps):
    frame = trends.yearly_totals(cube, territory)
    assert list(frame.columns) == ["year", "exports", "imports", "balance", "coverage"]
    assert frame["year"].tolist() == [2022, 2023, 2024]
    for row in frame.itertuples(index=False):
        exports, imports = _sum(row.year, "export", deps), _sum(row.year, "import", deps)
        assert row.exports == pytest.approx(exports)
        assert row.imports == pytest.approx(imports)
        assert row.balance == pytest.approx(exports - imports)
        if imports:
            assert row.coverage == pytest.approx(exports / imports)
        else:
            assert math.isnan(row.coverage)


# ---------------------------------------------------------------- changes

def test_partner_changes_against_plain_sums(cube):
    frame = trends.partner_changes(cube, department("04"), 2024, "export", n=10)
    now, before = _by(4, 2024, "export", {"04"}), _by(4, 2023, "export", {"04"})
    expected_order = sorted(now, key=lambda c: (-now[c], c))
    assert frame["country"].tolist() == expected_order
    total = sum(now.values())
    for row in frame.itertuples(index=False):
        prev = before.get(row.country, 0.0)
        assert row.value == pytest.approx(now[row.country])
        assert row.previous == pytest.approx(prev)
        assert row.change_eur == pytest.approx(now[row.country] - prev)
        assert row.share == pytest.approx(now[row.country] / total)
        if prev:
            assert row.change_pct == pytest.approx(now[row.country] / prev - 1)
        else:
            assert math.isnan(row.change_pct)           # MA: no export in 2023
    de = frame.set_index("country").loc["DE"]
    assert de["change_pct"] == pytest.approx(-0.123)
    assert trends.partner_changes(cube, department("04"), 2024, "export", n=2)["country"].tolist() == \
        expected_order[:2]


def test_product_changes_for_a_region_and_without_previous_year(cube):
    frame = trends.product_changes(cube, region("93"), 2024, "export")
    now, before = _by(3, 2024, "export", PACA), _by(3, 2023, "export", PACA)
    assert frame["product"].tolist() == sorted(now, key=lambda p: (-now[p], p))
    for row in frame.itertuples(index=False):
        assert row.value == pytest.approx(now[row.product])
        assert row.previous == pytest.approx(before.get(row.product, 0.0))
    first = trends.product_changes(cube, department("04"), 2022, "export")   # 2021 is not in the table
    assert first["product"].tolist() == ["C21Z"]
    assert math.isnan(first["previous"].iloc[0]) and math.isnan(first["change_eur"].iloc[0])
    assert math.isnan(first["change_pct"].iloc[0])


def test_territory_sums_memoised_by_departments(cube):
    """Every territory's sums are computed once per data (the synthesis, the change sentences and the change
    tables of a page share them), keyed by the départements they cover, not by the territory's name."""
    first = trends.territory_sums(cube, FRANCE, 2024, "export", "country")
    assert trends.territory_sums(cube, FRANCE, 2024, "export", "country") is first
    assert first["CN"] == pytest.approx(_sum(2024, "export", country="CN"))
    own = trends.territory_sums(cube, department("04"), 2024, "export", "country")
    assert trends.territory_sums(cube, department("04"), 2024, "export", "country") is own
    assert own["CN"] == pytest.approx(_sum(2024, "export", deps=("04",), country="CN"))
    alias = Territory(id="ti:seul-04", kind="ti", name="TI d'un seul département", departments=("04",),
                      regions=("93",))
    assert trends.territory_sums(cube, alias, 2024, "export", "country") is own
    other_year = trends.territory_sums(cube, department("04"), 2023, "export", "country")
    assert other_year is not own


# ---------------------------------------------------------------- sentences

def test_change_sentences_exports(cube):
    sentences = trends.change_sentences(cube, department("04"), 2024, "export", n=2)
    assert sentences == [
        f"Les exportations vers le Maroc, nulles en 2023, ont atteint 5,0{NBSP}M€ en 2024.",
        f"Les exportations vers la Chine ont progressé de 8,1{NBSP}% (+4,1{NBSP}M€) entre 2023 et 2024.",
        f"Les exportations vers l'Allemagne ont reculé de 12,3{NBSP}% ({MINUS}12,3{NBSP}M€) entre 2023 et 2024.",
        f"Les exportations d'automobiles ont progressé de 40,0{NBSP}% (+20,0{NBSP}M€) entre 2023 et 2024.",
        f"Les exportations d'habillement, nulles en 2023, ont atteint 5,0{NBSP}M€ en 2024.",
        f"Les exportations de produits pharmaceutiques ont reculé de 7,5{NBSP}% ({MINUS}8,2{NBSP}M€) "
        "entre 2023 et 2024.",
    ]
    text = " ".join(sentences)
    assert "Belgique" not in text            # < 1 % of the flow
    assert "non déterminés" not in text      # QV: « non ventilé »
    assert "Japon" not in text               # no change


def test_change_sentences_imports_n_and_dimensions(cube):
    sentences = trends.change_sentences(cube, department("04"), 2024, "import", n=1, dimensions=("partners",))
    assert sentences == [
        f"Les importations en provenance du Japon ont progressé de 20,0{NBSP}% (+2,0{NBSP}M€) entre 2023 et 2024.",
        f"Les importations en provenance des États-Unis ont reculé de 25,0{NBSP}% ({MINUS}2,0{NBSP}M€) "
        "entre 2023 et 2024.",
    ]
    assert trends.change_sentences(cube, department("04"), 2022, "export") == []   # no previous year
    with pytest.raises(ValueError):
        trends.change_sentences(cube, department("04"), 2024, "transit")


@pytest.mark.parametrize("code, export, import_", [
    ("DE", "vers l'Allemagne", "en provenance de l'Allemagne"),
    ("CN", "vers la Chine", "en provenance de la Chine"),
    ("JP", "vers le Japon", "en provenance du Japon"),
    ("US", "vers les États-Unis", "en provenance des États-Unis"),
    ("NL", "vers les Pays-Bas", "en provenance des Pays-Bas"),
    ("GB", "vers le Royaume-Uni", "en provenance du Royaume-Uni"),
    ("MX", "vers le Mexique", "en provenance du Mexique"),
    ("SG", "vers Singapour", "en provenance de Singapour"),
    ("IL", "vers Israël", "en provenance d'Israël"),
    ("KR", "vers la Corée du Sud", "en provenance de la Corée du Sud"),
    ("KY", "vers les îles Caïmans", "en provenance des îles Caïmans"),
    ("QZ", "à destination de : Secret statistique extra-UE", "en provenance de : Secret statistique extra-UE"),
    ("SM", "vers Saint-Marin", "en provenance de Saint-Marin"),
    ("LC", "vers Sainte-Lucie", "en provenance de Sainte-Lucie"),
    ("ST", "vers Sao Tomé-et-Principe", "en provenance de Sao Tomé-et-Principe"),
    ("IM", "vers l'île de Man", "en provenance de l'île de Man"),
    ("QA", "vers le Qatar", "en provenance du Qatar"),            # a country, not a customs Q code
])
def test_country_phrases(code, export, import_):
    assert trends.country_phrase(code, "export") == export
    assert trends.country_phrase(code, "import") == import_


@pytest.mark.parametrize("code, both_ways", [
    ("US", "avec les États-Unis"), ("DE", "avec l'Allemagne"), ("CN", "avec la Chine"), ("JP", "avec le Japon"),
    ("SG", "avec Singapour"), ("QZ", "avec : Secret statistique extra-UE"),
])
def test_country_phrases_both_ways(code, both_ways):
    assert trends.country_phrase(code, trends.WITH) == both_ways


def test_product_phrases():
    assert trends.product_phrase("C21Z") == "de produits pharmaceutiques"
    assert trends.product_phrase("C14Z") == "d'habillement"
    assert trends.product_phrase("D35A") == "d'électricité"
    assert trends.product_phrase("Z99Z") == "du produit de code Z99Z"
