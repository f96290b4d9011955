"""Immutable data versions: every accepted upload, `lib.cli import` or `lib.cli fetch` adds one.

Layout (everything to back up is in data/versions/):

    data/versions/
      CURRENT              the id of the version in use ("v0003"), replaced atomically
      v0001/files/…        the customs files and the Territoires d'industrie list of that version
      v0001/manifest.json  when, by whom, how, which files (SHA-256), rows, years, release, what it replaced
      journal.jsonl        the audit log (lib/data/audit.py)
      .lock                the lock every writing process takes (lib/core/filelock.py)

A version is built in a hidden staging folder, renamed into place once complete (manifest written
last), and only then named in CURRENT (temporary file, fsync, rename). A crash at any instant leaves
CURRENT naming either the old or the new version, each complete: never a mix. A version folder is
never modified afterwards; unchanged files are hard links to the previous version's.
Before any version exists, files dropped in data/officiel (the older layout) are read as they are;
the first change turns them into version 1 so that a rollback can always bring them back.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from lib.data import audit
from lib.data.file_changes import changes_cell, file_changes
from lib.core import schema
from lib.core.files import file_sha256, fsync_dir, fsync_file, write_durably
from lib.core.errors import DataFileError
from lib.core.filelock import file_lock, is_locked

VERSION_ID = re.compile(r"^v(\d{4,})$")
DEFAULT_KEEP = 20          # versions kept by the retention rule (CET_VERSIONS_KEEP), the one in use always kept
DATA_SUFFIXES = (".zip", ".xlsx", ".csv")


def root() -> Path:
    return schema.DATA_DIR / "versions"


def lock():
    """The data lock, shared by every process writing in data/versions."""
    return file_lock(root() / ".lock", what="les données")


def keep_count() -> int:
    """How many versions the retention rule keeps (environment CET_VERSIONS_KEEP, at least 1)."""
    raw = os.environ.get("CET_VERSIONS_KEEP", "")
    try:
        return max(1, int(raw)) if raw.strip() else DEFAULT_KEEP
    except ValueError:
        return DEFAULT_KEEP


def _checkpoint(step: str) -> None:
    """No-op between the steps of a switch; the crash test replaces it to kill the process there."""


@dataclass(frozen=True)
class Version:
    id: str
    path: Path
    manifest: dict

    @property
    def files_dir(self) -> Path:
        return self.path / "files"

    @property
    def number(self) -> int:
        return int(VERSION_ID.match(self.id).group(1))

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.manifest["created"])

    @property
    def release_date(self) -> dt.date | None:
        value = self.manifest.get("release_date")
        return dt.date.fromisoformat(value) if value else None

    @property
    def files(self) -> list[dict]:
        return self.manifest.get("files", [])


# --------------------------------------------------------------------------- read

def _read_manifest(path: Path) -> dict | None:
    """The version's manifest, or None when it is missing or damaged (then the version is not complete).

    Damaged includes valid JSON with fields of the wrong type: the history and the CLI read them as they
    are, so a manifest edited by hand must not make them fail.
    """
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("id") != path.name or not _well_formed(manifest):
        return None
    return manifest


def _well_formed(manifest: dict) -> bool:
    files = manifest.get("files", [])
    try:
        dt.datetime.fromisoformat(manifest["created"])
        if manifest.get("release_date") is not None:
            dt.date.fromisoformat(manifest["release_date"])
    except (KeyError, TypeError, ValueError):
        return False
    return (isinstance(files, list) and all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in files)
            and all(isinstance(manifest.get(k, ""), str) for k in ("action", "actor"))
            and isinstance(manifest.get("rows"), (int, type(None))) and isinstance(manifest.get("years", []), list))


def get(version_id: str) -> Version:
    """The version `version_id` (« v0003 » or « 3 »); French error if there is none."""
    vid = normalise_id(version_id)
    path = root() / vid
    manifest = _read_manifest(path) if path.is_dir() else None
    if manifest is None:
        known = ", ".join(v.id for v in list_versions()) or "aucune"
        raise DataFileError(f"version « {version_id} » introuvable (versions disponibles : {known})")
    return Version(vid, path, manifest)


def normalise_id(version_id: str) -> str:
    text = str(version_id).strip().lower()
    if text.isdigit():
        return f"v{int(text):04d}"
    if VERSION_ID.match(text):
        return text
    raise DataFileError(f"identifiant de version « {version_id} » non reconnu (attendu : v0003 ou 3)")


def list_versions() -> list[Version]:
    """Every complete version, newest first (staging and trash folders are not versions)."""
    found = []
    base = root()
    if not base.is_dir():
        return []
    for path in base.iterdir():
        if path.is_dir() and VERSION_ID.match(path.name):
            manifest = _read_manifest(path)
            if manifest is not None:
                found.append(Version(path.name, path, manifest))
    return sorted(found, key=lambda v: v.number, reverse=True)


@dataclass(frozen=True)
class InService:
    """The version to serve and, when CURRENT could not be followed, why (French); problem None: all is well."""
    version: Version | None
    problem: str | None = None

    @property
    def message(self) -> str | None:
        """The French sentence for the banner, the CLI and the journal."""
        if self.problem is None:
            return None
        if self.version is None:
            return f"{self.problem}, et aucune version complète n'existe"
        return (f"{self.problem} : la version {describe(self.version)}, la plus récente complète, est servie à "
                "la place")


_CURRENT_MAX_BYTES = 64                  # « v0003\n »: anything longer is damaged, never read whole
_state_cache: dict = {}                  # one entry: the stamps it was computed for → InService
_recoveries_logged: set[tuple] = set()   # one journal line per process and damage


def in_service() -> InService:
    """The version named in CURRENT; if CURRENT is missing, damaged, or names a version that is missing or
    whose manifest is missing or corrupt, the newest complete version (never the demo while one exists),
    with the problem, logged once in the journal. Cheap at each rerun: a small read and two stat calls."""
    base = root()
    raw = _read_current_bytes(base)
    named = _parse_current(raw)
    key = (str(base), raw, _stamp(base), _stamp(base / named / "manifest.json") if named else None)
    cached = _state_cache.get("entry")
    if cached is not None and cached[0] == key:
        return cached[1]
    manifest = _read_manifest(base / named) if named else None
    if manifest is not None:
        state = InService(Version(named, base / named, manifest))
    else:
        state = _recover(base, raw, named)
        if state.problem is None and state.version is not None:
            return state                             # a switch in progress: look again next time
    _state_cache["entry"] = (key, state)
    return state


def _recover(base: Path, raw: bytes | None, named: str | None) -> InService:
    found = list_versions()
    if raw is None and not found:
        return InService(None)                       # no version yet: the normal state of a new install
    if raw is None and is_locked(base / ".lock"):
        return InService(found[0])                   # the first version is being put in service right now
    if raw is None:
        problem = "Le fichier CURRENT, qui désigne la version en service, est absent"
    elif named is None:
        problem = "Le fichier CURRENT, qui désigne la version en service, est illisible (vide ou contenu non reconnu)"
    elif not (base / named).is_dir():
        problem = f"Le fichier CURRENT désigne la version {named}, introuvable"
    else:
        problem = f"Le manifeste de la version {named}, désignée par le fichier CURRENT, est absent ou illisible"
    state = InService(found[0] if found else None, problem)
    if (str(base), state.message) not in _recoveries_logged:
        _recoveries_logged.add((str(base), state.message))
        audit.record("récupération", "serveur", audit.FAILED, state.message,
                     version=state.version.id if state.version else None)
    return state


def _read_current_bytes(base: Path) -> bytes | None:
    try:
        with open(base / "CURRENT", "rb") as handle:
            return handle.read(_CURRENT_MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError:
        return b""                                   # a folder, no permission…: unreadable, as damaged


def _parse_current(raw: bytes | None) -> str | None:
    if not raw or len(raw) > _CURRENT_MAX_BYTES:
        return None
    try:
        text = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        return None
    return text if VERSION_ID.match(text) else None


def _stamp(path: Path) -> tuple | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def current_id() -> str | None:
    """The id of the version served (see `in_service`): what a running server checks at each rerun."""
    version = in_service().version
    return version.id if version is not None else None


def current() -> Version | None:
    return in_service().version


def legacy_files() -> dict[str, Path]:
    """Data files of the older layout (data/officiel), read as they are until the first version."""
    folder = schema.OFFICIAL_DIR
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix.lower() in DATA_SUFFIXES and not p.name.startswith((".", "~$"))}


def base_files() -> dict[str, Path]:
    """The files a new version starts from: those of the version in use (or of data/officiel)."""
    version = current()
    if version is not None:
        return {p.name: p for p in sorted(version.files_dir.iterdir()) if p.is_file()}
    return legacy_files()


# --------------------------------------------------------------------------- write (hold lock())

def publish(files: dict[str, Path], *, actor: str, action: str, summary: dict | None = None,
            warnings: list[str] | None = None, replaced: list[str] | None = None) -> Version:
    """Make `files` (final name → file to link or copy) the new version in use. Hold `lock()`.

    `summary`: rows, years, departments, release_date and per-file rows of the table these files give.
    """
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(base)
    previous = current_id()
    previous_manifest = _read_manifest(base / previous) if previous else None
    numbers = [int(m.group(1)) for p in base.iterdir() if (m := VERSION_ID.match(p.name))]
    new_id = f"v{max(numbers, default=0) + 1:04d}"
    staging = base / f".staging-{new_id}-{uuid.uuid4().hex[:8]}"
    try:
        (staging / "files").mkdir(parents=True)
        _checkpoint("staging")
        summary = dict(summary or {})
        per_file_rows = summary.pop("file_rows", {}) or {}
        per_file_release = summary.pop("file_releases", {}) or {}
        entries = []
        for name, source in sorted(files.items()):
            target = staging / "files" / name
            _link_or_copy(source, target)
            entries.append({"name": name, "bytes": target.stat().st_size, "sha256": file_sha256(target),
                            **({"rows": per_file_rows[name]} if name in per_file_rows else {}),
                            **({"release_date": per_file_release[name]} if per_file_release.get(name) else {})})
            _checkpoint("file")
        manifest = {
            "id": new_id,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "actor": actor, "action": action, "replaces": previous,
            "files": entries, "replaced_files": sorted(replaced or []),
            "changes": file_changes(previous_manifest["files"] if previous_manifest else None, entries),
            "rows": summary.get("rows"), "years": summary.get("years", []),
            "departments": summary.get("departments"), "release_date": summary.get("release_date"),
            "warnings": list(warnings or []),
        }
        write_durably(staging / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        fsync_dir(staging / "files")
        fsync_dir(staging)
        _checkpoint("manifest")
        os.rename(staging, base / new_id)
        fsync_dir(base)
        _checkpoint("renamed")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)   # nothing of a failed build stays behind
        raise
    _switch(new_id, actor, previous)
    return Version(new_id, base / new_id, manifest)


def changes_of(version: Version) -> dict | None:
    """What `version` changed against the version it replaced: its manifest's `changes`, or, for a manifest
    written before they were recorded, the same comparison made now (None if the replaced one is gone)."""
    if isinstance(version.manifest.get("changes"), dict):
        return version.manifest["changes"]
    replaced = version.manifest.get("replaces")
    previous = _read_manifest(root() / replaced) if replaced and VERSION_ID.match(str(replaced)) else None
    if replaced and previous is None:
        return None
    return file_changes(previous["files"] if previous else None, version.files)


def _switch(version_id: str, actor: str, previous: str | None) -> None:
    """Name `version_id` in CURRENT: write a temporary file, fsync it, rename it over CURRENT.

    The journal gets the intent first (« en cours ») and the outcome right after the rename, so that a
    process killed in between leaves a line saying which switch it was making (CURRENT tells whether it
    happened)."""
    base = root()
    change = f"mise en service de la version {version_id} à la place de {previous or 'aucune'}"
    audit.record("mise en service", actor, audit.STARTED, change, version=version_id, previous=previous)
    try:
        tmp = base / f".CURRENT.{uuid.uuid4().hex[:8]}.tmp"
        write_durably(tmp, version_id + "\n")
        _checkpoint("current-written")
        os.replace(tmp, base / "CURRENT")
        fsync_dir(base)
        _checkpoint("switched")
    except Exception as exc:
        audit.record("mise en service", actor, audit.FAILED, f"{change} : échec ({type(exc).__name__})",
                     version=version_id, previous=previous)
        raise
    audit.record("mise en service", actor, audit.ACCEPTED, change, version=version_id, previous=previous)


def ensure_migrated(actor: str = "reprise de data/officiel") -> Version | None:
    """Before the first version: turn the files of data/officiel into version 1. Hold `lock()`."""
    if current_id() is not None or list_versions():
        return None
    files = legacy_files()
    from lib.data.official_files import has_trade_files
    if not has_trade_files(schema.OFFICIAL_DIR):
        return None
    summary = _summary_of(list(files.values()))
    version = publish(files, actor=actor, action="reprise", summary=summary)
    audit.record("reprise", actor, audit.ACCEPTED, "fichiers de data/officiel repris comme première version",
                 files=[{k: f[k] for k in ("name", "bytes", "sha256")} for f in version.files], version=version.id)
    return version


def rollback(version_id: str, actor: str) -> Version:
    """Put an earlier (or later) version back in use; logged, refused attempts included."""
    try:
        with lock():
            target = get(version_id)
            state = in_service()
            previous = state.version.id if state.version is not None else None
            if previous == target.id and state.problem is None:      # a damaged CURRENT may be rewritten
                raise DataFileError(f"la version {target.id} est déjà celle en service")
            _switch(target.id, actor, previous)
    except DataFileError as exc:
        audit.record("retour", actor, audit.REFUSED, str(exc), version=str(version_id))
        raise
    audit.record("retour", actor, audit.ACCEPTED, f"retour à la version {target.id} (à la place de {previous})",
                 version=target.id, previous=previous)
    return target


def apply_retention(keep: int | None = None, actor: str = "règle de conservation") -> list[str]:
    """Delete all but the `keep` newest versions, never the one in use. Hold `lock()`."""
    keep = keep_count() if keep is None else max(1, keep)
    in_use = current_id()
    versions = list_versions()
    doomed = [v for v in versions[keep:] if v.id != in_use]
    base = root()
    for version in doomed:
        trash = base / f".trash-{version.id}-{uuid.uuid4().hex[:8]}"
        os.rename(version.path, trash)       # gone from the list at once, deleted after
        shutil.rmtree(trash, ignore_errors=True)
        audit.record("suppression", actor, audit.ACCEPTED,
                     f"version {version.id} supprimée (conservation des {keep} dernières)", version=version.id)
    if doomed:
        from lib.data.trade_cache import prune_missing_sources
        prune_missing_sources(schema.CACHE_DIR)    # their Parquet tables can no longer be asked for
    return [v.id for v in doomed]


# --------------------------------------------------------------------------- helpers

def _summary_of(paths: list[Path]) -> dict:
    """Rows, years, départements and release of the table these files give (read as the app reads them)."""
    from lib.data.official_files import read_official_files
    trade = [p for p in paths if not p.name.lower().startswith("liste-ti-")]
    if not trade:
        return {}
    result = read_official_files(trade)
    return summary_of_result(result)


def summary_of_result(result) -> dict:
    table = result.table
    return {"rows": int(len(table)), "years": sorted(int(y) for y in table[schema.YEAR].unique()),
            "departments": int(table[schema.DEPARTMENT].nunique()),
            "release_date": result.release_date.isoformat() if result.release_date else None,
            "file_rows": {str(s["file"]): int(s["rows"]) for s in result.sources},
            "file_releases": {str(s["file"]): s.get("release_date") for s in result.sources}}


def _clean_leftovers(base: Path) -> None:
    """Remains of a crashed switch (only ever seen under the lock, so nobody is using them)."""
    for path in base.iterdir():
        if path.name.startswith((".staging-", ".trash-")) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(".CURRENT.") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
        fsync_file(target)


def describe(version: Version) -> str:
    """« v0003 du 30/11/2026 à 05:12 » (local time of the server)."""
    local = version.created.astimezone()
    return f"{version.id} du {local:%d/%m/%Y} à {local:%H:%M}"


def release_text(version: Version) -> str:
    """« février 2026 », or « février 2026, un fichier de décembre 2026 » when its files say different months
    (per-file release dates of the manifest; older manifests only have the dataset's)."""
    from lib.data.release_dates import dataset_release, release_label, release_phrase
    per_file = [{"file": f["name"], "release_date": f["release_date"]} for f in version.files if f.get("release_date")]
    if per_file:
        return release_phrase(*dataset_release(per_file))
    return release_label(version.release_date) if version.release_date else "—"


ACTION_LABELS = {"dépôt": "dépôt dans l'application", "import": "import (ligne de commande)",
                 "téléchargement": "téléchargement (ligne de commande)", "reprise": "reprise de data/officiel"}


def history_rows(with_actor: bool = False) -> list[dict]:
    """One row per version, newest first, in French, for the « Historique des données » table."""
    from lib.core.formatting import format_number
    in_use = current_id()
    rows = []
    for version in list_versions():
        local = version.created.astimezone()
        names = [f["name"] for f in version.files]
        row = {"Version": version.id, "En service": "oui" if version.id == in_use else "",
               "Date": f"{local:%d/%m/%Y %H:%M}",
               # what changed, before the details: on a laptop the last columns scroll out of sight
               "Changements": changes_cell(changes_of(version)),
               "Diffusion": release_text(version),
               "Lignes": format_number(version.manifest["rows"]) if version.manifest.get("rows") else "—",
               "Opération": ACTION_LABELS.get(version.manifest.get("action"), version.manifest.get("action", "")),
               "Fichiers": f"{len(names)} : " + ", ".join(names)}
        if with_actor:
            row["Par"] = version.manifest.get("actor", "")
        rows.append(row)
    return rows
