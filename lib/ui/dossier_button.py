"""The sidebar's « Dossier complet (Excel) »: every table and chart of the selection in one workbook."""
from __future__ import annotations

import streamlit as st

from lib.analysis.dataset import AppData
from lib.outputs.dossier import build_dossier
from lib.outputs.file_names import download_name
from lib.presentation.plain_text import markdown_text
from lib.ui.fiche_button import fiche_button
from lib.ui.note_button import note_button
from lib.ui.page_choices import report_choices
from lib.ui.selection import Selection
from lib.ui.widgets import XLSX_MIME


def dossier_name(selection: Selection) -> str:
    """``dossier_dep-04_alpes-de-haute-provence_2024.xlsx``."""
    return download_name("dossier", "", selection.territory, selection.year, "xlsx")


def dossier_button(data: AppData, selection: Selection) -> None:
    """A deferred download: the workbook is built only on click, in Streamlit's download thread.

    That thread has no script context, so the callable makes no st.* call (no spinner: the browser
    shows the download's progress). It captures plain values, never st.session_state.
    """
    territory, year, palette = selection.territory, selection.year, selection.palette
    choices = report_choices()     # the pages' choices (compared départements, country…), not the defaults
    with st.sidebar:
        st.download_button(
            "Dossier complet (Excel)", key="dossier_download", mime=XLSX_MIME, file_name=dossier_name(selection),
            data=lambda: build_dossier(data, territory, year, palette=palette, choices=choices),
            on_click="ignore", icon=":material/folder_zip:", width="stretch",
            help="Un classeur avec une feuille « Lisez-moi » (source, définitions, précautions) puis une feuille "
                 "par tableau, chaque graphique à côté de son tableau. Quelques secondes de préparation.")
        st.caption(f"Tous les tableaux et graphiques {markdown_text(territory.phrase.of)} ({year}), avec vos choix sur les "
                   "pages, dans un seul fichier Excel.")
        fiche_button(data, selection, choices=choices)
        st.caption("La fiche au format de la publication ANCT/DGE, prête à transmettre.")
        note_button(data, selection)
