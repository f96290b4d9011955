"""Files an administrator uploads (or `lib.cli import` / `fetch` hands over): validated in full, then
kept as a new immutable data version (lib/data/versions.py).

Steps, all under the data lock shared by every process (two administrators uploading at once are
served one after the other, the second on top of the first):
1. each file alone: a name without path tricks, an accepted type, not empty, not over the upload
   limit (`MAX_UPLOAD_BYTES`, the same as `server.maxUploadSize` in .streamlit/config.toml);
2. the bytes are written to a staging folder inside data/versions (same disk), never into a version;
3. the customs files are read exactly as the app will read them afterwards: the files of the version
   in use (minus those the upload replaces) plus the new ones; a conflicting duplicate, a bad cell, a
   missing column… raise a `DataFileError` naming the file, sheet, column and row; a Territoires
   d'industrie list is read in full too;
4. only then is a new version built from those files and switched to atomically.
A refused upload changes nothing: the version in use, its files and the Parquet cache stay as they
were. Every attempt, refused or accepted, is written to the audit log with the files' SHA-256.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lib.core.files import file_sha256
from lib.core.memory import big_blocks_returned
from lib.core.text_limits import cap
from lib.data import audit, leftovers, versions
from lib.data.file_changes import changes_sentence, file_changes
from lib.data.release_dates import release_phrase
from lib.core import schema
from lib.core.errors import DataFileError
from lib.data.official_files import discover_files, read_official_files
from lib.data.reference.french_names import count_phrase
from lib.data.reference import departments as ref
from lib.data.territories import read_industry_territories

MAX_UPLOAD_MB = 200                            # server.maxUploadSize in .streamlit/config.toml
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # Streamlit counts megabytes as MiB
ALLOWED_SUFFIXES = (".zip", ".xlsx", ".csv")
MAX_NAME_CHARS = 150
TI_PREFIX = "liste-ti-"
TI_NAME = re.compile(r"(?i)^liste-ti-com.*\.csv$")   # what lib.data.territories.find_ti_file looks for

_ALLOWED_NAME_CHARS = re.compile(r"[^\w.\- ()+]")


@dataclass
class UploadReport:
    trade_files: list[str] = field(default_factory=list)   # names kept in data/officiel
    ti_file: str | None = None
    rows: int = 0                  # values read from the uploaded customs files
    total_rows: int = 0            # rows of the table the app will use
    departments: int = 0           # départements in that table
    regions: int = 0               # régions with at least one of their départements
    replaced: list[str] = field(default_factory=list)      # files of the same name (or older lists) replaced
    warnings: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    release_date: str | None = None
    release_text: str = ""         # « février 2026, un fichier de décembre 2026 » (lib.data.release_dates)
    version: str | None = None     # the data version created (or already in use when nothing changed)
    unchanged: bool = False        # the files sent are exactly those of the version in use
    changes: dict | None = None    # added / changed / unchanged / removed file names (lib.data.file_changes)

    @property
    def changes_sentence(self) -> str:
        """« 1 fichier modifié : region_13_A.zip ; 17 inchangés » (empty when nothing was compared)."""
        return changes_sentence(self.changes)

    @property
    def kept(self) -> list[str]:
        return self.trade_files + ([self.ti_file] if self.ti_file else [])


@dataclass
class _Staged:
    original: str      # the name the user sent
    name: str          # the name it gets in data/officiel
    path: Path         # its staged copy
    is_ti: bool


def accept_uploads(files: list[tuple[str, bytes]], *, actor: str = "console", action: str = "dépôt",
                   dest: Path | None = None) -> UploadReport:
    """Validate uploaded (name, bytes) pairs and make them a new data version; raise DataFileError otherwise.

    `actor` is who asks (an administrator's identity, « console »…), `action` how (« dépôt », « import »,
    « téléchargement »): both go to the version's manifest and to the audit log, refusals included.
    `dest` (tests only) keeps the files in a plain folder instead of a version.
    """
    entries = audit.file_entries(files)
    try:
        if not files:
            raise DataFileError("aucun fichier reçu")
        for name, data in files:
            _check_one(name, data)
        if dest is not None:
            return _accept_into_folder(files, Path(dest))
        with versions.lock(), big_blocks_returned():     # the whole import: reading, cache, version
            _remove_leftovers(actor)
            try:
                staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=versions.root()))
                try:
                    report = _validate_and_keep(files, versions.base_files(), staging, actor, action)
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
            except OSError as exc:       # disk full, read-only or missing folder while staging or reading
                raise DataFileError(_disk_problem(exc)) from exc
            if not report.unchanged:
                versions.apply_retention()
    except DataFileError as exc:
        audit.record(action, actor, audit.REFUSED, str(exc), files=entries)
        raise
    except Exception as exc:
        audit.record(action, actor, audit.FAILED, f"erreur inattendue : {type(exc).__name__}", files=entries)
        raise
    message = ("aucun changement : ces fichiers sont déjà ceux de la version en service" if report.unchanged
               else f"version {report.version} créée et mise en service")
    audit.record(action, actor, audit.ACCEPTED, message, files=entries, version=report.version)
    return report


def _remove_leftovers(actor: str) -> None:
    """Under the data lock, every staging folder is a leftover of an interrupted import: remove it."""
    cleanup = leftovers.Cleanup()
    leftovers.remove_staging(versions.root(), cleanup)
    leftovers.record(cleanup, actor, "Avant un import")


def _disk_problem(exc: OSError) -> str:
    """A French sentence for a failed write or read of the staging copy; nothing was changed."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "espace disque insuffisant"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what = "écriture refusée (disque en lecture seule ou droits insuffisants)"
    else:
        what = f"erreur d'entrée-sortie ({cap(exc.strerror or type(exc).__name__, 80)})"
    return (f"les fichiers reçus n'ont pas pu être copiés ni lus dans « {cap(versions.root(), 120)} » : {what} ; "
            "rien n'a été modifié, les données en service restent utilisées")


def _accept_into_folder(files: list[tuple[str, bytes]], dest: Path) -> UploadReport:
    """Validation only, files kept in `dest` (no version, no log): for tests of the checks."""
    staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=_staging_parent(dest)))
    try:
        base = {p.name: p for p in sorted(dest.iterdir()) if p.is_file()} if dest.is_dir() else {}
        report, final, _ = _validate(files, base, staging)
        report.changes = file_changes(_entries(base), _entries(final))
        dest.mkdir(parents=True, exist_ok=True)
        for name, path in final.items():
            if path.parent != dest:
                shutil.copy2(path, dest / name)
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --------------------------------------------------------------------------- checks on one file

def _check_one(name: str, data: bytes) -> None:
    """Name, type, size: everything that can be refused without reading the content."""
    shown = _printable(name)
    if not name or not name.strip():
        raise DataFileError("fichier sans nom : impossible de l'identifier")
    if any(sep in name for sep in ("/", "\\")) or name.strip() in (".", ".."):
        raise DataFileError("nom de fichier refusé : il contient un chemin (« / », « \\ » ou « .. »)",
                            file=shown, hint="Envoyez le fichier lui-même, sous son nom d'origine")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise DataFileError("nom de fichier refusé : il contient des caractères invisibles ou de contrôle",
                            file=shown)
    if len(name) > MAX_NAME_CHARS:
        raise DataFileError(f"nom de fichier trop long ({len(name)} caractères, limite : {MAX_NAME_CHARS})",
                            file=shown[:60] + "…")
    if name.startswith((".", "~$")):
        raise DataFileError("nom de fichier refusé : un nom qui commence par « . » ou « ~$ » désigne un "
                            "fichier caché ou temporaire, que l'application ne lirait pas", file=shown)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise DataFileError(f"type de fichier non accepté (« {suffix or 'sans extension'} ») ; attendu .zip, "
                            ".xlsx ou .csv", file=shown)
    if "manifest" in name.lower():
        raise DataFileError("nom de fichier refusé : les fichiers dont le nom contient « manifest » sont "
                            "ignorés à la lecture des données", file=shown, hint="Renommez-le")
    if name.lower().startswith(TI_PREFIX) and suffix != ".csv":
        raise DataFileError("la liste des Territoires d'industrie doit être un fichier CSV "
                            "(liste-ti-com2023-….csv, data.gouv.fr)", file=shown)
    if not data:
        raise DataFileError("le fichier est vide (0 octet)", file=shown)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataFileError(f"le fichier dépasse la taille maximale acceptée ({MAX_UPLOAD_MB} Mo) : "
                            f"{len(data) / 1024 / 1024:,.1f} Mo".replace(",", " ").replace(".", ","),
                            file=shown)


def _printable(name: str) -> str:
    """A name safe to echo in a message: control characters become « ? », at most 200 characters."""
    return "".join("?" if unicodedata.category(c).startswith("C") else c for c in (name or ""))[:200]


def _stored_name(name: str) -> str:
    """The name kept on disk: the user's name, with unusual characters replaced by « _ »."""
    return _ALLOWED_NAME_CHARS.sub("_", unicodedata.normalize("NFC", name.strip()))


def _looks_like_ti_list(name: str, data: bytes) -> bool:
    """A list of communes: by its name, or (CSV only) by its header."""
    if name.lower().startswith(TI_PREFIX):
        return True
    if Path(name).suffix.lower() != ".csv":
        return False
    first = data[:4096].split(b"\n", 1)[0].decode("utf-8", errors="replace").lower()
    return "insee_com" in first and "id_ti" in first


# --------------------------------------------------------------------------- validate, then keep

def _validate(files: list[tuple[str, bytes]], base: dict[str, Path],
              staging: Path) -> tuple[UploadReport, dict[str, Path], object]:
    """Read everything; returns the report, the files of the would-be version and the read result."""
    report = UploadReport()
    staged = _stage(files, staging / "envoi", report)
    trade = [s for s in staged if not s.is_ti]
    ti_files = [s for s in staged if s.is_ti]
    if len(ti_files) > 1:
        raise DataFileError("plusieurs listes de Territoires d'industrie envoyées ("
                            + ", ".join(f"« {s.original} »" for s in ti_files) + ") : envoyez-en une seule")
    superseded: list[str] = []
    if ti_files:
        ti = ti_files[0]
        read_industry_territories(Path(ti.original), data=ti.path.read_bytes())
        report.ti_file = ti.name
        superseded = [name for name in base if TI_NAME.match(name) and name.lower() != ti.name.lower()]
    result = None
    if trade:
        result = _read_with_kept_files(trade, base, staging / "existants", report)
    new_names = {s.name.lower() for s in staged}
    final = {name: path for name, path in base.items() if name.lower() not in new_names and name not in superseded}
    final.update({s.name: s.path for s in staged})
    for name in superseded:
        report.replaced.append(name)
        report.warnings.append(f"La liste des Territoires d'industrie « {name} » est remplacée "
                               f"par « {report.ti_file} ».")
    # a file sent under the name of a kept one replaces it: said once for all by `report.changes`
    # (« 1 fichier modifié : … ; 17 inchangés »), not by one warning per file
    report.replaced.extend(name for name in base if name.lower() in new_names)
    if report.ti_file and not any(not TI_NAME.match(n) for n in final):
        report.warnings.append("Aucun fichier des douanes n'est encore retenu : l'application affiche toujours les "
                               "données de démonstration et leurs Territoires d'industrie fictifs ; la liste "
                               f"« {report.ti_file} » servira dès qu'un fichier des douanes sera chargé.")
    return report, final, result


def _validate_and_keep(files: list[tuple[str, bytes]], base: dict[str, Path], staging: Path,
                       actor: str, action: str) -> UploadReport:
    report, final, result = _validate(files, base, staging)
    in_use = versions.current()
    if in_use is not None and _same_content(final, in_use):
        report.unchanged, report.version = True, in_use.id
        report.warnings = [w for w in report.warnings if "remplacé" not in w]
        report.replaced = []
        return report
    if result is not None:
        summary = versions.summary_of_result(result)
    elif in_use is not None:          # a new Territoires d'industrie list alone: same table as before
        summary = {k: in_use.manifest.get(k) for k in ("rows", "years", "departments", "release_date")}
        summary["file_rows"] = {f["name"]: f["rows"] for f in in_use.files if "rows" in f}
        summary["file_releases"] = {f["name"]: f.get("release_date") for f in in_use.files}
    else:
        summary = {}
    try:
        versions.ensure_migrated()       # data/officiel becomes v0001 first, so that a rollback brings it back
        version = versions.publish(final, actor=actor, action=action, summary=summary,
                                   warnings=report.warnings, replaced=report.replaced)
    except OSError as exc:
        raise DataFileError(f"les fichiers n'ont pas pu être enregistrés dans « {versions.root()} » "
                            f"({exc.strerror or exc}) ; rien n'a été modifié") from exc
    report.version = version.id
    report.changes = version.manifest.get("changes")
    if result is not None:
        try:
            from lib.data.trade_cache import store
            store([version.files_dir], schema.CACHE_DIR, result)   # the table just read is this version's
        except OSError:
            pass                                                   # the app will read the files itself
    return report


def _entries(files: dict[str, Path]) -> list[dict]:
    """Name and SHA-256 of each file, as a manifest lists them."""
    return [{"name": name, "sha256": file_sha256(path)} for name, path in sorted(files.items())]


def _same_content(final: dict[str, Path], version) -> bool:
    theirs = {f["name"]: f["sha256"] for f in version.files}
    if set(theirs) != set(final):
        return False
    return all(file_sha256(path) == theirs[name] for name, path in final.items())


def _stage(files: list[tuple[str, bytes]], folder: Path, report: UploadReport) -> list[_Staged]:
    folder.mkdir()
    staged: dict[str, _Staged] = {}
    contents: dict[str, bytes] = {}
    for original, data in files:
        is_ti = _looks_like_ti_list(original, data)
        name = _stored_name(original)
        if is_ti and not TI_NAME.match(name):
            name = "liste-ti-com-" + name            # so that the app finds it (liste-ti-com*.csv)
        if name.lower() in staged:
            if contents[name.lower()] == data:
                report.warnings.append(f"Le fichier « {_printable(original)} » a été envoyé deux fois : "
                                       "gardé une fois.")
                continue
            raise DataFileError("deux fichiers différents envoyés sous le même nom", file=_printable(original),
                                hint="Renommez l'un des deux ou n'en envoyez qu'un")
        path = folder / name
        path.write_bytes(data)
        staged[name.lower()] = _Staged(original=_printable(original), name=name, path=path, is_ti=is_ti)
        contents[name.lower()] = data
    return list(staged.values())


def _read_with_kept_files(trade: list[_Staged], base: dict[str, Path], preview: Path, report: UploadReport):
    """Read the folder exactly as the app will: kept files (lenient, as in a folder) + new ones (strict)."""
    preview.mkdir()
    new_names = {s.name.lower() for s in trade}
    for name, kept in sorted(base.items()):
        if name.lower() not in new_names:
            _link(kept, preview / name)
    paths = [s.path for s in trade]
    origin = {str(s.path): s.original for s in trade}
    would_read = {p.name.lower() for p in discover_files([s.path.parent for s in trade[:1]])}
    skipped = [s for s in trade if s.name.lower() not in would_read]
    if skipped:
        raise DataFileError("ce fichier ne serait pas lu par l'application (nom réservé)", file=skipped[0].original)
    # the new files first: a bad upload is refused before the kept files (maybe all of France) are read
    result = read_official_files([*paths, preview], origin_names=origin)
    uploaded = {s.original for s in trade}
    report.trade_files = [s.name for s in trade]
    report.rows = sum(int(src["rows"]) for src in result.sources if src["file"] in uploaded)
    report.total_rows = len(result.table)
    departments = {str(d) for d in result.table[schema.DEPARTMENT].unique()}   # from the codes: no text per row
    report.departments = len(departments)
    report.warnings.extend(result.warnings)
    regions_present = {ref.region_of(d) for d in departments}
    report.regions = len(regions_present)
    report.years = sorted(int(y) for y in result.table[schema.YEAR].unique())
    report.release_date = result.release_date.isoformat() if result.release_date else None
    report.release_text = release_phrase(result.release_date, result.release_others)
    partial = _partial_coverage_warning(regions_present, departments)
    if partial:
        report.warnings.append(partial)
    return result


def _link(source: Path, target: Path) -> None:
    """A cheap stand-in for a kept file (its name is what the reader reports)."""
    try:
        os.symlink(source.resolve(), target)
    except OSError:
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)


def _partial_coverage_warning(regions_present: set[str], departments: set[str]) -> str | None:
    """France = sum of the 101 départements: say so when some régions are missing."""
    all_regions = list(ref.REGIONS["code"])
    missing = [code for code in all_regions if code not in regions_present]
    if not missing:
        return None
    names = ", ".join(ref.region_name(code) for code in missing[:6]) + (", …" if len(missing) > 6 else "")
    return (f"Données partielles : les fichiers retenus couvrent {count_phrase(len(regions_present), 'région')} sur "
            f"{len(all_regions)} ({len(departments)} départements sur {len(ref.DEPARTMENTS)}). Les totaux "
            f"« France » et les parts de la France seront incomplets tant que les fichiers des autres "
            f"régions ne sont pas chargés (manquent : {names}).")


def _staging_parent(dest: Path) -> Path:
    """Stage next to dest (same disk: the final move is a rename), never inside it."""
    parent = dest.parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent
