"""Rules of the « what this version changed » texts (issue 23 item 2: mutants of lib/data/file_changes.py):
the sentence after an upload and the short cell of the history table name every kind of move in French, list
four names at most (then « et N autres »), and say so when a version had no file at all."""
from __future__ import annotations

from lib.data.file_changes import changes_cell, changes_sentence

NOTHING = {"added": [], "changed": [], "unchanged": [], "removed": []}


def test_four_names_are_listed_whole_and_a_fifth_becomes_et_1_autre():
    four = {**NOTHING, "changed": ["a.zip", "b.zip", "c.zip", "d.zip"]}
    assert changes_sentence(four) == "4 fichiers modifiés : a.zip, b.zip, c.zip, d.zip"
    five = {**NOTHING, "changed": ["a.zip", "b.zip", "c.zip", "d.zip", "e.zip"]}
    assert changes_cell(five) == "5 modifiés (a.zip, b.zip, c.zip, d.zip et 1 autre)"


def test_the_history_cell_says_added_and_removed_in_french():
    moved = {**NOTHING, "added": ["new.zip"], "removed": ["old.csv", "older.csv"], "unchanged": ["u.zip"]}
    assert changes_cell(moved) == "1 ajouté (new.zip), 2 retirés (old.csv, older.csv), 1 inchangé"


def test_a_version_without_any_file_says_so():
    assert changes_sentence(NOTHING) == "aucun fichier"
    assert changes_cell(NOTHING) == "—"
