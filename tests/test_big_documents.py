"""Big documents give their memory back (issue 19, item 7): the heap is trimmed when the last one in flight
is done, and kaleido's Chromium is restarted when it grew past its limit and nobody waits for a picture.
The figures with real documents are measured by `python -m bench.document_memory`."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from lib.core import memory
from lib.outputs import big_documents, png_export
from lib.outputs.render_queue import FairQueue


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("VmRSS absent")


@pytest.mark.skipif(memory._libc() is None, reason="malloc_trim absent (pas de glibc)")
def test_release_memory_gives_freed_heap_pages_back():
    blocks = [bytes(2048) + i.to_bytes(4, "little") for i in range(60_000)]   # ~120 MB in glibc's heap
    keep = blocks[-1]                          # the top of the heap stays in use: no automatic trim
    del blocks
    before = _rss_mb()
    memory.release_memory()
    assert before - _rss_mb() > 60 and keep


def test_memory_goes_back_once_when_the_last_document_in_flight_is_done(monkeypatch):
    calls, inside = [], threading.Event()
    monkeypatch.setattr(big_documents, "release_memory", lambda: calls.append("trim"))
    monkeypatch.setattr(png_export, "restart_renderer_if_bloated", lambda: calls.append("chromium"))

    @big_documents.big_document
    def build(wait: threading.Event | None = None) -> bytes:
        if wait is not None:
            inside.set()
            wait.wait(5)
        return b"docx"

    release = threading.Event()
    other = threading.Thread(target=build, args=(release,))
    other.start()
    inside.wait(5)
    assert build() == b"docx" and calls == []           # another document is still being built
    release.set()
    other.join(5)
    assert calls == ["trim", "chromium"]
    with big_documents.in_flight():                      # a batch: one release at its end
        build(), build()
    assert calls == ["trim", "chromium"] * 2


def test_chromium_is_restarted_only_when_bloated_and_idle(monkeypatch):
    stopped = []
    queue = FairQueue()
    monkeypatch.setattr(png_export, "_LOCK", queue)
    monkeypatch.setattr(png_export, "_server_running", lambda: True)
    monkeypatch.setattr(png_export, "_stop_server", lambda: stopped.append(True))
    size = {"mb": 300.0}
    monkeypatch.setattr(png_export, "renderer_memory_mb", lambda: size["mb"])
    assert not png_export.restart_renderer_if_bloated() and not stopped      # fresh size: kept
    size["mb"] = 610.0
    queue.acquire("someone")                                             # a render in progress: not now
    assert not png_export.restart_renderer_if_bloated() and not stopped and queue.waiting() == {}
    queue.release()
    assert png_export.restart_renderer_if_bloated() and stopped == [True]

