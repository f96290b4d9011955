"""plotly.js in French: the chart toolbar's tooltips, its messages and the date words.

Streamlit's bundled plotly.js registers only the ``en`` and ``en-US`` locales, so ``config={"locale": "fr"}``
alone falls back to English (« Download plot as a PNG »). plotly.js also accepts the dictionary with the
chart, in ``config["locales"]``: that is what ``chart_config`` adds. Keys are plotly.js's own English
strings (those of Streamlit 1.67's bundle); numbers keep the figures' ``layout.separators``.
"""
from __future__ import annotations

from lib.core.formatting import MONTH_NAMES, PLOTLY_SEPARATORS

FRENCH_DICTIONARY = {
    "Autoscale": "Échelle automatique",
    "Box Select": "Sélection rectangulaire",
    "Cancel": "Annuler",
    "Click to enter Colorscale title": "Cliquez pour saisir le titre de l'échelle de couleurs",
    "Click to enter Plot title": "Cliquez pour saisir le titre du graphique",
    "Click to enter Plot subtitle": "Cliquez pour saisir le sous-titre du graphique",
    "Click to enter X axis title": "Cliquez pour saisir le titre de l'axe des abscisses",
    "Click to enter Y axis title": "Cliquez pour saisir le titre de l'axe des ordonnées",
    "Compare data on hover": "Comparer les valeurs au survol",
    "Double-click on legend to isolate one trace": "Double-cliquez sur la légende pour isoler une série",
    "Double-click to zoom back out": "Double-cliquez pour revenir à la vue d'origine",
    "Download plot": "Télécharger le graphique",
    "Download plot as a PNG": "Télécharger le graphique en image (PNG)",
    "Download plot as a png": "Télécharger le graphique en image (PNG)",
    "Download plot as JSON": "Télécharger le graphique (JSON)",
    "Draw circle": "Tracer un cercle",
    "Draw closed freeform": "Tracer une forme fermée",
    "Draw line": "Tracer une ligne",
    "Draw open freeform": "Tracer une forme ouverte",
    "Draw rectangle": "Tracer un rectangle",
    "Erase active shape": "Effacer la forme active",
    "Image download succeeded": "Image téléchargée",
    "JSON download succeeded": "Fichier JSON téléchargé",
    "Lasso Select": "Sélection au lasso",
    "Orbital rotation": "Rotation orbitale",
    "Pan": "Déplacer",
    "Preparing image - this may take a few seconds": "Préparation de l'image : quelques secondes…",
    "Produced with Plotly.js": "Réalisé avec Plotly.js",
    "Reset": "Réinitialiser",
    "Reset axes": "Réinitialiser les axes",
    "Reset camera to default": "Vue 3D par défaut",
    "Reset camera to last save": "Dernière vue 3D enregistrée",
    "Reset view": "Réinitialiser la vue",
    "Reset views": "Réinitialiser les vues",
    "Show closest data on hover": "Afficher la valeur la plus proche au survol",
    "Snapshot succeeded": "Image téléchargée",
    "Sorry, there was a problem downloading your image!": "Le téléchargement de l'image a échoué.",
    "Sorry, there was a problem downloading your JSON file!": "Le téléchargement du fichier JSON a échoué.",
    "Sorry, there was a problem downloading your snapshot!": "Le téléchargement de l'image a échoué.",
    "Taking snapshot - this may take a few seconds": "Préparation de l'image : quelques secondes…",
    "Toggle Spike Lines": "Afficher ou masquer les lignes de repère",
    "Toggle show closest data on hover": "Afficher ou non la valeur la plus proche au survol",
    "Turntable rotation": "Rotation autour de l'axe",
    "Zoom": "Zoomer",
    "Zoom in": "Agrandir",
    "Zoom out": "Réduire",
    "Share": "Partager",
    "Share chart": "Partager le graphique",
    "Share chart...": "Partager le graphique…",
    "source:": "source :",
    "target:": "cible :",
    "incoming flow count:": "flux entrants :",
    "outgoing flow count:": "flux sortants :",
    "trace": "série",
    "new text": "nouveau texte",
}

FRENCH_FORMAT = {
    "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    "months": list(MONTH_NAMES),
    "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
                    "déc."],
    "date": "%d/%m/%Y",
    "decimal": PLOTLY_SEPARATORS[0],
    "thousands": PLOTLY_SEPARATORS[1:],
}

# The toolbar keeps what a reader of these charts uses; drawing and selection tools are left out.
REMOVED_BUTTONS = ["select2d", "lasso2d", "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian"]


def chart_config(config: dict | None = None) -> dict:
    """``config`` (e.g. lib.outputs.png_export.client_image_config) with the French locale for plotly.js."""
    return {**(config or {}), "locale": "fr", "locales": {"fr": {"dictionary": FRENCH_DICTIONARY,
                                                                  "format": FRENCH_FORMAT}},
            "modeBarButtonsToRemove": REMOVED_BUTTONS}
