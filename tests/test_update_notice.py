"""The sentence of a data change (issue 20 item 6): an update says « mises à jour », a version put back in
service says « Retour à la version du … », whichever direction the switch went."""
from __future__ import annotations

import datetime as dt

from lib.presentation.update_notice import is_rollback, update_notice

WHEN = dt.datetime(2026, 11, 28, 14, 2)


def test_a_new_version_is_an_update():
    text = update_notice(release="résultats de février 2026", rows=12345, version_id="v0003", created=WHEN,
                         previous_id="v0002", newest_id="v0003")
    assert text.startswith("Données mises à jour le 28/11/2026 à 14:02 : résultats de février 2026 (version v0003,")
    assert "12 345 lignes" in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Retour" not in text


def test_going_back_to_an_older_version_says_so():
    text = update_notice(release="résultats de février 2026", rows=10, version_id="v0001", created=WHEN,
                         previous_id="v0003", newest_id="v0003")
    assert text.startswith("Retour à la version du 28/11/2026 à 14:02 (v0001) :")
    assert "à la place de la version v0003" in text and "mises à jour" not in text


def test_a_version_put_back_forward_is_still_a_return_not_an_update():
    # v0003 in service, back to v0001, then v0002: v0002 is newer than v0001 but was not just created
    assert is_rollback("v0002", "v0001", "v0003")
    assert not is_rollback("v0003", "v0001", "v0003")       # the newest again after a return: an update
    assert is_rollback("v0001", "v0002", None)                # newest unknown: the numbers decide
    assert not is_rollback("v0002", None, "v0002")            # from the demo to the first version


def test_without_a_version_the_sentence_names_no_version():
    text = update_notice(release="date de diffusion inconnue", rows=3)
    assert text.startswith("Données mises à jour : date de diffusion inconnue (3 lignes).")
    assert "version" not in text
