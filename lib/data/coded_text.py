"""A text column held as int32 codes into its distinct values, for the customs file reader.

Why: the reader used to carry every code column (département, flux, produit, pays) as an object array,
one 8-byte pointer per cell, and to hash every cell again at each step (validation, long form, merge):
an import of a 50 MB CSV peaked at 620 MB. A column of a customs file has a few hundred distinct values
at most; holding 4-byte codes and applying every check or mapping to the distinct values once keeps the
reader's memory a small multiple of the file's size.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class CodedText:
    codes: np.ndarray      # int32, one per cell, each an index into `uniques`
    uniques: np.ndarray    # object: the distinct values (texts, or None once mapped to « invalid »)

    @classmethod
    def from_column(cls, column: pd.Series, to_text: Callable[[object], str]) -> "CodedText":
        """The cells of a column as texts (`to_text` applied once per distinct value)."""
        if isinstance(column.dtype, pd.CategoricalDtype):       # a CSV column: categories are the uniques
            values = list(column.cat.categories)
            codes = column.cat.codes.to_numpy().astype(np.int32)
            codes[codes < 0] = len(values)                        # a missing cell: the blank text added last
            return cls(codes, np.array([to_text(v) for v in values] + [""], dtype=object))
        codes, values = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=False)
        return cls(codes.astype(np.int32), np.array([to_text(v) for v in values], dtype=object))

    def __len__(self) -> int:
        return len(self.codes)

    def text(self, row: int):
        return self.uniques[self.codes[row]]

    def where(self, predicate: Callable[[object], bool]) -> np.ndarray:
        """Mask of the cells whose value satisfies `predicate` (evaluated once per distinct value)."""
        hits = np.fromiter((bool(predicate(v)) for v in self.uniques), dtype=bool, count=len(self.uniques))
        return hits[self.codes]

    def mapped(self, func: Callable[[object], object]) -> "CodedText":
        """The same cells with each distinct value replaced by `func(value)`."""
        mapped = np.empty(len(self.uniques), dtype=object)      # filled item by item: a 1-D array of values
        mapped[:] = [func(v) for v in self.uniques]
        return CodedText(self.codes, mapped)

    def take(self, index: np.ndarray) -> "CodedText":
        return CodedText(self.codes[index], self.uniques)

    def distinct(self) -> list:
        """The values that some cell holds."""
        return [self.uniques[c] for c in np.flatnonzero(np.bincount(self.codes, minlength=len(self.uniques)))]


def merged(columns: list[CodedText]) -> tuple[np.ndarray, pd.Index]:
    """(codes, sorted distinct values) of the columns end to end: what `pd.factorize(np.concatenate(texts),
    sort=True)` gives, computed on the distinct values only; values no cell holds are dropped. The codes
    come in the smallest type that holds them (`smallest_codes`), written once into one array: no
    intermediate array of 8-byte codes per cell."""
    values = np.concatenate([c.uniques for c in columns])
    global_codes, uniques = pd.factorize(values, sort=True)
    used = np.zeros(len(uniques), dtype=bool)
    offset = 0
    for column in columns:
        local = global_codes[offset:offset + len(column.uniques)]
        held = np.bincount(column.codes, minlength=len(column.uniques)) > 0
        used[local[held & (local >= 0)]] = True
        offset += len(column.uniques)
    renumber = np.cumsum(used) - 1
    out = np.empty(sum(len(c) for c in columns), dtype=code_dtype(int(used.sum())))
    at = offset = 0
    for column in columns:
        local = global_codes[offset:offset + len(column.uniques)]
        out[at:at + len(column)] = np.where(local >= 0, renumber[local], -1).astype(out.dtype)[column.codes]
        at += len(column)
        offset += len(column.uniques)
    return out, pd.Index(np.asarray(uniques, dtype=object)[used])


def code_dtype(count: int) -> type:
    """The integer type pandas gives the codes of a Categorical of `count` categories (int8 under 127)."""
    for dtype in (np.int8, np.int16, np.int32):
        if count < np.iinfo(dtype).max:
            return dtype
    return np.int64


def smallest_codes(codes: np.ndarray, count: int) -> np.ndarray:
    """`codes` into `count` values in `code_dtype(count)`: the table's columns are filled in it directly,
    and `from_codes` does not copy them."""
    return codes.astype(code_dtype(count), copy=False)


class CodeBuilder:
    """A CodedText built a chunk of cells at a time (a file read in pieces): each chunk's distinct values
    join one shared list, its codes are renumbered into it; `build` joins the chunks once."""

    def __init__(self) -> None:
        self._lookup: dict = {}
        self._pieces: list[np.ndarray] = []

    def add(self, chunk: CodedText) -> None:
        lookup = self._lookup
        renumber = np.fromiter((lookup.setdefault(v, len(lookup)) for v in chunk.uniques), dtype=np.int32,
                               count=len(chunk.uniques))
        codes = renumber[chunk.codes] if len(chunk.codes) else np.zeros(0, dtype=np.int32)
        self._pieces.append(smallest_codes(codes, len(lookup)))      # 1 or 2 bytes a cell, not 4

    def build(self) -> CodedText:
        uniques = np.empty(len(self._lookup), dtype=object)     # filled item by item: a 1-D array of values
        uniques[:] = list(self._lookup)
        pieces, self._pieces = self._pieces, []
        codes = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
        return CodedText(smallest_codes(codes, len(uniques)), uniques)
