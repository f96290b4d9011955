"""The rules of lib.analysis.coverage on hand-written summaries (fast tier): the note of a partial France says
how many départements the files cover, how many régions have no file at all, and what the totals mean."""
from __future__ import annotations

from lib.analysis.coverage import partial_france_note


def summary(departments, missing_regions):
    return {"france_coverage": {"departments": departments, "of": 101, "partial": departments < 101,
                                "missing_regions": list(missing_regions)}}


def test_a_partial_france_names_its_departments_and_its_regions_without_any_file():
    assert partial_france_note(summary(6, ["84", "76", "11"])) == (
        "France partielle : les fichiers chargés couvrent 6 départements sur 101 ; 3 régions sans aucun fichier. "
        "Les totaux « France » et les parts de la France ne portent que sur ces départements.")
    assert partial_france_note(summary(1, ["84"])) == (
        "France partielle : les fichiers chargés couvrent 1 département sur 101 ; 1 région sans aucun fichier. "
        "Les totaux « France » et les parts de la France ne portent que sur ces départements.")


def test_every_region_with_a_file_adds_no_word_about_regions():
    """Files from every région, one département of a région missing: no « régions sans aucun fichier »."""
    assert partial_france_note(summary(100, [])) == (
        "France partielle : les fichiers chargés couvrent 100 départements sur 101. "
        "Les totaux « France » et les parts de la France ne portent que sur ces départements.")
