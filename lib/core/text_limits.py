"""Bounded texts: every message, journal field and listing the app builds from a user's file has a size cap.

Why: a hostile file (a 100 MB header without a separator, a ZIP of 10 000 members) used to be copied
whole into the error, into journal.jsonl and into the administrator's page, which then took minutes to
load. Anything that echoes user content goes through `cap` or `summarise` first.
"""
from __future__ import annotations

from typing import Iterable

from lib.core.formatting import format_number

MESSAGE_CHARS = 600     # a whole French sentence shown to a user or written to the journal
FIELD_CHARS = 200       # one echoed value: a file name, a column header, a cell
LIST_SHOWN = 10         # names listed before « … et N autres »


def cap(text: object, limit: int = FIELD_CHARS) -> str:
    """`text` cut to at most `limit` characters, saying how long it really was when it is cut."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    note = f"… ({format_number(len(text))} caractères au total)"
    keep = max(limit - len(note), 1)
    return text[:keep] + note


def summarise(items: Iterable[object], shown: int = LIST_SHOWN, limit: int = FIELD_CHARS, *,
              uncounted: int = 0) -> str:
    """« a, b, c et 9 990 autres »: the first `shown` items (each capped), then a count of the rest
    (plus `uncounted` items known only by their number, e.g. left out of a journal line).

    Reads at most `shown + 1` items plus a count, so a generator of millions of names costs no memory."""
    head: list[str] = []
    rest = uncounted
    for item in items:
        if len(head) < shown:
            head.append(cap(item, limit))
        else:
            rest += 1
    text = ", ".join(head)
    if rest:
        text += f" … et {format_number(rest)} {'autre' if rest == 1 else 'autres'}"
    return text
