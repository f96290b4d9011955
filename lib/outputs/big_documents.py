"""Big documents give their memory back: the dossier, the Word sheet and the note are decorated here.

Three dossiers and three Word sheets for France, built at the same time, took the server from 370 MB to a
1,1 GB peak and left it at 964 MB, and kaleido's Chromium from 276 to 610 MB (`python -m
bench.document_memory`). When the last big document in flight is done (not while another is being built:
its pages would only be taken again), the Python heap is trimmed (lib/core/memory.py) and Chromium is
restarted if it grew past lib.outputs.png_export.RENDERER_MAX_MB and nobody is waiting for a picture.
"""
from __future__ import annotations

import contextlib
import functools
import threading

from lib.core.memory import release_memory
from lib.outputs import png_export

_lock = threading.Lock()
_in_flight = [0]


@contextlib.contextmanager
def in_flight():
    """A document (or a batch of them, e.g. the 101 sheets of `fiche --all-departments`) being built: memory
    goes back when the last one in flight is done, not after each sheet of a batch."""
    with _lock:
        _in_flight[0] += 1
    try:
        yield
    finally:
        with _lock:
            _in_flight[0] -= 1
            last = _in_flight[0] == 0
        if last:
            release_memory()
            png_export.restart_renderer_if_bloated()


def big_document(build):
    """Decorator of a document builder (see `in_flight`)."""
    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        with in_flight():
            return build(*args, **kwargs)
    return wrapper
