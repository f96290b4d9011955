"""A file's bytes read piece by piece, whether they sit in memory (a ZIP member) or on disk (an upload).

Why: an import held a CSV's bytes twice (the upload itself, then the reader's own copy read from disk)
before pandas parsed them: on a 50 MB file that was 100 MB before the first row was read, two thirds of
the « 3 × the file » the issue allows. The CSV reader and its bounds (lib/data/read_limits.py) only need
the first bytes, the size, pieces in order and a stream: a file on disk is never read whole.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import BinaryIO, Iterator

CHUNK = 1024 * 1024


class ByteSource:
    """The interface: `size`, `head(n)`, `read_at(offset, n)`, `chunks()` and `open()` (a fresh binary
    stream)."""
    size: int

    def head(self, count: int) -> bytes:
        return self.read_at(0, count)

    def read_at(self, offset: int, count: int) -> bytes:
        """Up to `count` bytes from `offset` (a negative offset counts from the end, as in a slice)."""
        with self.open() as stream:
            stream.seek(max(offset if offset >= 0 else self.size + offset, 0))
            return stream.read(count)

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        with self.open() as stream:
            while True:
                piece = stream.read(size)
                if not piece:
                    return
                yield piece

    def open(self) -> BinaryIO:
        raise NotImplementedError


class MemorySource(ByteSource):
    """Bytes already in memory (a ZIP member, the Territoires d'industrie list): never copied."""

    def __init__(self, data: bytes):
        self.data = data
        self.size = len(data)

    def read_at(self, offset: int, count: int) -> bytes:
        start = max(offset if offset >= 0 else self.size + offset, 0)
        return self.data[start:start + count]

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        view = memoryview(self.data)
        for start in range(0, self.size, size):
            yield view[start:start + size]

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data)      # shares the bytes object: no copy until written to


class FileSource(ByteSource):
    """A file on disk, read in pieces of `CHUNK` bytes each time it is needed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.size = self.path.stat().st_size

    def open(self) -> BinaryIO:
        return open(self.path, "rb")


def as_source(data: "bytes | ByteSource") -> ByteSource:
    return data if isinstance(data, ByteSource) else MemorySource(data)


def sha1_of(source: ByteSource) -> str:
    digest = hashlib.sha1()
    for piece in source.chunks():
        digest.update(piece)
    return digest.hexdigest()
