"""The written synthesis at the top of a page: paragraph, « Copier le texte » button, figures it quotes.

Streamlit has no clipboard widget (st.code's copy icon is English-labelled and monospaced), so the
button is a few lines of HTML in a component iframe, which Streamlit allows to write to the clipboard
(``allow="clipboard-write"``); ``document.execCommand("copy")`` is the fallback where the asynchronous
clipboard API is refused.
"""
from __future__ import annotations

import html
import json

import pandas as pd
import streamlit as st

from lib.analysis.synthesis import Synthesis
from lib.presentation.plain_text import markdown_text
from lib.ui.widgets import plain_table

COPY_LABEL = "Copier le texte"
_BUTTON = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{label}</title><style>
body {{ margin: 0; font-family: "Source Sans Pro", "Source Sans 3", sans-serif; }}
button {{ font: inherit; font-size: 0.95rem; padding: 0.3rem 0.8rem; border: 1px solid #000091; color: #000091;
  background: #fff; border-radius: 0.4rem; cursor: pointer; }}
button:focus-visible {{ outline: 3px solid #000091; outline-offset: 2px; }}
span {{ margin-left: 0.6rem; font-size: 0.9rem; color: #1e1e1e; }}
</style></head><body>
<button type="button" id="copy" aria-describedby="status">{label}</button><span id="status" role="status"
 aria-live="polite"></span>
<script>
const text = {text};
const status = document.getElementById("status");
document.getElementById("copy").addEventListener("click", async () => {{
  let done = false;
  try {{ await navigator.clipboard.writeText(text); done = true; }} catch (error) {{ done = false; }}
  if (!done) {{
    const area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "absolute"; area.style.left = "-9999px";
    document.body.appendChild(area); area.select();
    try {{ done = document.execCommand("copy"); }} catch (error) {{ done = false; }}
    area.remove();
  }}
  status.textContent = done ? "Texte copié." : "Copie refusée par le navigateur : sélectionnez le texte.";
  document.body.dataset.copied = done ? "yes" : "no";
}});
</script></body></html>"""


def copy_button_html(text: str, label: str = COPY_LABEL) -> str:
    """The component's page; the text travels as a JSON string literal with ``<``, ``>`` and ``&`` as \\u
    escapes: nothing in it can end the script or open a comment (a name like ``<!--<script>`` did)."""
    payload = json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _BUTTON.format(label=html.escape(label), text=payload)


def synthesis_block(synthesis: Synthesis, *, key: str) -> None:
    """The paragraph in a bordered box, the copy button under it, then the figures it quotes."""
    with st.container(border=True, key=f"synthesis_{key}"):
        st.markdown(f"**{markdown_text(synthesis.title)}**")      # names and labels shown as written
        st.markdown(markdown_text(synthesis.text))
        st.iframe(copy_button_html(synthesis.text), height=44)
        if synthesis.figures:
            # The table is built and sent once the box is opened (a rerun), as the charts' data tables.
            box = st.expander("Chiffres cités dans la synthèse", key=f"synthesis_figures_{key}", on_change="rerun")
            if box.open:
                with box:
                    plain_table(pd.DataFrame(synthesis.figures, columns=["Indicateur", "Valeur affichée"]))
