"""What every page needs for RGAA / WCAG 2.1 AA beyond Streamlit's defaults.

- Contrast: Streamlit draws captions and help text at 60 % opacity (#7f7e7d on the sidebar's #f8f8f7,
  3.8:1); they are set to #5c5b59 (6.4:1 on #f8f8f7, 6.9:1 on white), above the 4.5:1 required.
- Names: the file uploader's button loses its visible text when restyled in French (widgets); a small
  script in the page gives it an accessible name, « Parcourir les fichiers ».
- Charts: each chart gets a one-sentence description (lib.presentation.chart_text) in a paragraph read by screen
  readers only, tied to the chart by ``aria-describedby`` (role « figure »), beside its data table.
"""
from __future__ import annotations

import html
import re

import streamlit as st

from lib.presentation.chart_text import describe_figure

CAPTION_COLOR = "#5c5b59"
_CSS = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"] {{ color: {CAPTION_COLOR} !important;
  opacity: 1 !important; }}
.sr-only-description {{ position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }}
</style>"""
# Runs in the page itself (st.html with JavaScript: no iframe, no deprecated component) and watches it;
# installed once per browser tab, however many reruns send it again.
_SCRIPT = """<script>
(function () {
if (window.cetAccessibility) return;
window.cetAccessibility = true;
const doc = document;
function fix() {
  doc.querySelectorAll('[data-testid="stFileUploaderDropzone"] button').forEach(b => {
    if (!b.getAttribute('aria-label')) b.setAttribute('aria-label', 'Parcourir les fichiers');
  });
  doc.querySelectorAll('p.sr-only-description[id]').forEach(p => {
    let box = p.closest('[data-testid="stElementContainer"]');
    let next = box ? box.nextElementSibling : null;
    while (next && !next.querySelector('[data-testid="stPlotlyChart"]')) next = next.nextElementSibling;
    const chart = next ? next.querySelector('[data-testid="stPlotlyChart"]') : null;
    if (chart && chart.getAttribute('aria-describedby') !== p.id) {
      chart.setAttribute('role', 'figure');
      chart.setAttribute('aria-label', p.dataset.title || 'Graphique');
      chart.setAttribute('aria-describedby', p.id);
    }
  });
}
fix();
new MutationObserver(fix).observe(doc.body, {childList: true, subtree: true});
})();
</script>"""


def page_accessibility() -> None:
    """Once per page run: the contrast CSS and the naming script, in one invisible element."""
    st.html(_CSS + _SCRIPT, unsafe_allow_javascript=True)


def chart_description(figure, *, key: str, title: str = "", text: str | None = None) -> None:
    """The chart's text alternative, just before it (call it right before st.plotly_chart); `text`: the
    one precomputed with the figure (lib/outputs/warm_store), else described here."""
    # one line: a blank line from a label would end the HTML block and let the rest be read as Markdown
    text = describe_figure(figure, title) if text is None else text
    text, title = " ".join(text.split()), " ".join(str(title).split())
    ident = "desc-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key)
    st.markdown(f'<p class="sr-only-description" id="{ident}" data-title="{html.escape(title, quote=True)}">'
                f"{html.escape(text)}</p>", unsafe_allow_html=True)
