"""Every territory warm from the first click: what the four pages of the publication show, computed once
per data version and read by every process.

Why: a territory no session had yet opened in a process cost about four times a warm one in server CPU
(py-spy: building the plotly figures, the registry's items, the syntheses and sentences), and each app
process paid it again. Here those results are computed once for every territory (départements, Territoires
d'industrie, régions, France) at the latest two years (the one a link without a year shows, and the one
the links shared from the previous publication name) with the pages' default choices and the standard palette,
and written beside the Parquet cache: ``data/cache/warm-<key>/<territory>-<year>.pkl``, one small file per
territory, read on demand (lib/ui/loaders keeps the ones in use): the computations, the items, each chart's
screen dict and text alternative, each table item's display strings and each Sankey's phone lists (a new
territory then built nothing but what Streamlit itself does). Built by `python -m lib.ui.warm_build`,
which a server starts by itself when it loads data whose results are missing. Other years, choices and the
colour-blind palette are still computed live, as before.

Never stale: the key hashes the trade cache's key (the source files' names, sizes and times, the code
that shapes the table), the Territoires d'industrie list and the source of every lib module outside
lib/ui, so new data or new code means another folder; a missing or unreadable file is only a miss.
The files are pickles written by this code into the app's own cache folder (trusted like the Parquet
cache next to them), each written under a temporary name and renamed.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
import time
import uuid
from pathlib import Path
from typing import Callable

from lib.analysis import computations
from lib.analysis.indicators import FlowStructure
from lib.core import schema
from lib.core.schema import EXPORT, IMPORT
from lib.data.territories import FRANCE, Territory
from lib.outputs.report import (BALANCE_PARTNERS, PAGE_ITEMS, ReportChoices, ReportContext, default_peer_departments,
                                report_items)
from lib.presentation.chart_text import describe_figure
from lib.presentation.flow_list import flow_list_html
from lib.presentation.palette import PALETTES
from lib.presentation.tables import screen_parts

STORED_YEARS = 2                             # the latest years stored
PALETTE = "standard"                         # the default palette (lib/ui/selection.Selection.palette_name)
STORED_PAGES = ("overview", EXPORT, IMPORT, "comparison")   # the publication's four pages
# The page computations besides the items (lib/analysis/computations), with the arguments the pages pass.
STORED_COMPUTATIONS = (("summary", ()), ("overview_synthesis", ()), ("flow_synthesis", (EXPORT,)),
                       ("flow_synthesis", (IMPORT,)), ("change_sentences", (EXPORT, 1)),
                       ("change_sentences", (IMPORT, 1)), ("change_sentences", (EXPORT, 2)),
                       ("change_sentences", (IMPORT, 2)))
COMPLETE = "COMPLETE.json"                   # written last: the folder holds every territory
KEEP = 3                                     # warm folders kept (the version in use and the ones before)
_PREFIX = "warm-"


class StoredBuild:
    """Stands for an item's figure builder in a stored item (a closure does not pickle): the reader puts
    back a function that rebuilds the figure live, for the PNG export only."""

    def __repr__(self) -> str:
        return "StoredBuild()"

    def __reduce__(self) -> str:
        return "STORED_BUILD"   # unpickled as the module's one instance: readers test it with `is`


STORED_BUILD = StoredBuild()


# --------------------------------------------------------------------------- what a page needs

def page_choices(cube, territory: Territory, year: int, key: str) -> ReportChoices:
    """The choices a page passes for item `key` when the visitor has not touched its widgets."""
    if key == "balance":
        return ReportChoices(balance_partners=BALANCE_PARTNERS)
    if key == "departments":
        return ReportChoices(peer_departments=tuple(default_peer_departments(cube, territory, year)))
    return ReportChoices()


def figure_entry(key: str, choices: ReportChoices, palette: str = PALETTE) -> tuple:
    """The key of an item's on-screen figure: the same tuple lib/ui/page.render_item uses as its cache key."""
    return ("figure", (key, *dataclasses.astuple(choices)), palette)


def item_entry(key: str, choices: ReportChoices) -> tuple:
    return ("item", key, choices)


def compute_entry(name: str, args: tuple) -> tuple:
    return ("compute", name, tuple(args))


def flow_list_entry(item_key: str, palette: str = PALETTE) -> tuple:
    """The key of a Sankey item's phone version (its lists as HTML, lib/presentation/flow_list)."""
    return ("flow_list", item_key, palette)


def tables_entry(table_key: tuple) -> tuple:
    """The key of a table item's screen parts: the tuple lib/ui/page.render_item builds from its key and choices."""
    return ("tables", tuple(table_key))


def territory_results(cube, catalog, territory: Territory, year: int, palette: str = PALETTE,
                      template: str | None = None) -> dict:
    """Everything the four pages compute for one territory with their default choices, by entry key:
    the page computations, the registry's items (builder replaced by STORED_BUILD) and the on-screen
    figures as the dict st.plotly_chart sends, with their text alternative. `template` None is plotly's
    default, as on screen: run in a process that imported Streamlit (lib/ui/warm_build), it is Streamlit's."""
    context = ReportContext(cube, catalog, territory, year)
    results: dict = {}
    summary = computations.run(cube, territory, year, "summary")
    for name, args in STORED_COMPUTATIONS:
        results[compute_entry(name, args)] = computations.run(cube, territory, year, name, *args, summary=summary)
    keys = list(dict.fromkeys(key for page in STORED_PAGES for key in PAGE_ITEMS[page]))
    for key in keys:
        choices = page_choices(cube, territory, year, key)
        found = report_items(cube, catalog, territory, year, keys=[key], choices=choices, context=context)
        if not found:
            results[item_entry(key, choices)] = None
            continue
        item = found[0]
        if isinstance(item.data, FlowStructure):   # a Sankey: on a phone, its lists (lib/ui/flow_page)
            results[flow_list_entry(key, palette)] = flow_list_html(item.data, PALETTES[palette])
        if item.build is not None:
            figure = item.build(template=template, palette=PALETTES[palette])
            results[figure_entry(key, item.choices, palette)] = (figure.to_dict(), describe_figure(figure, item.title))
            item = dataclasses.replace(item, build=STORED_BUILD)
        else:   # a table shown directly: its display strings and Arrow table, as lib/ui/page.render_item shows them
            sheets = item.tables[0] if len(item.tables) == 1 else list(item.tables)
            results[tables_entry((key, *dataclasses.astuple(item.choices)))] = screen_parts(sheets)
        results[item_entry(key, choices)] = item
    return results


def all_territories(catalog) -> list[Territory]:
    """The départements, Territoires d'industrie, régions and France: every territory a link can name."""
    return [*catalog.departments(), *catalog.territories_of_kind("ti"), *catalog.regions(), FRANCE]


# --------------------------------------------------------------------------- where it is stored

def code_digest() -> str:
    """The source of every lib module outside lib/ui: a change of any rule, text or figure is a new key."""
    digest = hashlib.sha1()
    lib_dir = schema.PROJECT_DIR / "lib"
    for path in sorted(lib_dir.rglob("*.py")):
        relative = path.relative_to(lib_dir).as_posix()
        if relative.startswith("ui/") or relative == "cli.py":
            continue
        digest.update(relative.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


CODE_DIGEST = code_digest()


def store_key(trade_key: str, ti_file: Path | None) -> str:
    """Key of the results of one data content: the trade cache's key, the TI list and the code."""
    ti = None
    if ti_file is not None:
        try:
            stat = Path(ti_file).stat()
            ti = [str(Path(ti_file).resolve()), stat.st_size, stat.st_mtime_ns]
        except OSError:
            ti = [str(ti_file), "absent"]
    text = json.dumps([trade_key, ti, CODE_DIGEST])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def key_for_sources(sources: list[Path]) -> str:
    """store_key of the data read from `sources` (an AppData's `sources`)."""
    from lib.analysis.dataset import split_sources
    from lib.data.trade_cache import cache_key
    trade_paths, ti_file = split_sources([Path(p) for p in sources])
    return store_key(cache_key(trade_paths)[0], ti_file)


def store_dir(cache_dir: Path, key: str) -> Path:
    return Path(cache_dir) / f"{_PREFIX}{key[:16]}"


def _file(directory: Path, territory_id: str, year: int) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in territory_id)
    return Path(directory) / f"{safe}-{int(year)}.pkl"


def read_territory(directory: Path, territory_id: str, year: int) -> dict | None:
    """The stored results of one territory, or None (not built yet, another key, unreadable)."""
    try:
        with open(_file(directory, territory_id, year), "rb") as handle:
            found = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    return found if isinstance(found, dict) and found.get("territory") == territory_id else None


def write_territory(directory: Path, territory_id: str, year: int, results: dict) -> int:
    """Write atomically (temporary name, then rename); returns the file's size in bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    target = _file(directory, territory_id, year)
    tmp = directory / f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    try:
        tmp.write_bytes(pickle.dumps({"territory": territory_id, "year": int(year), "results": results},
                                     protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target.stat().st_size


def is_complete(directory: Path) -> bool:
    return (Path(directory) / COMPLETE).is_file()


def build(cube, catalog, years: list[int], directory: Path, territories: list[Territory] | None = None,
          progress: Callable[[int, int], None] | None = None, template: str | None = None) -> dict:
    """Compute and write every territory's results for `years` (those already written are kept); then the
    COMPLETE marker with what it cost. Returns that summary (territories, years, seconds, bytes, skipped)."""
    started = time.perf_counter()
    chosen = territories if territories is not None else all_territories(catalog)
    pairs = [(territory, int(year)) for year in years for territory in chosen]
    size, skipped = 0, []
    for done, (territory, year) in enumerate(pairs, 1):
        if read_territory(directory, territory.id, year) is None:
            try:
                results = territory_results(cube, catalog, territory, year, template=template)
            except Exception:   # noqa: BLE001 - one territory the pages cannot draw (no trade at all) stays
                skipped.append(f"{territory.id} {year}")   # live, where the page explains it; others stored
            else:
                size += write_territory(directory, territory.id, year, results)
        if progress:
            progress(done, len(pairs))
    summary = {"territories": len(chosen), "years": [int(y) for y in years],
               "seconds": round(time.perf_counter() - started, 1), "bytes_written": size, "skipped": skipped}
    if territories is None:
        (Path(directory) / COMPLETE).write_text(json.dumps(summary), encoding="utf-8")
        prune(Path(directory).parent, keep=Path(directory))
    return summary


def prune(cache_dir: Path, keep: Path) -> None:
    """Keep the KEEP most recent complete folders (and the one just built); drop the others."""
    folders = sorted((p for p in Path(cache_dir).glob(f"{_PREFIX}*") if p.is_dir() and p != keep),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for folder in folders[KEEP - 1:]:
        shutil.rmtree(folder, ignore_errors=True)
