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
