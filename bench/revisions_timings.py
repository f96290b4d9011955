"""What issue 20's additions cost, on the national demo data: `python -m bench.revisions_timings`.

Prints, in French: the time to read the release dates of the 36 workbooks of the 18 regional ZIPs (what the
reader now does for each file), and the time to compare two data versions for a département, a région and
France (load of the older version's table from its Parquet cache, then `territory_revisions`), as the data
page and `lib.cli revisions` do, between the version in use and the one it replaced (data folder:
$CET_DATA_DIR, else data/).
"""
from __future__ import annotations

import statistics
import sys
import time
import zipfile
from pathlib import Path

from lib.analysis.dataset import load_app_data
from lib.analysis.revisions import territory_revisions, version_pair
from lib.core import schema
from lib.data.demo import ensure_demo
from lib.data.release_dates import workbook_dates


def _median_ms(func, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def release_dates_ms(folder: Path) -> tuple[int, float]:
    """(workbooks read, median ms to read all their release dates), payloads already in memory."""
    payloads = []
    for path in sorted(folder.glob("region_*_A.zip")):
        with zipfile.ZipFile(path) as archive:
            payloads += [archive.read(name) for name in archive.namelist() if name.lower().endswith(".xlsx")]
    return len(payloads), _median_ms(lambda: [workbook_dates(p) for p in payloads])


def main() -> int:
    count, ms = release_dates_ms(ensure_demo(schema.DEMO_DIR))
    print(f"Dates de diffusion de {count} classeurs (18 ZIP de la démo) : {ms:.1f} ms (médiane de 5)")
    before, after = version_pair()
    start = time.perf_counter()
    old = load_app_data(fingerprint=f"v:{before.id}")
    new = load_app_data(fingerprint=f"v:{after.id}")
    print(f"Chargement des versions {before.id} et {after.id} (cache Parquet) : "
          f"{time.perf_counter() - start:.2f} s")
    for territory_id in ("dep:04", "reg:93", "fr"):
        territory = new.catalog.resolve(territory_id)
        ms = _median_ms(lambda: territory_revisions(old.cube, new.cube, territory))
        print(f"Révisions {territory.name} : {ms:.0f} ms (médiane de 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
