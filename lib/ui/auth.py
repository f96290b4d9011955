"""Administrator sessions: the console link, the shared secret, OpenID Connect (`st.login`).

Who is an administrator is kept on the server, never in anything the browser can set: a registry
keyed by the session id, whose random nonce must also match the session's own state (AppTest gives
every test the same session id; a new session never inherits an old one's rights).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import secrets as pysecrets
import threading
import time

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lib.core import schema
from lib.core.formatting import format_number
from lib.data import audit
from lib.data.auth import (CONSOLE_PARAM, CONSOLE_TOKEN_ENV, CONSOLE_URL_ENV, AuthConfig, ConsoleToken,
                      check_secret, console_link, load_config)
from lib.data.refusal_journal import RefusalJournal
from lib.data.signin_throttle import Admission, AttemptThrottle
from lib.ui import admin_cookie, upload_guard

_log = logging.getLogger(__name__)
_NONCE = "_admin_nonce"
_lock = threading.Lock()
_admins: dict[str, tuple[str, str]] = {}          # session id → (identity, nonce)
_throttle = AttemptThrottle(lambda: schema.DATA_DIR / "auth" / "attempts.json")   # shared by the processes
_refusals = RefusalJournal()                        # at most 10 refusal lines a minute, then one summary
_sleep = time.sleep                                 # tests replace it to read the delays
WRONG_SECRET = "Secret incorrect. Les tentatives sont enregistrées et chaque nouvel essai est retardé."
_console: dict[str, ConsoleToken] = {}


def _announce(token: str) -> None:
    base = os.environ.get(CONSOLE_URL_ENV, "http://localhost:8501")
    print("\n  Lien administrateur utilisé. Nouveau lien, valable une fois :\n"
          f"  {console_link(base, token)}\n", flush=True)


def console_token() -> ConsoleToken:
    """The launcher's token for this process (none with plain `streamlit run` or a configured access)."""
    with _lock:
        if "token" not in _console:
            _console["token"] = ConsoleToken(os.environ.get(CONSOLE_TOKEN_ENV) or None, _announce)
        return _console["token"]


def _secrets() -> dict:
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:   # no secrets.toml: Streamlit raises when it is read
        return {}


def config() -> AuthConfig:
    return load_config(_secrets())


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _grant(identity: str, *, keep_after_reload: bool = True) -> None:
    sid = _session_id()
    if sid is None:
        return
    nonce = pysecrets.token_hex(16)
    with _lock:
        _admins[sid] = (identity, nonce)
    st.session_state[_NONCE] = nonce
    if keep_after_reload:
        admin_cookie.start(identity)


def _revoke_session() -> None:
    sid = _session_id()
    with _lock:
        _admins.pop(sid, None)
    st.session_state.pop(_NONCE, None)
    upload_guard.revoke()


def logout() -> None:
    identity = admin_identity()
    _revoke_session()
    _end_ticket(identity, "« Quitter l'administration »")
    if _oidc_user_email():
        _sign_out_at_provider()


def sign_out_visitor() -> None:
    """A signed-in address that is not an administrator's: leave the provider's session too."""
    email = _oidc_user_email()
    if email or signed_in_without_address():
        audit.record("déconnexion", email or "inconnu", audit.ACCEPTED, "fin de la connexion OpenID Connect (visiteur)")
        _sign_out_at_provider()


def _sign_out_at_provider() -> None:
    """OpenID Connect: Streamlit's logout sends the browser to the provider's end-of-session page. The run
    stops here: a rerun (the caller's next line) would drop that redirect before it reaches the browser,
    and the user would stay signed in at the provider (found against oidc-provider, issue 20 item 7)."""
    st.logout()
    st.stop()


def _end_ticket(identity: str | None, why: str) -> None:
    """The reload ticket ends with the administration (lib/ui/admin_cookie.py); journaled."""
    closed = admin_cookie.end()
    if identity is not None:
        audit.record("déconnexion", identity, audit.ACCEPTED, f"fin de la session administrateur : {why}")
    elif closed is not None:
        audit.record("déconnexion", closed.identity, audit.ACCEPTED, f"fin de la session administrateur : {why}")


def _session_expired() -> bool:
    """A right granted with a ticket ends at the ticket's expiry, even in a session that stays open."""
    ticket = admin_cookie.ticket()
    if ticket is None or not ticket.expired():
        return False
    _revoke_session()
    _end_ticket(ticket.identity, "expirée")
    st.toast("Votre session d'administration a expiré : reconnectez-vous depuis la page « À propos des "
             "données » pour déposer des fichiers.", icon=":material/lock_clock:")
    return True


def _restored_from_cookie() -> str | None:
    """A reload opened this session: the browser's signed ticket, if valid, makes it an administrator again
    (once per session; journaled)."""
    if st.session_state.get("_admin_cookie_read"):
        return None
    st.session_state["_admin_cookie_read"] = True
    ticket = admin_cookie.from_browser()
    if ticket is None:
        return None
    _grant(ticket.identity, keep_after_reload=False)
    admin_cookie.adopt(ticket)
    until = dt.datetime.fromtimestamp(ticket.expires).astimezone()
    audit.record("connexion", ticket.identity, audit.ACCEPTED, "session administrateur reprise après un "
                 f"rechargement de la page (cookie signé, valable jusqu'au {until:%d/%m/%Y à %H:%M})")
    return ticket.identity


def session_note() -> str | None:
    """Under « Vous êtes administrateur » : until when, and whether a reload keeps it (None: OpenID Connect,
    whose own cookie decides)."""
    ticket = admin_cookie.ticket()
    if ticket is None:
        return None
    until = dt.datetime.fromtimestamp(ticket.expires).astimezone()
    kept = ("dans ce navigateur, même après un rechargement de la page" if admin_cookie.available()
            else "tant que cette page n'est pas rechargée")
    return (f"Administration ouverte jusqu'au {until:%d/%m/%Y à %H:%M}, {kept} ; « Quitter l'administration » "
            "y met fin plus tôt.")


def admin_identity() -> str | None:
    """« console », « secret partagé » or the administrator's e-mail; None for a visitor."""
    sid = _session_id()
    with _lock:
        entry = _admins.get(sid)
    if entry is not None and st.session_state.get(_NONCE) == entry[1]:
        if not _session_expired():
            return entry[0]
    elif (restored := _restored_from_cookie()) is not None:
        return restored
    email = _oidc_user_email()
    if email and email in config().admin_emails:
        if st.session_state.get("_oidc_logged") != email:      # one audit line per session and address
            st.session_state["_oidc_logged"] = email
            audit.record("connexion", email, audit.ACCEPTED, "OpenID Connect")
        return email
    return None


def signed_in_without_address() -> bool:
    """Signed in at the provider, but its ID token carries no e-mail (Streamlit reads nothing else): without
    this, the page would offer « Se connecter » again and again."""
    try:
        return bool(st.user.is_logged_in) and _oidc_user_email() is None
    except Exception:   # no [auth] configured
        return False


def logged_in_email() -> str | None:
    """The e-mail of a user signed in through OpenID Connect (administrator or not)."""
    return _oidc_user_email()


def _oidc_user_email() -> str | None:
    try:
        user = st.user
        if not user.is_logged_in:
            return None
        return str(user.get("email") or "").strip().lower() or None
    except Exception:   # no [auth] configured
        return None


def consume_console_link() -> None:
    """Called by the entry point: `?admin=<token>` makes this session an administrator, once."""
    if CONSOLE_PARAM not in st.query_params:
        return
    candidate = st.query_params.get(CONSOLE_PARAM, "")
    del st.query_params[CONSOLE_PARAM]          # the token never stays in the address bar
    key = f"console:{_session_id()}"
    turn = _wait_for_turn("console", key, "lien administrateur")
    if turn is not True:
        st.error(turn, icon=":material/lock:")
        return
    if console_token().consume(candidate):
        _throttle.success("console", key)
        _grant("console")
        audit.record("connexion", "console", audit.ACCEPTED, "lien administrateur de la console")
        st.toast("Vous êtes administrateur de cette session (lien de la console).", icon=":material/key:")
        return
    _refusals.refused("connexion", "inconnu", "lien administrateur invalide ou déjà utilisé")
    _log.warning("lien administrateur refusé (session %s)", (_session_id() or "?")[:8])
    st.error("Ce lien administrateur n'est pas (ou plus) valable : chaque lien ne sert qu'une fois. Le lien "
             "suivant est affiché dans la console où l'application a été lancée.", icon=":material/lock:")


def try_secret(candidate: str) -> str | None:
    """Check the shared secret, after this attempt's turn (lib/data/signin_throttle.py): None when it is
    right (the session is now administrator), else the French refusal to show."""
    key = f"secret:{_session_id()}"
    turn = _wait_for_turn("secret", key, "secret administrateur")
    if turn is not True:
        return turn
    cfg = config()
    if cfg.secret and candidate and check_secret(candidate, cfg.secret):
        _throttle.success("secret", key)
        _grant("secret partagé")
        audit.record("connexion", "secret partagé", audit.ACCEPTED, "secret administrateur")
        return None
    _refusals.refused("connexion", "inconnu", "secret administrateur incorrect")
    _log.warning("secret administrateur incorrect (session %s)", (_session_id() or "?")[:8])
    return WRONG_SECRET


def _wait_for_turn(scope: str, key: str, what: str) -> bool | str:
    """Count the attempt and sleep until its turn, before any comparison. True: compare now; else the
    attempt is refused unexamined (too many recent attempts): the French message to show."""
    turn: Admission = _throttle.admit(scope, key)
    if turn.allowed:
        if turn.wait > 0:
            with st.spinner(f"Vérification dans {format_number(max(1, round(turn.wait)))} s (les essais "
                            "successifs sont espacés)…"):
                _sleep(turn.wait)
        return True
    _refusals.refused("connexion", "inconnu", f"{what} non examiné : trop de tentatives récentes")
    return locked_message(turn.retry_after)


def locked_message(retry_after: float) -> str:
    """The refusal of an attempt not even examined."""
    return ("Trop de tentatives de connexion récentes sur ce serveur : cet essai n'a pas été examiné. "
            f"Réessayez dans {format_number(max(1, round(retry_after)))} s.")
