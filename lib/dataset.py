"""Which data the app shows (real files if the user has some, else the demo) and loading them once.

`load_app_data` is what the CLI, the benchmark and the Streamlit loader (lib/ui) call.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lib import schema
from lib.indicators import TradeCube
from lib.territories import TerritoryCatalog, find_ti_file, read_industry_territories

if TYPE_CHECKING:
    from lib.official_files import LoadResult

TRADE_SUFFIXES = {".zip", ".xlsx", ".csv"}


@dataclass
class AppData:
    result: "LoadResult"
    cube: TradeCube
    catalog: TerritoryCatalog
    is_demo: bool
    sources: list[Path]

    @property
    def years(self) -> list[int]:
        return self.cube.years

    @property
    def latest_year(self) -> int:
        return self.cube.years[-1]


def has_trade_files(folder: Path) -> bool:
    return folder.is_dir() and any(
        p.suffix.lower() in TRADE_SUFFIXES and not p.name.startswith("liste-ti-") for p in folder.iterdir())


def default_sources() -> tuple[list[Path], bool]:
    """Real files in data/officiel win; otherwise the demo (generated on first use)."""
    if has_trade_files(schema.OFFICIAL_DIR):
        return [schema.OFFICIAL_DIR], False
    from lib.demo import ensure_demo
    return [ensure_demo(schema.DEMO_DIR)], True


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


def load_app_data(paths: list[str | Path] | None = None, cache_dir: Path | None = None) -> AppData:
    from lib.trade_cache import load_trade_data
    if paths:
        sources, is_demo = [Path(p) for p in paths], False
        is_demo = all(Path(p).resolve().is_relative_to(schema.DEMO_DIR.resolve()) for p in sources)
    else:
        sources, is_demo = default_sources()
    trade_paths, ti_file = split_sources(sources)
    result = load_trade_data(trade_paths, cache_dir or schema.CACHE_DIR)
    return AppData(result=result, cube=TradeCube(result.table), catalog=load_catalog(ti_file, is_demo),
                   is_demo=is_demo, sources=sources)
