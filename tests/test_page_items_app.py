"""AppTest: each territory page shows exactly its items of the report registry (lib.outputs.report.PAGE_ITEMS),
so a page and the dossier / Word sheet / benchmark cannot drift apart; and a rerun rebuilds nothing."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from lib.outputs.report import ReportChoices, page_items
from lib.presentation.figures import EmptyDataError
from lib.presentation.palette import DEFAULT_PALETTE
from tests.conftest import PROJECT_DIR

PAGES = {"overview": "pages/overview.py", "export": "pages/exports.py", "import": "pages/imports.py",
         "comparison": "pages/comparison.py", "exposure": "pages/exposure.py", "partner": "pages/partner.py",
         "tariff": "pages/tariff.py"}


@pytest.fixture(scope="module")
def territories(app_data):
    ti = sorted(app_data.catalog.industry_territories.values(), key=lambda t: -len(t.departments))[0]
    return {"dep": "dep:04", "ti": ti.id, "reg": "reg:93", "fr": "fr"}


def _open(territory_id: str, page: str) -> AppTest:
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=120)
    at.query_params["territoire"] = territory_id
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, at.exception
    return at


def _keys(at: AppTest, element: str, prefix: str) -> list[str]:
    """The registry keys behind the page's elements: Streamlit ids end with « -<prefix><key> »."""
    found = [re.search(rf"-{prefix}(.+)$", el.proto.id) for el in at.get(element)]
    return [match.group(1) for match in found if match]


def _expected(app_data, territory_id: str, page: str, choices: ReportChoices | None = None,
              open_flow: str = "export", spec_flow: str = "export") -> tuple[list[str], list[str]]:
    """(chart keys, Excel download keys) the page must show, in order: its registry items, less what is
    hidden behind a closed tab or the other specialisation flow, and charts with nothing to draw."""
    territory = app_data.catalog.resolve(territory_id)
    items = page_items(app_data.cube, app_data.catalog, territory, app_data.latest_year, page, choices)
    if page == "comparison":
        closed = "import" if open_flow == "export" else "export"
        other_spec = "specialisation-import" if spec_flow == "export" else "specialisation-export"
        items = [item for item in items if not item.key.startswith(f"{closed}-flows") and item.key != other_spec]

    def drawn(item) -> bool:
        try:
            item.build(palette=DEFAULT_PALETTE)
        except EmptyDataError:
            return False
        return True

    shown = [item for item in items if item.build is None or drawn(item)]
    return [item.key for item in shown if item.build is not None], [item.key for item in shown]


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("kind", ["dep", "ti", "reg", "fr"])
def test_each_page_shows_exactly_its_registry_items(kind, page, territories, app_data):
    territory_id = territories[kind]
    at = _open(territory_id, page)
    charts, tables = _expected(app_data, territory_id, page)
    assert charts, "every page has charts"
    assert _keys(at, "plotly_chart", "chart_") == charts
    assert _keys(at, "download_button", "xlsx_") == tables


def test_page_choices_pick_the_registry_items_they_name(territories, app_data):
    """The comparison page's radio shows the other specialisation item; its départements are the item's."""
    at = _open("dep:04", "comparison")
    at.radio(key="spec_flow").set_value("import").run()
    charts, _ = _expected(app_data, "dep:04", "comparison", spec_flow="import")
    assert "specialisation-import" in charts and _keys(at, "plotly_chart", "chart_") == charts
    at.multiselect(key="cmp_departments").set_value(["13", "75"]).run()
    assert not at.exception
    chosen = ReportChoices(peer_departments=("13", "75"))
    item = next(i for i in page_items(app_data.cube, app_data.catalog, app_data.catalog.resolve("dep:04"),
                                      app_data.latest_year, "comparison", chosen) if i.key == "departments")
    assert list(item.tables[0].frame["department"]) == ["13", "75"]
    assert "departments" in _keys(at, "plotly_chart", "chart_")


@pytest.mark.parametrize("page", list(PAGES))
def test_a_rerun_builds_no_item_and_no_figure(page, monkeypatch):
    """Items come from lib.ui.loaders' cache and their figures from the figure cache: a rerun (a widget, the
    data expander, another session on the same territory) computes no lib result and builds no figure."""
    from lib.ui import loaders, widgets
    at = _open("dep:05", page)
    built: list[str] = []
    original_items, original_share = loaders.report_items, widgets._SharedFigure.share.__func__

    def counting_items(*args, **kwargs):
        built.append(f"item {kwargs.get('keys')}")
        return original_items(*args, **kwargs)

    def counting_share(cls, figure):
        built.append("figure")
        return original_share(cls, figure)

    monkeypatch.setattr(loaders, "report_items", counting_items)
    monkeypatch.setattr(widgets._SharedFigure, "share", classmethod(counting_share))
    at.run()
    assert not at.exception
    assert _keys(at, "plotly_chart", "chart_"), "the page still shows its charts"
    assert built == []
