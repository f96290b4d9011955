"""Reference tables: structure always, and content against the official files in shared/ when present."""
from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from lib.data.reference import countries, departments, products
from lib.data.reference.countries import (
    COUNTRIES, CUSTOMS_ONLY_CODES, continent, country_name, is_eu27, is_known_country)
from lib.data.reference.departments import (
    DEPARTMENTS, REGIONS, department_name, departments_of_region, is_department,
    normalize_department_code, region_name, region_of)
from lib.data.reference.products import (
    PRODUCT_GROUPS, PRODUCTS, product_group, product_label, product_short_label)

SHARED_RAW = Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"


def _shared(relative: str) -> Path:
    path = SHARED_RAW / relative
    if not path.exists():
        pytest.skip(f"fichier de référence absent : {path}")
    return path


def _read_text_csv(relative: str) -> pd.DataFrame:
    return pd.read_csv(_shared(relative), dtype=str, keep_default_na=False)


def _normalise(text: str) -> str:
    """INSEE files mix ’ and ', double spaces and unaccented capitals (« Edition »)."""
    text = re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().casefold()
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


# --- départements and régions -------------------------------------------------------------------

def test_departments_structure():
    assert len(DEPARTMENTS) == 101
    assert list(DEPARTMENTS.columns) == ["code", "name", "region"]
    assert DEPARTMENTS["code"].is_unique
    codes = DEPARTMENTS["code"].tolist()
    assert codes[:3] == ["01", "02", "03"]
    assert codes[codes.index("19") + 1: codes.index("19") + 4] == ["2A", "2B", "21"]
    assert codes[-5:] == ["971", "972", "973", "974", "976"]
    assert "20" not in codes and "975" not in codes
    assert set(DEPARTMENTS["region"]) == set(REGIONS["code"])
    assert len(REGIONS) == 18 and REGIONS["code"].is_unique


def test_departments_match_cog2024():
    official = _read_text_csv("admin/departements_cog2024.csv")
    expected = set(zip(official["DEP"], official["LIBELLE"], official["REG"]))
    assert set(DEPARTMENTS.itertuples(index=False, name=None)) == expected


def test_regions_match_cog2024():
    official = _read_text_csv("admin/regions_cog2024.csv")
    assert set(REGIONS.itertuples(index=False, name=None)) == set(
        zip(official["REG"], official["LIBELLE"]))


def test_department_lookups():
    assert department_name("04") == "Alpes-de-Haute-Provence"
    assert department_name(4) == "Alpes-de-Haute-Provence"
    assert region_of("04") == "93"
    assert region_name("93") == "Provence-Alpes-Côte d'Azur"
    assert region_of("2B") == "94" and region_of("976") == "06"
    assert departments_of_region("94") == ["2A", "2B"]
    assert departments_of_region("93") == ["04", "05", "06", "13", "83", "84"]
    assert departments_of_region("99") == []
    assert "non référencé" in department_name("99")
    with pytest.raises(KeyError):
        region_of("20")


def test_every_department_belongs_to_its_region_list():
    for code, region in zip(DEPARTMENTS["code"], DEPARTMENTS["region"]):
        assert code in departments_of_region(region)
    assert sum(len(departments_of_region(r)) for r in REGIONS["code"]) == 101


@pytest.mark.parametrize("raw, expected", [
    ("4", "04"), (4, "04"), ("04", "04"), (4.0, "04"), ("4.0", "04"), (" 2a ", "2A"), ("2B", "2B"),
    ("974", "974"), (974, "974"), ("75", "75"), (95, "95"),
    ("20", None), ("975", None), ("99", None), ("0", None), ("", None), (None, None),
    (float("nan"), None), (4.5, None), ("abc", None), (True, None), ("2C", None),
])
def test_normalize_department_code(raw, expected):
    assert normalize_department_code(raw) == expected
    assert is_department(raw) is (expected is not None)


# --- products ------------------------------------------------------------------------------------

def test_products_structure():
    assert len(PRODUCTS) == 129 and PRODUCTS["code"].is_unique
    assert list(PRODUCTS.columns) == [
        "code", "label", "short_label", "group_code", "group_label", "is_goods"]
    assert PRODUCTS["code"].str.fullmatch(r"[A-U]\d\d[A-Z]").all()
    assert PRODUCTS["code"].iloc[0] == "A01Z" and PRODUCTS["code"].iloc[-1] == "U99Z"
    assert (PRODUCTS["short_label"].str.len() <= 32).all()
    assert (PRODUCTS["group_label"].str.len() <= 32).all()
    assert (PRODUCT_GROUPS["short_label"].str.len() <= 32).all()
    assert set(PRODUCTS["group_code"]) <= set(PRODUCT_GROUPS["code"])
    assert PRODUCTS["is_goods"].dtype == bool


def test_goods_cover_sections_a_to_e():
    goods = PRODUCTS[PRODUCTS["is_goods"]]
    section = PRODUCTS["code"].str[0]
    assert PRODUCTS.loc[section.isin(list("ABCDE")), "is_goods"].all()
    assert len(goods) == 80
    assert not PRODUCTS.loc[PRODUCTS["code"].isin(["F41A", "G46Z", "K64Z", "O84Z"]), "is_goods"].any()


def test_product_lookups():
    assert product_short_label("C10A") == "Viandes"
    assert product_short_label("C21Z") == "Produits pharmaceutiques"
    assert product_short_label("C29A") == "Automobiles"
    assert product_label("C21Z") == "Industrie pharmaceutique"
    assert product_group("C29A") == "CL" and product_group("C30C") == "CL"
    assert product_group("C20B") == "CE" and product_group("J62Z") == "JC"
    assert product_group(" c10a ") == "CA"
    assert product_label("C99X") == "code non référencé (C99X)"
    assert product_short_label("C99X") == "code non référencé (C99X)"
    assert product_group("C99X") == "ZZ"
    assert products.group_label("ZZ") == "Non référencé"


def test_a129_labels_match_insee():
    official = _read_text_csv("nomenclatures/a129_libelles.csv")
    expected = {code: _normalise(label) for code, label in zip(official["code"], official["libelle"])}
    assert set(PRODUCTS["code"]) == set(expected)
    mismatched = [c for c, lab in zip(PRODUCTS["code"], PRODUCTS["label"]) if _normalise(lab) != expected[c]]
    assert mismatched == []
    # our labels keep INSEE's wording exactly, only without doubled spaces
    assert not PRODUCTS["label"].str.contains("  ").any()


def test_a38_labels_match_insee():
    official = _read_text_csv("nomenclatures/na2008_niveaux_agreges_libelles.csv")
    a38 = official[(official["niveau"] == "A38") & (official["code"] != "LI")]
    expected = dict(zip(a38["code"], a38["libelle"].map(_normalise)))
    ours = PRODUCT_GROUPS[PRODUCT_GROUPS["code"] != "ZZ"]
    assert len(ours) == 38
    assert dict(zip(ours["code"], ours["label"].map(_normalise))) == expected


def test_a129_to_a38_mapping_matches_naf_table():
    path = _shared("nomenclatures/insee_naf2008_original/table_NAF2-NA.csv")
    with path.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    pairs = {(row[4].strip(), row[7].strip()) for row in rows[2:]
             if len(row) > 7 and re.fullmatch(r"[A-U]\d\d[A-Z]", row[4].strip())}
    official = dict(pairs)
    assert len(official) == len(pairs) == 129  # each A129 code has a single A38 group
    assert dict(zip(PRODUCTS["code"], PRODUCTS["group_code"])) == official


# --- countries -----------------------------------------------------------------------------------

def test_countries_structure():
    assert list(COUNTRIES.columns) == ["code", "name", "eu27", "continent"]
    assert COUNTRIES["code"].is_unique
    assert COUNTRIES["code"].str.fullmatch(r"[A-Z]{2}").all()
    assert int(COUNTRIES["eu27"].sum()) == 27
    assert set(COUNTRIES["continent"]) <= set(countries.CONTINENTS)
    assert COUNTRIES["name"].str.len().gt(0).all()
    assert not COUNTRIES["name"].str.contains(", République").any()
    assert CUSTOMS_ONLY_CODES <= set(COUNTRIES["code"])
    assert {"XK", "XC", "XL", "XS", "QP", "QQ", "QR", "QS", "QU", "QV", "QW", "QX", "QY",
            "QZ"} <= CUSTOMS_ONLY_CODES


def test_country_short_names():
    expected = {"KR": "Corée du Sud", "IR": "Iran", "US": "États-Unis", "GB": "Royaume-Uni",
                "RU": "Russie", "CN": "Chine", "DE": "Allemagne", "VN": "Viêt Nam", "TW": "Taïwan",
                "BO": "Bolivie", "TZ": "Tanzanie", "MD": "Moldavie", "SY": "Syrie",
                "VE": "Venezuela", "XK": "Kosovo"}
    assert {code: country_name(code) for code in expected} == expected
    assert country_name(" de ") == "Allemagne"
    assert country_name("ZY") == "code non référencé (ZY)"
    assert not is_known_country("ZY") and is_known_country("QU")


def test_country_zones():
    assert is_eu27("FR") and is_eu27("GR") and is_eu27("HR")
    assert not is_eu27("GB") and not is_eu27("CH") and not is_eu27("QV")
    assert continent("US") == "Amérique du Nord" and continent("MX") == "Amérique latine et Caraïbes"
    assert continent("SA") == "Proche et Moyen-Orient" and continent("CN") == "Asie"
    assert continent("MA") == "Afrique" and continent("NZ") == "Océanie"
    assert continent("QZ") == "Non ventilé" and continent("ZY") == "Non ventilé"
    assert (COUNTRIES.loc[COUNTRIES["eu27"], "continent"] == "Europe").all()


def test_every_iso_country_is_listed():
    official = _read_text_csv("countries/pays_iso3166_alpha2_fr.csv")
    assert len(official) >= 249
    assert set(official["alpha2"]) <= set(COUNTRIES["code"])
    iso_rows = COUNTRIES[~COUNTRIES["code"].isin(CUSTOMS_ONLY_CODES)]
    assert (iso_rows["continent"] != "Non ventilé").all()


def test_package_reexports_the_api():
    import lib.data.reference as reference
    assert reference.DEPARTMENTS is departments.DEPARTMENTS
    assert reference.product_label("A01Z") == products.product_label("A01Z")
    assert reference.country_name("FR") == "France"
