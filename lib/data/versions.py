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
from lib.core.filelock import file_lock

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
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("id") == path.name else None


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


def current_id() -> str | None:
    """The id named in CURRENT (one small read: what a running server checks at each rerun)."""
    try:
        text = (root() / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text if VERSION_ID.match(text) else None


def current() -> Version | None:
    vid = current_id()
    if vid is None:
        return None
    path = root() / vid
    manifest = _read_manifest(path)
    return Version(vid, path, manifest) if manifest is not None else None


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
    _switch(new_id)
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


def _switch(version_id: str) -> None:
    """Name `version_id` in CURRENT: write a temporary file, fsync it, rename it over CURRENT."""
    base = root()
    tmp = base / f".CURRENT.{uuid.uuid4().hex[:8]}.tmp"
    write_durably(tmp, version_id + "\n")
    _checkpoint("current-written")
    os.replace(tmp, base / "CURRENT")
    fsync_dir(base)
    _checkpoint("switched")


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
            previous = current_id()
            if previous == target.id:
                raise DataFileError(f"la version {target.id} est déjà celle en service")
            _switch(target.id)
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
