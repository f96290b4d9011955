"""Reusable page pieces: banners, KPI rows, and a chart with its data table and its downloads."""
from __future__ import annotations

import weakref
import zlib
from dataclasses import dataclass
from typing import Callable

import plotly.graph_objects as go
import streamlit as st

from lib.presentation import tables
from lib.outputs.excel_export import TableSheet, table_to_xlsx, workbook_to_xlsx
from lib.presentation.figures import EmptyDataError, ExportFrame, EXPORT_TEMPLATE
from lib.outputs.file_names import download_name
from lib.presentation.plotly_locale import chart_config
from lib.outputs.png_export import chrome_available, client_image_config, figure_to_png
from lib.ui import loaders, screen_theme
from lib.presentation.plain_text import markdown_text
from lib.ui.accessibility import chart_description
from lib.ui.selection import Selection

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
                "calés sur quelques totaux publiés. Les vrais chiffres viennent des fichiers régionaux des douanes, "
                "qu'un administrateur charge depuis la page « À propos des données ».", icon="ℹ️")


# Cards in a wrapping row: 4 abreast on a wide main area, 2 below 56rem (1024 px with the sidebar open), 1 on
# a phone; the value's size follows the card's width (container units), so « 599 123,4 M€ » is never cut.
_KPI_ROW = "[class*='st-key-kpi_row_']"
_KPI_CSS = f"""<style>
{_KPI_ROW} {{ container-type: inline-size; align-items: stretch; }}
{_KPI_ROW} [data-testid="stMetric"] {{ height: 100%; }}
{_KPI_ROW} > div {{ flex: 1 1 calc(25% - 1rem); min-width: 0; container-type: inline-size; }}
@container (max-width: 56rem) {{ {_KPI_ROW} > div {{ flex-basis: calc(50% - 1rem); }} }}
@container (max-width: 26rem) {{ {_KPI_ROW} > div {{ flex-basis: 100%; }} }}
{_KPI_ROW} [data-testid="stMetricValue"] {{ font-size: min(2.25rem, 11.5cqi); }}
</style>"""


def metric_row(cards: list) -> None:
    """Bordered metrics; the arrow and colour of a change come from its numeric sign, not from its text."""
    from lib.presentation.overview_metrics import Card
    cards = [card if isinstance(card, Card) else Card(*card) for card in cards]
    # Fixed st.columns shrank the cards instead of wrapping them: « 513,… », « Importati… » at 1024 px.
    st.html(_KPI_CSS)
    key = "kpi_row_" + format(zlib.crc32("|".join(card.label for card in cards).encode()), "x")
    row = st.container(horizontal=True, wrap=True, gap="small", key=key)
    for card in cards:
        with row:
            st.metric(card.label, card.value, delta=card.delta, help=card.help, border=True,
                      delta_arrow={1: "up", -1: "down"}.get(card.trend, "off"),
                      delta_color={1: "green", -1: "red"}.get(card.trend, "gray"))


_WRAP_CSS = """<style>
.st-key-{key} [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; }}
.st-key-{key} [data-testid="stColumn"] {{ min-width: min(100%, {min_width}); flex-grow: 1; }}
</style>"""


def wrapping_columns(spec: list[int], *, key: str, min_width: str = "30rem") -> list:
    """st.columns whose columns go under one another when the main area is too narrow for them (a map and
    its top-10 table side by side at 1024 px left 20 px per tile and hid the table's value column)."""
    st.html(_WRAP_CSS.format(key=key, min_width=min_width))
    with st.container(key=key):
        return st.columns(spec, gap="medium")


COUNT_RANGE = (5, 25)    # every « how many countries / products » slider: same bounds, same start (10)


def count_slider(label: str, key: str) -> int:
    """How many partners (or products) a chart shows: one range and one default on every page."""
    from lib.analysis.indicators import TOP_N
    return st.slider(label, *COUNT_RANGE, TOP_N, key=key)


def chart_block(build: Callable[..., go.Figure], table: TableSheet | list[TableSheet] | Callable, *, key: str,
                topic: str, chart: str, export_title: str, context: DownloadContext, height: int | None = None,
                export_size: tuple[int, int] | None = None, chart_options: dict | None = None,
                data_label: str = "Voir les données du graphique", figure_key: tuple | None = None,
                stored: tuple[dict, str] | None = None) -> None:
    """The chart on screen, its two downloads, and its data table one click away.

    `build(template=..., palette=..., export=...)` is called again for the PNG with an explicit light
    template: the on-screen figure uses Streamlit's theme, whose colours would export black.
    `export_size` (width, height) overrides the 1600 × 900 PNG (the map is near square); `chart_options`
    go to st.plotly_chart (e.g. on_select for a clickable map). `figure_key`: the values the figure
    depends on besides the data, the territory, the year and the palette (e.g. a slider's value); given,
    the on-screen figure and tables are built once and shared by every session (see `screen_figure`),
    and `table` may be a function building the table(s), called only when needed. `stored`: the figure's
    dict and text alternative precomputed with the data version (lib/outputs/warm_store), sent as they are.
    """
    selection = context.selection
    description = None
    if stored is not None:
        figure, description = _SharedFigure.from_dict(stored[0]), stored[1]
    else:
        try:
            figure = screen_figure(build, selection, key=key, height=height, figure_key=figure_key)
        except EmptyDataError as exc:
            st.info(markdown_text(exc), icon="ℹ️")
            return
    png_name = download_name(topic, chart, selection.territory, selection.year, "png")
    size = dict(zip(("width", "height"), export_size)) if export_size else {}
    chart_description(figure, key=key, title=export_title, text=description)   # text alternative (lib.ui.accessibility)
    # theme=None where Streamlit's look is already in the figure (lib/ui/screen_theme): plotly then draws it once
    theme = None if screen_theme.is_drawn_once(figure.to_dict()) else "streamlit"
    st.plotly_chart(figure, key=f"chart_{key}", width="stretch", theme=theme,
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
    # Built and sent only once opened (a rerun): sent closed, the tables took 12 % of a rerun (py-spy, 20 sessions).
    box = st.expander(data_label, key=f"data_{key}", on_change="rerun")
    if not box.open:
        return
    with box:
        for title, notes, shown, widths in screen_tables(table, selection, key=key, cache_key=figure_key):
            if title is not None:
                st.markdown(f"**{markdown_text(title)}**")
            show_table(shown, widths)
            for note in notes:
                st.caption(markdown_text(note))


def show_table(shown, widths: dict[str, int]) -> None:
    """A display table on screen, each column wide enough for its whole header; the name column pinned
    when the table is wide enough to scroll sideways on a laptop."""
    wide = sum(widths.values()) > 700
    config = {header: st.column_config.Column(width=width, pinned=wide and header in tables.NAME_HEADERS or None)
              for header, width in widths.items()}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)


Tables = TableSheet | list[TableSheet]


def _sheets(table: Tables | Callable[[], Tables]) -> Tables:
    return table() if callable(table) else table


def screen_tables(table: Tables | Callable[[], Tables], selection: Selection, *, key: str,
                  cache_key: tuple | None = None) -> list[tuple[str | None, list[str], object, dict[str, int]]]:
    """(title shown above it or None, notes, Arrow table of the French display strings, column widths)
    per table.

    Cached like the figures when `cache_key` is given: a table (or a function building it) is then turned
    into display strings and Arrow once, and the rerun only sends it."""
    def make():
        return tables.screen_parts(_sheets(table))

    if cache_key is None:
        return make()
    return loaders.screen_tables((key, selection.territory.id, selection.year, tuple(cache_key),
                                  loaders.current_token()), make)


def screen_figure(build: Callable[..., go.Figure], selection: Selection, *, key: str, height: int | None = None,
                  figure_key: tuple | None = None) -> go.Figure:
    """The on-screen figure; cached per (builder, chart, territory, year, palette, data, figure_key).

    Building a plotly figure (every property validated) was the largest part of a rerun; the builders
    stay untouched, the cache sits around them. No `figure_key`, no cache."""
    def make() -> go.Figure:
        figure = build(palette=selection.palette)
        if height:
            figure.update_layout(height=height)
        return figure

    def make_shared() -> go.Figure:
        return _SharedFigure.share(make())

    if figure_key is None:
        return make_shared()

    func = getattr(build, "func", build)
    cache_key = (f"{func.__module__}.{func.__qualname__}", id(func), key, selection.territory.id, selection.year,
                 selection.palette_name, height, tuple(figure_key), loaders.current_token())
    return loaders.figure(cache_key, make_shared)


class _SharedFigure(go.Figure):
    """A cached on-screen figure, read by every session: st.plotly_chart asks for its dict (a deep copy
    each time) on every rerun; here it is computed once and handed out read-only."""

    @classmethod
    def share(cls, figure: go.Figure) -> go.Figure:
        frozen = screen_theme.ready_to_draw(figure.to_dict())
        figure.__class__ = cls
        figure._shared_dict = frozen
        return figure

    @classmethod
    def from_dict(cls, frozen: dict) -> go.Figure:
        """A figure standing for its precomputed dict: nothing validated or built again (only to_dict is
        read by st.plotly_chart; the text alternative comes with the dict)."""
        figure = cls.__new__(cls)
        figure._shared_dict = frozen
        return figure

    def to_dict(self) -> dict:
        return self._shared_dict


def excel_button(table: Tables | Callable[[], Tables], *, key: str, topic: str, chart: str,
                 context: DownloadContext) -> None:
    """`table` may be a function building it: it then runs only when the file is asked for."""
    selection = context.selection
    common = dict(territory_label=context.territory_label, year=context.year, source=context.source)

    def build() -> bytes:
        sheets = _sheets(table)
        if isinstance(sheets, list):
            return workbook_to_xlsx(sheets, readme=None, images=None, **common)
        return table_to_xlsx(sheets, **common)

    st.download_button(
        "Télécharger le tableau (Excel)", key=f"xlsx_{key}", mime=XLSX_MIME,
        file_name=download_name(topic, chart, selection.territory, selection.year, "xlsx"),
        data=build, on_click="ignore", icon=":material/table:")


STATIC_TABLE_ROWS = 5     # a table this short is read whole: a plain table, not a scrolling grid


def plain_table(frame) -> None:
    """A short table read whole, as a plain table whose cells wrap: it fits a phone's width where a grid
    scrolled sideways (its name column took most of 390 px)."""
    st.table(_as_text(frame), hide_index=True)


def _as_text(frame):
    """st.table reads its headers and cells as Markdown: labels from the files must stay text."""
    frame = frame.map(lambda value: markdown_text(value) if isinstance(value, str) else value)
    frame.columns = [markdown_text(str(column)) for column in frame.columns]
    return frame


_PLAIN_FRAMES: dict[int, tuple] = {}     # id of a display table → (weak reference to it, its frame)


def _plain_text_frame(shown):
    """The Markdown-safe pandas frame of a short display table (an Arrow table): made once per table while
    it is held (stored with the data version or cached), not at every rerun (11 % of a warm rerun). Arrow
    tables cannot be hashed: keyed by identity, forgotten when the table is."""
    key = id(shown)
    held = _PLAIN_FRAMES.get(key)
    if held is not None and held[0]() is shown:
        return held[1]
    frame = _as_text(shown.to_pandas())

    def forget(ref, key=key):
        if _PLAIN_FRAMES.get(key, (None,))[0] is ref:
            _PLAIN_FRAMES.pop(key, None)
    _PLAIN_FRAMES[key] = (weakref.ref(shown, forget), frame)
    return frame


def table_block(table: TableSheet | Callable[[], TableSheet], *, key: str, topic: str, chart: str,
                context: DownloadContext, cache_key: tuple | None = None, stored: list | None = None) -> None:
    """A table shown directly (no chart), with its Excel download. `cache_key` as `figure_key` of
    `chart_block`: given, the display table is built once and shared (`table` may then be a function).
    `stored`: its screen parts precomputed with the data version (lib/outputs/warm_store), shown as they are.

    A short table (the territory, its région and France) is a plain table whose headers wrap: as a grid,
    its columns are as wide as their long headers and the last one was cut at 1 440 px; nothing to sort
    or search in three rows."""
    parts = stored if stored is not None else screen_tables(table, context.selection, key=key, cache_key=cache_key)
    for _, _, shown, widths in parts:
        if shown.num_rows <= STATIC_TABLE_ROWS:
            st.table(_plain_text_frame(shown), hide_index=True)
        else:
            show_table(shown, widths)
    excel_button(table, key=key, topic=topic, chart=chart, context=context)


def download_context(data, selection: Selection) -> DownloadContext:
    from lib.data.official_files import citation
    from lib.presentation.texts import source_line
    return DownloadContext(selection=selection, source=source_line(citation(data.result), data.is_demo))


def industry_territory_box(territory, on_open: Callable[[str], None]) -> None:
    """Which départements a Territoire d'industrie covers, which ones count, and a way to open them."""
    from lib.data.reference.departments import department_name
    from lib.presentation.texts import approximation_note
    from lib.data.territories import MAIN_DEPARTMENT_MIN_COMMUNES
    with st.container(border=True):
        st.markdown(f"**{markdown_text(territory.name)}** — Territoire d'industrie")
        st.markdown(markdown_text(approximation_note(territory)))
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
