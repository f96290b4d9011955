"""Reusable page pieces: banners, KPI rows, and a chart with its data table and its downloads."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import plotly.graph_objects as go
import streamlit as st

from lib import tables
from lib.excel_export import TableSheet, table_to_xlsx, workbook_to_xlsx
from lib.figures import EmptyDataError, ExportFrame
from lib.file_names import download_name
from lib.plotly_locale import chart_config
from lib.png_export import chrome_available, client_image_config, figure_to_png
from lib.ui.selection import Selection

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_TEMPLATE = "plotly_white"


@dataclass(frozen=True)
class DownloadContext:
    """What every download of a page shares: who, when, and the source line to print."""
    selection: Selection
    source: str

    @property
    def territory_label(self) -> str:
        return self.selection.territory.label

    @property
    def year(self) -> int:
        return self.selection.year


def demo_banner(is_demo: bool) -> None:
    if is_demo:
        st.info("**Données de démonstration** : chiffres fictifs générés au format officiel des douanes, "
                "calés sur quelques totaux publiés. Pour les vrais chiffres, chargez les fichiers régionaux des "
                "douanes dans la page « À propos des données ».", icon="ℹ️")


def metric_row(cards: list) -> None:
    """Bordered metrics; the arrow and colour of a change come from its numeric sign, not from its text."""
    from lib.overview_metrics import Card
    cards = [card if isinstance(card, Card) else Card(*card) for card in cards]
    columns = st.columns(len(cards))
    for column, card in zip(columns, cards):
        with column:
            st.metric(card.label, card.value, delta=card.delta, help=card.help, border=True,
                      delta_arrow={1: "up", -1: "down"}.get(card.trend, "off"),
                      delta_color={1: "green", -1: "red"}.get(card.trend, "gray"))


def chart_block(build: Callable[..., go.Figure], table: TableSheet | list[TableSheet], *, key: str, topic: str,
                chart: str, export_title: str, context: DownloadContext, height: int | None = None,
                export_size: tuple[int, int] | None = None, chart_options: dict | None = None,
                data_label: str = "Voir les données du graphique") -> None:
    """The chart on screen, its two downloads, and its data table one click away.

    `build(template=..., palette=..., export=...)` is called again for the PNG with an explicit light
    template: the on-screen figure uses Streamlit's theme, whose colours would export black.
    `export_size` (width, height) overrides the 1600 × 900 PNG (the map is near square); `chart_options`
    go to st.plotly_chart (e.g. on_select for a clickable map).
    """
    selection = context.selection
    try:
        figure = build(palette=selection.palette)
    except EmptyDataError as exc:
        st.info(str(exc), icon="ℹ️")
        return
    if height:
        figure.update_layout(height=height)
    png_name = download_name(topic, chart, selection.territory, selection.year, "png")
    size = dict(zip(("width", "height"), export_size)) if export_size else {}
    st.plotly_chart(figure, key=f"chart_{key}", width="stretch",
                    config=chart_config(client_image_config(png_name[:-4], **size)), **(chart_options or {}))
    buttons = st.container(horizontal=True, wrap=True)   # natural widths: never cut in a narrow column
    with buttons:
        if chrome_available():
            frame = ExportFrame(title=export_title, source=context.source, **size)
            st.download_button(
                "Télécharger l'image (PNG)", key=f"png_{key}", mime="image/png", file_name=png_name,
                data=lambda: figure_to_png(build(template=EXPORT_TEMPLATE, palette=selection.palette, export=frame),
                                           frame.width, frame.height, frame.scale),
                on_click="ignore", icon=":material/image:")
        else:
            st.caption("Export PNG indisponible sur ce serveur (Chromium absent) : utilisez l'icône appareil "
                       "photo en haut à droite du graphique.")
        excel_button(table, key=key, topic=topic, chart=chart, context=context)
    with st.expander(data_label):
        for one in (table if isinstance(table, list) else [table]):
            if isinstance(table, list):
                st.markdown(f"**{one.title}**")
            st.dataframe(tables.display_frame(one), hide_index=True, width="stretch")
            for note in one.notes:
                st.caption(note)


def excel_button(table: TableSheet | list[TableSheet], *, key: str, topic: str, chart: str,
                 context: DownloadContext) -> None:
    selection = context.selection
    common = dict(territory_label=context.territory_label, year=context.year, source=context.source)

    def build() -> bytes:
        if isinstance(table, list):
            return workbook_to_xlsx(table, readme=None, images=None, **common)
        return table_to_xlsx(table, **common)

    st.download_button(
        "Télécharger le tableau (Excel)", key=f"xlsx_{key}", mime=XLSX_MIME,
        file_name=download_name(topic, chart, selection.territory, selection.year, "xlsx"),
        data=build, on_click="ignore", icon=":material/table:")


def table_block(table: TableSheet, *, key: str, topic: str, chart: str, context: DownloadContext) -> None:
    """A table shown directly (no chart), with its Excel download."""
    st.dataframe(tables.display_frame(table), hide_index=True, width="stretch")
    excel_button(table, key=key, topic=topic, chart=chart, context=context)


def download_context(data, selection: Selection) -> DownloadContext:
    from lib.official_files import citation
    from lib.texts import source_line
    return DownloadContext(selection=selection, source=source_line(citation(data.result.release_date), data.is_demo))


def industry_territory_box(territory, on_open: Callable[[str], None]) -> None:
    """Which départements a Territoire d'industrie covers, which ones count, and a way to open them."""
    from lib.reference.departments import department_name
    from lib.texts import approximation_note
    from lib.territories import MAIN_DEPARTMENT_MIN_COMMUNES
    with st.container(border=True):
        st.markdown(f"**{territory.name}** — Territoire d'industrie")
        st.markdown(approximation_note(territory))
        lines = [f"- {d} – {department_name(d)} : {n} commune{'s' if n > 1 else ''}"
                 + (" (département principal)" if d in territory.departments else
                    f" (moins de {MAIN_DEPARTMENT_MIN_COMMUNES} communes : non retenu)")
                 for d, n in territory.commune_counts]
        st.markdown("Communes du territoire par département :\n" + "\n".join(lines))
        if len(territory.departments) > 1:
            st.caption("Ce territoire s'étend sur plusieurs départements : comme le recommande la publication, "
                       "consultez aussi la fiche de chacun d'eux.")
        columns = st.columns(min(len(territory.departments), 4))
        for column, dep in zip(columns * 4, territory.departments):
            with column:
                st.button(f"Ouvrir {dep} – {department_name(dep)}", key=f"open_dep_{dep}",
                          on_click=on_open, args=(f"dep:{dep}",))


_UPLOADER_FRENCH_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] > div > small { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "%s"; font-size: 0.85rem; opacity: 0.7; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "Parcourir…"; }
</style>"""


def french_file_uploader(hint: str) -> None:
    """Streamlit's uploader has English text built in (« Upload », « 200MB per file »): restyle it in French."""
    st.html(_UPLOADER_FRENCH_CSS % hint.replace('"', "'"))
