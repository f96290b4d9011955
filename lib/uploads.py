"""Files a user uploads in the app: validated in full before anything is kept.

A file is checked alone and together with the real files already kept (a conflicting duplicate
is refused); only then is it moved into data/officiel. A refused upload changes nothing: the data
on screen, the files kept and the Parquet cache stay as they were.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lib import schema
from lib.errors import DataFileError
from lib.official_files import read_official_files
from lib.territories import read_industry_territories

MAX_UPLOAD_BYTES = 200 * 1024 * 1024   # mirrors server.maxUploadSize in .streamlit/config.toml
ALLOWED_SUFFIXES = (".zip", ".xlsx", ".csv")


@dataclass
class UploadReport:
    trade_files: list[str] = field(default_factory=list)
    ti_file: str | None = None
    rows: int = 0
    departments: int = 0
    warnings: list[str] = field(default_factory=list)


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return "".join(c for c in base if c.isalnum() or c in "._-") or "fichier"


def accept_uploads(files: list[tuple[str, bytes]], dest: Path | None = None) -> UploadReport:
    """Validate uploaded (name, bytes) pairs and keep them in `dest`; raise DataFileError otherwise."""
    dest = dest or schema.OFFICIAL_DIR
    if not files:
        raise DataFileError("aucun fichier reçu")
    report = UploadReport()
    staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=_staging_parent(dest)))
    try:
        trade, ti_files = [], []
        for name, data in files:
            _check_one(name, data)
            target = staging / _safe_name(name)
            target.write_bytes(data)
            (ti_files if target.name.startswith("liste-ti-") else trade).append(target)
        for ti in ti_files:
            read_industry_territories(ti)
            report.ti_file = ti.name
        if trade:
            origin = {str(p): p.name for p in trade}
            alone = read_official_files(trade, origin_names=origin)
            existing = [p for p in sorted(dest.glob("*")) if p.suffix.lower() in ALLOWED_SUFFIXES
                        and not p.name.startswith("liste-ti-") and p.name not in {t.name for t in trade}]
            combined = read_official_files(existing + trade, origin_names=origin) if existing else alone
            report.trade_files = [p.name for p in trade]
            report.rows = len(alone.table)
            report.departments = int(combined.table[schema.DEPARTMENT].nunique())
            report.warnings = combined.warnings
        dest.mkdir(parents=True, exist_ok=True)
        for path in trade + ti_files:
            os.replace(path, dest / path.name)
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _staging_parent(dest: Path) -> Path:
    """Stage next to dest so the final move is an atomic rename on the same disk."""
    parent = dest.parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _check_one(name: str, data: bytes) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise DataFileError(f"type de fichier non accepté (« {suffix or 'sans extension'} ») ; attendu .zip, "
                            ".xlsx ou .csv", file=name)
    if not data:
        raise DataFileError("le fichier est vide (0 octet)", file=name)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataFileError(f"le fichier dépasse la taille maximale acceptée "
                            f"({MAX_UPLOAD_BYTES // (1024 * 1024)} Mo)", file=name)
