"""Giving memory back to the system after big documents (a dossier or a Word sheet for France).

Building a document allocates hundreds of MB in many small blocks (pandas frames, openpyxl cells, PNG
bytes, XML); once it is sent they are freed, but CPython's allocator and glibc's malloc keep the pages, so
a server that built three dossiers for France stayed hundreds of MB larger for good (964 MB instead of
370 MB, `python -m bench.document_memory`). `gc.collect()` breaks the reference cycles left (figures,
documents) and glibc's `malloc_trim(0)` hands the free pages of every arena back: 562 MB. Elsewhere than
glibc, only the collection runs. lib/outputs/big_documents.py calls it when the last big document is done.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import threading


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


M_MMAP_THRESHOLD = -3               # glibc's mallopt parameter (malloc.h)
BIG_BLOCK_BYTES = 1024 * 1024
HEAP_BLOCK_MAX_BYTES = 32 * 1024 * 1024     # glibc's own ceiling for the threshold (64-bit)
_big_blocks_lock = threading.Lock()
_big_blocks_depth = 0


@contextlib.contextmanager
def big_blocks_returned():
    """While reading official files, have glibc map every block over 1 Mo on its own, so that freeing it gives
    it back at once.

    Why (issue 19, bench/hostile_files.py): by default glibc raises this threshold to the size of the
    first big block freed (up to 32 Mo), so the next arrays of an import come from the heap, whose freed
    pages stay in the process: a 50 Mo CSV's import peaked 30 Mo higher, a workbook's 11 Mo higher (the
    second workbook's calamine cells landed beside the first's). Only for the import: mapping every big
    array costs page faults at each allocation, and a server's reruns on a national cube ran 12-20 % more
    CPU with it (measured on 40 départements). Afterwards the threshold is set to glibc's own ceiling, where
    its dynamic rule would have taken it. Nested uses (a version built inside an upload) count as one."""
    global _big_blocks_depth
    libc = _libc()
    usable = libc is not None and hasattr(libc, "mallopt")
    with _big_blocks_lock:
        if usable and _big_blocks_depth == 0:
            libc.mallopt(M_MMAP_THRESHOLD, BIG_BLOCK_BYTES)
        _big_blocks_depth += 1
    try:
        yield
    finally:
        with _big_blocks_lock:
            _big_blocks_depth -= 1
            if usable and _big_blocks_depth == 0:
                libc.mallopt(M_MMAP_THRESHOLD, HEAP_BLOCK_MAX_BYTES)
