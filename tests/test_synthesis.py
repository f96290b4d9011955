"""The written synthesis (lib.analysis.synthesis): explicit rules, figures as displayed, French grammar everywhere."""
from __future__ import annotations

import re

import pytest

from lib.analysis import indicators as ind
from lib.core.schema import EXPORT, IMPORT
from lib.analysis.synthesis import flow_synthesis, ordinal, overview_synthesis

YEAR = 2024
# a figure as the pages display it: « 511,9 M€ », « −0,6 % », « 0,09 % », « 72,6 k€ », « 0,25 »
FIGURE = re.compile(r"[+\u2212]?\d[\d\u202f]*(?:,\d+)?(?:\u00a0(?:%|M€|k€))?")
BAD_GRAMMAR = [" ;", " :", "« ", " »", " %", " de le ", " de les ", " à le ", " à les ", " de de ", " de des ", "  ", " ,", " .", " nan", "NaN",
               "None", "\u2013", "« Autres »", "()", " a ont ", "ont exporté 0"]
NO_ELISION = re.compile(r"\b(?:de|le|la|que) [aeiouyéèêâîôAEIOUYÉÈÊÂÎÔ]")


@pytest.fixture(scope="module")
def cube(app_data):
    return app_data.cube


def _numbers(text: str) -> set[str]:
    """The figures quoted in a text, without years, ranks and counts (checked apart)."""
    found = set()
    for match in FIGURE.finditer(text):
        token = match.group(0)
        if "\u00a0" in token or "," in token:
            found.add(token.lstrip("+\u2212"))
    return found


def _check(synthesis, territory):
    text = synthesis.text
    assert synthesis.sentences, territory.id
    for bad in BAD_GRAMMAR:
        assert bad not in text, (territory.id, bad, text)
    assert not NO_ELISION.search(text), (territory.id, NO_ELISION.search(text))
    for sentence in synthesis.sentences:
        assert sentence[0].isupper() and sentence.endswith("."), (territory.id, sentence)
    # every figure of the paragraph is one of the figures shown beside it, in the same rounding
    shown = {value.lstrip("+\u2212") for _, value in synthesis.figures}
    missing = _numbers(text) - shown - {"50\u00a0%"}   # the dependency threshold, a rule not a figure
    assert not missing, (territory.id, missing, text)
    # agreement of the verb with the territory's name
    phrase = territory.phrase
    verb = "ont" if phrase.plural else "a"
    assert f"{phrase.subject} {verb} " in text, (territory.id, text)
    assert synthesis.title.startswith("Commerce extérieur " + phrase.of + " en 2024") or \
        phrase.of in synthesis.title


def test_the_example_of_the_issue_for_dep_04(app_data, cube):
    territory = app_data.catalog.resolve("dep:04")
    synthesis = overview_synthesis(cube, territory, YEAR)
    assert synthesis.sentences[0] == ("En 2024, les Alpes-de-Haute-Provence ont exporté 511,9\u00a0M€ de biens "
                                      "(\u22120,6\u00a0% sur un an) et en ont importé 459,7\u00a0M€ "
                                      "(\u22121,3\u00a0% sur un an)\u00a0: l'excédent commercial atteint 52,2\u00a0M€.")
    assert synthesis.sentences[1].startswith("L'Italie reçoit 47,2\u00a0% des exportations, devant l'Espagne")
    assert "les exportations sont très concentrées (indice de Herfindahl-Hirschman 0,25" in synthesis.text
    assert "1,8\u00a0% des exportations de la région Provence-Alpes-Côte d'Azur" in synthesis.text
    assert synthesis.title == "Commerce extérieur des Alpes-de-Haute-Provence en 2024\u00a0: synthèse"
    assert ("Part de la région (export)", "1,8\u00a0%") in synthesis.figures


@pytest.mark.parametrize("code, subject, of", [
    ("23", "la Creuse a exporté", "de la Creuse"), ("59", "le Nord a exporté", "du Nord"),
    ("13", "les Bouches-du-Rhône ont exporté", "des Bouches-du-Rhône"),
    ("37", "Indre-et-Loire a exporté", "d'Indre-et-Loire"), ("974", "La Réunion a exporté", "de La Réunion"),
    ("976", "Mayotte a exporté", "de Mayotte"), ("75", "Paris a exporté", "de Paris")])
def test_names_take_their_article(app_data, cube, code, subject, of):
    synthesis = overview_synthesis(cube, app_data.catalog.resolve(f"dep:{code}"), YEAR)
    assert subject in synthesis.sentences[0]
    assert f"Commerce extérieur {of} en 2024" == synthesis.title.split("\u00a0: ")[0]


def test_every_department_region_france_and_a_sample_of_industry_territories(app_data, cube):
    catalog = app_data.catalog
    territories = list(catalog.departments())
    territories += [catalog.resolve(f"reg:{code}") for code in
                    ("01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84",
                     "93", "94")]
    territories.append(catalog.resolve("fr"))
    territories += [catalog.resolve(f"ti:{key}") for key in list(catalog.industry_territories)[:8]]
    assert len(territories) >= 101 + 18 + 1 + 1
    for territory in territories:
        _check(overview_synthesis(cube, territory, YEAR), territory)
    for territory in territories[::10]:
        for flow in (EXPORT, IMPORT):
            _check(flow_synthesis(cube, territory, YEAR, flow), territory)


def test_rank_one_is_written_1er(app_data, cube):
    first = next(t for t in app_data.catalog.departments()
                 if ind.department_rank(cube, t.departments[0], YEAR, EXPORT) == 1)
    assert "au 1er rang sur 101" in overview_synthesis(cube, first, YEAR).text
    assert [ordinal(n) for n in (1, 2, 10, 101)] == ["1er", "2e", "10e", "101e"]


def test_a_region_of_one_department_is_not_compared_with_itself(app_data, cube):
    text = overview_synthesis(cube, app_data.catalog.resolve("dep:976"), YEAR).text
    assert "région Mayotte" not in text and "100,0" not in text
    assert "de la France" in text


def test_france_is_not_compared_with_itself(app_data, cube):
    synthesis = overview_synthesis(cube, app_data.catalog.resolve("fr"), YEAR)
    assert "la France a exporté" in synthesis.text
    assert "des exportations de la France" not in synthesis.text


def test_flow_page_synthesis_speaks_of_its_flow_only(app_data, cube):
    synthesis = flow_synthesis(cube, app_data.catalog.resolve("dep:04"), YEAR, IMPORT)
    assert synthesis.sentences[0].startswith("En 2024, les Alpes-de-Haute-Provence ont importé 459,7\u00a0M€")
    assert "exportations" not in synthesis.text
    assert synthesis.title == "Importations des Alpes-de-Haute-Provence en 2024\u00a0: synthèse"


def test_no_previous_year_means_no_change_is_stated(app_data, cube):
    first_year = min(cube.years)
    synthesis = overview_synthesis(cube, app_data.catalog.resolve("dep:04"), first_year)
    assert "sur un an" not in synthesis.text
    assert not any("évolution" in label or "variation" in label for label, _ in synthesis.figures)


def test_dossier_lisez_moi_and_word_sheet_carry_the_synthesis(app_data, cube):
    import io

    from docx import Document
    from openpyxl import load_workbook

    from lib.outputs.dossier import build_dossier
    from lib.outputs.fiche_docx import build_fiche
    text = overview_synthesis(cube, app_data.catalog.resolve("dep:04"), YEAR).text
    book = load_workbook(io.BytesIO(build_dossier(app_data, "dep:04", YEAR, with_images=False)))
    cells = [c.value for row in book["Lisez-moi"].iter_rows() for c in row if c.value]
    assert text in cells
    doc = Document(io.BytesIO(build_fiche(app_data, "dep:04", YEAR, with_images=False)))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs.index(text) < paragraphs.index("Introduction")
    assert paragraphs[paragraphs.index(text) - 1] == "Synthèse"


def test_de_before_a_quoted_product_is_elided_like_before_the_word():
    from lib.analysis.synthesis import _of_product
    from lib.data.reference.products import product_short_label
    assert product_short_label("C29A")[0] in "AÉEIOUH", "le code choisi doit commencer par une voyelle"
    assert _of_product("C29A") == f"d'« {product_short_label('C29A')} »"
    assert _of_product("C21Z") == f"de « {product_short_label('C21Z')} »"


def test_every_synthesis_elides_de_before_a_vowel(app_data, cube):
    """No « de « Automobiles » » in any département's text: the elision of the words themselves."""
    checked = 0
    for code in ("04", "13", "59", "69", "75", "974"):
        text = overview_synthesis(cube, app_data.catalog.resolve(f"dep:{code}"), YEAR).text
        bad = re.findall(r"\bde «\u00a0?[AEIOUYÉÈÊÂÎÔH]", text)
        assert not bad, (code, bad, text)
        checked += text.count("d'«")
    assert checked, "aucune élision rencontrée : le test ne vérifie rien sur ces départements"
