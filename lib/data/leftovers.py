"""Leftovers of interrupted work, removed at startup and before each import, and said so.

Why: an import killed mid-way (server restart, out of memory) left its staging folder
(`data/versions/.upload-*`, 17 Mo for one regional file) and a cache build killed mid-way left its
temporary Parquet file (`data/cache/*.tmp`, 8 Mo); nothing removed them, and `data/versions/` is what
administrators back up. A staging folder exists only while its import holds the data lock, so one found
*under the lock* is stale; a cache temporary file is stale once the process named in it is gone (or
after `STALE_TEMP_SECONDS`). Each removal is written to the journal and shown to the administrator.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from lib.core import schema
from lib.core.errors import DataFileError
from lib.core.filelock import file_lock
from lib.core.formatting import format_number
from lib.data import audit, versions
from lib.data.reference.french_names import count_phrase
from lib.data.trade_cache import STALE_TEMP_SECONDS

STAGING_GLOB = ".upload-*"
ACTION = "nettoyage"
_OWNER_PID = re.compile(r"\.(\d+)-[0-9a-f]+\.tmp$")


@dataclass
class Cleanup:
    """What was removed: staging folders and temporary files, with their total size."""
    folders: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    size: int = 0

    def __bool__(self) -> bool:
        return bool(self.folders or self.files)

    @property
    def message(self) -> str:
        """« 1 dossier de dépôt interrompu et 1 fichier temporaire du cache supprimés (25,0 Mo libérés) »."""
        parts = []
        if self.folders:
            parts.append(count_phrase(len(self.folders), "dossier") + " de dépôt interrompu")
        if self.files:
            parts.append(count_phrase(len(self.files), "fichier") + " temporaire du cache")
        removed = "supprimés" if len(self.folders) + len(self.files) > 1 else "supprimé"
        return " et ".join(parts) + f" {removed} ({format_number(self.size / 2**20, 1)} Mo libérés)"


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:            # exists, owned by someone else
        return True
    return True


def stale_temp_files(cache_dir: Path, now: float | None = None) -> list[Path]:
    """Temporary files of the cache whose writer is gone (its PID is in the name) or that are old."""
    if not cache_dir.is_dir():
        return []
    limit = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    stale = []
    for path in cache_dir.glob("*.tmp"):
        try:
            old = path.stat().st_mtime < limit
        except OSError:
            continue
        owner = _OWNER_PID.search(path.name)
        if old or (owner and not _process_alive(int(owner.group(1)))):
            stale.append(path)
    return stale


def remove_staging(root: Path, cleanup: Cleanup) -> None:
    """Remove every staging folder in `root`; call it only while holding the data lock."""
    for folder in sorted(root.glob(STAGING_GLOB)):
        if folder.is_dir() and not folder.is_symlink():
            size = _size(folder)
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                cleanup.folders.append(folder.name)
                cleanup.size += size


def remove_temp_files(cache_dir: Path, cleanup: Cleanup) -> None:
    for path in stale_temp_files(cache_dir):
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            continue
        cleanup.files.append(path.name)
        cleanup.size += size


def record(cleanup: Cleanup, actor: str, when: str) -> None:
    """One journal line naming what was removed (nothing is written when nothing was removed)."""
    if cleanup:
        audit.record(ACTION, actor, audit.ACCEPTED, f"{when} : {cleanup.message}",
                     removed=cleanup.folders + cleanup.files)


def clean_at_startup(actor: str = "démarrage de l'application") -> Cleanup:
    """Remove the leftovers of interrupted imports and cache builds; journal line if any.

    The staging folders are removed only if the data lock is free within half a second: if it is not,
    an import is running in another process and its folder is not a leftover."""
    cleanup = Cleanup()
    root = versions.root()
    if root.is_dir() and any(root.glob(STAGING_GLOB)):
        try:
            with file_lock(root / ".lock", timeout=0.5):      # versions.lock(), without the long wait
                remove_staging(root, cleanup)
        except DataFileError:
            pass
    remove_temp_files(schema.CACHE_DIR, cleanup)
    record(cleanup, actor, "Au démarrage")
    return cleanup
