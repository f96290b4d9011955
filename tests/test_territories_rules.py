"""The rules of the Territoires d'industrie commune list (lib.data.territories), on lists written by hand
(fast tier, issue 23): a territory's départements go from the one with most communes to the one with fewest
(ties by code), the list is separated by commas or semicolons only, its header bounded by the same limit as the
customs files, and its columns recognised by their exact names."""
from __future__ import annotations

import pytest

from lib.data.read_limits import MAX_COLUMNS
from lib.data.territories import DataFileError, read_industry_territories

HEADER = ["insee_com", "lib_com", "id_ti", "lib_ti"]


def ti_list(communes, separator=",", header=HEADER) -> bytes:
    """communes: (commune code, TI id) pairs, all in the TI « Val d'essai »."""
    lines = [separator.join(header)] + [separator.join([code, "Commune", ti, "Val d'essai"]) for code, ti in communes]
    return ("\n".join(lines) + "\n").encode("utf-8")


def read(data: bytes):
    return read_industry_territories("liste-ti-com2023-20240101.csv", data=data)


def test_the_departments_of_a_territory_go_from_most_communes_to_fewest_ties_by_code():
    """05: 1 commune, 83: 6, 84: 2, 04: 2 (listed in the file after 84): 83 first, then 04 before 84."""
    communes = ([("05001", "TI1")] + [(f"830{i:02d}", "TI1") for i in range(1, 7)]
                + [("84001", "TI1"), ("84002", "TI1"), ("04001", "TI1"), ("04002", "TI1")])
    territory = read(ti_list(communes)).resolve("ti:TI1")
    assert territory.commune_counts == (("83", 6), ("04", 2), ("84", 2), ("05", 1))
    assert territory.departments == ("83",)


def test_a_list_separated_by_semicolons_is_read_one_separated_by_tabs_is_not():
    communes = [("04001", "TI1")]
    assert read(ti_list(communes, ";")).resolve("ti:TI1").departments == ("04",)
    with pytest.raises(DataFileError) as error:
        read(ti_list(communes, "\t"))
    assert "colonne(s) manquante(s) : insee_com, lib_com, id_ti, lib_ti" in str(error.value)


@pytest.mark.parametrize("separator", [",", ";"])
def test_a_header_of_more_columns_than_the_limit_is_refused_before_reading(separator):
    header = HEADER + [f"extra{i}" for i in range(MAX_COLUMNS)]
    with pytest.raises(DataFileError) as error:
        read(ti_list([("04001", "TI1")], separator, header))
    assert f"l'en-tête compte {MAX_COLUMNS + 4} colonnes" in str(error.value)


def test_many_tabs_in_a_header_are_no_columns_of_the_list():
    """Separated by commas and semicolons only: 120 tab-separated names are one column, that lacks the others."""
    header = "\t".join(HEADER + [f"extra{i}" for i in range(120)])
    with pytest.raises(DataFileError) as error:
        read(f"{header}\n04001\tCommune\tTI1\tVal\n".encode("utf-8"))
    assert "colonne(s) manquante(s)" in str(error.value)


def test_columns_are_known_by_their_exact_names_spaces_and_byte_order_mark_aside():
    data = ti_list([("04001", "TI1")], header=["\ufeffinsee_com ", " lib_com", "id_ti", "lib_ti"])
    assert read(data).resolve("ti:TI1").departments == ("04",)
    with pytest.raises(DataFileError) as error:
        read(ti_list([("04001", "TI1")], header=["Xinsee_com", "lib_com", "id_ti", "lib_ti"]))
    assert "colonne(s) manquante(s) : insee_com" in str(error.value)
