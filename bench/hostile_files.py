"""Hostile files (issue 19): time, peak memory and message length of each refusal, printed as a table.

    python -m bench.hostile_files [--skip-page]

Each file is built in a temporary folder (never committed) and imported in a fresh process
(`lib.data.uploads.accept_uploads` into an empty temporary data folder, as `lib.cli import` does), so that
its peak is that import's own (`VmHWM`, reset just before reading the file). « Croissance » is that peak
minus the memory in use before (libraries loaded, and the Parquet writer used once: its first use sets up
4 Mo of pools that are not the file's), the file's bytes included; « ratio » divides it by the largest uncompressed member (the file itself for a
CSV, the largest worksheet XML for a workbook). Then a 100 MB journal is built and the administrator's data
page is timed (AppTest, signed in with a shared secret), with the journal tail alone timed as well.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
HEADER = "Region;Dep;Flux;CodeA129;Pays;annee2023_valeur_en_euros;annee2024_valeur_en_euros\n"

_CHILD = r"""
import json, sys, time
from pathlib import Path
from lib.core import schema
import lib.data.uploads as uploads, lib.analysis.dataset, pandas, numpy, python_calamine
import pyarrow, pyarrow.parquet, tempfile
with tempfile.TemporaryDirectory() as warm:   # the Parquet writer's first use (+4 Mo: pools) is not the file's
    pyarrow.parquet.write_table(pyarrow.table({"a": [1]}), warm + "/a.parquet")
root = Path(sys.argv[2])
schema.DATA_DIR, schema.CACHE_DIR = root, root / "cache"
schema.OFFICIAL_DIR, schema.DEMO_DIR = root / "officiel", root / "demo"
def status(field):   # VmHWM / VmRSS of this process (ru_maxrss would include the parent's, kept across exec)
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
path = Path(sys.argv[1])
before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")                  # the high-water mark starts again from here
data = path.read_bytes()
start = time.perf_counter()
message, outcome = "", "acceptée"
try:
    uploads.accept_uploads([(path.name, data)], actor="banc")
except uploads.DataFileError as exc:
    message, outcome = str(exc), "refusée"
except BaseException as exc:
    message, outcome = f"{type(exc).__name__}: {exc}"[:300], "ÉCHEC"
seconds = time.perf_counter() - start
peak = status("VmHWM")
left = [p.name for p in (root / "versions").glob(".upload-*")] + [p.name for p in (root / "cache").glob("*.tmp")]
journal = root / "versions" / "journal.jsonl"
print(json.dumps({"seconds": seconds, "growth": peak - before, "peak": peak, "message": message,
                  "outcome": outcome, "leftovers": left,
                  "journal_line": max((len(l) for l in journal.read_bytes().splitlines()), default=0)
                  if journal.exists() else 0}))
"""


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def hostile_files(folder: Path) -> list[tuple[str, Path, int]]:
    """(what, file, largest uncompressed member in bytes) for each case of the issue."""
    row = "93;04;Import;C10A;DE;12;13\n"
    cases: dict[str, tuple[str, bytes]] = {
        "en-tête d'un million de colonnes (2 Mo)": ("entete_2mo_import.csv", b"a;" * 1_000_000 + b"a\n1;2\n"),
        "en-tête de 10 millions de colonnes (20 Mo)": ("entete_20mo_import.csv", b"a;" * 10_000_000 + b"a\n"),
        "une ligne de 100 Mo sans séparateur": ("ligne_100mo_import.csv", b"x" * (100 * 2**20)),
        "nombre de 5 000 chiffres": ("grand_nombre_import.csv", (HEADER + row + "93;04;Import;C20B;DE;"
                                                                 + "9" * 5000 + ";1\n").encode()),
        "UTF-16 avec BOM, en-tête faux": ("utf16_import.csv", "Région;Dep\n93;04\n".encode("utf-16")),
        "ZIP de 10 000 fichiers REGION_…": ("region_94_A.zip", _zip({f"REGION_{i:05d}_A_IMPORT.csv":
                                                                    (HEADER + row).encode() for i in range(10_000)})),
        "CSV de 2,5 millions de lignes (75 Mo)": ("lignes_import.csv", (HEADER + row * 2_500_000).encode()),
    }
    stored = _zip({"REGION_93_A_IMPORT.csv": (HEADER + row).encode()}, zipfile.ZIP_STORED)
    damaged = bytearray(stored)
    damaged[damaged.find(b"93;04;Import")] = ord("8")
    cases["ZIP à la somme CRC fausse"] = ("region_93_A.zip", bytes(damaged))
    from openpyxl import Workbook
    book = Workbook()
    book.active.title = "qdf"
    book.active["A1"], book.active["XFD1048576"] = "Region", "x"
    buffer = io.BytesIO()
    book.save(buffer)
    cases["classeur creux A1 + XFD1048576"] = ("REGION_93_A_IMPORT.xlsx", buffer.getvalue())
    out = []
    for what, (name, payload) in cases.items():
        path = folder / "fichiers" / what.replace(" ", "_").replace("/", "_") / name
        path.parent.mkdir(parents=True)
        path.write_bytes(payload)
        out.append((what, path, _largest_member(path)))
    legit = folder / "fichiers" / "legitime" / "REGION_93_A_IMPORT.csv"
    legit.parent.mkdir(parents=True)
    with open(legit, "w") as handle:
        handle.write(HEADER)
        for i in range(1_500_000):
            handle.write(f"93;{('04', '05', '06', '13', '83', '84')[i % 6]};Import;C{i // 6 % 90:02d}A;P{i // 540:04d};"
                         f"{i * 7 % 100_000};{i % 3_000}\n")
    out.append(("fichier légitime : CSV de 1,5 million de lignes", legit, legit.stat().st_size))
    demo = PROJECT / "data" / "demo" / "region_03_A.zip"
    if demo.is_file():
        out.append(("fichier légitime : démo région 03 (ZIP de 2 classeurs)", demo, _largest_member(demo)))
    return out


def _largest_member(path: Path) -> int:
    """The file itself, or the largest member once everything is uncompressed (a workbook's sheet XML)."""
    data = path.read_bytes()
    if not data.startswith(b"PK"):
        return len(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sizes = [len(data)]
        for info in archive.infolist()[:20]:
            inner = archive.read(info) if info.file_size < 2**28 else b""
            sizes.append(info.file_size)
            if inner.startswith(b"PK"):
                sizes.extend(i.file_size for i in zipfile.ZipFile(io.BytesIO(inner)).infolist())
        return max(sizes)
    except (zipfile.BadZipFile, OSError):
        return len(data)


def run_case(path: Path, data_dir: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(data_dir)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        return {"seconds": float("nan"), "growth": 0, "peak": 0, "message": done.stderr[-300:],
                "outcome": f"processus arrêté ({done.returncode})", "leftovers": [], "journal_line": 0}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f}".replace(",", " ")


def page_timing(folder: Path) -> list[str]:
    """A 100 MB journal (one line written before the caps, then 200 entries): tail read and data page."""
    os.environ["CET_DATA_DIR"] = str(folder / "page-data")
    os.environ["CET_ADMIN_SECRET"] = "secret-du-banc-0123456789"
    from lib.core import schema
    schema.DATA_DIR = folder / "page-data"
    schema.CACHE_DIR, schema.OFFICIAL_DIR = schema.DATA_DIR / "cache", schema.DATA_DIR / "officiel"
    from lib.data import audit
    path = audit.log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b'{"message": "' + b"x" * (100 * 2**20) + b'"}\n')
    for i in range(200):
        audit.record("dépôt", "banc", audit.REFUSED, "m" * 10_000)
    lines = []
    start = time.perf_counter()
    whole = path.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]   # what the page did before
    lines.append(f"lecture entière du journal (méthode d'avant) : {time.perf_counter() - start:.2f} s pour "
                 f"{len(whole)} lignes gardées")
    del whole
    start = time.perf_counter()
    entries = audit.read(limit=20)
    lines.append(f"journal de {_mb(path.stat().st_size)} Mo : 20 dernières entrées lues en "
                 f"{(time.perf_counter() - start) * 1000:.1f} ms ({len(entries)} entrées, message le plus long "
                 f"{max(len(e['message']) for e in entries)} caractères)")
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(PROJECT / "streamlit_app.py"), default_timeout=300).run()
    at = at.switch_page("pages/about.py").run()
    at.text_input(key="admin_secret").input(os.environ["CET_ADMIN_SECRET"])
    next(b for b in at.button if b.label == "Accéder à l'administration").click()
    at = at.run()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        at = at.run()
        times.append(time.perf_counter() - start)
    journal = [d.value for d in at.dataframe if "Message" in d.value.columns]
    longest = max((len(str(m)) for m in journal[0]["Message"]), default=0) if journal else 0
    lines.append(f"page « À propos des données » (administrateur), nouvelle exécution : "
                 f"{', '.join(f'{t:.2f}' for t in times)} s ; exception : {bool(at.exception)} ; "
                 f"journal affiché : {len(journal[0]) if journal else 0} lignes, message le plus long {longest} "
                 "caractères")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-page", action="store_true", help="sans la mesure de la page (AppTest)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = Path(tmp)
        print(f"{'cas':<48} {'issue':<10} {'temps':>7} {'croissance':>11} {'ratio':>6} {'message':>8} "
              f"{'journal':>8}  restes")
        for index, (what, path, largest) in enumerate(hostile_files(folder)):
            result = run_case(path, folder / f"data-{index}")
            ratio = f"{result['growth'] / largest:.1f}" if largest >= 2**20 else "—"   # tiny files: noise
            print(f"{what:<48} {result['outcome']:<10} {result['seconds']:>6.2f}s {_mb(result['growth']):>8} Mo "
                  f"{ratio:>6} {len(result['message']):>8} {result['journal_line']:>8}  "
                  f"{', '.join(result['leftovers']) or 'aucun'}")
            print(f"    {result['message'][:220]}")
        if not args.skip_page:
            for line in page_timing(folder):
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
