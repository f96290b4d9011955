"""The rules of lib.analysis.revisions one by one, on tables small enough to compute by hand (fast tier).

tests/test_revisions.py checks the whole comparison, the CLI and the data page; this file states the rules the
mutation run found unasserted (issue 23): euros to the cent in the contract, the order of equal revisions, a
code new in one version, the latest common year, the French refusals, and which catalog names a territory.
"""
from __future__ import annotations

import pytest

from lib.analysis import revisions as rev
from lib.data import versions
from lib.data.reference.products import product_short_label
from lib.data.territories import Territory, TerritoryCatalog, TerritoryError, department
from tests import small_cube

TI_NEW = Territory(id="ti:TI-A", kind="ti", name="Val nouveau", departments=("04",), regions=("93",))
TI_OLD = Territory(id="ti:TI-A", kind="ti", name="Val ancien", departments=("04", "05"), regions=("93",))
TI_GONE = Territory(id="ti:TI-B", kind="ti", name="Val disparu", departments=("05",), regions=("93",))


def cube(rows):
    """(year, flow, département, product, country, euros) rows; only the départements given."""
    return small_cube.make_cube(rows, whole_france=False)


def test_the_contract_gives_euros_to_the_cent():
    before = cube([(2024, "export", "04", "C20B", "IT", 10.126)])
    after = cube([(2024, "export", "04", "C20B", "IT", 20.3349)])
    contract = rev.revisions_json(rev.territory_revisions(before, after, department("04")), "v0001", "v0002")
    expected = {"before": 10.13, "after": 20.33, "change": 10.21}      # 20.3349 − 10.126 = 10.2089
    assert contract["exports"] == expected
    assert contract["products"] == [{"flow": "exports", "product": "C20B", "name": product_short_label("C20B"),
                                     **expected}]
    assert contract["countries"][0] == {"flow": "exports", "country": "IT", "name": "Italie", **expected}
    assert contract["imports"] == {"before": 0.0, "after": 0.0, "change": 0.0}


def test_the_contract_names_both_versions_the_year_and_the_territory():
    same = cube([(2024, "export", "04", "C20B", "IT", 1.0)])
    contract = rev.revisions_json(rev.territory_revisions(same, same, department("04")), "v0001", "v0002")
    assert {key: contract[key] for key in ("from", "to", "year", "territory")} == {
        "from": "v0001", "to": "v0002", "year": 2024,
        "territory": {"id": "dep:04", "name": "Alpes-de-Haute-Provence"}}


def test_equal_revisions_list_exports_first_then_codes_in_order():
    before = cube([(2024, "export", "04", "C29A", "IT", 100.0), (2024, "export", "04", "C10A", "IT", 100.0),
                   (2024, "import", "04", "C20B", "IT", 100.0)])
    after = cube([(2024, "export", "04", "C29A", "IT", 110.0), (2024, "export", "04", "C10A", "IT", 110.0),
                  (2024, "import", "04", "C20B", "IT", 90.0)])
    products = rev.territory_revisions(before, after, department("04")).products
    assert list(products.columns) == ["flow", "code", "before", "after", "change"]
    assert products.to_dict("records") == [
        {"flow": "export", "code": "C10A", "before": 100.0, "after": 110.0, "change": 10.0},
        {"flow": "export", "code": "C29A", "before": 100.0, "after": 110.0, "change": 10.0},
        {"flow": "import", "code": "C20B", "before": 100.0, "after": 90.0, "change": -10.0}]
    assert list(products.index) == [0, 1, 2]


def test_a_code_in_one_version_only_is_a_revision_from_or_to_zero():
    before = cube([(2024, "export", "04", "C20B", "IT", 100.0), (2024, "export", "04", "C10A", "DE", 30.0)])
    after = cube([(2024, "export", "04", "C20B", "IT", 100.0), (2024, "export", "04", "C28B", "US", 5.0)])
    revisions = rev.territory_revisions(before, after, department("04"))
    assert revisions.products.to_dict("records") == [
        {"flow": "export", "code": "C10A", "before": 30.0, "after": 0.0, "change": -30.0},
        {"flow": "export", "code": "C28B", "before": 0.0, "after": 5.0, "change": 5.0}]
    assert revisions.countries.to_dict("records") == [
        {"flow": "export", "code": "DE", "before": 30.0, "after": 0.0, "change": -30.0},
        {"flow": "export", "code": "US", "before": 0.0, "after": 5.0, "change": 5.0}]


def test_a_flow_new_in_the_later_version_is_revised_from_zero_in_numbers():
    before = cube([(2024, "export", "04", "C20B", "IT", 100.0)])
    after = cube([(2024, "export", "04", "C20B", "IT", 100.0), (2024, "import", "04", "C10A", "DE", 40.0)])
    revisions = rev.territory_revisions(before, after, department("04"))
    assert revisions.totals["imports"] == (0.0, 40.0)
    assert revisions.products.to_dict("records") == [
        {"flow": "import", "code": "C10A", "before": 0.0, "after": 40.0, "change": 40.0}]
    assert all(str(dtype) == "float64" for dtype in revisions.products[["before", "after", "change"]].dtypes)


def test_half_a_cent_is_a_revision_and_less_is_float_noise():
    before = cube([(2024, "export", "04", "C20B", "IT", 0.0), (2024, "export", "04", "C10A", "IT", 1.0)])
    after = cube([(2024, "export", "04", "C20B", "IT", rev.TOLERANCE_EUR), (2024, "export", "04", "C10A", "IT", 1.004)])
    products = rev.territory_revisions(before, after, department("04")).products
    assert products["code"].tolist() == ["C20B"]


def test_without_a_year_the_latest_year_both_versions_have_is_compared():
    rows = [(year, "export", "04", "C20B", "IT", 1.0) for year in (2021, 2022, 2023)]
    before = cube(rows)
    after = cube(rows + [(2024, "export", "04", "C20B", "IT", 1.0)])
    assert rev.compared_year(before, after) == 2023
    assert rev.compared_year(before, after, 2021) == 2021


def test_a_year_missing_from_a_version_is_refused_naming_the_common_years():
    before = cube([(year, "export", "04", "C20B", "IT", 1.0) for year in (2022, 2023)])
    after = cube([(year, "export", "04", "C20B", "IT", 1.0) for year in (2022, 2023, 2024)])
    with pytest.raises(rev.RevisionError) as error:
        rev.compared_year(before, after, 2024)
    assert str(error.value) == "Année 2024 absente de l'une des deux versions (années communes : 2022, 2023)."


def test_versions_without_a_common_year_are_refused_in_french():
    before = cube([(2022, "export", "04", "C20B", "IT", 1.0)])
    after = cube([(2024, "export", "04", "C20B", "IT", 1.0)])
    with pytest.raises(rev.RevisionError) as error:
        rev.compared_year(before, after, 2024)
    assert str(error.value) == "Année 2024 absente de l'une des deux versions (années communes : aucune)."
    with pytest.raises(rev.RevisionError) as error:
        rev.compared_year(before, after)
    assert str(error.value) == "Les deux versions n'ont aucune année en commun : rien à comparer."


def test_a_territory_is_named_by_the_newer_catalog_else_by_the_older_one():
    newer = TerritoryCatalog(industry_territories={"TI-A": TI_NEW})
    older = TerritoryCatalog(industry_territories={"TI-A": TI_OLD, "TI-B": TI_GONE})
    assert rev.resolve_in([newer, older], "ti:TI-A") == TI_NEW
    assert rev.resolve_in([newer, older], "ti:TI-B") == TI_GONE
    with pytest.raises(TerritoryError):
        rev.resolve_in([newer, older], "ti:TI-C")


class _Version:
    """What version_pair reads of a data version: its id and its manifest."""

    def __init__(self, id_: str, replaces: str | None = None):
        self.id, self.manifest = id_, ({"replaces": replaces} if replaces else {})


@pytest.fixture
def three_versions(monkeypatch):
    """v0001, v0002 (replaces v0001), v0003 in service (replaces v0002), as lib.data.versions would list them."""
    found = {"v0001": _Version("v0001"), "v0002": _Version("v0002", "v0001"), "v0003": _Version("v0003", "v0002")}
    monkeypatch.setattr(versions, "get", lambda version_id: found[version_id])
    monkeypatch.setattr(versions, "current", lambda: found["v0003"])
    monkeypatch.setattr(versions, "list_versions", lambda: list(found.values()))
    return found


def test_by_default_the_version_in_use_is_compared_with_the_one_it_replaced(three_versions):
    assert [v.id for v in rev.version_pair()] == ["v0002", "v0003"]
    assert [v.id for v in rev.version_pair(to_id="v0002")] == ["v0001", "v0002"]
    assert [v.id for v in rev.version_pair(from_id="v0001")] == ["v0001", "v0003"]


def test_a_version_that_replaced_none_needs_from_and_the_message_lists_the_versions(three_versions):
    with pytest.raises(rev.RevisionError) as error:
        rev.version_pair(to_id="v0001")
    assert str(error.value) == ("La version v0001 n'en remplace aucune : indiquez --from "
                                "(versions : v0001, v0002, v0003).")


def test_a_version_compared_with_itself_is_refused(three_versions):
    with pytest.raises(rev.RevisionError) as error:
        rev.version_pair(from_id="v0003")
    assert str(error.value) == "Les deux versions comparées sont la même (v0003)."


def test_without_a_version_in_use_there_is_nothing_to_compare(monkeypatch):
    monkeypatch.setattr(versions, "current", lambda: None)
    with pytest.raises(rev.RevisionError) as error:
        rev.version_pair()
    assert str(error.value) == ("Aucune version des données n'est en service : rien à comparer (données de "
                                "démonstration ou fichiers de data/officiel lus tels quels).")
