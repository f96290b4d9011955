"""A lock shared by every process that writes in data/ (several app processes, the CLI).

`fcntl.flock` on a lock file: the kernel releases it when the holder exits, even after a crash or
SIGKILL, so a dead process never leaves the data locked. Each call opens its own descriptor, so
two threads of one process exclude each other too.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

from lib.core.errors import DataFileError

DEFAULT_TIMEOUT_S = 600.0
_POLL_S = 0.05


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = DEFAULT_TIMEOUT_S, what: str = "les données"):
    """Hold an exclusive lock on `path` (created if needed); French error after `timeout` seconds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DataFileError(f"{what} sont en cours de modification par un autre processus depuis "
                                        f"plus de {timeout:.0f} s ; réessayez dans un instant") from None
                time.sleep(_POLL_S)
        yield
    finally:
        os.close(fd)   # closing the descriptor releases the lock


def is_locked(path: Path) -> bool:
    """Whether someone holds the lock on `path` right now (a probe: never waits, never creates the file)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
