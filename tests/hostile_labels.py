"""Hostile data labels (issue 19): official-format files whose names and codes are Markdown, HTML and
formulas, written by the tests into tmp_path (never committed), and the checks that none of it renders."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from tests.official_builders import write_region_zip

# What a data file may carry that Streamlit Markdown or plotly would render as something else than text.
PAYLOADS = (
    "[lien](https://evil.example) ~~barré~~ :red[rouge]",
    "$x^2$ :material/warning: :smile: https://evil.example www.evil.example chef@evil.example",
    '<a href="https://evil.example">clic</a> <span style="font-size:90px">X</span> <b>gras</b> %{x}',
    "<!--<script> x",
    "*gras* _it_ `code` # titre | a | b | &lt;b&gt; 1984. =SOMME(A1)",
)
HOSTILE_TI_NAME = " ".join(PAYLOADS)
FRIENDLY_TI_NAME = "Val d'Europe & Co"
FORMULA_TI_NAME = '=HYPERLINK("https://evil.example";"clic")'
HOSTILE_PRODUCT = '<b>C99Z</b>'
HOSTILE_COUNTRY = '<a href="https://evil.example">ZZ</a>'
YEARS = (2023, 2024)


def _rows(flow: str) -> list[list]:
    rows = []
    for dep, scale in (("13", 9.0), ("83", 3.0), ("06", 2.0)):
        for k, (product, country) in enumerate([("C10A", "DE"), ("C20B", "US"), ("C29A", "IT"),
                                                (HOSTILE_PRODUCT, "CN"), ("C30A", HOSTILE_COUNTRY),
                                                (HOSTILE_PRODUCT, HOSTILE_COUNTRY)]):
            value = scale * 1e6 * (6 - k) * (1.2 if flow == "Export" else 1.0)
            rows.append(["93", dep, flow, product, country, value * 0.9, value])
    return rows


def write_hostile_files(folder: Path) -> Path:
    """One PACA archive (13, 83, 06) with a hostile product and country code, and a Territoires d'industrie
    list naming a territory with every payload (ti:TIH, in the 13), a friendly one (ti:TIV, in the 83) and
    one named like an Excel formula (ti:TIF, in the 06)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_region_zip(folder, "93", import_rows=_rows("Import"), export_rows=_rows("Export"))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["insee_com", "lib_com", "id_ti", "lib_ti"])
    for i in range(1, 7):
        writer.writerow([f"1300{i}", f"Commune {i} {PAYLOADS[i % len(PAYLOADS)]}", "TIH", HOSTILE_TI_NAME])
        writer.writerow([f"8300{i}", f"Commune {i}", "TIV", FRIENDLY_TI_NAME])
        writer.writerow([f"0600{i}", f"Commune {i}", "TIF", FORMULA_TI_NAME])
    (folder / "liste-ti-com2023-20240101.csv").write_text(out.getvalue(), encoding="utf-8")
    return folder


# ---------------------------------------------------------------- what must never come out of a label

# plotly's HTML subset: a tag it renders (not « &lt;b&gt; », which it shows as « <b> »), or a template.
_PLOTLY_TAG = re.compile(r"<\s*/?\s*(a|span|b|i|em|sup|sub|s|u|br)\b[^>]*>", re.IGNORECASE)
_CODE_MARKUP = re.compile(r"<br>|</?b>|</?i>|</?extra>|<span style=(\"[^\"<>]*\"|'[^'<>]*')>|</span>")


def plotly_strings(value, path="") -> list[tuple[str, str]]:
    """Every string of a figure's JSON with where it is (``data[0].node.label[3]``)."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in plotly_strings(item, f"{path}.{key}")]
    if isinstance(value, (list, tuple)):
        return [found for k, item in enumerate(value) for found in plotly_strings(item, f"{path}[{k}]")]
    return [(path, value)] if isinstance(value, str) else []


def label_markup_in_figure(fig) -> list[str]:
    """Tags and templates a label brought into a figure: every tag plotly renders, once the markup the
    code writes itself (``<br>``, ``<b>``, ``<extra>``, the Sankey's coloured ``<span style>``) is taken
    out, and any raw payload fragment. Empty for a safe figure."""
    spec = json.loads(fig.to_json())
    found = []
    for where, text in plotly_strings(spec):
        if where.endswith((".hovertemplate", ".texttemplate")):
            text = re.sub(r"%\{[^}]*\}", "", text)
        if any(fragment in text.lower() for fragment in ("evil.example\">", "<b>gras", "<b>C99Z", "<!--", "%{x}",
                                                 "font-size:90px\">")):
            found.append(f"{where}: {text[:120]}")
        elif _PLOTLY_TAG.search(_CODE_MARKUP.sub("", text)):
            found.append(f"{where}: {text[:120]}")
    return found


# Streamlit Markdown: what a payload looks like when it reached Markdown unescaped.
_RAW_MARKDOWN = ("[lien](", "~~barré~~", ":red[", "$x^2$", ":material/", ":smile:", "https://", "www.evil",
                 "chef@evil", "<a ", "<span", "<b>", "<!--", "*gras*", "_it_", "`code`", "| a |")


def raw_markdown_in(body: str) -> list[str]:
    """The payload fragments a Markdown source holds unescaped (a label put into Markdown as it is): found
    as they are, their first character not behind a backslash."""
    return [fragment for fragment in _RAW_MARKDOWN
            if re.search(r"(?<!\\)" + re.escape(fragment), str(body), re.IGNORECASE)]
