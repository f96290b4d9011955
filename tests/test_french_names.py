"""« de + territoire » for every département, région, France and a Territoire d'industrie."""
from __future__ import annotations

import csv

import pytest

from lib.data.reference import departments as ref
from lib.data.reference.french_names import DEPARTMENT_TNCC, capitalize_first, elide
from lib.data.territories import FRANCE, Territory, department, region


@pytest.mark.parametrize("code, expected_of, expected_subject", [
    ("23", "de la Creuse", "la Creuse"),
    ("59", "du Nord", "le Nord"),
    ("13", "des Bouches-du-Rhône", "les Bouches-du-Rhône"),
    ("37", "d'Indre-et-Loire", "Indre-et-Loire"),
    ("974", "de La Réunion", "La Réunion"),
    ("976", "de Mayotte", "Mayotte"),
    ("01", "de l'Ain", "l'Ain"),
    ("75", "de Paris", "Paris"),
    ("90", "du Territoire de Belfort", "le Territoire de Belfort"),
])
def test_department_forms(code, expected_of, expected_subject):
    phrase = department(code).phrase
    assert phrase.of == expected_of
    assert phrase.subject == expected_subject


def test_every_department_has_a_phrase_and_plural_agreement():
    assert set(DEPARTMENT_TNCC) == set(ref.DEPARTMENTS["code"])
    for code in ref.DEPARTMENTS["code"]:
        phrase = department(code).phrase
        assert phrase.of.endswith(ref.department_name(code))
        assert not phrase.of.startswith("de le") and not phrase.of.startswith("de les")
        assert phrase.verb_has == ("ont" if phrase.subject.startswith("les ") else "a")
    assert department("04").phrase.to == "aux Alpes-de-Haute-Provence"
    assert capitalize_first(department("04").phrase.subject) == "Les Alpes-de-Haute-Provence"


def test_regions_france_and_industry_territories():
    assert region("93").phrase.of == "de la région Provence-Alpes-Côte d'Azur"
    assert FRANCE.phrase.of == "de la France"
    ti = Territory(id="ti:X", kind="ti", name="Val de Durance", departments=("04",))
    assert ti.phrase.of == "du Territoire d'industrie Val de Durance"
    assert elide("de", "Orléans") == "d'Orléans" and elide("de", "Lyon") == "de Lyon"


def test_tncc_matches_the_official_cog(shared_raw):
    with open(shared_raw / "admin" / "departements_cog2024.csv", encoding="utf-8") as handle:
        official = {row["DEP"]: row["TNCC"] for row in csv.DictReader(handle)}
    assert official == DEPARTMENT_TNCC


def test_after_a_colon_the_sentence_goes_on_in_lower_case():
    from lib.data.reference.french_names import lower_first
    assert lower_first("Une entreprise peut demander") == "une entreprise peut demander"
    assert lower_first("UE : échanges") == "UE : échanges"
    assert lower_first("") == ""


def test_the_word_sheet_caveat_on_statistical_secrecy_reads_on_after_its_colon():
    from lib.outputs import fiche_docx
    from lib.data.territories import FRANCE
    line = next(text for text in fiche_docx._caveats(FRANCE) if text.startswith("**Secret statistique**"))
    assert line.startswith("**Secret statistique** : une "), line
