"""The words said about a territory that vanished from the data in service, whole (fast tier, issue 23).

tests/test_vanished_territory.py checks the replacement and the choices, and parts of the message; here each
kind of vanished territory gets its whole French message, since the reader sees every word of it: what
vanished and its name, why, which territory is shown instead and that the sidebar shows the same one.
"""
from __future__ import annotations

import pytest

from lib.data.territories import Territory, TerritoryCatalog
from lib.data.vanished import vanished_territory

TI = Territory(id="ti:TI-X", kind="ti", name="Val d'essai", departments=("05", "04"), regions=("93",))
SHOWN_04 = ("Les chiffres affichés sont ceux des Alpes-de-Haute-Provence ; la barre latérale indique ce territoire. "
            "Autres choix :")

OTHER = Territory(id="ti:TI-Y", kind="ti", name="Durance nouvelle", departments=("05",), regions=("93",),
                  commune_counts=(("05", 9),))
SHOWN_HAUTES_ALPES = ("Les chiffres affichés sont ceux des Hautes-Alpes, son premier département principal ; "
                      "la barre latérale indique ce territoire. Autres choix :")
SHOWN_DEFAULT = SHOWN_04


def test_a_vanished_territoire_d_industrie_without_the_official_list_says_who_can_bring_it():
    gone = vanished_territory(TerritoryCatalog(), "ti:TI-X", TI)
    assert gone.requested_id == "ti:TI-X"
    assert gone.message == (
        "Ce Territoire d'industrie n'existe plus dans les données en service : « Val d'essai » — les fichiers en "
        "service ne comportent pas la liste officielle des Territoires d'industrie (un administrateur peut la "
        "déposer dans la page « À propos des données »). Les chiffres affichés sont ceux des Hautes-Alpes, son "
        "premier département principal ; la barre latérale indique ce territoire. Autres choix :")


def test_a_list_without_a_source_name_is_not_followed_by_empty_brackets():
    catalog = TerritoryCatalog(industry_territories={"TI-X": TI}, ti_source="")
    gone = vanished_territory(catalog, "ti:TI-Y")
    assert gone.requested_id == "ti:TI-Y"
    assert gone.message == ("Ce Territoire d'industrie n'existe plus dans les données en service : « ti:TI-Y » — "
                            "la liste des Territoires d'industrie en service ne le contient pas. " + SHOWN_04)


def test_a_vanished_department_and_a_territory_of_unknown_kind_are_named_as_such():
    gone = vanished_territory(TerritoryCatalog(), "dep:999")
    assert gone.message == ("Ce département n'existe plus dans les données en service : « dep:999 » — les fichiers "
                            "en service ne le contiennent pas. " + SHOWN_04)
    other = vanished_territory(TerritoryCatalog(), "com:12:3")
    assert other.requested_id == "com:12:3"
    assert other.message == ("Ce territoire n'existe plus dans les données en service : « com:12:3 » — les "
                             "fichiers en service ne le contiennent pas. " + SHOWN_04)


def test_the_kind_is_what_comes_before_the_first_colon():
    gone = vanished_territory(TerritoryCatalog(), "ti:A:B")
    assert gone.message.startswith("Ce Territoire d'industrie n'existe plus dans les données en service : "
                                   "« ti:A:B » — les fichiers en service ne comportent pas la liste officielle")


def test_an_id_without_a_colon_is_of_no_kind_even_if_it_spells_one():
    for requested in ("ti", "dep"):
        gone = vanished_territory(TerritoryCatalog(), requested)
        assert gone.message == (f"Ce territoire n'existe plus dans les données en service : « {requested} » — les "
                                "fichiers en service ne le contiennent pas. " + SHOWN_04)


def test_a_list_without_the_territory_is_named_only_when_its_file_is_known():
    unnamed = vanished_territory(TerritoryCatalog(industry_territories={"TI-Y": OTHER}), "ti:TI-X", TI)
    assert unnamed.message == (
        "Ce Territoire d'industrie n'existe plus dans les données en service : « Val d'essai » — la liste des "
        "Territoires d'industrie en service ne le contient pas. " + SHOWN_HAUTES_ALPES)
    named = vanished_territory(TerritoryCatalog(industry_territories={"TI-Y": OTHER}, ti_source="liste-ti-x.csv"),
                               "ti:TI-X", TI)
    assert "la liste des Territoires d'industrie en service (liste-ti-x.csv) ne le contient pas. " in named.message


@pytest.mark.parametrize("requested, this", [
    ("dep:99", "Ce département"),
    ("dep:99:x", "Ce département"),      # the kind is what comes before the first colon
    ("xyz:1", "Ce territoire"),          # an unknown kind is « Ce territoire »
    ("reg", "Ce territoire"),            # no colon: no kind, even if the text looks like one
    ("ti", "Ce territoire"),
])
def test_an_unknown_id_without_its_former_description_is_named_as_given(requested, this):
    gone = vanished_territory(TerritoryCatalog(), requested)
    assert gone.requested_id == requested
    assert gone.message == (f"{this} n'existe plus dans les données en service : « {requested} » — les fichiers "
                            "en service ne le contiennent pas. " + SHOWN_DEFAULT)
