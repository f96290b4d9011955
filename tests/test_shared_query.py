"""The shared selection goes back into the URL before the navigation on a page change
(lib.ui.selection.keep_shared_query): what it writes, and what it leaves alone."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    from lib.ui.selection import keep_shared_query
    keep_shared_query()


def _run(saved: dict | None, query: dict[str, str]) -> dict[str, str]:
    at = AppTest.from_function(_script)
    if saved is not None:
        at.session_state["sel_saved"] = saved
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_a_page_change_gets_the_sessions_territory_and_year_back_keeping_other_parameters():
    saved = {"kind": "dep", "territory": "dep:13", "year": 2023, "palette": False}
    assert _run(saved, {"produit": "C20B"}) == {"produit": "C20B", "territoire": "dep:13", "annee": "2023"}


def test_the_colour_blind_palette_is_kept_too():
    saved = {"kind": "reg", "territory": "reg:93", "year": 2024, "palette": True}
    assert _run(saved, {}) == {"territoire": "reg:93", "annee": "2024", "couleurs": "daltonien"}


def test_a_url_that_names_a_territory_or_a_year_is_left_as_it_is():
    saved = {"kind": "dep", "territory": "dep:13", "year": 2023, "palette": True}
    assert _run(saved, {"territoire": "dep:69"}) == {"territoire": "dep:69"}
    assert _run(saved, {"annee": "2022"}) == {"annee": "2022"}


def test_a_first_visit_without_a_selection_writes_nothing():
    assert _run(None, {}) == {}
    assert _run(None, {"pays": "US"}) == {"pays": "US"}
