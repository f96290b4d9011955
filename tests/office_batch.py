"""Hundreds of Word files built and laid out at once: two worker processes, LibreOffice as they come.

Measured on the note (2 cores): serially 0,78 s a note, of which kaleido's drawing 0,38 s, the 256-colour
reduction 0,16 s, the synthesis and the figure 0,15 s; LibreOffice then lays out about 3 notes a second.
One process is bound by its single kaleido Chromium and the GIL, so two processes (spawned: each opens its
own Chromium) build chunks of files while the parent converts every finished chunk in one soffice call.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
import types
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from tests import office_render

_APP = None
BUILD_THREADS = 2      # inside a worker: one builds text and figures while the other waits on Chromium


def _open(demo_dir: str, cache_dir: str) -> None:
    global _APP
    from lib.analysis.dataset import load_app_data
    _APP = load_app_data([Path(demo_dir)], cache_dir=Path(cache_dir))


def _builder(kind: str):
    from lib.outputs import fiche_docx, note_docx
    if kind == "note":
        return note_docx.build_note, note_docx.note_file_name
    return fiche_docx.build_fiche, fiche_docx.fiche_file_name


def _build_chunk(kind: str, ids: list[str], year: int, folder: str) -> tuple[list[str], float]:
    """The files written, and when the last was (wall clock)."""
    build, name = _builder(kind)

    def one(territory_id: str) -> str:
        territory = _APP.catalog.resolve(territory_id)
        path = Path(folder) / name(territory, year)
        path.write_bytes(build(_APP, territory, year))
        return str(path)
    with ThreadPoolExecutor(BUILD_THREADS) as pool:
        return list(pool.map(one, ids)), time.time()


@contextlib.contextmanager
def _plain_main():
    """A spawned worker re-runs the parent's ``__main__`` file. In a full test session, Streamlit's AppTest has
    left ``__main__`` naming one of its temporary scripts, which fails there (every worker died at start): the
    workers need nothing from ``__main__``, so they are started while it is an empty module."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


@dataclass
class Batch:
    docx: list[Path]
    pdfs: list[Path]
    build_seconds: float        # until the last file was written
    total_seconds: float        # until the last PDF was written


def build_and_convert(kind: str, territory_ids: list[str], year: int, folder: Path, demo_dir: Path, *,
                      workers: int = 2, chunk: int = 30) -> Batch:
    """Build ``kind`` (« note » or « fiche ») for every territory in ``folder/docx`` and convert them to
    ``folder/pdf``; the PDFs follow ``territory_ids``' order."""
    start, wall_start = time.perf_counter(), time.time()
    docx_dir, pdf_dir, cache = folder / "docx", folder / "pdf", folder / "cache"
    docx_dir.mkdir(parents=True, exist_ok=True)
    _open(str(demo_dir), str(cache))                       # fills the cache the workers then read
    chunks = [territory_ids[i:i + chunk] for i in range(0, len(territory_ids), chunk)]
    made: dict[str, Path] = {}
    built_at = wall_start
    with _plain_main(), ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_open,
                                            initargs=(str(demo_dir), str(cache))) as pool:
        pending = {pool.submit(_build_chunk, kind, ids, year, str(docx_dir)) for ids in chunks}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                written, finished = future.result()
                paths = [Path(p) for p in written]
                built_at = max(built_at, finished)
                for pdf in office_render.to_pdf(paths, pdf_dir):
                    made[pdf.stem] = pdf
    docx = sorted(docx_dir.glob("*.docx"), key=os.path.getmtime)
    ordered = [made[Path(_builder(kind)[1](_APP.catalog.resolve(i), year)).stem] for i in territory_ids]
    return Batch(docx, ordered, built_at - wall_start, time.perf_counter() - start)
