"""Files a user uploads in the app: validated in full before anything is kept.

Steps, all under one lock (two sessions uploading at once are served one after the other):
1. each file alone: a name without path tricks, an accepted type, not empty, not over the upload
   limit (`MAX_UPLOAD_BYTES`, the same as `server.maxUploadSize` in .streamlit/config.toml);
2. the bytes are written to a staging folder *next to* data/officiel, never inside it;
3. the customs files are read exactly as the app will read them afterwards: the files already kept
   in data/officiel (minus those the upload replaces) plus the new ones; a conflicting duplicate,
   a bad cell, a missing column… raise a `DataFileError` naming the file, sheet, column and row;
   a Territoires d'industrie list is read in full too;
4. only then are the files moved into data/officiel (a rename on the same disk); if a move fails,
   the files moved so far are put back.
A refused upload changes nothing: the data on screen, the files kept and the Parquet cache stay as
they were (the cache is never touched here: the app rebuilds it when it reloads).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lib import schema
from lib.dataset import has_trade_files
from lib.errors import DataFileError
from lib.official_files import discover_files, read_official_files
from lib.reference.french_names import count_phrase
from lib.reference import departments as ref
from lib.territories import read_industry_territories

MAX_UPLOAD_MB = 200                            # server.maxUploadSize in .streamlit/config.toml
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # Streamlit counts megabytes as MiB
ALLOWED_SUFFIXES = (".zip", ".xlsx", ".csv")
MAX_NAME_CHARS = 150
TI_PREFIX = "liste-ti-"
TI_NAME = re.compile(r"(?i)^liste-ti-com.*\.csv$")   # what lib.territories.find_ti_file looks for

_LOCK = threading.Lock()
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

    @property
    def kept(self) -> list[str]:
        return self.trade_files + ([self.ti_file] if self.ti_file else [])


@dataclass
class _Staged:
    original: str      # the name the user sent
    name: str          # the name it gets in data/officiel
    path: Path         # its staged copy
    is_ti: bool


def accept_uploads(files: list[tuple[str, bytes]], dest: Path | None = None) -> UploadReport:
    """Validate uploaded (name, bytes) pairs and keep them in `dest`; raise DataFileError otherwise."""
    dest = Path(dest or schema.OFFICIAL_DIR)
    if not files:
        raise DataFileError("aucun fichier reçu")
    for name, data in files:
        _check_one(name, data)
    with _LOCK:
        staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=_staging_parent(dest)))
        try:
            return _validate_and_keep(files, dest, staging)
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

def _validate_and_keep(files: list[tuple[str, bytes]], dest: Path, staging: Path) -> UploadReport:
    report = UploadReport()
    staged = _stage(files, staging / "envoi", report)
    trade = [s for s in staged if not s.is_ti]
    ti_files = [s for s in staged if s.is_ti]
    if len(ti_files) > 1:
        raise DataFileError("plusieurs listes de Territoires d'industrie envoyées ("
                            + ", ".join(f"« {s.original} »" for s in ti_files) + ") : envoyez-en une seule")
    superseded: list[Path] = []
    if ti_files:
        ti = ti_files[0]
        read_industry_territories(Path(ti.original), data=ti.path.read_bytes())
        report.ti_file = ti.name
        superseded = [p for p in sorted(dest.glob("*")) if p.is_file() and TI_NAME.match(p.name)
                      and p.name.lower() != ti.name.lower()]
    if trade:
        _read_with_kept_files(trade, dest, staging / "existants", report)
    _keep(staged, dest, superseded, staging / "remplaces", report)
    if report.ti_file and not has_trade_files(dest):
        report.warnings.append("Aucun fichier des douanes n'est encore retenu : l'application affiche toujours les "
                               "données de démonstration et leurs Territoires d'industrie fictifs ; la liste "
                               f"« {report.ti_file} » servira dès qu'un fichier des douanes sera chargé.")
    return report


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


def _read_with_kept_files(trade: list[_Staged], dest: Path, preview: Path, report: UploadReport) -> None:
    """Read the folder exactly as the app will: kept files (lenient, as in a folder) + new ones (strict)."""
    preview.mkdir()
    new_names = {s.name.lower() for s in trade}
    if dest.is_dir():
        for kept in sorted(dest.iterdir()):
            if kept.is_file() and kept.name.lower() not in new_names:
                _link(kept, preview / kept.name)
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
    departments = set(result.table[schema.DEPARTMENT].astype(str).unique())
    report.departments = len(departments)
    report.warnings.extend(result.warnings)
    regions_present = {ref.region_of(d) for d in departments}
    report.regions = len(regions_present)
    partial = _partial_coverage_warning(regions_present, departments)
    if partial:
        report.warnings.append(partial)


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


def _keep(staged: list[_Staged], dest: Path, superseded: list[Path], backup: Path, report: UploadReport) -> None:
    """Move the staged files into dest; on failure, put everything back as it was."""
    dest.mkdir(parents=True, exist_ok=True)
    backup.mkdir()
    set_aside: list[tuple[Path, Path]] = []
    moved: list[Path] = []
    try:
        new_names = {s.name.lower() for s in staged}
        same_name = [p for p in sorted(dest.iterdir()) if p.is_file() and p.name.lower() in new_names]
        for old in superseded + same_name:
            os.replace(old, backup / old.name)
            set_aside.append((backup / old.name, old))
        for s in staged:
            os.replace(s.path, dest / s.name)
            moved.append(dest / s.name)
    except OSError as exc:
        for path in moved:
            path.unlink(missing_ok=True)
        for saved, original in set_aside:
            os.replace(saved, original)
        raise DataFileError(f"les fichiers n'ont pas pu être enregistrés dans « {dest} » ({exc.strerror or exc}) ; "
                            "rien n'a été modifié") from exc
    for _, original in set_aside:
        report.replaced.append(original.name)
        if original in superseded:
            report.warnings.append(f"La liste des Territoires d'industrie « {original.name} » est remplacée "
                                   f"par « {report.ti_file} ».")
        else:
            report.warnings.append(f"Le fichier « {original.name} » déjà retenu est remplacé par celui qui "
                                   "vient d'être envoyé.")


def _staging_parent(dest: Path) -> Path:
    """Stage next to dest (same disk: the final move is a rename), never inside it."""
    parent = dest.parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent
