"""The sidebar's « Note de synthèse (Word) »: one page, built only when clicked."""
from __future__ import annotations

import streamlit as st

from lib.outputs.fiche_docx import DOCX_MIME
from lib.outputs.note_docx import build_note, note_file_name

HELP = ("Une page Word : le texte de synthèse du territoire, ses chiffres clés et la balance commerciale par pays, "
        "prête à reprendre dans une note.")


def note_button(data, selection, *, key: str = "note_docx") -> None:
    """``data``: the AppData of the page; ``selection``: lib.ui.selection.Selection (territory, year, palette)."""
    territory, year, palette = selection.territory, selection.year, selection.palette
    st.download_button(
        "Note de synthèse (Word)", key=key, mime=DOCX_MIME, file_name=note_file_name(territory, year),
        data=lambda: build_note(data, territory, year, palette=palette),
        on_click="ignore", icon=":material/article:", width="stretch", help=HELP)
