"""French for the few English strings that Streamlit's widgets print with no parameter to change them.

Streamlit 1.67 writes « No results » in an empty select list, « Clear all », « Remove … », « Clear value »,
« Open » as screen-reader labels, « Skip to main content », and adds its own « Fullscreen » / « Close
fullscreen » button (``data-title``) to plotly's toolbar; no parameter reaches them. One small script, run once per browser tab, rewrites those strings as they appear (a
MutationObserver on the page). The app avoids the others by design: every select box has a French
``placeholder``, and the comparison's limit of six départements is checked by the page, not by
``max_selections`` (whose message is English). plotly's toolbar gets its French dictionary through the
chart's ``config`` (lib/presentation/plotly_locale.py).
"""
from __future__ import annotations

import json

import streamlit as st

# (pattern, replacement) for text nodes, and for the aria-label / title / placeholder attributes.
TEXTS = [
    (r"^No results$", "Aucun résultat"),
    (r"^You can only select up to (\d+) options?\. Remove an option first\.$", "$1 choix au plus : retirez-en un."),
    (r"^Choose an option$", "Choisir…"),
    (r"^Choose options$", "Choisir…"),
    (r"^Select all$", "Tout sélectionner"),
    (r"^Select (\d+) matches$", "Sélectionner les $1 résultats"),
    (r"^Skip to main content$", "Aller au contenu principal"),
]
ATTRIBUTES = [
    (r"^Clear all$", "Tout effacer"),
    (r"^Clear value$", "Effacer"),
    (r"^Remove (.+)$", "Retirer $1"),
    (r"^Open$", "Ouvrir la liste"),
    (r"^Selected values$", "Valeurs choisies"),
    (r"^Selectbox options$", "Choix possibles"),
    (r"^Selectbox$", "Liste de choix"),
    (r"^Fullscreen$", "Plein écran"),
    (r"^Close fullscreen$", "Quitter le plein écran"),
    (r"^Exit fullscreen$", "Quitter le plein écran"),
    (r"^Choose an option$", "Choisir…"),
    (r"^Choose options$", "Choisir…"),
]

_SCRIPT = """<script>
(() => {
  if (window.__frenchUi) return;
  window.__frenchUi = true;
  const texts = %s.map(([p, r]) => [new RegExp(p), r]);
  const attrs = %s.map(([p, r]) => [new RegExp(p), r]);
  const names = ["aria-label", "title", "placeholder", "data-title"];
  const swap = (value, rules) => {
    for (const [pattern, replacement] of rules) if (pattern.test(value)) return value.replace(pattern, replacement);
    return null;
  };
  // A node set back to English again and again within one second (a component re-rendering on every
  // change) is left alone for that second: never a ping-pong that would freeze the page.
  const rewrites = new WeakMap();
  const allowed = (node) => {
    const now = Date.now();
    const [start, count] = rewrites.get(node) || [now, 0];
    const fresh = now - start > 1000;
    rewrites.set(node, fresh ? [now, 1] : [start, count + 1]);
    return fresh || count < 5;
  };
  const fixElement = (el) => {
    for (const name of names) {
      const value = el.getAttribute && el.getAttribute(name);
      const french = value && swap(value, attrs);
      if (french !== null && french !== undefined && french !== value && allowed(el)) el.setAttribute(name, french);
    }
  };
  const fixText = (node) => {
    const value = node.nodeValue;
    const french = swap(value.trim(), texts);
    if (french !== null && french !== value && allowed(node)) node.nodeValue = french;
  };
  // A chart's drawing (SVG: hundreds of text nodes per treemap, drawn twice on every page) holds none of
  // these strings: it is skipped, which took about 10 ms of script time from each switch to the overview.
  const SVG = "http://www.w3.org/2000/svg";
  const textsOutsideSvg = {acceptNode: (n) => n.nodeType === 3 ? NodeFilter.FILTER_ACCEPT
    : n.namespaceURI === SVG ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP};
  const fixTree = (root) => {
    if (root.nodeType === 3) { fixText(root); return; }
    if (root.nodeType !== 1 || root.namespaceURI === SVG) return;
    fixElement(root);
    root.querySelectorAll("[aria-label], [title], [placeholder], [data-title]").forEach(fixElement);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, textsOutsideSvg);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) fixText(n);
  };
  fixTree(document.body);
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "attributes") fixElement(m.target);
      else if (m.type === "characterData") fixText(m.target);
      else m.addedNodes.forEach(fixTree);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: names});
})();
</script>"""


def french_interface() -> None:
    """Call once per run from the entry point (the script guards itself against running twice)."""
    with st.sidebar:
        st.html(_SCRIPT % (json.dumps(TEXTS), json.dumps(ATTRIBUTES)), unsafe_allow_javascript=True)
