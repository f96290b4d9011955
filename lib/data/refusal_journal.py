"""Refused sign-in attempts in the audit log, without letting a visitor flood it.

Every refusal used to write its own line: a script sending wrong secrets grew journal.jsonl without
bound. Here, within each minute, the first `per_window` refusals are written as usual; the others are
only counted, and when the minute ends one line says how many there were (« 37 tentatives refusées en
1 min, dont 27 non détaillées »). The count is per process (each process behind nginx writes its own
summary line); a timer writes the summary even if no attempt follows.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from lib.core.formatting import format_number
from lib.data import audit

PER_WINDOW = 10
WINDOW_S = 60.0


def summary_message(total: int, hidden: int, window_s: float = WINDOW_S) -> str:
    """« 37 tentatives refusées en 1 min, dont 27 non détaillées »."""
    span = f"{window_s / 60:g} min" if window_s >= 60 else f"{window_s:g} s"
    return (f"{format_number(total)} tentatives refusées en {span.replace('.', ',')}, dont {format_number(hidden)} "
            "non détaillées")


class RefusalJournal:
    """Writes refusals through `write` (audit.record by default), at most `per_window` lines per window."""

    def __init__(self, per_window: int = PER_WINDOW, window_s: float = WINDOW_S, *,
                 clock: Callable[[], float] = time.monotonic, write: Callable[..., dict] | None = None,
                 start_timer: Callable[[float, Callable[[], None]], None] | None = None):
        self.per_window, self.window_s, self.clock = per_window, window_s, clock
        self._write = write or audit.record
        self._start_timer = start_timer or _daemon_timer
        self._lock = threading.Lock()
        self._window_start: float | None = None
        self._total = 0
        self._hidden: list[dict] = []           # (action, message) of the refusals not written, for the summary

    def refused(self, action: str, actor: str, message: str, **extra) -> bool:
        """Record one refusal; True when it got its own line."""
        with self._lock:
            now = self.clock()
            summary = self._close_window_if_over(now)
            if self._window_start is None:
                self._window_start, self._total = now, 0
            self._total += 1
            detailed = self._total <= self.per_window
            if not detailed:
                if not self._hidden:
                    self._start_timer(self._window_start + self.window_s - now, self.flush)
                self._hidden.append({"action": action, "message": message})
        if summary is not None:
            self._write(**summary)
        if detailed:
            self._write(action, actor, audit.REFUSED, message, **extra)
        return detailed

    def flush(self) -> None:
        """Write the summary of a window that has ended (the timer calls it)."""
        with self._lock:
            summary = self._close_window_if_over(self.clock())
        if summary is not None:
            self._write(**summary)

    def _close_window_if_over(self, now: float) -> dict | None:
        if self._window_start is None or now - self._window_start < self.window_s:
            return None
        summary = None
        if self._hidden:
            actions = sorted({h["action"] for h in self._hidden})
            summary = {"action": actions[0] if len(actions) == 1 else "connexion", "actor": "inconnu",
                       "outcome": audit.REFUSED, "message": summary_message(self._total, len(self._hidden),
                                                                            self.window_s),
                       "aggregated": len(self._hidden)}
        self._window_start, self._total, self._hidden = None, 0, []
        return summary


def _daemon_timer(delay: float, callback: Callable[[], None]) -> None:
    timer = threading.Timer(max(0.0, delay) + 0.01, callback)
    timer.daemon = True
    timer.start()
