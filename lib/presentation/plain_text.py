"""Data labels shown as plain text in the two markup languages the app renders: one rule per language.

A label read from a file (a Territoire d'industrie or a commune, a product or country code, a file name, a
manifest warning) may hold anything: ``[lien](https://…)``, ``~~barré~~``, ``:red[…]``, ``$x^2$``,
``:material/warning:``, a bare URL, ``<a href>``, ``<span style>``, ``<!--<script>``. Labels stay exactly as
read in lib.data, lib.analysis and lib.outputs: Word (python-docx runs), Excel (openpyxl, text cells behind
the formula guard) and the CLI write them as text, so escaping them where they enter would put backslashes
and ``&amp;`` into those files. Each markup language escapes them instead at its one rendering boundary:

- Streamlit Markdown (pages, captions, cards, tooltips, widget labels): ``markdown_text``, wherever lib.ui
  or a page puts a label or a sentence built from labels into Markdown;
- plotly's HTML subset (titles, legends, axes, ticks, hover texts, annotations, Sankey and treemap labels):
  ``plot_text``, where lib.presentation.chart_style hands a label to a figure (``product_names``,
  ``country_names``, ``department_label``, ``territory_label``), where ``finish`` writes the title, and
  where a figure takes a plain-text parameter (the map's label and hover lines, a partner's name).

Both keep what a reader sees identical to the label: a backslash before a Markdown character and an HTML
entity are read, not shown; an invisible word joiner (U+2060) after ``:``, ``@`` and ``www`` stops what
Streamlit and GFM recognise in plain text after parsing (icons, emoji shortcodes, bare URLs and e-mails),
which no escape can reach. « Val d'Europe & Co » reads « Val d'Europe & Co » on the page and in the chart.
"""
from __future__ import annotations

import html
import re

WORD_JOINER = "\u2060"

# CommonMark lets a backslash escape any ASCII punctuation: these start Markdown, GFM (tables, strike-through),
# Streamlit (directives :red[…], math $…$) or HTML (tags, entities) anywhere in a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$!&])")
# Recognised in text nodes after parsing, so broken by an invisible character instead of a backslash:
# « :material/icon: », « :emoji: », « https://… », « www.… », « nom@domaine.fr ».
_AFTER_PARSE = re.compile(r"(:)(?=\S)|(@)|(?<![^\W_])(www)(?=\.)", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"[ \t\n\r\f\v]+")      # ASCII only: « 511,9\u00a0M€ » keeps its no-break space
_LIST_START = re.compile(r"^(\d+)([.)])|^()([-+])")     # « 1984. », « - », « + » would open a list


def markdown_text(text) -> str:
    """A label (or a sentence made of labels) as Streamlit Markdown that shows it as typed, on one line."""
    flat = _LINE_BREAKS.sub(" ", str(text)).strip(" ")  # a newline would start a block (heading, list, table)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    escaped = _LIST_START.sub(lambda m: f"{m.group(1) or ''}\\{m.group(2) or m.group(4)}", escaped)
    return _AFTER_PARSE.sub(lambda m: m.group(0) + WORD_JOINER, escaped)


def plot_text(text) -> str:
    """A label as plotly text: no tag (``<b>``, ``<a href>``, ``<span style>``, ``<br>``), no entity, no
    ``%{…}`` template; plotly.js turns the entities back into the characters when it draws."""
    return html.escape(str(text), quote=False).replace("%", "&#37;")


def unplot_text(text) -> str:
    """The label a ``plot_text`` string shows (chart descriptions read the figure's own labels)."""
    return html.unescape(str(text))
