"""Labels read from files made printable once, where they enter (the customs reader, the TI list).

A control character (ESC, BEL, vertical tab, NUL…) has no glyph: no reader can see it, but Word and Excel
refuse it (python-docx and openpyxl raise « All strings must be XML compatible »), and a terminal obeys it
(``\\x1b[31m`` colours the CLI's output, ``\\x1b]8;;…`` makes a link). Replacing each by a space changes
nothing a reader sees and makes the label safe for every output; the markup languages have their own rule
at their rendering boundary (lib.presentation.plain_text).
"""
from __future__ import annotations

import re

# C0 and C1 controls, DEL, and what XML 1.0 cannot hold (lone surrogates, U+FFFE, U+FFFF)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable_label(text) -> str:
    """``text`` with every control character replaced by a space, ends stripped of spaces."""
    value = str(text)
    if not _UNPRINTABLE.search(value):
        return value
    return _UNPRINTABLE.sub(" ", value).strip(" ")
