"""The customs release month of each file, from what the file itself says, and how a dataset cites them.

Why: the kiosque files carry no release field, and the ZIP entries' dates change whenever somebody re-zips a
file: one re-zipped archive made a whole dataset cite « résultats de décembre 2026 » although 17 of its 18
files were from February. Where a file says when it was made, that wins:
1. the workbook's own creation date (`dcterms:created` in `docProps/core.xml`), written by the tool that
   produced it and kept by a re-zip or a re-save (a re-save changes `dcterms:modified`, not `created`);
2. its last modification date (`dcterms:modified`), when the creation date is missing or implausible;
3. only then the ZIP entries' dates.
A date is plausible when it is not before the last year the file holds (figures of 2025 are not released in
2024: such a date is a template's) and not in a year before 1981 (a ZIP without dates says 1980).
A dataset cites the month most of its files say (ties: the newest), and names the others:
« résultats de février 2026, un fichier de décembre 2026 ».
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import Counter

from lib.core.formatting import month_name

_CORE = "docProps/core.xml"
_CORE_MAX_BYTES = 64 * 1024
_DATE = {name: re.compile(rf"<dcterms:{name}\b[^>]*>\s*(\d{{4}})-(\d{{2}})-(\d{{2}})") for name in ("created", "modified")}
WORKBOOK, ARCHIVE = "classeur", "archive"        # where a file's release date was read (sources' `release_from`)


def workbook_dates(xlsx: bytes) -> list[dt.date]:
    """The creation then modification dates a workbook's properties give (none if absent or unreadable)."""
    try:
        with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
            info = book.getinfo(_CORE)
            if info.file_size > _CORE_MAX_BYTES:
                return []
            text = book.read(info).decode("utf-8", errors="replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return []
    found = []
    for pattern in _DATE.values():
        match = pattern.search(text)
        if match:
            try:
                found.append(dt.date(*(int(g) for g in match.groups())))
            except ValueError:
                pass
    return found


def plausible(date: dt.date | None, last_year: int | None) -> bool:
    return date is not None and date.year > 1980 and (last_year is None or date.year >= last_year)


def file_release(workbook_candidates: list[list[dt.date]], archive_dates: list[dt.date],
                 last_year: int | None) -> tuple[dt.date | None, str | None]:
    """(release date, « classeur » or « archive ») of one file from its workbooks' dates (each workbook's
    [created, modified]) and, as a last resort, its ZIP entries' dates; (None, None) when nothing says it."""
    for rank in (0, 1):                      # every workbook's creation date first, then modification
        dates = [d[rank] for d in workbook_candidates if len(d) > rank and plausible(d[rank], last_year)]
        if dates:
            return max(dates), WORKBOOK
    dates = [d for d in archive_dates if plausible(d, last_year)]
    return (max(dates), ARCHIVE) if dates else (None, None)


def release_label(release_date: dt.date | None) -> str:
    """« février 2026 », without relying on a system locale."""
    if release_date is None:
        return "date inconnue"
    return f"{month_name(release_date.month)} {release_date.year}"


def _dated(sources: list[dict]) -> list[tuple[str, dt.date]]:
    return [(str(s.get("file", "")), dt.date.fromisoformat(s["release_date"])) for s in sources
            if s.get("release_date")]


def dataset_release(sources: list[dict]) -> tuple[dt.date | None, list[tuple[str, int]]]:
    """(the release the dataset cites: the month most files say, ties to the newest, its latest day;
    the other months as (label, number of files), most files first)."""
    dated = _dated(sources)
    if not dated:
        return None, []
    months = Counter((d.year, d.month) for _, d in dated)
    main = max(months, key=lambda ym: (months[ym], ym))
    others = sorted(((ym, n) for ym, n in months.items() if ym != main), key=lambda item: (-item[1], item[0]))
    main_date = max(d for _, d in dated if (d.year, d.month) == main)
    return main_date, [(release_label(dt.date(y, m, 1)), n) for (y, m), n in others]


def release_phrase(release_date: dt.date | None, others: list[tuple[str, int]] = ()) -> str:
    """« février 2026 », or « février 2026, un fichier de décembre 2026 » when files disagree."""
    text = release_label(release_date)
    for label, count in others:
        text += f", {'un fichier' if count == 1 else f'{count} fichiers'} de {label}"
    return text


def disagreement_warning(sources: list[dict]) -> str | None:
    """Which files come from another release than the one cited, by name (none when all agree)."""
    main, others = dataset_release(sources)
    if not others:
        return None
    dated = _dated(sources)
    odd = [f"« {name} » ({release_label(d)})" for name, d in dated if (d.year, d.month) != (main.year, main.month)]
    agreeing = len(dated) - len(odd)
    shown = ", ".join(odd[:5]) + (", …" if len(odd) > 5 else "")
    return (f"Les fichiers ne viennent pas tous de la même diffusion : {shown} ; "
            f"{'l’autre est' if agreeing == 1 else f'les {agreeing} autres sont'} de {release_label(main)}. "
            f"La source citée le dit : « résultats de {release_phrase(main, others)} ».")
