"""The audit log: one JSON line per attempt to change the data or to become administrator.

Refused attempts are recorded as well as accepted ones (who, when, which files with their SHA-256,
outcome, message). The file lives next to the versions (data/versions/journal.jsonl) so that one
folder holds everything to back up. Lines are appended under the data lock with O_APPEND and
fsynced: several processes can write, no line is ever interleaved or rewritten.

Bounded both ways: every field is capped when written (a refusal quoting a 100 MB header once made a
105 MB line), and the data page reads only the journal's tail, seeking from the end, so that it answers
at once whatever the journal holds (lines written before the caps are skipped, not loaded).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from lib.core import schema
from lib.core.formatting import format_number
from lib.core.text_limits import FIELD_CHARS, MESSAGE_CHARS, cap

FILES_KEPT = 20                    # file entries written per line; the others are counted
NAME_CHARS = 300                   # a file name as sent (names over 150 characters are refused, and logged)
MAX_LINE_BYTES = 64 * 1024         # a longer line (written before the caps) is skipped when read
MAX_TAIL_SCAN_BYTES = 32 * 1024 * 1024
_BLOCK = 256 * 1024
OVERLONG = "entrée du journal trop longue, non lue (écrite avant la limite de taille des entrées)"

ACCEPTED, REFUSED, FAILED = "acceptée", "refusée", "échec"
STARTED = "en cours"        # an intent, written before a step that a crash could interrupt (a version switch)
_OUTCOMES = {ACCEPTED, REFUSED, FAILED, STARTED}


def log_path() -> Path:
    return schema.DATA_DIR / "versions" / "journal.jsonl"


def file_entries(files: Iterable[tuple[str, bytes]]) -> list[dict]:
    """What the log says of each file: its name, size and SHA-256."""
    return [{"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files]


def _capped_files(files: list[dict]) -> list[dict]:
    """At most `FILES_KEPT` entries, names capped; the rest counted in a last entry."""
    kept = [{**f, "name": cap(f.get("name", ""), NAME_CHARS)} for f in files[:FILES_KEPT]]
    if len(files) > FILES_KEPT:
        rest = len(files) - FILES_KEPT
        kept.append({"name": f"… et {format_number(rest)} autres fichiers", "omitted": rest})
    return kept


def _capped(value):
    """An extra field, bounded: texts capped, lists cut to `FILES_KEPT` items."""
    if isinstance(value, str):
        return cap(value)
    if isinstance(value, (list, tuple)):
        items = [_capped(v) for v in value[:FILES_KEPT]]
        if len(value) > FILES_KEPT:
            items.append(f"… et {format_number(len(value) - FILES_KEPT)} autres")
        return items
    return value


def record(action: str, actor: str, outcome: str, message: str = "", *, files: list[dict] | None = None,
           version: str | None = None, **extra) -> dict:
    """Append one entry; returns it. Never raises for a full or read-only disk: the caller's outcome
    matters more than its trace, and the failure goes to the server log instead."""
    if outcome not in _OUTCOMES:
        raise ValueError(f"issue inconnue : {outcome}")
    entry = {"time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "action": cap(action),
             "actor": cap(actor), "outcome": outcome, "message": cap(message, MESSAGE_CHARS),
             "files": _capped_files(files or []), "version": cap(version) if version else version,
             "pid": os.getpid(), **{key: _capped(value) for key, value in extra.items()}}
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line)      # one write() of one line with O_APPEND: never interleaved
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        import logging
        logging.getLogger(__name__).error("journal d'audit non écrit (%s) : %s", exc, line.decode("utf-8"))
    return entry


def read(limit: int | None = None) -> list[dict]:
    """Entries, oldest first: the last `limit` read from the end of the file (the data page), or all of
    them (`limit` None) line by line. A damaged line is skipped; a line over `MAX_LINE_BYTES` gives an
    entry saying so, without being loaded."""
    path = log_path()
    if not path.is_file():
        return []
    with open(path, "rb") as handle:
        lines = list(reversed(tail_lines(handle, limit))) if limit else list(_all_lines(handle))
    entries = []
    for raw in lines:
        if raw is None:
            entries.append({"time": "", "action": "", "actor": "", "outcome": "", "message": OVERLONG,
                            "files": [], "version": None})
            continue
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def tail_lines(handle, count: int, *, max_line: int = MAX_LINE_BYTES,
               max_scan: int = MAX_TAIL_SCAN_BYTES) -> list[bytes | None]:
    """The last `count` non-empty lines of a binary file, newest first, reading blocks backwards from its
    end; a line longer than `max_line` comes as None and is never held whole; at most `max_scan` bytes
    are read (the oldest lines beyond are not reached)."""
    handle.seek(0, os.SEEK_END)
    pos = handle.tell()
    lines: list[bytes | None] = []
    buffer, overlong, scanned = b"", False, 0

    def emit(line: bytes | None) -> None:
        if line is None or len(line) > max_line:
            lines.append(None)
        elif line.strip():
            lines.append(line)

    while pos > 0 and len(lines) < count and scanned < max_scan:
        size = min(_BLOCK, pos)
        pos -= size
        handle.seek(pos)
        pieces = handle.read(size).split(b"\n")
        scanned += size
        for piece in reversed(pieces[1:]):           # each ends a line that starts in this block
            emit(None if overlong else piece + buffer)
            buffer, overlong = b"", False
            if len(lines) >= count:
                return lines
        if not overlong:
            buffer = pieces[0] + buffer
            if len(buffer) > max_line:
                buffer, overlong = b"", True
    if pos == 0 and len(lines) < count and (buffer or overlong):
        emit(None if overlong else buffer)
    elif pos > 0 and len(lines) < count and overlong:     # stopped inside an over-long line: say so
        lines.append(None)
    return lines


def _all_lines(handle, max_line: int = MAX_LINE_BYTES):
    """Every line, oldest first, each read within `max_line` bytes (None for a longer one)."""
    while True:
        line = handle.readline(max_line + 1)
        if not line:
            return
        if len(line) > max_line and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):     # skip the rest of it, block by block
                line = handle.readline(_BLOCK)
            yield None
        elif line.strip():
            yield line
