"""The « Fiche territoriale (Word) » download button (the sheet is built only when clicked)."""
from __future__ import annotations

import streamlit as st

from lib.outputs.fiche_docx import DOCX_MIME, build_fiche
from lib.outputs.file_names import download_name
from lib.outputs.png_export import chrome_available

HELP = ("Document Word sur le modèle de la publication ANCT / DGE « Les indicateurs clés : commerce extérieur » : "
        "textes, chiffres clés et graphiques du territoire pour l'année choisie, prêts à reprendre dans une note. "
        "Préparation : quelques secondes.")
HELP_NO_CHROMIUM = (" Sur ce serveur, Chromium est absent : la fiche est fournie sans les graphiques (chacun se "
                    "télécharge depuis sa page).")


def fiche_button(data, selection, *, key: str = "fiche_docx", choices=None) -> None:
    """``data``: the AppData of the page; ``selection``: lib.ui.selection.Selection (territory, year, palette);
    ``choices``: lib.outputs.report.ReportChoices, the pages' choices the sheet's charts follow."""
    territory, year, palette = selection.territory, selection.year, selection.palette
    st.download_button(
        "Fiche territoriale (Word)", key=key, mime=DOCX_MIME,
        file_name=download_name("fiche", "", territory, year, "docx"),
        data=lambda: build_fiche(data, territory, year, palette=palette, choices=choices),
        on_click="ignore", icon=":material/description:", width="stretch",
        help=HELP + ("" if chrome_available() else HELP_NO_CHROMIUM))
