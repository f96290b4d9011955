import pytest

from lib.core.errors import DataFileError
from lib.data.territories import (FRANCE, TerritoryCatalog, TerritoryError, department, department_of_commune,
                             read_industry_territories, region)

TI_CSV = """insee_com,lib_com,id_ti,lib_ti
04001,A,TI1,Val test
04002,B,TI1,Val test
04003,C,TI1,Val test
04004,D,TI1,Val test
04005,E,TI1 ; TI2,Val test ; Autre test
05001,F,TI1,Val test
05002,G,TI1,Val test
2A001,H,TI2,Autre test
2A002,I,TI2,Autre test
2A003,J,TI2,Autre test
2A004,K,TI2,Autre test
2A005,L,TI2,Autre test
2B001,M,TI2,Autre test
2B002,N,TI2,Autre test
2B003,O,TI2,Autre test
2B004,P,TI2,Autre test
2B005,Q,TI2,Autre test
97411,R,TI3,Île test
"""


@pytest.fixture
def catalog(tmp_path):
    path = tmp_path / "liste-ti-com2023-20240101.csv"
    path.write_text(TI_CSV, encoding="utf-8")
    return read_industry_territories(path)


def test_main_departments_rule(catalog):
    ti1 = catalog.resolve("ti:TI1")
    assert ti1.departments == ("04",)                      # 5 communes in 04, only 2 in 05
    assert dict(ti1.commune_counts) == {"04": 5, "05": 2}
    assert ti1.minor_departments == (("05", 2),)
    ti2 = catalog.resolve("ti:TI2")                          # shared commune 04005 counted, 5+5 in Corsica
    assert ti2.departments == ("2A", "2B") and ti2.regions == ("94",)
    assert dict(ti2.commune_counts)["04"] == 1
    assert catalog.resolve("ti:TI3").departments == ("974",)  # fewer than 5 anywhere: biggest kept


def test_resolve_ids(catalog):
    assert catalog.resolve("dep:4") == department("04")
    assert catalog.resolve("reg:93").departments == region("93").departments
    assert "04" in catalog.resolve("reg:93").departments
    assert catalog.resolve("fr") is FRANCE and len(FRANCE.departments) == 101
    assert department("2A").label == "2A – Corse-du-Sud"
    assert department("04").slug == "dep-04"
    for bad in ["dep:99", "reg:00", "ti:nope", "pays:FR", "", "<script>"]:
        with pytest.raises(TerritoryError) as err:
            catalog.resolve(bad)
        assert "inconnu" in str(err.value) or "non reconnu" in str(err.value)


def test_commune_department():
    assert department_of_commune("97411") == "974"
    assert department_of_commune("2A004") == "2A"
    assert department_of_commune("1001") == "01"


def test_bad_ti_files(tmp_path):
    empty = tmp_path / "liste-ti-com-vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataFileError, match="vide"):
        read_industry_territories(empty)
    missing = tmp_path / "liste-ti-com-bad.csv"
    missing.write_text("insee_com,lib_com,lib_ti\n04001,A,X\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="id_ti"):
        read_industry_territories(missing)
    bad_dep = tmp_path / "liste-ti-com-dep.csv"
    bad_dep.write_text("insee_com,lib_com,id_ti,lib_ti\n99001,A,T,X\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="ligne 2"):
        read_industry_territories(bad_dep)


def test_ti_of_department(catalog):
    assert [t.id for t in catalog.industry_territories_of_department("04")] == ["ti:TI1"]
    assert TerritoryCatalog().territories_of_kind("ti") == []


# ---------------------------------------------------------------- rules stated one by one (issue 23)
from lib.data.reference import departments as ref_dep  # noqa: E402
from lib.data.territories import (Territory, join_names, region_title, region_union,  # noqa: E402
                                  regions_share_label, search_territories, search_text)


def test_catalog_lists_every_department_and_region_in_code_order():
    catalog = TerritoryCatalog()
    deps = catalog.territories_of_kind("dep")
    assert [t.id for t in deps] == [f"dep:{c}" for c in ref_dep.DEPARTMENTS["code"]] and len(deps) == 101
    assert deps[0] == department("01")
    regs = catalog.territories_of_kind("reg")
    assert [t.id for t in regs] == [f"reg:{c}" for c in ref_dep.REGIONS["code"]] and len(regs) == 18
    assert regs[0] == region(ref_dep.REGIONS["code"].iloc[0])
    assert catalog.territories_of_kind("fr") == [FRANCE]


def test_france_is_found_by_its_name_in_any_case(catalog):
    for text in ("fr", "FR", "France", "FRANCE", " france "):
        assert catalog.resolve(text) is FRANCE, text


def test_resolve_messages_name_what_was_expected(catalog):
    with pytest.raises(TerritoryError) as err:
        catalog.resolve("reg:00")
    assert str(err.value) == "Région inconnue : « 00 » (attendu un code INSEE de région comme 93 ou 11)."
    with pytest.raises(TerritoryError) as err:
        catalog.resolve(None)                                  # no id at all: quoted empty, not invented
    assert str(err.value) == ("Identifiant de territoire non reconnu : «  » "
                              "(attendu dep:CODE, ti:IDENTIFIANT, reg:CODE ou fr).")
    with pytest.raises(TerritoryError) as err:
        catalog.resolve("x" * 100)                             # a long id is echoed on 60 characters at most
    assert "x" * 60 + " »" in str(err.value) and "x" * 61 not in str(err.value)


def test_the_kind_is_what_precedes_the_first_colon(catalog):
    with pytest.raises(TerritoryError, match="^Département inconnu : « 2A:x »"):
        catalog.resolve("dep:2A:x")


def test_names_are_joined_with_commas_and_et():
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B"]) == "A et B"
    assert join_names(["A", "B", "C"]) == "A, B et C"


def test_region_titles_and_share_labels_name_each_region_once():
    assert region_title(region("94")) == "Région Corse"
    together = region_union(["94", "93"])
    assert together.name == "Régions Provence-Alpes-Côte d'Azur et Corse"
    assert region_title(together) == "Régions Provence-Alpes-Côte d'Azur et Corse"    # no « Région Régions »
    assert regions_share_label(["93"]) == "Part de la région"
    assert regions_share_label(["93", "93"]) == "Part de la région"                  # one région, repeated
    assert regions_share_label([]) == "Part de la région"
    assert regions_share_label(["94", "93"]) == "Part des régions Provence-Alpes-Côte d'Azur et Corse"
    assert regions_share_label(["94", "93"], short=True) == "Part des régions PACA et Corse"


def test_search_text_is_folded_words():
    name, others = search_text(department("54"))
    assert name == "meurthe et moselle"                      # hyphens as spaces, lower case
    assert others == "54 meurthe et moselle 44 grand est"
    assert search_text(region("93"))[0] == "provence alpes cote d azur"     # accents and apostrophes folded


def test_search_ranks_own_name_then_main_departments_then_touched_ones():
    other = department("04")                                          # does not match: skipped, not a stop
    touched = Territory(id="ti:S", kind="ti", name="Sud Lorraine", departments=("88",),
                        commune_counts=(("88", 10), ("54", 2)))        # Meurthe-et-Moselle only touched
    main = Territory(id="ti:P", kind="ti", name="Pays Haut", departments=("54",), commune_counts=(("54", 9),))
    own = department("57")                                            # « Moselle »: its own name
    found = search_territories([other, touched, main, own], "moselle")
    assert [t.id for t in found] == ["dep:57", "ti:P", "ti:S"]
    assert search_territories([other, touched, main, own], "xx") == []     # a word found nowhere finds nothing


def test_a_commune_listed_in_two_tis_counts_for_both_with_or_without_spaces():
    csv = ("insee_com,lib_com,id_ti,lib_ti\n"
           + "".join(f"0400{i},C{i},TIA;TIB,Alpha ; Beta\n" for i in range(1, 6)))
    catalog = read_industry_territories("liste-ti-com2023-x.csv", data=csv.encode("utf-8"))
    assert sorted(catalog.industry_territories) == ["TIA", "TIB"]
    assert catalog.resolve("ti:TIB").commune_counts == (("04", 5),)
    assert catalog.resolve("ti:TIB").name == "Beta"


def test_the_ids_of_the_catalog_are_those_of_the_list(catalog):
    assert sorted(catalog.industry_territories) == ["TI1", "TI2", "TI3"]


NAMELESS_TIB = ("insee_com,lib_com,id_ti,lib_ti\n"
                + "".join(f"0400{i},C{i},TIA ; TIB,Alpha\n" for i in range(1, 6))).encode("utf-8")


def test_a_commune_of_two_tis_with_one_name_still_counts_for_both():
    catalog = read_industry_territories("liste-ti-com2023-x.csv", data=NAMELESS_TIB)
    assert sorted(catalog.industry_territories) == ["TIA", "TIB"]
    assert catalog.resolve("ti:TIA").name == "Alpha"
    assert catalog.resolve("ti:TIB").commune_counts == (("04", 5),)


def test_a_ti_without_a_name_on_its_lines_is_named_by_its_own_id():
    """Found by mutmut (issue 23): the missing name was padded with the ids from the start of the line, so
    TIB was named « TIA »."""
    catalog = read_industry_territories("liste-ti-com2023-x.csv", data=NAMELESS_TIB)
    assert catalog.resolve("ti:TIB").name == "TIB"


def test_a_list_without_any_ti_is_refused_in_french():
    csv = "insee_com,lib_com,id_ti,lib_ti\n04001,A,,\n04002,B, ,\n"
    with pytest.raises(DataFileError) as err:
        read_industry_territories("liste-ti-com2023-x.csv", data=csv.encode("utf-8"))
    assert str(err.value) == "Fichier « liste-ti-com2023-x.csv » : aucune commune rattachée à un Territoire d'industrie."


def test_tis_of_the_same_name_are_listed_by_id_whatever_the_file_order():
    csv = "insee_com,lib_com,id_ti,lib_ti\n04001,A,TIB,Même nom\n05001,B,TIA,Même nom\n"
    catalog = read_industry_territories("liste-ti-com2023-x.csv", data=csv.encode("utf-8"))
    assert [t.id for t in catalog.territories_of_kind("ti")] == ["ti:TIA", "ti:TIB"]


def _ti_error(data: bytes) -> str:
    with pytest.raises(DataFileError) as err:
        read_industry_territories("l.csv", data=data)
    return str(err.value)


def test_ti_file_errors_name_the_file_and_what_was_expected():
    assert _ti_error(b"") == ("Fichier « l.csv » : le fichier est vide (0 ligne) ; attendu la liste des communes "
                              "des Territoires d'industrie.")
    assert _ti_error(b"insee_com,lib_com\n04001,A\n") == (
        "Fichier « l.csv », colonne « id_ti » : colonne(s) manquante(s) : id_ti, lib_ti ; "
        "colonnes attendues : insee_com, lib_com, id_ti, lib_ti.")
    assert _ti_error(b'insee_com,lib_com,id_ti,lib_ti\n"04001,A,T,X\n').startswith(
        "Fichier « l.csv » : CSV illisible (")


def test_the_catalog_names_its_source_file(catalog):
    assert catalog.ti_source == "liste-ti-com2023-20240101.csv"


def test_the_separator_is_read_from_the_header_line_only():
    # comma-separated, but communes of four TIs carry more « ; » than « , » in the body
    body = "".join(f"0400{i},C{i},T1 ; T2 ; T3 ; T4,A ; B ; C ; D\n" for i in range(1, 6))
    catalog = read_industry_territories("l.csv", data=("insee_com,lib_com,id_ti,lib_ti\n" + body).encode("utf-8"))
    assert sorted(catalog.industry_territories) == ["T1", "T2", "T3", "T4"]
    spaced = "insee_com ; lib_com ; id_ti ; lib_ti\n" + "".join(f"0500{i} ; C ; T9 ; Neuf\n" for i in range(1, 6))
    assert read_industry_territories("l.csv", data=spaced.encode("utf-8")).resolve("ti:T9").departments == ("05",)


def test_repeated_byte_order_marks_are_ignored():
    for marks in (2, 3):        # a file saved again by Excel; pandas itself drops only one mark
        data = ("\ufeff" * marks + "insee_com,lib_com,id_ti,lib_ti\n04001,A,T,X\n").encode("utf-8")
        assert read_industry_territories("l.csv", data=data).resolve("ti:T").departments == ("04",), marks
