"""Rules of the « territory no longer in the data » message (issue 23 item 2: mutants of lib/data/vanished.py).

The message is the only thing a reader gets when the territory they were reading disappeared: it names the
territory, says why in words that fit the case (no list of Territoires d'industrie at all, a list without it,
files without it), which territory is shown instead, and whether that is its first main département."""
from __future__ import annotations

import pytest

from lib.data.territories import Territory, TerritoryCatalog
from lib.data.vanished import vanished_territory

TI = Territory(id="ti:TI-X", kind="ti", name="Val d'essai", departments=("05", "04"), regions=("93",))
OTHER = Territory(id="ti:TI-Y", kind="ti", name="Durance nouvelle", departments=("05",), regions=("93",),
                  commune_counts=(("05", 9),))
SHOWN_HAUTES_ALPES = ("Les chiffres affichés sont ceux des Hautes-Alpes, son premier département principal ; "
                      "la barre latérale indique ce territoire. Autres choix :")
SHOWN_DEFAULT = ("Les chiffres affichés sont ceux des Alpes-de-Haute-Provence ; la barre latérale indique ce "
                 "territoire. Autres choix :")


def test_without_any_list_the_message_says_an_administrator_can_add_it():
    gone = vanished_territory(TerritoryCatalog(), "ti:TI-X", TI)
    assert gone.requested_id == "ti:TI-X"
    assert gone.message == (
        "Ce Territoire d'industrie n'existe plus dans les données en service : « Val d'essai » — les fichiers en "
        "service ne comportent pas la liste officielle des Territoires d'industrie (un administrateur peut la "
        "déposer dans la page « À propos des données »). " + SHOWN_HAUTES_ALPES)


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
