"""The sentence an open session reads when the data in service changed under it: a new version, or a
rollback to an earlier one (issue 20 item 6).

A rollback must say it is one: a reader who saw « Données mises à jour » after an administrator went back
to last month's files would believe the older figures are the newer ones. The version ids are the
manifest's (« v0003 »); which one is the newest comes from the history, so a version put back in service
is never announced as an update, whichever direction the switch went.
"""
from __future__ import annotations

import datetime as dt
import re

from lib.core.formatting import format_number

_NUMBER = re.compile(r"^v(\d+)$")


def _number(version_id: str | None) -> int | None:
    found = _NUMBER.match(version_id or "")
    return int(found.group(1)) if found else None


def is_rollback(version_id: str, previous_id: str | None, newest_id: str | None) -> bool:
    """True when `version_id` was put back in service rather than just created: it is not the newest
    version, or it is older than the one the session was reading."""
    number, previous = _number(version_id), _number(previous_id)
    if number is None:
        return False
    return (newest_id is not None and version_id != newest_id) or (previous is not None and number < previous)


def update_notice(*, release: str, rows: int, version_id: str | None = None, created: dt.datetime | None = None,
                  previous_id: str | None = None, newest_id: str | None = None) -> str:
    """« Données mises à jour le 30/11/2026 à 05:12 : … » or « Retour à la version du 28/11/2026 à 14:02 … ».

    `release` is already French (« résultats de février 2026 »); `created` is the version's local time."""
    lines = format_number(rows)
    if version_id is None or created is None:
        return (f"Données mises à jour : {release} ({lines} lignes). Les chiffres de cette page sont calculés "
                "sur ces données.")
    when = f"{created:%d/%m/%Y} à {created:%H:%M}"
    if is_rollback(version_id, previous_id, newest_id):
        instead = f" à la place de la version {previous_id}" if previous_id else ""
        return (f"Retour à la version du {when} ({version_id}) : un administrateur a remis ces données en "
                f"service{instead} ({release}, {lines} lignes). Les chiffres de cette page sont calculés sur ces "
                "données.")
    return (f"Données mises à jour le {when} : {release} (version {version_id}, {lines} lignes). Les chiffres "
            "de cette page sont calculés sur ces données.")
