"""Parquet cache of the tidy trade table, so the app re-reads the customs Excel files only when they change.

A cache entry is a pair `trade-<key>.parquet` + `trade-<key>.json` (the sidecar: release date,
sources, warnings, unknown codes, and what the Parquet file must look like). The key is a SHA-1 of
the resolved source files (names, sizes, modification times), of the reference code lists and of
CACHE_VERSION, which is a hash of the code that shapes the table (SHAPING_MODULES): a change of a
reading rule or of a code mapping rebuilds the cache without anyone bumping a number by hand. Both files are written to unique temporary names, fsynced, then renamed, the sidecar
first: a reader accepts the pair only when the sidecar describes the Parquet file it finds.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
import uuid
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from lib.core import schema
from lib.core.files import fsync_dir, fsync_file
from lib.data.official_files import LoadResult, discover_files, read_official_files

# The modules whose code decides what the tidy table holds (reading rules, revisions, code mappings,
# column types). tests/test_trade_cache.py checks that every lib module the reader imports is listed.
SHAPING_MODULES = ("lib/data/official_files.py", "lib/core/schema.py", "lib/data/trade_cache.py", "lib/core/errors.py",
                   "lib/core/files.py", "lib/core/formatting.py", "lib/core/printable.py",
                   "lib/data/reference/departments.py",
                   "lib/data/reference/products.py", "lib/data/reference/countries.py", "lib/data/release_dates.py",
                   "lib/data/read_limits.py", "lib/core/text_limits.py", "lib/data/coded_text.py",
                   "lib/data/byte_source.py", "lib/core/memory.py")


def code_version(modules: Iterable[str] = SHAPING_MODULES) -> str:
    """A short hash of the source of `modules` (paths relative to the project)."""
    digest = hashlib.sha1()
    for relative in modules:
        digest.update(relative.encode("utf-8") + b"\0")
        digest.update((schema.PROJECT_DIR / relative).read_bytes())
    return digest.hexdigest()[:16]


CACHE_VERSION = code_version()
KEEP_PER_SOURCES = 3          # cache entries kept for one set of source paths (newest first)
STALE_TEMP_SECONDS = 3600     # temporary files older than this come from a crashed build
_PREFIX = "trade-"


def load_trade_data(paths: Iterable[str | Path], cache_dir: Path = schema.CACHE_DIR, *,
                    origin_names: dict | None = None) -> LoadResult:
    """The tidy table of `paths`, from the cache when the files are unchanged, else read and cached.

    A DataFileError from reading leaves every cache file untouched. A cache that cannot be written
    (read-only or full disk) costs a warning, not the data.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    key, sources_set = cache_key(paths, origin_names)
    cache_dir = Path(cache_dir)
    cached = _load(cache_dir, key)
    if cached is not None:
        return cached
    result = read_official_files(paths, origin_names=origin_names)
    try:
        _write(cache_dir, key, sources_set, result, [str(Path(p).resolve()) for p in paths])
    except OSError as exc:
        result.warnings.append(f"Cache non enregistré dans « {cache_dir} » ({exc}) : les fichiers "
                               "seront relus au prochain chargement.")
        return result
    _prune(cache_dir, sources_set, keep=key)
    return result


def store(paths: Iterable[str | Path], cache_dir: Path, result: LoadResult) -> None:
    """Cache `result` as the table of `paths` (a new data version whose files were just read to validate
    them): the first visitor after an upload does not wait for a second reading. Raises OSError."""
    paths = list(paths)
    key, sources_set = cache_key(paths)
    _write(Path(cache_dir), key, sources_set, result, [str(Path(p).resolve()) for p in paths])
    _prune(Path(cache_dir), sources_set, keep=key)


def cache_key(paths: Iterable[str | Path], origin_names: dict | None = None) -> tuple[str, str]:
    """(key of this exact content, key of the set of source paths) as SHA-1 hex digests."""
    files = discover_files(paths)
    stats = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    names = sorted((str(k), str(v)) for k, v in (origin_names or {}).items())
    content = json.dumps([CACHE_VERSION, stats, names, _reference_digest()])
    paths_only = json.dumps([str(p) for p in files])   # without the code version: older builds get pruned
    return _sha1(content), _sha1(paths_only)


def cache_paths(cache_dir: Path, key: str) -> tuple[Path, Path]:
    stem = f"{_PREFIX}{key[:16]}"
    return Path(cache_dir) / f"{stem}.parquet", Path(cache_dir) / f"{stem}.json"


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _reference_digest() -> str:
    """Unknown-code warnings depend on the reference lists: a new list must rebuild the cache."""
    from lib.data.reference.countries import COUNTRIES
    from lib.data.reference.products import PRODUCTS
    codes = sorted(PRODUCTS["code"].astype(str)) + ["|"] + sorted(COUNTRIES["code"].astype(str))
    return _sha1(",".join(codes))


# --------------------------------------------------------------------------- read

def _load(cache_dir: Path, key: str) -> LoadResult | None:
    """The cached result, or None when the pair is absent, incomplete or disagrees."""
    parquet_path, json_path = cache_paths(cache_dir, key)
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        if (meta.get("key") != key or meta.get("cache_version") != CACHE_VERSION
                or parquet_path.stat().st_size != meta.get("parquet_bytes")):
            return None
        table = pq.read_table(parquet_path, memory_map=True).to_pandas()
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None
    if len(table) != meta.get("rows") or list(table.columns) != schema.TIDY_COLUMNS:
        return None
    release = meta.get("release_date")
    return LoadResult(table=table, release_date=dt.date.fromisoformat(release) if release else None,
                      sources=meta["sources"], warnings=meta["warnings"],
                      unknown_products=meta["unknown_products"],
                      unknown_countries=meta["unknown_countries"])


# --------------------------------------------------------------------------- write

def _write(cache_dir: Path, key: str, sources_set: str, result: LoadResult,
           source_paths: list[str] | None = None) -> None:
    """Write the pair atomically; on any failure remove this process's temporary files."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    parquet_path, json_path = cache_paths(cache_dir, key)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    tmp_parquet = cache_dir / f".{parquet_path.name}.{tag}.tmp"
    tmp_json = cache_dir / f".{json_path.name}.{tag}.tmp"
    try:
        table = pa.Table.from_pandas(result.table[schema.TIDY_COLUMNS], preserve_index=False)
        # dictionary pages for the codes only: on the euro values (nearly all distinct) the writer built a
        # dictionary it then dropped, +50 Mo for a 3 Mo table; row groups of 256 Ki rows, not 1 Mi: the
        # writer's buffers are a third smaller (issue 19, bench/hostile_files.py)
        pq.write_table(table, tmp_parquet, compression="zstd", row_group_size=256 * 1024,
                       use_dictionary=[c for c in schema.TIDY_COLUMNS if c != schema.VALUE])
        fsync_file(tmp_parquet)
        meta = _sidecar(key, sources_set, result, parquet_path.name, tmp_parquet.stat().st_size)
        meta["source_paths"] = source_paths or []
        tmp_json.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        fsync_file(tmp_json)
        os.replace(tmp_json, json_path)
        os.replace(tmp_parquet, parquet_path)
        fsync_dir(cache_dir)
    finally:
        for tmp in (tmp_parquet, tmp_json):
            tmp.unlink(missing_ok=True)


def _sidecar(key: str, sources_set: str, result: LoadResult, parquet_name: str,
             parquet_bytes: int) -> dict:
    return {
        "cache_version": CACHE_VERSION, "key": key, "sources_set": sources_set,
        "parquet": parquet_name, "parquet_bytes": parquet_bytes, "rows": len(result.table),
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "release_date": result.release_date.isoformat() if result.release_date else None,
        "sources": result.sources, "warnings": result.warnings,
        "unknown_products": result.unknown_products, "unknown_countries": result.unknown_countries,
    }


# --------------------------------------------------------------------------- clean up

def _prune(cache_dir: Path, sources_set: str, keep: str) -> None:
    """After a successful write: drop older entries of the same sources and stale temp files."""
    entries = []
    for json_path in cache_dir.glob(f"{_PREFIX}*.json"):
        try:
            meta = json.loads(json_path.read_text(encoding="utf-8"))
            mtime = json_path.stat().st_mtime
        except (OSError, ValueError):
            continue
        if meta.get("sources_set") == sources_set and meta.get("key") != keep:
            entries.append((mtime, json_path))
    entries.sort(reverse=True)
    for _, json_path in entries[KEEP_PER_SOURCES - 1:]:
        json_path.with_suffix(".parquet").unlink(missing_ok=True)
        json_path.unlink(missing_ok=True)
    limit = time.time() - STALE_TEMP_SECONDS
    for tmp in cache_dir.glob(f".{_PREFIX}*.tmp"):
        try:
            if tmp.stat().st_mtime < limit:
                tmp.unlink()
        except OSError:
            continue


def prune_missing_sources(cache_dir: Path = schema.CACHE_DIR) -> int:
    """Drop the entries whose source files or folders are all gone (a data version deleted by the
    retention rule): nobody can ask for them again. Returns how many entries were removed."""
    removed = 0
    for json_path in Path(cache_dir).glob(f"{_PREFIX}*.json"):
        try:
            meta = json.loads(json_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        paths = meta.get("source_paths") or []
        if paths and not any(Path(p).exists() for p in paths):
            json_path.with_suffix(".parquet").unlink(missing_ok=True)
            json_path.unlink(missing_ok=True)
            removed += 1
    return removed
