"""The pictures of report items for the files built on the server (dossier, Word sheet, note).

One place draws them: every figure is built up front and its PNG asked at once from a two-thread pool.
The kaleido server draws one chart at a time (lib.outputs.png_export holds a lock), so while it draws
the next one the other thread reduces the previous picture to 256 colours, and the caller writes its
tables or text meanwhile. A chart without a picture gets one French note saying why, the same words in
every file.
"""
from __future__ import annotations

import contextvars
import hashlib
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

from lib.outputs.png_export import PngExportUnavailable, chrome_available, figure_to_png
from lib.outputs.report import ReportItem
from lib.presentation.figures import EXPORT_TEMPLATE, EmptyDataError, ExportFrame
from lib.presentation.palette import DEFAULT_PALETTE, Palette

# Why a chart has no picture: its note in a file, « {page} » the page where the chart is downloaded.
NO_CHROMIUM = ("Graphique non inclus : Chromium, nécessaire pour dessiner les images, est absent de ce "
               "serveur. Il se télécharge depuis la page « {page} » de l'application (icône appareil photo).")
RENDER_FAILED = ("Graphique non inclus : son dessin a échoué sur ce serveur. Il se télécharge depuis la page "
                 "« {page} » de l'application (icône appareil photo).")
_CACHE_SIZE = 48            # PNGs kept (~0.2 MB each): France's and the région's charts recur
_png_cache: OrderedDict[tuple, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def chart_png(figure, frame: ExportFrame, scale: float = 1, compact: bool = True) -> bytes:
    """figure_to_png, memoised on the figure itself (same JSON → same picture), optionally compacted."""
    key = hashlib.sha256(figure.to_json().encode()).hexdigest(), frame.width, frame.height, scale, compact
    with _cache_lock:
        if key in _png_cache:
            _png_cache.move_to_end(key)
            return _png_cache[key]
    png = figure_to_png(figure, frame.width, frame.height, scale, compact=compact)
    with _cache_lock:
        _png_cache[key] = png
        while len(_png_cache) > _CACHE_SIZE:
            _png_cache.popitem(last=False)
    return png


class ChartImages:
    """The PNG of each chart item, drawn ahead; ``note(key)`` says why one has none.

    Use as a context manager (or call ``close()``): leaving cancels the pictures not yet drawn.
    ``draw=False``: no picture is asked (a file requested without images), each chart gets ``not_drawn``.

    A picture placed in Word gives its placed width, ``print_width_cm``: its text grows so that the smallest
    prints at 7,5 pt or more (ExportFrame.factor). ``with_title=False``: the picture carries no title, the
    document's heading above it is the title (one title per chart). ``heights``: a height in px (at 1 600 px
    wide) per item key, for a chart that needs more room than 900 px (a treemap) or less (the note's chart).
    """

    def __init__(self, items: list[ReportItem], *, source: str, palette: Palette = DEFAULT_PALETTE,
                 scale: float = 1, compact: bool = True, draw: bool = True,
                 not_drawn: str = "Graphique non inclus (fichier demandé sans images).",
                 print_width_cm: float | None = None, with_title: bool = True,
                 heights: dict[str, int] | None = None):
        self.items = {item.key: item for item in items if item.build is not None}
        self.failure = (not_drawn if not draw else None if chrome_available() else NO_CHROMIUM)
        self.frames: dict[str, ExportFrame] = {}
        self._pending: dict[str, Future | str] = {}     # key → PNG future, or why there is nothing to draw
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="chart-png") \
            if self.failure is None else None
        for key, item in self.items.items():
            frame = ExportFrame(title=item.title if with_title else "", source=source, scale=scale,
                                height=(heights or {}).get(key, ExportFrame.height),
                                print_width_cm=print_width_cm)
            self.frames[key] = frame
            try:
                figure = item.build(template=EXPORT_TEMPLATE, palette=palette, export=frame)
            except EmptyDataError as exc:
                self._pending[key] = str(exc)            # nothing to draw: say why, as the pages do
                continue
            if self._pool is not None:
                self._pending[key] = self._pool.submit(contextvars.copy_context().run, chart_png, figure, frame,
                                                       scale=scale, compact=compact)   # same render owner

    def __enter__(self) -> "ChartImages":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            for pending in self._pending.values():
                if isinstance(pending, Future):
                    pending.cancel()
            self._pool.shutdown(wait=True)

    def png(self, key: str) -> bytes | None:
        """The chart's picture, None when it has none (see ``note``). A failed drawing stops the others."""
        pending = self._pending.get(key)
        if not isinstance(pending, Future) or self.failure is not None:
            return None
        try:
            return pending.result()
        except PngExportUnavailable:
            self.failure = RENDER_FAILED                  # Chromium died: no more pictures
            return None

    def empty(self, key: str) -> str | None:
        """Why the chart has nothing to draw (no trade for this territory and year), else None."""
        pending = self._pending.get(key)
        return pending if isinstance(pending, str) else None

    def note(self, key: str) -> str:
        """The French note replacing a missing picture."""
        return self.empty(key) or (self.failure or "").format(page=self.items[key].page)
