"""An administrator's right that survives a reload of the page: a signed, expiring ticket the browser keeps
in a cookie (issue 20 item 5). Pure: no Streamlit (lib/ui/admin_cookie.py sets and reads the cookie).

Streamlit opens a new session on F5, and the right granted to the old one (lib/ui/auth.py keeps it in server
memory, keyed by the session id) does not follow. The browser therefore keeps a ticket: who, until when,
a random id, signed with HMAC-SHA256 under a key that never leaves the server. The key is generated once in
data/sessions/ (several processes behind nginx share data/, so any of them accepts a ticket another
issued) unless `[admin] session_key` is set in secrets.toml. A ticket ends
- on « Quitter l'administration »: its id is appended to data/sessions/closed.txt, so the same cookie, if
  the browser still sends it (another tab, a copy), is refused;
- at its expiry (CET_ADMIN_SESSION_SECONDS, 8 hours by default), checked at each use;
- when the browser closes (the cookie has no Max-Age).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from lib.core import schema

COOKIE_NAME = "cet_admin"
TTL_ENV = "CET_ADMIN_SESSION_SECONDS"
DEFAULT_TTL_S = 8 * 3600
KEY_BYTES = 32


@dataclass(frozen=True)
class Ticket:
    identity: str          # « console », « secret partagé »
    expires: float         # seconds since the epoch
    ticket_id: str

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires


def folder() -> Path:
    return schema.DATA_DIR / "sessions"


def ttl_seconds(environ: Mapping[str, str] | None = None) -> int:
    raw = (os.environ if environ is None else environ).get(TTL_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_TTL_S


def server_key(configured: str | None = None) -> bytes:
    """The signing key: the configured one, else data/sessions/key (created once, mode 600, by whichever
    process comes first; the others read it). A damaged key file (empty after a crash between its creation
    and its writing, truncated, not hex) is replaced by a new key: the administrators' tickets end (they
    sign in again), instead of every reload failing with a ValueError."""
    if configured and configured.strip():
        return hashlib.sha256(configured.strip().encode("utf-8")).digest()
    path = folder() / "key"
    key = _read_key(path)
    if key is not None:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_hex(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:     # another process wrote it meanwhile, or a damaged file is there
        key = _read_key(path)
        if key is not None:
            return key
        return _replace_key(path, fresh)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(fresh)
    return bytes.fromhex(fresh)


def _read_key(path: Path) -> bytes | None:
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):       # absent, unreadable, not ASCII, not hex
        return None
    return key if len(key) == KEY_BYTES else None


def _replace_key(path: Path, fresh: str) -> bytes:
    """Write a new key over a damaged one in one step (a temporary file renamed), then read back what the
    file holds: if two processes replace it at once, both end with the same key (the last one written)."""
    temporary = path.with_name(f".key.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(fresh)
    os.replace(temporary, path)
    return _read_key(path) or bytes.fromhex(fresh)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())


def issue(identity: str, key: bytes, now: float | None = None, ttl: int | None = None) -> tuple[str, Ticket]:
    """The cookie's value and the ticket it carries."""
    ticket = Ticket(identity=identity, expires=(time.time() if now is None else now) + (ttl or ttl_seconds()),
                    ticket_id=secrets.token_urlsafe(12))
    body = _b64(json.dumps({"i": ticket.identity, "e": int(ticket.expires), "n": ticket.ticket_id},
                           ensure_ascii=False).encode("utf-8"))
    return f"{body}.{_signature(key, body)}", ticket


def read(value: str | None, key: bytes, now: float | None = None) -> Ticket | None:
    """The ticket of a cookie value if its signature holds, it has not expired and was not closed; else None.
    Anything malformed is simply not a ticket (a visitor's browser may send any bytes)."""
    if not value or not value.isascii() or value.count(".") != 1 or len(value) > 2000:
        return None
    body, signature = value.split(".")
    if not hmac.compare_digest(_signature(key, body), signature):
        return None
    try:
        fields = json.loads(_unb64(body))
        ticket = Ticket(identity=str(fields["i"]), expires=float(fields["e"]), ticket_id=str(fields["n"]))
    except (ValueError, KeyError, TypeError):
        return None
    if ticket.expired(now) or ticket.ticket_id in closed_ids():
        return None
    return ticket


def close(ticket: Ticket) -> None:
    """« Quitter »: this ticket is refused from now on, by every process. One line appended with O_APPEND
    (several processes may write; no line is lost or interleaved); a line per logout keeps it small."""
    path = folder() / "closed.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{ticket.ticket_id} {int(ticket.expires)}\n".encode("ascii"))
    finally:
        os.close(fd)


def closed_ids() -> set[str]:
    try:
        lines = (folder() / "closed.txt").read_text(encoding="ascii").splitlines()
    except OSError:
        return set()
    return {line.split()[0] for line in lines if line.strip()}
