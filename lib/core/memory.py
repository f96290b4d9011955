"""Giving memory back to the system after big documents (a dossier or a Word sheet for France).

Building a document allocates hundreds of MB in many small blocks (pandas frames, openpyxl cells, PNG
bytes, XML); once it is sent they are freed, but CPython's allocator and glibc's malloc keep the pages, so
a server that built three dossiers for France stayed hundreds of MB larger for good (964 MB instead of
370 MB, `python -m bench.document_memory`). `gc.collect()` breaks the reference cycles left (figures,
documents) and glibc's `malloc_trim(0)` hands the free pages of every arena back: 562 MB. Elsewhere than
glibc, only the collection runs. lib/outputs/big_documents.py calls it when the last big document is done.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc


@functools.lru_cache(maxsize=1)
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release_memory() -> None:
    """Collect cycles, then return the free heap pages to the system (glibc)."""
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
