"""What every page does first: the selection, the data, the header and the banners."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace

import streamlit as st

from lib.analysis.dataset import AppData
from lib.outputs.report import ReportChoices, ReportItem
from lib.presentation.texts import approximation_note
from lib.presentation.plain_text import markdown_text
from lib.ui import loaders, update_banner
from lib.ui.accessibility import page_accessibility
from lib.ui.selection import Selection, current, open_territory, show_url_warnings
from lib.ui.state_banner import data_state_banner
from lib.ui.widgets import (DownloadContext, chart_block, demo_banner, download_context, industry_territory_box,
                           table_block)


@dataclass(frozen=True)
class PageContext:
    data: AppData
    selection: Selection
    token: str
    downloads: DownloadContext

    @property
    def territory(self):
        return self.selection.territory

    @property
    def year(self) -> int:
        return self.selection.year

    def summary(self) -> dict:
        return loaders.summary(self.token, self.territory.id, self.year)

    def downloads_for(self, territory) -> DownloadContext:
        """Downloads of another territory's chart on this page (the région's or France's Sankey)."""
        return replace(self.downloads, selection=replace(self.selection, territory=territory))

    @property
    def national_downloads(self) -> DownloadContext:
        """Downloads of a France-wide table or chart (the map, the explorers): their files are named and
        titled for France, whose figures they hold, whatever territory is selected."""
        from lib.data.territories import FRANCE
        return self.downloads_for(FRANCE)

    def compute(self, name: str, *args):
        """A cached lib computation for this territory and year (see lib.analysis.computations)."""
        return loaders.compute(self.token, name, self.territory.id, self.year, *args)

    def item(self, key: str, choices: ReportChoices | None = None) -> ReportItem | None:
        """The registry's item `key` for this territory and year (cached), None when it does not apply."""
        return loaders.report_item(self.token, self.territory.id, self.year, key, choices)

    def show(self, key: str, choices: ReportChoices | None = None) -> ReportItem | None:
        """Load and render one registry item; returns it (None, nothing drawn, when it does not apply)."""
        found = self.item(key, choices)
        if found is not None:
            render_item(found, self)
        return found


def render_item(item: ReportItem, page: PageContext) -> None:
    """A registry item on a page: its chart with its downloads and data, or its table alone.

    The names, titles and tables are the item's, as in the dossier and the Word sheet. A comparison point
    (the région's or France's Sankey) is downloaded under its own name, and its figure is shared by every
    territory compared with it. The figure and the display tables are cached per item and choice."""
    context = page.downloads if item.territory.id == page.territory.id else page.downloads_for(item.territory)
    tables = item.tables[0] if len(item.tables) == 1 else item.tables
    cache_key = (item.key, *dataclasses.astuple(item.choices))
    if item.build is None:
        stored = loaders.stored_tables(page.token, page.territory.id, page.year, cache_key)
        table_block(tables, key=item.key, topic=item.topic, chart=item.chart, context=context, cache_key=cache_key,
                    stored=stored)
    else:
        stored = loaders.stored_figure(page.token, page.territory.id, page.year, cache_key,
                                       page.selection.palette_name)
        chart_block(item.build, tables, key=item.key, topic=item.topic, chart=item.chart, context=context,
                    export_title=item.title, figure_key=cache_key, stored=stored)


def page_header(title: str, *, show_ti_box: bool = True) -> PageContext:
    data = loaders.app_data()
    selection = current()
    page_accessibility()
    st.title(title)
    st.markdown(f"#### {markdown_text(selection.territory.name)} — {selection.year}")
    update_banner.show()      # the data changed: said before what follows from it (a territory gone)
    show_url_warnings()
    demo_banner(data.is_demo)
    data_state_banner()
    if selection.territory.kind == "ti":
        if show_ti_box:
            industry_territory_box(selection.territory, open_territory)
        else:
            st.caption(markdown_text(approximation_note(selection.territory)))
    return PageContext(data=data, selection=selection, token=loaders.data_token(data),
                       downloads=download_context(data, selection))


def stop_if_no_trade(summary: dict, territory_name: str, flows: tuple[str, ...] = ("exports", "imports")) -> None:
    """A territory with no recorded trade gets an explanation, not an empty chart."""
    if all(not summary[f] for f in flows):
        what = {"exports": "exportation", "imports": "importation"}
        st.info(f"Aucune {' ni '.join(what[f] for f in flows)} n'est enregistrée pour {markdown_text(territory_name)} cette "
                "année dans les fichiers chargés (absence d'échanges ou données non publiées au titre du secret "
                "statistique).", icon="ℹ️")
        st.stop()
