"""Which data the app shows (the data version in use, else real files of data/officiel, else the demo)
and loading them once.

`load_app_data` is what the CLI, the benchmark and the Streamlit loader (lib/ui) call.
`data_fingerprint` says cheaply (one small read, two stats) which data are in use now: a running
server compares it at each rerun and reloads only when it changed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lib.core import schema
from lib.analysis.indicators import TradeCube
from lib.data.official_files import has_trade_files
from lib.data.territories import TerritoryCatalog, TerritoryError, find_ti_file, read_industry_territories

if TYPE_CHECKING:
    from lib.data.official_files import LoadResult
    from lib.data.versions import Version

@dataclass
class AppData:
    result: "LoadResult"
    cube: TradeCube
    catalog: TerritoryCatalog
    is_demo: bool
    sources: list[Path]
    version: "Version | None" = None   # the data version shown (None: demo, data/officiel or --data)
    fingerprint: str = ""               # see data_fingerprint; empty for explicit paths

    @property
    def years(self) -> list[int]:
        return self.cube.years

    @property
    def latest_year(self) -> int:
        return self.cube.years[-1]

    def resolve(self, territory_id: str, year: int | None) -> tuple:
        """The territory an id names and the year asked (default: the latest); French TerritoryError otherwise."""
        territory = self.catalog.resolve(territory_id)
        year = year or self.latest_year
        if year not in self.years:
            raise TerritoryError(f"Année {year} absente des données (années disponibles : "
                                 f"{', '.join(map(str, self.years))}).")
        return territory, year

    @property
    def version_note(self) -> str:
        """« — données : version v0003 du 30/11/2026 », appended to the source of a dossier or Word sheet
        (built on the version it started with, which it names); empty when no version is in use."""
        if self.version is None:
            return ""
        return f" — données : version {self.version.id} du {self.version.created.astimezone():%d/%m/%Y}"


def default_sources() -> tuple[list[Path], bool]:
    """The version in use wins; then real files in data/officiel; otherwise the demo (generated on first use)."""
    from lib.data import versions
    version = versions.current()
    if version is not None:
        return [version.files_dir], False
    if has_trade_files(schema.OFFICIAL_DIR):
        return [schema.OFFICIAL_DIR], False
    from lib.data.demo import ensure_demo
    return [ensure_demo(schema.DEMO_DIR)], True


def data_fingerprint() -> str:
    """Which data are in use, cheaply: « v:v0003 » for a version (its files never change), else the
    modification stamps of data/officiel or data/demo (a file added, removed or renamed changes them)."""
    from lib.data import versions
    vid = versions.current_id()
    if vid is not None:
        return f"v:{vid}"
    if has_trade_files(schema.OFFICIAL_DIR):
        return f"o:{_folder_stamp(schema.OFFICIAL_DIR)}"
    return f"d:{_folder_stamp(schema.DEMO_DIR)}"


def _folder_stamp(folder: Path) -> str:
    try:
        stat = os.stat(folder)
    except OSError:
        return "absent"
    return f"{stat.st_mtime_ns}-{stat.st_ino}"


def split_sources(paths: list[Path]) -> tuple[list[Path], Path | None]:
    """Separate trade files from a Territoires d'industrie commune list given among them."""
    trade, ti_file = [], None
    for path in paths:
        if path.is_file() and path.name.startswith("liste-ti-"):
            ti_file = path
        else:
            trade.append(path)
            if path.is_dir() and ti_file is None:
                ti_file = find_ti_file(path)
    return trade, ti_file


def load_catalog(ti_file: Path | None, is_demo: bool = False) -> TerritoryCatalog:
    """The Territoires d'industrie: the list given with the files; the demo's fictional list only for the
    demo data (real figures under fictional territories would look real in a note); else none."""
    if ti_file is None and is_demo:
        ti_file = find_ti_file(schema.DEMO_DIR)
    if ti_file is None:
        return TerritoryCatalog()
    return read_industry_territories(ti_file)


def load_app_data(paths: list[str | Path] | None = None, cache_dir: Path | None = None, *,
                  fingerprint: str | None = None) -> AppData:
    """The data of `paths`; without paths, those in use (or those of `fingerprint`, from data_fingerprint:
    a version stays readable after another one was put in use, so a result keyed by it is exact)."""
    from lib.data import versions
    from lib.data.trade_cache import load_trade_data
    version = None
    if paths:
        sources, is_demo = [Path(p) for p in paths], False
        is_demo = all(Path(p).resolve().is_relative_to(schema.DEMO_DIR.resolve()) for p in sources)
        fingerprint = ""
    elif fingerprint and fingerprint.startswith("v:"):
        version = versions.get(fingerprint[2:])
        sources, is_demo = [version.files_dir], False
    else:
        fingerprint = data_fingerprint()
        if fingerprint.startswith("v:"):
            version = versions.get(fingerprint[2:])
            sources, is_demo = [version.files_dir], False
        else:
            sources, is_demo = default_sources()
    trade_paths, ti_file = split_sources(sources)
    result = load_trade_data(trade_paths, cache_dir or schema.CACHE_DIR)
    return AppData(result=result, cube=TradeCube(result.table), catalog=load_catalog(ti_file, is_demo),
                   is_demo=is_demo, sources=sources, version=version, fingerprint=fingerprint)
