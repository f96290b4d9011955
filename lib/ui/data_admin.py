"""« À propos des données », upload and history part: who may load files, the upload form (administrators),
the history of data versions (everyone), rollback and audit log (administrators).

Kept out of pages/about.py so that the page stays thin and its prose can change without touching this.
"""
from __future__ import annotations

import logging

import streamlit as st

from lib.data import audit, uploads, versions
from lib.analysis.dataset import AppData
from lib.core.errors import DataFileError
from lib.core.formatting import format_number
from lib.core.text_limits import cap, summarise
from lib.data.uploads import MAX_UPLOAD_MB
from lib.ui import auth, loaders, startup, upload_guard
from lib.ui.widgets import french_file_uploader

from lib.presentation.texts import escape_markdown

_log = logging.getLogger(__name__)


_escape_markdown = escape_markdown


def render(data: AppData) -> None:
    admin = auth.admin_identity()
    access = auth.config()
    st.markdown("**Qui peut charger des fichiers ?** Les visiteurs consultent les chiffres ; seuls les administrateurs "
                "de l'application déposent des fichiers ou reviennent à une version antérieure des données. Chaque "
                "dépôt crée une nouvelle version, et aucune version n'est effacée au dépôt suivant (voir l'historique "
                "ci-dessous).")
    if admin is None:
        ways = []
        if access.oidc and access.admin_emails:
            ways.append("se connecter avec son compte (bouton ci-dessous), si son adresse figure dans la liste des "
                        "administrateurs")
        if access.secret:
            ways.append("saisir le secret administrateur communiqué par le responsable de l'application")
        if auth.console_token().enabled:
            ways.append("ouvrir le lien administrateur affiché dans la console où l'application a été lancée "
                        "(`make run`), sur la même machine")
        if not ways:
            ways.append("demander au responsable de l'application de configurer un accès administrateur (voir la "
                        "section « Déploiement » du README)")
        st.info("Pour devenir administrateur : " + " ; ou ".join(ways) + ".", icon=":material/lock:")
        if access.oidc and access.admin_emails:
            _email = auth.logged_in_email()
            _nameless = not _email and auth.signed_in_without_address()
            if _email:
                st.caption(f"Connecté en tant que {_escape_markdown(_email)} : cette adresse ne figure pas dans la liste "
                           "des administrateurs.")
            if _nameless:
                st.caption("Connecté, mais le fournisseur d'identité n'a pas transmis d'adresse électronique : le "
                           "responsable de l'application doit lui faire ajouter « email » au jeton d'identité.")
            if _email or _nameless:
                if st.button("Se déconnecter", key="oidc_logout", icon=":material/logout:"):
                    auth.sign_out_visitor()
            else:
                st.button("Se connecter (administrateurs)", on_click=st.login, key="oidc_login")
        if access.secret:
            with st.form("admin_secret_form", clear_on_submit=True):
                candidate = st.text_input("Secret administrateur", type="password", key="admin_secret")
                if st.form_submit_button("Accéder à l'administration"):
                    refusal = auth.try_secret(candidate)
                    if refusal is None:
                        st.rerun()
                    st.error(refusal, icon="🚫")
    else:
        st.info(f"Vous êtes administrateur ({_escape_markdown(admin)}) : vous pouvez déposer des fichiers et "
                "revenir à une version antérieure. Chaque opération est inscrite au journal.", icon=":material/key:")
        if auth.session_note():
            st.caption(auth.session_note())
        if st.button("Quitter l'administration", key="admin_logout", icon=":material/logout:"):
            auth.logout()
            st.rerun()
        _cleanup = startup.clean_leftovers()
        if _cleanup:
            st.info(f"Au démarrage de l'application : {_cleanup.message} (restes d'opérations interrompues ; "
                    "voir le journal des opérations).", icon=":material/cleaning_services:")
        _outcome = st.session_state.pop("upload_outcome", None)
        if _outcome:   # set just before the rerun that made every page use the new files
            st.success(_outcome["message"], icon="✅")
            for warning in _outcome["warnings"]:
                st.warning(_escape_markdown(warning), icon="⚠️")
        french_file_uploader(f"Glissez-déposez vos fichiers ici — {MAX_UPLOAD_MB} Mo au plus par fichier • ZIP, XLSX, CSV")
        upload_guard.uploader_rendered()
        with st.form("upload_form", clear_on_submit=True):
            uploaded = st.file_uploader("Fichiers des douanes et liste des Territoires d'industrie",
                                        type=["zip", "xlsx", "csv"], accept_multiple_files=True, key="uploads",
                                        max_upload_size=MAX_UPLOAD_MB)
            submitted = st.form_submit_button("Vérifier et charger", type="primary")
        if submitted:
            if not uploaded:
                st.warning("Aucun fichier choisi.")
            else:
                report = None
                try:
                    with st.spinner("Vérification des fichiers…"):
                        report = uploads.accept_uploads([(f.name, f.getvalue()) for f in uploaded], actor=admin)
                except DataFileError as exc:
                    st.error(f"Fichier refusé : {_escape_markdown(str(exc))} "
                             "Les données déjà chargées restent utilisées.", icon="🚫")
                except Exception as exc:  # a user's file must never break the page
                    _log.exception("échec inattendu pendant la vérification d'un envoi")
                    st.error(f"Les fichiers n'ont pas pu être vérifiés (erreur inattendue : {type(exc).__name__}). "
                             "Rien n'a été modifié : les données déjà chargées restent utilisées.", icon="🚫")
                if report is not None and report.unchanged:
                    st.info(f"Ces fichiers sont déjà ceux de la version en service ({report.version}) : aucune "
                            "nouvelle version n'a été créée.", icon="ℹ️")
                elif report is not None:
                    loaders.reload_data()
                    what = ", ".join(report.kept)
                    rows = (f" — {format_number(report.rows)} valeurs lues ; l'application utilise désormais "
                            f"{format_number(report.total_rows)} lignes, {report.departments} départements"
                            if report.trade_files else "")
                    changed = report.changes_sentence
                    st.session_state["upload_outcome"] = {
                        "message": (f"**{_escape_markdown(changed[:1].upper() + changed[1:])}.** " if changed else "")
                        + f"Version {report.version} créée : toutes les pages utilisent désormais ces données. "
                        + _escape_markdown(f"Fichiers retenus : {what}{rows}."),
                        "warnings": report.warnings}
                    st.rerun()

    st.subheader("Historique des données")
    _history = versions.history_rows(with_actor=admin is not None)
    if not _history:
        st.caption("Aucune version enregistrée : " + ("les données de démonstration sont affichées."
                                                       if data.is_demo else "les fichiers de data/officiel sont lus tels quels ; "
                                                       "le premier dépôt en fera la version v0001."))
    else:
        st.caption("Chaque dépôt, import ou téléchargement crée une version ; la version en service est celle que "
                   f"toutes les pages utilisent. Les {versions.keep_count()} dernières versions sont conservées.")
        st.dataframe(_history, hide_index=True, width="stretch", key="history_table")
    if admin is not None and len(_history) > 1:
        _rolled = st.session_state.pop("rollback_outcome", None)
        if _rolled:
            st.success(_rolled, icon=":material/history:")
        with st.form("rollback_form"):
            _choices = [row["Version"] for row in _history if not row["En service"]]
            target = st.selectbox("Revenir à la version", _choices, key="rollback_target",
                                  format_func=lambda vid: next(f"{r['Version']} — {r['Date']} — {r['Fichiers'][:80]}"
                                                               for r in _history if r["Version"] == vid))
            if st.form_submit_button("Mettre cette version en service"):
                try:
                    chosen = versions.rollback(target, actor=admin)
                except DataFileError as exc:
                    st.error(f"Retour impossible : {_escape_markdown(str(exc))}", icon="🚫")
                else:
                    loaders.reload_data()
                    st.session_state["rollback_outcome"] = (f"Version {chosen.id} remise en service : toutes les pages "
                                                            "utilisent de nouveau ces données.")
                    st.rerun()
    if admin is not None:
        with st.expander("Journal des opérations (20 dernières)"):
            st.dataframe(_journal_rows(audit.read(limit=20)), hide_index=True, width="stretch", key="audit_table")


def _journal_rows(entries: list[dict]) -> list[dict]:
    """Newest first, every cell bounded (entries written before the caps may hold megabytes)."""
    return [{"Date": cap(e.get("time", ""), 40), "Opération": cap(e.get("action", ""), 60),
             "Par": cap(e.get("actor", ""), 80), "Issue": cap(e.get("outcome", ""), 20),
             "Version": cap(e.get("version") or "", 20),
             "Fichiers": _files_cell(e.get("files")),
             "Message": cap(e.get("message", ""), 300)} for e in reversed(entries)]


def _files_cell(files) -> str:
    """« a.zip, b.zip … et 38 autres »: the names kept in the line, plus those it only counts."""
    files = [f for f in files or [] if isinstance(f, dict)]
    return summarise((f.get("name", "") for f in files if "omitted" not in f), shown=5, limit=80,
                     uncounted=sum(int(f.get("omitted") or 0) for f in files))
