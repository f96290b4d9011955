"""The audit log: one JSON line per attempt to change the data or to become administrator.

Refused attempts are recorded as well as accepted ones (who, when, which files with their SHA-256,
outcome, message). The file lives next to the versions (data/versions/journal.jsonl) so that one
folder holds everything to back up. Lines are appended under the data lock with O_APPEND and
fsynced: several processes can write, no line is ever interleaved or rewritten.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from lib.core import schema

ACCEPTED, REFUSED, FAILED = "acceptée", "refusée", "échec"
STARTED = "en cours"        # an intent, written before a step that a crash could interrupt (a version switch)
_OUTCOMES = {ACCEPTED, REFUSED, FAILED, STARTED}


def log_path() -> Path:
    return schema.DATA_DIR / "versions" / "journal.jsonl"


def file_entries(files: Iterable[tuple[str, bytes]]) -> list[dict]:
    """What the log says of each file: its name, size and SHA-256."""
    return [{"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files]


def record(action: str, actor: str, outcome: str, message: str = "", *, files: list[dict] | None = None,
           version: str | None = None, **extra) -> dict:
    """Append one entry; returns it. Never raises for a full or read-only disk: the caller's outcome
    matters more than its trace, and the failure goes to the server log instead."""
    if outcome not in _OUTCOMES:
        raise ValueError(f"issue inconnue : {outcome}")
    entry = {"time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "action": action,
             "actor": actor, "outcome": outcome, "message": message, "files": files or [], "version": version,
             "pid": os.getpid(), **extra}
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
    """Entries, oldest first (the last `limit` if given); a damaged line is skipped, not fatal."""
    path = log_path()
    if not path.is_file():
        return []
    entries = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entries.append(json.loads(raw))
        except ValueError:
            continue
    return entries[-limit:] if limit else entries
