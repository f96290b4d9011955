"""« Ce qui a changé entre deux versions » on the data page: the figures of the selected territory that a new
release revised (lib.analysis.revisions), as two sentences, a table and its Excel download.

Why here and not in pages/about.py: the page stays thin; why a cache: comparing loads a second version's
table (its Parquet cache), which is done once per (versions, territory, year), not at every rerun.
"""
from __future__ import annotations

import dataclasses

import streamlit as st

from lib.analysis.dataset import load_app_data
from lib.analysis.revisions import Revisions, resolve_in, territory_revisions
from lib.core.errors import DataFileError
from lib.data import versions
from lib.data.territories import TerritoryError
from lib.presentation.revision_tables import revisions_table, total_sentence
from lib.presentation.texts import escape_markdown
from lib.ui.widgets import DownloadContext, table_block


@st.cache_data(max_entries=16, show_spinner="Comparaison des deux versions…")
def _revisions(from_id: str, to_id: str, territory_id: str, departments: tuple[str, ...],
               year: int | None) -> Revisions:
    """Keyed by the départements too: the same TI id may cover other départements in another list.
    `year` is kept when both versions have it, else the latest year they share."""
    old, new = (load_app_data(fingerprint=f"v:{vid}") for vid in (from_id, to_id))
    territory = resolve_in([new.catalog, old.catalog], territory_id)
    year = year if year in set(old.cube.years) & set(new.cube.years) else None
    return territory_revisions(old.cube, new.cube, territory, year)


def render(page) -> None:
    """The section, for everyone (like the history): nothing to compare before two versions exist."""
    listed = versions.list_versions()
    if len(listed) < 2:
        return
    st.subheader("Ce qui a changé entre deux versions")
    territory = page.territory
    ids = [v.id for v in listed]
    in_use = versions.current_id()
    to_default = ids.index(in_use) if in_use in ids else 0
    left, right = st.columns(2)
    # keyed by the version in use: after an upload or a rollback the comparison starts again from it
    to_id = right.selectbox("Version d'arrivée", ids, index=to_default, key=f"revisions_to_{in_use}")
    replaced = versions.get(to_id).manifest.get("replaces")
    choices = [vid for vid in ids if vid != to_id]
    from_id = left.selectbox("Version de départ", choices,
                             index=choices.index(replaced) if replaced in choices else 0,
                             key=f"revisions_from_{in_use}_{to_id}")
    st.caption(f"Chiffres {escape_markdown(territory.phrase.of)} (le territoire choisi dans la barre latérale) "
               "calculés sur chacune des deux versions : une nouvelle diffusion des douanes révise les années "
               "précédentes.")
    try:
        revisions = _revisions(from_id, to_id, territory.id, tuple(territory.departments), page.year)
    except (DataFileError, TerritoryError) as exc:
        st.warning(f"Comparaison impossible : {escape_markdown(str(exc))}", icon="⚠️")
        return
    if revisions.year != page.year:
        st.caption(f"L'année {page.year} n'est pas dans les deux versions : comparaison de {revisions.year}.")
    # our own figures and words only (no text from a data file): no escaping, which would drop the no-break spaces
    st.markdown("  \n".join(total_sentence(revisions, key) + "." for key in ("exports", "imports")))
    if revisions.unchanged:
        st.info(f"Aucun chiffre {escape_markdown(territory.phrase.of)} n'a changé entre les versions {from_id} et "
                f"{to_id} pour {revisions.year}.", icon="ℹ️")
        return
    context = DownloadContext(selection=dataclasses.replace(page.selection, year=revisions.year),
                              source=page.downloads.source)
    table = revisions_table(revisions, from_id, to_id)
    table_block(table, key="revisions", topic="revisions", chart=f"{from_id}-{to_id}", context=context)
    for note in table.notes:
        st.caption(note)
