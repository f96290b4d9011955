"""Whose picture kaleido draws next: a fair queue across sessions, one render at a time.

kaleido's persistent server draws one figure at a time and is not thread-safe, so renders were serialised
by a plain lock: whoever grabbed it next went next. Four sessions asking 60 PNGs each kept it busy, and a
visitor's single PNG waited behind all of them (52 s measured). Here each waiting render holds a ticket
in its owner's line, and turns go round the owners: one render of the first owner, one of the next… So a
visitor's PNG waits for at most one render per other owner waiting, whatever the size of their lines.

The owner is a context variable (`owner_scope`): the Streamlit layer sets the session id around a
download; it follows into `asyncio.to_thread` and, when copied (`contextvars.copy_context`), into the
worker threads of a document's pictures. Without it (the CLI), renders share one owner, « local ».
"""
from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections import OrderedDict, deque

DEFAULT_OWNER = "local"
_owner: contextvars.ContextVar[str] = contextvars.ContextVar("render_owner", default=DEFAULT_OWNER)


def current_owner() -> str:
    return _owner.get()


@contextlib.contextmanager
def owner_scope(owner: str):
    """Renders started inside (in this thread or a context copied from it) belong to `owner`."""
    token = _owner.set(owner)
    try:
        yield
    finally:
        _owner.reset(token)


class _Ticket:
    __slots__ = ("owner", "granted")

    def __init__(self, owner: str):
        self.owner, self.granted = owner, False


class FairQueue:
    """A lock whose next holder is chosen round-robin among the owners waiting, FIFO within an owner."""

    def __init__(self):
        self._cond = threading.Condition()
        self._busy = False
        self._lines: OrderedDict[str, deque[_Ticket]] = OrderedDict()

    def acquire(self, owner: str | None = None, timeout: float | None = None) -> bool:
        """Wait for this owner's turn (False after `timeout` seconds, the ticket withdrawn)."""
        ticket = _Ticket(owner or current_owner())
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            if not self._busy and not self._lines:
                self._busy = True
                return True
            self._lines.setdefault(ticket.owner, deque()).append(ticket)
            while not ticket.granted:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    self._withdraw(ticket)
                    return False
                self._cond.wait(remaining)
            return True

    def release(self) -> None:
        """Hand the turn to the first owner in line, who then goes to the back of the line."""
        with self._cond:
            if not self._lines:
                self._busy = False
                return
            owner, line = next(iter(self._lines.items()))
            ticket = line.popleft()
            if line:
                self._lines.move_to_end(owner)
            else:
                del self._lines[owner]
            ticket.granted = True          # _busy stays True: the turn passes straight to it
            self._cond.notify_all()

    def waiting(self) -> dict[str, int]:
        """Tickets waiting per owner (for the bench and the tests)."""
        with self._cond:
            return {owner: len(line) for owner, line in self._lines.items()}

    def _withdraw(self, ticket: _Ticket) -> None:
        line = self._lines.get(ticket.owner)
        if line is not None and ticket in line:
            line.remove(ticket)
            if not line:
                del self._lines[ticket.owner]

    def __enter__(self) -> "FairQueue":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    @contextlib.contextmanager
    def turn(self, owner: str | None = None, timeout: float | None = None):
        """`with queue.turn(...) as got:` — got is False when the wait timed out (nothing held then)."""
        got = self.acquire(owner, timeout)
        try:
            yield got
        finally:
            if got:
                self.release()
