"""Who may change the data: the configuration and the checks, without Streamlit (lib/ui/auth.py shows them).

Visitors read; administrators load files and roll versions back. A deployment makes someone an
administrator in one of three ways:
- OpenID Connect through Streamlit's `st.login` (`[auth]` in .streamlit/secrets.toml) for the e-mail
  addresses listed in `[admin] emails = [...]` of secrets.toml or in CET_ADMIN_EMAILS (comma-separated);
- a shared administrator secret: CET_ADMIN_SECRET, or `[admin] secret = "..."` in secrets.toml, compared
  in constant time, each attempt counted and delayed before the comparison (lib/data/signin_throttle.py),
  refusals logged (lib/data/refusal_journal.py);
- with neither configured, a one-time link printed in the console by the launcher (`make run`), as
  Jupyter does: whoever started the app on their machine can load files, and nobody else can.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

SECRET_ENV = "CET_ADMIN_SECRET"
EMAILS_ENV = "CET_ADMIN_EMAILS"
CONSOLE_TOKEN_ENV = "CET_CONSOLE_TOKEN"      # set by the launcher for its own process only
CONSOLE_URL_ENV = "CET_CONSOLE_URL"
CONSOLE_PARAM = "admin"                      # ?admin=<token> on the console link
MIN_SECRET_CHARS = 12


@dataclass(frozen=True)
class AuthConfig:
    secret: str | None = None
    admin_emails: frozenset[str] = field(default_factory=frozenset)
    oidc: bool = False                       # an [auth] section exists in secrets.toml
    problems: tuple[str, ...] = ()           # configuration mistakes, in French, for the log and the page

    @property
    def configured(self) -> bool:
        """An administrator access chosen by the deployment (then no console link is printed)."""
        return bool(self.secret) or (self.oidc and bool(self.admin_emails))


def load_config(secrets_map: Mapping | None = None, environ: Mapping[str, str] | None = None) -> AuthConfig:
    """Read the environment first, then secrets.toml (`secrets_map`: st.secrets or `read_secrets_files()`)."""
    environ = os.environ if environ is None else environ
    secrets_map = secrets_map or {}
    admin = secrets_map.get("admin") or {}
    problems = []
    secret = (environ.get(SECRET_ENV) or "").strip() or str(admin.get("secret") or "").strip() or None
    if secret is not None and len(secret) < MIN_SECRET_CHARS:
        problems.append(f"Secret administrateur ignoré : il compte moins de {MIN_SECRET_CHARS} caractères.")
        secret = None
    raw_emails = environ.get(EMAILS_ENV)
    emails = raw_emails.split(",") if raw_emails else list(admin.get("emails") or [])
    admin_emails = frozenset(e.strip().lower() for e in emails if str(e).strip())
    oidc = bool(secrets_map.get("auth"))
    if oidc and not admin_emails:
        problems.append("Connexion OpenID Connect configurée ([auth]) sans liste d'administrateurs "
                        f"([admin] emails ou {EMAILS_ENV}) : personne ne peut charger de fichiers par ce moyen.")
    return AuthConfig(secret=secret, admin_emails=admin_emails, oidc=oidc, problems=tuple(problems))


def read_secrets_files(project_dir: Path) -> dict:
    """What Streamlit would read as st.secrets, for the launcher (before Streamlit runs)."""
    merged: dict = {}
    for path in (Path.home() / ".streamlit" / "secrets.toml", project_dir / ".streamlit" / "secrets.toml"):
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError):
            continue
    return merged


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def check_secret(candidate: str, secret: str) -> bool:
    """Constant time: both sides hashed to the same length, then `hmac.compare_digest`."""
    return hmac.compare_digest(_digest(candidate or ""), _digest(secret))


def new_token() -> str:
    return secrets.token_urlsafe(32)


class ConsoleToken:
    """The one-time administrator link: a token accepted once, then replaced by a new one."""

    def __init__(self, token: str | None, announce: Callable[[str], None] | None = None):
        self._token = token
        self._lock = threading.Lock()
        self._announce = announce or (lambda token: None)

    @property
    def enabled(self) -> bool:
        return self._token is not None

    def consume(self, candidate: str) -> bool:
        with self._lock:
            if self._token is None or not hmac.compare_digest(_digest(candidate or ""), _digest(self._token)):
                return False
            self._token = new_token()
            fresh = self._token
        self._announce(fresh)
        return True


def console_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/donnees?{CONSOLE_PARAM}={token}"
