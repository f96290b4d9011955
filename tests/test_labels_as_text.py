"""Issue 19, « labels are text »: a data label never becomes a link, a tag, a formula or an icon.

The two escaping rules (lib.presentation.plain_text) are checked as properties over random strings and the
payloads of the issue; the figures, tables, Word and Excel files are built from official-format files
written into tmp_path by tests/hostile_labels.py (never committed); the pages run in AppTest on those files.
The browser check (plotly's own rendering, Streamlit's own Markdown) is tests/e2e_upload/test_hostile_labels_browser.py.
"""
from __future__ import annotations

import dataclasses
import html
import io
import json
import re
import unicodedata
import zipfile
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lib.presentation.plain_text import WORD_JOINER, markdown_text, plot_text, unplot_text
from tests.hostile_labels import (FORMULA_TI_NAME, FRIENDLY_TI_NAME, HOSTILE_COUNTRY, HOSTILE_PRODUCT,
                                  HOSTILE_TI_NAME, PAYLOADS, label_markup_in_figure, raw_markdown_in,
                                  write_hostile_files)
from tests.test_versions import root  # noqa: F401  (fixture: an isolated data folder)

YEAR = 2024
# Random labels: any text, and text stitched from the payloads' pieces (tags, links, directives, formulas).
PIECES = st.sampled_from(["[", "]", "(", ")", "~~", ":", "red", "material/warning", "smile", "$", "^", "<", ">",
                          "a href=", '"', "'", "span style=", "b", "/", "br", "!--", "script", "&", "lt;", "#37;",
                          "%{x}", "https://", "www.", "@", "evil.example", "*", "_", "`", "#", "|", "=", "1984.",
                          "-", "+", " ", "\n", "\\", "é", "\u2060"])
LABELS = st.one_of(st.text(max_size=60), st.lists(PIECES, max_size=25).map("".join), st.sampled_from(PAYLOADS))


# ---------------------------------------------------------------- the two rules, as properties

_MARKDOWN_PUNCTUATION = set("\\`*_{}[]<>#|~$!&")


def _read_markdown(escaped: str) -> str:
    """What a reader sees of escaped Markdown text: backslash escapes read, word joiners invisible."""
    return re.sub(r"\\(.)", r"\1", escaped).replace(WORD_JOINER, "")


@settings(max_examples=400, deadline=None)
@given(LABELS)
def test_markdown_text_reads_as_typed_and_starts_no_markup(label):
    escaped = markdown_text(label)
    assert "\n" not in escaped and "\r" not in escaped
    flat = re.sub(r"[ \t\n\r\f\v]+", " ", label).strip(" ")        # no-break spaces stay (French typography)
    assert _read_markdown(escaped) == flat.replace(WORD_JOINER, "")
    unescaped = re.sub(r"\\.", "", escaped)                  # what is left once every escape pair is taken out
    assert not _MARKDOWN_PUNCTUATION & set(unescaped), escaped
    plain = escaped.replace(WORD_JOINER, "\x00")             # a joiner counts as a break
    assert not re.search(r":[^\s\x00]", plain), escaped     # no :material/…:, :emoji:, :red[, https://
    assert not re.search(r"(?i)(?<![^\W_])www\.", plain) and not re.search(r"@[^\x00]", plain), escaped
    assert not re.match(r"\d+[.)]|[-+]", escaped), escaped  # no list opened


@settings(max_examples=400, deadline=None)
@given(LABELS)
def test_plot_text_has_no_tag_entity_or_template_of_its_own(label):
    escaped = plot_text(label)
    assert "<" not in escaped and ">" not in escaped and "%{" not in escaped
    assert re.sub(r"&(amp|lt|gt|#37);", "", escaped).count("&") == 0
    assert unplot_text(escaped) == label == html.unescape(escaped)     # plotly.js shows the label itself


def test_a_friendly_name_looks_the_same_after_both_rules():
    assert _read_markdown(markdown_text(FRIENDLY_TI_NAME)) == FRIENDLY_TI_NAME
    assert markdown_text(FRIENDLY_TI_NAME) == "Val d'Europe \\& Co"
    assert markdown_text("511,9\u00a0M€ ;\u202f1") == "511,9\u00a0M€ ;\u202f1"      # French spaces kept
    assert plot_text(FRIENDLY_TI_NAME) == "Val d'Europe &amp; Co"     # drawn « & » by plotly.js


def test_the_copy_button_carries_any_text_inside_its_script():
    from lib.ui.synthesis_block import copy_button_html
    text = f"{HOSTILE_TI_NAME} </script><script>window.__pwned = 1</script> \u2028"
    page = copy_button_html(text)

    class Scripts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.bodies = []

        def handle_data(self, data):
            if self.lasttag == "script":
                self.bodies.append(data)
    parser = Scripts()
    parser.feed(page)
    assert len(parser.bodies) == 1 and "<" not in parser.bodies[0]        # nothing can end it or open a comment
    literal = re.search(r"const text = (.*);\n", parser.bodies[0]).group(1)
    assert json.loads(literal) == text


# ---------------------------------------------------------------- figures, tables, files from hostile files

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from lib.analysis.dataset import load_app_data
    root = tmp_path_factory.mktemp("hostile")
    return load_app_data([write_hostile_files(root / "files")], cache_dir=root / "cache")


def _figures(data, territory, choices=None):
    from lib.outputs.report import report_items
    from lib.presentation.chart_style import EmptyDataError, ExportFrame
    for item in report_items(data.cube, data.catalog, territory, YEAR, choices=choices):
        if item.build is None:
            continue
        for export in (None, ExportFrame(title=item.title, source="Source : essai")):
            try:
                yield item.key, item.build(export=export)
            except EmptyDataError:
                continue


def test_no_label_brings_markup_into_any_chart_of_the_pages(hostile):
    from lib.outputs.report import ReportChoices
    choices = ReportChoices(partner_territories=("ti:TIH", "ti:TIV", "ti:TIF", "dep:13"), partner="CN",
                            exposure_country="CN", tariff_country="CN")
    seen = set()
    for territory_id in ("ti:TIH", "dep:13"):
        for key, fig in _figures(hostile, hostile.catalog.resolve(territory_id), choices):
            seen.add(key)
            assert label_markup_in_figure(fig) == [], (territory_id, key)
    assert {"balance", "treemaps", "export-flows", "specialisation-export", "partner-trend", "exposure",
            "concentration", "eu-split", "tariff-products"} <= seen


def test_explorer_and_map_figures_keep_labels_as_text(hostile):
    from lib.analysis import explorers
    from lib.presentation import explorer_figures as efig, figures, tile_map
    cube = hostile.cube
    products = explorers.country_products(cube, HOSTILE_COUNTRY, YEAR, 10)
    partners = explorers.product_partners(cube, HOSTILE_PRODUCT, YEAR, 10)
    values = explorers.product_departments(cube, HOSTILE_PRODUCT, YEAR).set_index("department")["exports"]
    built = [efig.products_balance_figure(products, HOSTILE_COUNTRY), figures.balance_figure(partners),
             tile_map.map_figure(values, "exports", {"13"}, label=f"Exportations : {HOSTILE_PRODUCT}",
                                 hover_extra=values.map(lambda v: HOSTILE_TI_NAME))]
    for fig in built:
        assert label_markup_in_figure(fig) == []
    hover = built[2].data[0].hovertemplate
    assert "Exportations : &lt;b&gt;C99Z&lt;/b&gt; : %{customdata[2]}" in hover


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=LABELS)
def test_any_territory_name_stays_text_in_the_charts_that_name_it(hostile, name):
    from lib.outputs.report import report_items
    from lib.presentation.chart_style import ExportFrame
    territory = dataclasses.replace(hostile.catalog.resolve("ti:TIH"), name=name or "x")
    keys = ["specialisation-export", "concentration", "eu-split"]
    for item in report_items(hostile.cube, hostile.catalog, territory, YEAR, keys=keys):
        fig = item.build(export=ExportFrame(title=item.title, source="Source : essai"))
        strings = json.dumps(fig.to_plotly_json()["layout"].get("title", {}), ensure_ascii=False)
        assert label_markup_in_figure(fig) == [], item.key
        assert "<" not in re.sub(r"<br>", "", strings)


def test_word_and_excel_hold_the_labels_exactly_and_no_link_or_formula(hostile):
    from docx import Document
    from openpyxl import load_workbook
    from lib.outputs.excel_export import workbook_to_xlsx
    from lib.outputs.fiche_docx import build_fiche
    from lib.outputs.report import report_item
    content = build_fiche(hostile, "ti:TIH", YEAR, with_images=False)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert HOSTILE_TI_NAME in text and "\\[" not in text and "&amp;" not in text
    with zipfile.ZipFile(io.BytesIO(content)) as parts:
        relations = " ".join(parts.read(n).decode() for n in parts.namelist() if n.endswith(".rels"))
    assert "evil.example" not in relations                      # no label became a hyperlink
    for territory_id, name in (("ti:TIH", HOSTILE_TI_NAME), ("ti:TIV", FRIENDLY_TI_NAME),
                               ("ti:TIF", FORMULA_TI_NAME)):
        territory = hostile.catalog.resolve(territory_id)
        tables = [report_item(hostile.cube, hostile.catalog, territory, YEAR, key).tables[0]
                  for key in ("kpi", "export-links", "specialisation-export")]
        book = load_workbook(io.BytesIO(workbook_to_xlsx(tables, territory_label=name, year=YEAR,
                                                         source="Source : essai")))
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [c.value for c in cells if c.data_type == "f"]              # nothing stored as a formula
        assert any(name in c.value for c in cells)
        assert all(c.quotePrefix for c in cells if c.value.startswith(("=", "+", "-", "@")))


# ---------------------------------------------------------------- the pages (AppTest)

@pytest.fixture
def hostile_app(root):
    """The app on the hostile files only (the isolated data folder of tests.test_versions), Streamlit's
    caches emptied around."""
    import streamlit
    write_hostile_files(root / "officiel")
    streamlit.cache_resource.clear()
    streamlit.cache_data.clear()
    yield root
    streamlit.cache_resource.clear()
    streamlit.cache_data.clear()


def _markdown_bodies(at) -> list[tuple[str, str]]:
    """Every Markdown source a run produced: texts, captions, alerts, headings, metric labels and help."""
    found = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "header", "title"):
        found += [(kind, str(element.value)) for element in getattr(at, kind)]
    for metric in at.metric:
        found += [("metric", str(metric.label)), ("metric help", str(metric.proto.help))]
    for expander in at.expander:
        found.append(("expander", str(expander.label)))
    # the charts' text alternatives are one-line HTML blocks (html.escape'd, never read as Markdown): the
    # browser test checks them rendered
    return [(kind, body) for kind, body in found if not body.startswith('<p class="sr-only-description"')]


@pytest.mark.parametrize("page", ["streamlit_app.py", "pages/exports.py", "pages/comparison.py",
                                  "pages/exposure.py", "pages/about.py"])
def test_pages_put_no_label_into_markdown_unescaped(hostile_app, page):
    from streamlit.testing.v1 import AppTest
    from tests.conftest import PROJECT_DIR
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=180)
    at.query_params["territoire"], at.query_params["annee"] = "ti:TIH", str(YEAR)
    at.run()
    if page != "streamlit_app.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    bodies = _markdown_bodies(at)
    assert any("lien" in body for _, body in bodies)           # the name is on the page
    leaks = [(kind, body[:160], raw_markdown_in(body)) for kind, body in bodies if raw_markdown_in(body)]
    assert leaks == []


@pytest.mark.parametrize("page, key, code", [("pages/country_explorer.py", "explorer_country", HOSTILE_COUNTRY),
                                             ("pages/product_explorer.py", "explorer_product", HOSTILE_PRODUCT)])
def test_explorers_of_a_hostile_code_put_it_into_markdown_as_text(hostile_app, page, key, code):
    from streamlit.testing.v1 import AppTest
    from tests.conftest import PROJECT_DIR
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=180)
    at.query_params["territoire"], at.query_params["annee"] = "dep:13", str(YEAR)
    at.run()
    at.switch_page(page).run()
    at.selectbox(key=key).select(code).run()
    assert not at.exception, at.exception
    bodies = _markdown_bodies(at) + [("radio", str(option)) for radio in at.radio for option in radio.options]
    assert any("C99Z" in body or "ZZ" in body for _, body in bodies)
    assert [(kind, body[:160]) for kind, body in bodies if raw_markdown_in(body)] == []


# ---------------------------------------------------------------- control characters, removed where labels enter

@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_printable_label_leaves_no_control_character_and_keeps_the_rest(text):
    from lib.core.printable import printable_label

    def is_printable(value: str) -> bool:
        return all(unicodedata.category(c) not in ("Cc", "Cs") and c not in "\ufffe\uffff" for c in value)
    cleaned = printable_label(text)
    assert is_printable(cleaned)
    assert cleaned == text if is_printable(text) else len(cleaned) <= len(text)


def test_control_characters_in_names_and_codes_never_reach_word_excel_or_a_terminal(tmp_path):
    from docx import Document
    from openpyxl import load_workbook
    from lib.analysis.dataset import load_app_data
    from lib.outputs.excel_export import workbook_to_xlsx
    from lib.outputs.fiche_docx import build_fiche
    from lib.outputs.report import report_item
    from tests.official_builders import write_csv
    folder = write_hostile_files(tmp_path / "files")
    ti_list = folder / "liste-ti-com2023-20240101.csv"
    ti_list.write_text(ti_list.read_text(encoding="utf-8").replace(FRIENDLY_TI_NAME, "Val\x1b[31m rouge\x07\x0b fin"),
                       encoding="utf-8")
    write_csv(folder / "complement_EXPORT.csv", [["93", "83", "Export", "C1\x1b]8;;X", "D\x07E", 10.0, 20.0]])
    data = load_app_data([folder], cache_dir=tmp_path / "cache")
    territory = data.catalog.resolve("ti:TIV")
    assert territory.name == "Val [31m rouge   fin"
    assert "C1 ]8;;X" in set(data.result.table["product"]) and "D E" in set(data.result.table["country"])
    doc = Document(io.BytesIO(build_fiche(data, "ti:TIV", YEAR, with_images=False)))
    assert any(territory.name in p.text for p in doc.paragraphs)
    tables = [report_item(data.cube, data.catalog, territory, YEAR, key).tables[0] for key in ("kpi", "export-links")]
    book = load_workbook(io.BytesIO(workbook_to_xlsx(tables, territory_label=territory.name, year=YEAR,
                                                     source="Source : essai")))
    cells = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert any("C1 ]8;;X" in value for value in cells)
