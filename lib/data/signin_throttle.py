"""Attempts at the administrator secret (or a console link): counted and delayed BEFORE the comparison.

Why before: a delay applied after a wrong answer is bypassed by sending the next guess while the
previous one sleeps (a new Streamlit rerun, or another tab). Here every attempt first reserves its
turn under a lock: the n-th attempt of a session may be compared no earlier than 1, 2, 4… (at most
`max_delay`) seconds after the previous one's turn, and past `free` attempts in `window_s` on the whole
server, turns are spaced for everyone the same way. An attempt whose turn is more than `max_wait`
seconds away is refused at once, without any comparison (a lock-out, not a growing pile of sleeping
threads). A success gives the session a clean slate.

The counters live in one small JSON file under data/ (by default data/auth/attempts.json) behind the
data file lock (lib/core/filelock.py), so that several processes behind nginx share them: sessions are
sticky, but an attacker who drops the cookie lands on another process. Session ids are stored hashed.
If that file cannot be used (read-only disk), the counters stay in this process's memory.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lib.core.errors import DataFileError
from lib.core.filelock import file_lock

MAX_DELAY_S = 30.0          # the longest spacing, per session and for the server
WINDOW_S = 600.0            # attempts older than this are forgotten
FREE_ATTEMPTS = 10          # attempts on the whole server within the window before everyone is spaced
MAX_WAIT_S = 60.0           # a turn further away than this: refused without comparing
MAX_KEYS = 2000             # sessions remembered per scope (the oldest forgotten first)
LOCK_TIMEOUT_S = 5.0
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Admission:
    """What an attempt may do: wait `wait` seconds then compare, or (allowed False) nothing before `retry_after`."""
    allowed: bool
    wait: float = 0.0
    retry_after: float = 0.0


def spacing(count: int, max_delay: float = MAX_DELAY_S) -> float:
    """Seconds between attempt `count` and the next one: 1, 2, 4… capped (0 before the first)."""
    return 0.0 if count <= 0 else min(max_delay, 2.0 ** (count - 1))


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class AttemptThrottle:
    """Turns for sign-in attempts, per scope (« secret », « console ») and per key (a session)."""

    def __init__(self, state_file: Callable[[], Path] | Path | None, *, max_delay: float = MAX_DELAY_S,
                 window_s: float = WINDOW_S, free: int = FREE_ATTEMPTS, max_wait: float = MAX_WAIT_S,
                 clock: Callable[[], float] = time.time):
        self._state_file = state_file
        self.max_delay, self.window_s, self.free, self.max_wait, self.clock = max_delay, window_s, free, max_wait, clock
        self._lock = threading.Lock()       # this process; the file lock excludes the others
        self._memory: dict = {}             # used when there is no file, or it cannot be written

    def admit(self, scope: str, key: str) -> Admission:
        """Count this attempt and give its turn; call before comparing anything."""
        with self._state() as state:
            now = self.clock()
            entry = self._scope(state, scope, now)
            slot_key = entry["keys"].get(_hashed(key)) or {"n": 0, "next": 0.0}
            slot = max(now, slot_key["next"], entry["next"])
            if slot - now > self.max_wait:
                return Admission(False, retry_after=slot - now)
            slot_key["n"] += 1
            slot_key["next"] = slot + spacing(slot_key["n"], self.max_delay)
            slot_key["last"] = now
            entry["keys"][_hashed(key)] = slot_key
            entry["recent"].append(slot)
            entry["next"] = slot + spacing(len(entry["recent"]) - self.free, self.max_delay)
            return Admission(True, wait=slot - now)

    def success(self, scope: str, key: str) -> None:
        """The attempt was right: the session starts afresh and it does not count against the server."""
        with self._state() as state:
            entry = self._scope(state, scope, self.clock())
            entry["keys"].pop(_hashed(key), None)
            if entry["recent"]:
                entry["recent"].pop()

    def _scope(self, state: dict, scope: str, now: float) -> dict:
        entry = state.setdefault(scope, {"keys": {}, "recent": [], "next": 0.0})
        horizon = now - self.window_s
        entry["recent"] = [t for t in entry["recent"] if t > horizon]
        keys = {k: v for k, v in entry["keys"].items() if v.get("last", 0.0) > horizon or v["next"] > now}
        if len(keys) > MAX_KEYS:
            keys = dict(sorted(keys.items(), key=lambda kv: kv[1].get("last", 0.0))[-MAX_KEYS:])
        entry["keys"] = keys
        return entry

    @contextlib.contextmanager
    def _state(self):
        """The counters, read and written back under the locks (file first, memory if the file fails)."""
        path = self._state_file() if callable(self._state_file) else self._state_file
        with self._lock, contextlib.ExitStack() as held:
            state = None
            if path is not None:
                try:
                    held.enter_context(file_lock(path.with_name(path.name + ".lock"), timeout=LOCK_TIMEOUT_S,
                                                 what="les compteurs de connexion"))
                    state = _read(path)
                except (OSError, DataFileError) as exc:
                    _log.error("compteurs de connexion gardés en mémoire (%s)", exc)
            if state is None:
                yield self._memory
                return
            yield state
            try:
                _write(path, state)
            except OSError as exc:
                _log.error("compteurs de connexion non écrits (%s)", exc)


def _read(path: Path) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}                                # damaged: start counting again rather than fail
    return state if isinstance(state, dict) else {}


def _write(path: Path, state: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(path)
