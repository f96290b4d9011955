"""One generated download at a time per session, and the session named as the owner of its renders.

Streamlit runs each click on a generated download (`st.download_button(data=callable)`) in a thread of
the event loop's small default pool (6 threads on 2 cores). A visitor clicking 60 PNG buttons used to
fill that pool, and everyone else's downloads queued behind his. Here a session's clicks wait their turn
in the event loop (no thread held while waiting), so each session holds at most one thread, and its
renders are labelled with its id so that kaleido's fair queue (lib/outputs/render_queue.py) gives the
turns round the sessions.
"""
from __future__ import annotations

import asyncio
import contextlib

from lib.outputs.render_queue import owner_scope

_gates: dict[str, list] = {}        # session id → [asyncio.Lock, downloads waiting or running]; event loop only


@contextlib.asynccontextmanager
async def session_turn(session_id: str):
    """Wait until this session's previous download is done; renders inside belong to the session."""
    entry = _gates.setdefault(session_id, [asyncio.Lock(), 0])
    entry[1] += 1
    try:
        async with entry[0]:
            with owner_scope(session_id):
                yield
    finally:
        entry[1] -= 1
        if entry[1] == 0:
            _gates.pop(session_id, None)


def sessions_waiting() -> dict[str, int]:
    """Downloads waiting or running per session (for the bench and the tests)."""
    return {sid: entry[1] for sid, entry in _gates.items()}
