"""Read the customs (DGDDI) annual regional files into the shared tidy table (lib/core/schema.py).

Inputs: the kiosque ZIP `region_XX_A.zip` (holding `REGION_XX_A_IMPORT.xlsx` / `..._EXPORT.xlsx`,
sheet `qdf`), a bare `.xlsx`, or a `.csv` with the same columns. Everything is validated with
vectorised pandas/numpy operations; the offending row is looked up only once an error is known.

Decisions (documented here because the files do not say):
- the région comes from the département (COG), never from the kiosque's `Region` column, which is
  therefore optional;
- a blank value cell is an absent row; a published zero is kept as a row;
- when a file name says IMPORT or EXPORT (as `REGION_03_A_IMPORT.xlsx` does), every row's `Flux`
  must agree with it, otherwise `Flux` alone decides;
- text cells holding numbers are accepted ("1 234,5", "100.4"): a comma is a decimal comma unless
  the text also holds a dot, which is then ambiguous and refused;
- identical rows loaded twice (same file twice, overlapping files) are kept once; the same cell with
  two different values is an error naming both places;
- a CSV may be UTF-8, Windows-1252, UTF-16 or UTF-32 (detected, and named in a refusal); a row longer
  than the header is refused, a shorter one ends with blank cells.
Hostile files are refused before any parser allocates (lib/data/read_limits.py: columns, line length,
rows, cells, ZIP entries, memory ceiling); code columns travel as codes (lib/data/coded_text.py).
Memory (issue 19: an import's peak ≤ 3 × its largest uncompressed member): a CSV is read from disk in
pieces, never whole; rows are parsed and coded `_CHUNK_ROWS` at a time (pandas chunks, calamine row by
row); each sheet stays in wide form (one row, one euro array per year) until the table is built, column
by column, into arrays allocated once.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pandas as pd

from lib.core import schema
from lib.core.formatting import format_number
from lib.core.memory import big_blocks_returned
from lib.core.printable import printable_label
from lib.data.release_dates import dataset_release, disagreement_warning, file_release, release_phrase, workbook_dates
from lib.data.release_dates import release_label  # noqa: F401  (callers import it from here)
from lib.core.errors import DataFileError
from lib.core.files import CP1252, UTF8, detect_encoding, sniff_separator
from lib.core.text_limits import cap, summarise
from lib.data import read_limits as limits
from lib.data.byte_source import ByteSource, FileSource, as_source, sha1_of
from lib.data.coded_text import CodeBuilder, CodedText, merged, smallest_codes
from lib.data.reference.departments import normalize_department_code, region_of

MAX_MEMBER_BYTES = 500 * 1024 * 1024   # declared uncompressed size of one ZIP member
MAX_RATIO = 200                        # uncompressed / compressed, checked above RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
TRADE_SUFFIXES = (".zip", ".xlsx", ".csv")
EXCEL_ENGINES = ("calamine", "pandas-calamine", "openpyxl")

_DATA_MEMBER = re.compile(r"(?i)REGION_[^/]*_(IMPORT|EXPORT)\.(xlsx|csv)$")
_FLOW_IN_NAME = re.compile(r"(?i)(?:^|[^a-z])(import|export)(?:[^a-z]|$)")
_YEAR_COLUMN = re.compile(r"(?i)^annee(\d{4})(?:_(.*))?$")
_NUMBER_TEXT = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_CODE_COLUMNS = {"region": "Region", "dep": "Dep", "flux": "Flux", "codea129": "CodeA129",
                 "pays": "Pays"}
_REQUIRED = ("Dep", "Flux", "CodeA129", "Pays")
_EXPECTED_TEXT = ("Region, Dep, Flux, CodeA129, Pays et une colonne anneeAAAA_valeur_en_euros "
                  "par année")
_UNKNOWN_LABEL = "libellés « code non référencé »"
_CHUNK_ROWS = 100_000          # CSV rows parsed at a time by pandas: typed arrays, a few megabytes
_SHEET_CHUNK_ROWS = 2_000      # workbook rows at a time: Python objects (~100 bytes a cell), ~2 Mo at most
_TEXT, _HUGE, _NEGATIVE = range(3)    # a value column's problems, in the order they are reported


@dataclass
class LoadResult:
    table: pd.DataFrame
    release_date: dt.date | None = None
    sources: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown_products: dict[str, int] = field(default_factory=dict)
    unknown_countries: dict[str, int] = field(default_factory=dict)

    @property
    def release_others(self) -> list[tuple[str, int]]:
        """The release months other than the one cited, with their number of files (see release_dates)."""
        return dataset_release(self.sources)[1]


@dataclass
class _Where:
    """Where a sheet comes from, to build precise error messages."""
    file: str
    member: str | None = None
    sheet: str | None = None

    @property
    def name(self) -> str:
        return self.member or self.file

    def error(self, problem: str, *, column: str | None = None, row: int | None = None,
              hint: str | None = None) -> DataFileError:
        return DataFileError(problem, file=self.file, member=self.member, sheet=self.sheet,
                             column=column, row=row, hint=hint)

    def place(self, row: int) -> str:
        inner = f"« {self.member} » de « {self.file} »" if self.member else f"« {self.file} »"
        return f"{inner} ligne {row}"


@dataclass
class _Part:
    """One validated sheet in wide form: its rows holding at least one value, their codes, and one euro
    array per year (NaN: blank cell, no entry). Wide, not long: half the entries' memory on a two-year file,
    and the long table is built once, in `_assemble`."""
    where: _Where
    department: CodedText
    flow: CodedText
    product: CodedText
    country: CodedText
    values: dict[int, np.ndarray]    # year → float64 per row, in the header's order
    row: np.ndarray                  # int32: each row's number in the file (header = row 1)
    release: dt.date | None = None   # the file's release date: a newer release revises an older one

    def __len__(self) -> int:
        """The number of entries (non-blank value cells)."""
        return int(sum(np.count_nonzero(~np.isnan(v)) for v in self.values.values()))

    def years(self) -> list[int]:
        return [year for year, v in self.values.items() if not np.isnan(v).all()]


# --------------------------------------------------------------------------- public helpers

def citation(release: "dt.date | LoadResult | None") -> str:
    """The citation the customs require on every reuse. Given the LoadResult, it also names the files of
    another release: « Source : douanes françaises, résultats de février 2026, un fichier de décembre 2026 »."""
    date, others = (release.release_date, release.release_others) if isinstance(release, LoadResult) \
        else (release, [])
    if date is None:
        return "Source : douanes françaises (date de diffusion inconnue)"
    return f"Source : douanes françaises, résultats de {release_phrase(date, others)}"


def discover_files(paths: Iterable[str | Path]) -> list[Path]:
    """The data files `read_official_files` would read (folders expanded), resolved, in order."""
    return [path for path, _ in _discover(paths)]


def read_official_files(paths: Iterable[str | Path], *, origin_names: dict | None = None,
                        excel_engine: str = "calamine") -> LoadResult:
    """Read, validate and merge customs files into the tidy table; raise DataFileError if unusable.

    `origin_names` maps a path (or its file name) to the name the user knows, e.g. for an upload
    saved under a temporary name. `excel_engine` exists for benchmarks only.
    """
    if excel_engine not in EXCEL_ENGINES:
        raise ValueError(f"moteur Excel inconnu : {excel_engine}")
    with big_blocks_returned():     # freed arrays go back to the system at once (lib/core/memory.py)
        return _read_official_files(paths, origin_names, excel_engine)


def _read_official_files(paths, origin_names: dict | None, excel_engine: str) -> LoadResult:
    found = _discover(paths)
    warnings: list[str] = []
    parts: list[_Part] = []
    sources: list[dict] = []
    seen: dict[str, str] = {}
    for path, lenient in found:
        label = _display_name(path, origin_names)
        source = FileSource(path)              # read in pieces: a CSV is never held whole (byte_source)
        digest = sha1_of(source)
        if digest in seen:
            warnings.append(f"Le fichier « {label} » est identique à « {seen[digest]} » : "
                            "il n'est lu qu'une fois.")
            continue
        seen[digest] = label
        file_parts, (release, origin), skipped = _read_file(path.suffix.lower(), source, label, lenient,
                                                            excel_engine)
        if skipped:
            warnings.append(skipped)
            continue
        for part in file_parts:   # a bare workbook's date is shown, but never ranks it against another file
            part.release = release if path.suffix.lower() == ".zip" else None
        parts.extend(file_parts)
        sources.append(_source_entry(label, path.suffix.lower(), file_parts, release, origin))
    if not parts:
        raise DataFileError("aucun fichier de données des douanes trouvé (attendu des fichiers "
                            "region_XX_A.zip, .xlsx ou .csv)",
                            file=", ".join(str(p) for p in paths) or None)
    table, dup_warnings = _assemble(parts)
    warnings.extend(dup_warnings)
    warnings.extend(_coverage_warnings(sources))
    unknown_products = _unknown_codes(table[schema.PRODUCT], _known_products())
    unknown_countries = _unknown_codes(table[schema.COUNTRY], _known_countries())
    warnings.extend(_unknown_warnings(unknown_products, "produit", "produits"))
    warnings.extend(_unknown_warnings(unknown_countries, "pays", "pays"))
    return LoadResult(table=table, release_date=dataset_release(sources)[0], sources=sources,
                      warnings=warnings, unknown_products=unknown_products,
                      unknown_countries=unknown_countries)


# --------------------------------------------------------------------------- discovery

def _discover(paths: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    """(file, lenient) pairs: files found in a folder are skipped, not refused, if not trade data."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found: dict[Path, bool] = {}
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for child in sorted(path.iterdir(), key=lambda p: p.name):
                if child.is_file() and _looks_like_trade_name(child.name):
                    found.setdefault(child.resolve(), True)
        elif path.is_file():
            found[path.resolve()] = False
        else:
            raise DataFileError("fichier ou dossier introuvable", file=str(raw))
    return list(found.items())


def has_trade_files(folder: Path) -> bool:
    """Whether a folder holds customs files (not only a Territoires d'industrie list)."""
    return folder.is_dir() and any(
        p.suffix.lower() in TRADE_SUFFIXES and not p.name.startswith("liste-ti-") for p in folder.iterdir())


def _looks_like_trade_name(name: str) -> bool:
    lower = name.lower()
    return (lower.endswith(TRADE_SUFFIXES) and not lower.startswith(("liste-ti-", ".", "~$"))
            and "manifest" not in lower)


def _display_name(path: Path, origin_names: dict | None) -> str:
    if origin_names:
        for key in (path, str(path), path.name):
            if key in origin_names:
                return str(origin_names[key])
        for key, value in origin_names.items():
            if Path(key).expanduser().resolve() == path:
                return str(value)
    return path.name


# --------------------------------------------------------------------------- one file

def _read_file(suffix: str, source: ByteSource, label: str, lenient: bool, engine: str):
    """(parts, (release date, where it was read), skip warning or None) for one file on disk."""
    where = _Where(label)
    if not source.size:
        raise where.error("le fichier est vide (0 octet)")
    if suffix == ".csv":
        part, skipped = _read_csv(source, where, lenient)
        return ([part] if part else []), (None, None), skipped
    if suffix == ".zip":
        return _read_zip(source, where, lenient, engine)      # its members are read one at a time
    data = source.head(source.size)                           # a workbook: calamine reads it whole
    if suffix == ".xlsx":
        part, skipped = _read_xlsx(data, where, lenient, engine)
        release = file_release([workbook_dates(data)], [], _last_year([part] if part else [])) \
            if part else (None, None)
        return ([part] if part else []), release, skipped
    raise where.error("format non pris en charge", hint="Formats acceptés : .zip (fichier des "
                      "douanes region_XX_A.zip), .xlsx (feuille « qdf ») ou .csv")


def _read_zip(data: ByteSource, where: _Where, lenient: bool, engine: str):
    with _open_zip(data, where, "une archive ZIP") as archive:    # open on the file: closed after
        return _read_archive(archive, where, lenient, engine)


def _read_archive(archive: zipfile.ZipFile, where: _Where, lenient: bool, engine: str):
    members = [i for i in archive.infolist()
               if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
    wanted = [i for i in members if _DATA_MEMBER.search(i.filename)]
    if not wanted:
        listing = summarise(i.filename for i in members) or "aucun fichier"
        message = (f"l'archive ne contient aucun fichier REGION_XX_A_IMPORT.xlsx ou "
                   f"REGION_XX_A_EXPORT.xlsx ; elle contient : {listing}")
        if lenient:
            return [], (None, None), f"Fichier « {where.file} » ignoré : {message}."
        raise where.error(message)
    if len(wanted) > limits.MAX_DATA_MEMBERS:
        raise where.error(f"l'archive contient {format_number(len(wanted))} fichiers de données REGION_… "
                          f"(limite : {limits.MAX_DATA_MEMBERS}) ; une archive des douanes en a deux : "
                          f"{summarise((i.filename for i in wanted), shown=3)}")
    _check_members(wanted, where)
    parts, books = [], []
    for info in wanted:
        inner = _Where(where.file, member=info.filename.rsplit("/", 1)[-1])
        payload = _read_member(archive, info, inner)
        if info.filename.lower().endswith(".csv"):
            part, _ = _read_csv(payload, inner, lenient=False)
        else:
            part, _ = _read_xlsx(payload, inner, lenient=False, engine=engine)
            books.append(workbook_dates(payload))
        parts.append(part)
    release = file_release(books, [dt.date(*i.date_time[:3]) for i in wanted], _last_year(parts))
    return parts, release, None


def _last_year(parts: list[_Part]) -> int | None:
    """The last year a file holds: a release date before it cannot be that file's (see release_dates)."""
    years = [max(p.years()) for p in parts if p.years()]
    return max(years) if years else None


def _open_zip(data: "bytes | ByteSource", where: _Where, what: str) -> zipfile.ZipFile:
    source = as_source(data)
    head = source.head(4096)
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        hint = None
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            hint = "C'est un ancien classeur Excel .xls : enregistrez-le au format .xlsx"
        elif head.lstrip()[:1] == b"<":
            hint = "Il contient du HTML (une page web enregistrée à la place du fichier ?)"
        raise where.error(f"le fichier n'est pas {what} valide (signature « PK » absente)",
                          hint=hint)
    limits.check_zip_entries(source, where, re.sub(r"^une? ", lambda m: "le " if m[0] == "un " else "l'", what))
    try:
        return zipfile.ZipFile(source.path if isinstance(source, FileSource) else source.open())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        truncated = "tronquée" if what.startswith("une ") else "tronqué"     # une archive, un classeur
        raise where.error(f"{what} illisible ou {truncated} ({limits.zip_error_text(exc)})") from exc


def _check_members(infos: list[zipfile.ZipInfo], where: _Where) -> None:
    """Refuse ZIP bombs from the declared sizes, before anything is extracted."""
    for info in infos:
        mb = info.file_size / 1024 / 1024
        if info.file_size > MAX_MEMBER_BYTES:
            raise where.error(f"« {info.filename} » occuperait {mb:,.0f} Mo une fois décompressé "
                              f"(limite : {MAX_MEMBER_BYTES // 1024 // 1024} Mo) ; archive refusée "
                              "par précaution".replace(",", " "))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise where.error(f"« {info.filename} » est compressé {ratio:.0f} fois (limite : "
                              f"{MAX_RATIO}) ; archive refusée par précaution (bombe ZIP ?)")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: _Where) -> bytes:
    try:
        with archive.open(info) as handle:
            payload = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise where.error(f"extraction impossible : {limits.zip_error_text(exc)}",
                          hint="Téléchargez de nouveau le fichier") from exc
    if len(payload) > info.file_size:
        raise where.error("taille décompressée supérieure à la taille déclarée ; archive refusée")
    if not payload:
        raise where.error("le fichier est vide (0 octet)")
    return payload


def _read_xlsx(data: bytes, where: _Where, lenient: bool, engine: str):
    """(part or None, skip warning or None) for an .xlsx workbook's `qdf` sheet."""
    book = _open_zip(data, where, "un classeur Excel .xlsx")
    _check_members(book.infolist(), where)
    _check_sheet_extents(book, where, len(data))
    where = _Where(where.file, where.member, schema.OFFICIAL_SHEET)
    with _unreadable_workbook(where):
        sheets, rows = _excel_rows(data, engine)
    if rows is None:
        message = (f"aucune feuille « {schema.OFFICIAL_SHEET} » ; feuilles trouvées : "
                   + summarise(f"« {s} »" for s in sheets))
        if lenient:
            return None, f"Fichier « {where.name} » ignoré : {message}."
        raise DataFileError(message, file=where.file, member=where.member)
    return _sheet_to_part(_guarded(rows, where), where), None


@contextlib.contextmanager
def _unreadable_workbook(where: _Where):
    """calamine and openpyxl raise their own types for corrupt workbooks: one French message for all."""
    try:
        yield
    except DataFileError:
        raise
    except Exception as exc:
        raise DataFileError(f"classeur Excel illisible ({limits.zip_error_text(exc)})", file=where.file,
                            member=where.member) from exc


def _guarded(rows: Iterator[list], where: _Where) -> Iterator[list]:
    """The rows, a reading error met on the way (rows are read lazily) given the same French message."""
    with _unreadable_workbook(where):
        yield from rows


def _check_sheet_extents(book: zipfile.ZipFile, where: _Where, size: int) -> None:
    """Every worksheet's rectangle, measured on its streamed XML before a parser allocates it."""
    for info in book.infolist():
        if not re.match(r"(?i)xl/worksheets/[^/]+\.xml$", info.filename):
            continue
        try:
            rows, columns = limits.sheet_extent(lambda: book.open(info))
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            raise where.error(f"classeur Excel illisible ({limits.zip_error_text(exc)})") from exc
        limits.check_extent(rows, columns, where, cost=limits.XLSX_BYTES_PER_CELL, extra_bytes=size,
                            sheet=f"« {info.filename.rsplit('/', 1)[-1]} »")


def _excel_rows(data: bytes, engine: str) -> tuple[list[str], Iterator[list] | None]:
    """(sheet names, the rows of `qdf` from Excel row 1 and column A, or None when there is no `qdf`).

    calamine's rows are handed over one at a time (`iter_rows`): its `to_python` built one Python object
    per cell of the sheet at once, 6 × the sheet's XML. `iter_rows` starts at column `start` but at row 1:
    the columns before are put back, as `to_python(skip_empty_area=False)` gave them."""
    if engine == "calamine":
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if schema.OFFICIAL_SHEET not in book.sheet_names:
            return list(book.sheet_names), None
        sheet = book.get_sheet_by_name(schema.OFFICIAL_SHEET)
        pad = [""] * (sheet.start[1] if sheet.start else 0)
        return list(book.sheet_names), (pad + row if pad else row for row in sheet.iter_rows())
    pandas_engine = "calamine" if engine == "pandas-calamine" else "openpyxl"
    with pd.ExcelFile(io.BytesIO(data), engine=pandas_engine) as book:
        if schema.OFFICIAL_SHEET not in book.sheet_names:
            return list(book.sheet_names), None
        cells = pd.read_excel(book, sheet_name=schema.OFFICIAL_SHEET, header=None, dtype=object,
                              na_filter=False)
        return list(book.sheet_names), iter(cells.to_numpy(dtype=object).tolist())


def _read_csv(data: "bytes | ByteSource", where: _Where, lenient: bool):
    """(part or None, skip warning or None): `;`, `,` or tab; UTF-8 (BOM or not), Windows-1252 or UTF-16.

    Bounded: the header is read within `MAX_LINE_BYTES` and its columns counted before pandas sees the
    file; every line's length and the rows are counted on the bytes; pandas then parses only the
    columns the app uses, codes as categories and values as numbers."""
    data = as_source(data)
    if not any(re.search(rb"[^\s\x00]", piece) for piece in data.chunks()):
        raise where.error("le fichier ne contient que des lignes vides")
    encoding = detect_encoding(limits.header_window(data), sample=True)
    first = limits.first_line(data, encoding, where)
    if lenient and not {"flux", "pays"} <= {c.strip().strip('"').lower()
                                            for c in re.split(r"[;,\t]", first)}:
        return None, (f"Fichier « {where.name} » ignoré : ses colonnes ne sont pas celles d'un "
                      "fichier des douanes.")
    sep = sniff_separator(first)
    limits.check_header_width(first, sep, where)
    header = [_text(v) for v in next(csv.reader([first], delimiter=sep), [])]
    try:
        columns, years = _map_header(header, where)
    except DataFileError as exc:
        if encoding.codec.startswith(("utf-16", "utf-32")):   # say how the header was decoded
            raise exc.with_hint(f"fichier lu comme {encoding.label}") from None
        raise
    limits.check_lines(data, encoding, len(header), where)
    if encoding == UTF8 and not _utf8_throughout(data):     # the header was valid UTF-8: is the rest?
        encoding = CP1252
    return _csv_part(data, encoding, sep, header, columns, years, where), None


def _utf8_throughout(data: ByteSource) -> bool:
    """Whether every byte sequence is valid UTF-8, decoded piece by piece (what `detect_encoding` checks
    on bytes in memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for piece in data.chunks():
            decoder.decode(piece)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class _RereadAsText(Exception):
    """A value column holds something float64 cannot (text, or a number beyond its range)."""


def _csv_part(data: ByteSource, encoding, sep: str, header: list[str], columns: dict[str, int],
              years: dict[int, int], where: _Where) -> _Part:
    """The rows below the header, parsed `_CHUNK_ROWS` at a time from a stream, columns labelled by
    position: values as float64 when they all are plain numbers (8 bytes a cell), else as text for
    `_numbers` to parse (« 1 234,5 »); every other column as categories (a few distinct codes). A row
    longer than the header is refused, a shorter one ends with blank cells, as with the workbooks. One
    more column than the header is asked for, so that an extra field is seen (pandas would otherwise drop
    it, or take a first row's first field as an index and shift the row)."""
    width = len(header)
    for as_text in (False, True):
        dtypes = {pos: "category" for pos in range(width + 1)}
        dtypes.update({pos: (str if as_text else "float64") for pos in years.values()})
        wide = _WideBuilder(header, columns, years, where)
        try:
            with data.open() as stream:
                stream.seek(encoding.bom)
                with pd.read_csv(stream, sep=sep, header=None, skiprows=1, names=list(range(width + 1)),
                                 dtype=dtypes, keep_default_na=False, na_values={pos: [""] for pos in years.values()},
                                 skip_blank_lines=False, encoding=encoding.codec, encoding_errors="replace",
                                 engine="c", chunksize=_CHUNK_ROWS) as chunks:
                    for body in chunks:
                        _refuse_extra_fields(body, width, sep, where, wide.rows)
                        body = body.drop(columns=width)
                        if not as_text and any(np.isinf(body[pos].to_numpy()).any() for pos in years.values()):
                            raise _RereadAsText   # a number too large for a float is re-read as text, to be quoted
                        wide.add(body)
        except pd.errors.EmptyDataError:
            pass                       # no row below the header: refused by `_wide_to_part`
        except _RereadAsText:
            continue
        except DataFileError:
            raise
        except pd.errors.ParserError as exc:
            problem, row = _parser_problem(exc, sep)
            raise where.error(problem, row=row) from exc
        except (ValueError, OverflowError) as exc:   # a value that is not a plain number: read as text
            if as_text:
                raise where.error("CSV illisible (contenu non conforme au format attendu)") from exc
            continue
        return _wide_to_part(wide, where)
    raise AssertionError("the text pass returns or raises")


def _refuse_extra_fields(body: pd.DataFrame, width: int, sep: str, where: _Where, before: int) -> None:
    """A row with more fields than the header: its values would land under the wrong years. `before`:
    the rows of the chunks already read."""
    column = body[width].cat                       # categories: a few distinct values, checked once each
    filled = [code for code, value in enumerate(column.categories) if str(value).strip()]
    extra = column.codes.isin(filled)
    if not isinstance(body.index, pd.RangeIndex):
        first = 0                                  # pandas took the first row's first field as an index
    elif extra.any():
        first = int(np.flatnonzero(extra.to_numpy())[0])
    else:
        return
    raise where.error(_more_fields(None, width, sep), row=before + first + 2)


def _more_fields(saw: int | None, width: int, sep: str) -> str:
    fields = f"{saw} champs" if saw else "des champs en trop"
    return f"{fields}, plus que les {width} colonnes de l'en-tête (séparateur « {sep} ») ; CSV illisible"


def _parser_problem(exc: Exception, sep: str) -> tuple[str, int | None]:
    """(problem, row) in French for pandas's English tokenizer error (header = row 1)."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
    if found:                      # pandas counts file lines; it expected the header's columns + 1 (_csv_body)
        expected, line, saw = (int(g) for g in found.groups())
        return _more_fields(saw, expected - 1, sep), line
    return "CSV illisible (guillemets ou séparateurs incohérents)", None


# --------------------------------------------------------------------------- one sheet

def _sheet_to_part(rows: Iterator[list], where: _Where) -> _Part:
    """Validate a sheet given as rows of raw cells (the header first), `_SHEET_CHUNK_ROWS` at a time."""
    first = next(rows, None)
    if not first:
        raise where.error("la feuille est vide", hint=f"Colonnes attendues : {_EXPECTED_TEXT}")
    header = [_text(v) for v in first]
    columns, years = _map_header(header, where)
    wide = _WideBuilder(header, columns, years, where)
    while True:
        batch = list(itertools.islice(rows, _SHEET_CHUNK_ROWS))
        if not batch:
            return _wide_to_part(wide, where)
        wide.add(pd.DataFrame(batch, dtype=object))


class _WideBuilder:
    """The rows below the header, added a chunk at a time (`add`: columns labelled by their position in
    the header): code columns as codes, value columns as float64. A value's problem is kept, not raised,
    until every chunk is read, so that the message names the cell a whole-file reading named (the first
    year column's first problem, text before too large before negative), wherever the chunks are cut."""

    def __init__(self, header: list[str], columns: dict[str, int], years: dict[int, int], where: _Where):
        self.header, self.columns, self.years, self.where = header, columns, years, where
        self.texts = {name: CodeBuilder() for name in columns}
        self.values: dict[int, list[np.ndarray]] = {year: [] for year in years}
        self.problems: dict[int, dict[int, DataFileError]] = {year: {} for year in years}
        self.rows = 0

    def add(self, body: pd.DataFrame) -> None:
        rows = np.arange(self.rows + 2, self.rows + len(body) + 2, dtype=np.int32)   # header = row 1
        for name, pos in self.columns.items():
            self.texts[name].add(CodedText.from_column(body[pos], _text))
        for year, pos in self.years.items():
            values, problems = _numbers(body[pos], self.where, self.header[pos], rows)
            self.values[year].append(values)
            for kind, problem in problems.items():
                self.problems[year].setdefault(kind, problem)
        self.rows += len(body)

    def columns_read(self) -> tuple[dict[str, CodedText], dict[int, np.ndarray]]:
        """(codes, values) of every row, or the first problem raised."""
        for year in self.years:
            if self.problems[year]:
                raise self.problems[year][min(self.problems[year])]
        values = {}
        for year in self.years:
            pieces, self.values[year] = self.values[year], []
            values[year] = np.concatenate(pieces) if pieces else np.zeros(0)
            del pieces
        return {name: builder.build() for name, builder in self.texts.items()}, values


def _wide_to_part(wide: _WideBuilder, where: _Where) -> _Part:
    """Validate the rows read: blank rows dropped, codes checked; the rows holding a value are kept."""
    texts, values = wide.columns_read()
    rows = np.arange(2, wide.rows + 2, dtype=np.int32)   # Excel row numbers, header = row 1
    blank_row = np.ones(wide.rows, dtype=bool)
    for array in texts.values():
        blank_row &= array.where(lambda t: t == "")
    for array in values.values():
        blank_row &= np.isnan(array)
    keep = ~blank_row
    if not keep.any():
        raise where.error("aucune ligne de données (seulement l'en-tête)",
                          hint=f"Colonnes attendues : {_EXPECTED_TEXT}")
    codes = _validate_codes(texts, keep, rows, where)
    del texts, blank_row
    filled = np.zeros(wide.rows, dtype=bool)            # a kept row without any value gives no entry
    for array in values.values():
        filled |= ~np.isnan(array)
    if not filled.all():
        index = np.flatnonzero(filled)
        codes = {name: column.take(index) for name, column in codes.items()}
        values = {year: array[index] for year, array in values.items()}
        rows = rows[index]
    return _Part(where=where, department=codes[schema.DEPARTMENT], flow=codes[schema.FLOW],
                 product=codes[schema.PRODUCT], country=codes[schema.COUNTRY], values=values, row=rows)


def _map_header(header: list[str], where: _Where) -> tuple[dict[str, int], dict[int, int]]:
    """Column positions of the code columns and of each year's euro values."""
    columns: dict[str, int] = {}
    years: dict[int, int] = {}
    for pos, name in enumerate(header):
        canonical = _CODE_COLUMNS.get(name.lower())
        match = _YEAR_COLUMN.match(name)
        if canonical:
            if canonical in columns:
                raise where.error("colonne présente deux fois dans l'en-tête", column=name, row=1)
            columns[canonical] = pos
        elif match:
            year = _year_of(match, name, where)
            if year in years:
                raise where.error(f"deux colonnes de valeurs pour l'année {year}", column=name,
                                  row=1)
            years[year] = pos
    found = ", ".join(h for h in header if h) or "aucune"
    for name in _REQUIRED:
        if name not in columns:
            raise where.error(f"la colonne « {name} » est absente", column=name,
                              hint=f"Colonnes attendues : {_EXPECTED_TEXT} ; colonnes trouvées "
                                   f"(ligne 1) : {found}")
    if not years:
        raise where.error("aucune colonne de valeurs « anneeAAAA_valeur_en_euros »",
                          hint=f"Colonnes attendues : {_EXPECTED_TEXT} ; colonnes trouvées "
                               f"(ligne 1) : {found}")
    columns.pop("Region", None)
    return columns, years


def _year_of(match: re.Match, name: str, where: _Where) -> int:
    """Only euros are accepted: the older quarterly files were in thousands of euros."""
    unit = (match.group(2) or "").lower()
    if unit == "valeur_en_euros":
        return int(match.group(1))
    if "millier" in unit or "keur" in unit or "k€" in unit:
        problem = "valeurs en milliers d'euros : unité non prise en charge"
    else:
        problem = f"unité « {match.group(2) or '(aucune)'} » non prise en charge"
    raise where.error(problem, column=name, row=1,
                      hint="Le fichier attendu donne des euros, colonnes "
                           "« anneeAAAA_valeur_en_euros » (format annuel actuel des douanes)")


def _text(value) -> str:
    """A cell as code text: blank → "", 4.0 → "4", " C10A " → "C10A"."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _numbers(column: pd.Series, where: _Where, name: str,
             rows: np.ndarray) -> tuple[np.ndarray, dict[int, DataFileError]]:
    """(euro values as float64, NaN for blank cells; the first problem of each kind: text that is not a
    number, a number too large, a negative one). Problems are returned, not raised: the caller reports
    the first kind found in the whole column (see _WideBuilder)."""
    problems: dict[int, DataFileError] = {}
    raw = None                                            # the cells as text, when they came as text
    if pd.api.types.is_float_dtype(column.dtype):         # a CSV column pandas already parsed
        values = column.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    else:
        raw = column.to_numpy(dtype=object)
        values = pd.to_numeric(pd.Series(raw, dtype=object), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan, copy=True)
        missing = np.flatnonzero(np.isnan(values))
        missing = missing[~(pd.isna(raw[missing]) | (raw[missing] == ""))]    # blank cells: NaN, nothing to parse
        if len(missing):
            values[missing], problem = _numbers_from_text(raw[missing], where, name, rows[missing])
            if problem is not None:
                problems[_TEXT] = problem
    bad = np.flatnonzero(np.isinf(values))
    if len(bad):
        problems[_HUGE] = _too_large(None if raw is None else raw[bad[0]], where, name, int(rows[bad[0]]))
    negative = np.flatnonzero(values < 0)
    if len(negative):
        shown = _fr_number(values[negative[0]]) if raw is None else cap(raw[negative[0]], 40)
        problems[_NEGATIVE] = where.error(f"valeur négative ({shown}) : attendu un montant en euros "
                                          "positif ou nul", column=name, row=int(rows[negative[0]]))
    return values, problems


def _too_large(raw, where: _Where, name: str, row: int) -> DataFileError:
    """A number beyond float range (a 5 000-digit cell, « 1e999 »), named by its start and its length."""
    text = _text(raw) if raw is not None else ""
    digits = sum(c.isdigit() for c in text)
    if digits > 30:
        return where.error(f"le nombre « {text[:12]}… » ({format_number(digits)} chiffres) est trop grand pour "
                           "un montant en euros", column=name, row=row)
    shown = f"« {cap(text, 40)} » " if text else ""
    return where.error(f"la valeur {shown}n'est pas un nombre utilisable (trop grande pour un montant en euros)",
                       column=name, row=row)


def _numbers_from_text(raw: np.ndarray, where: _Where, name: str,
                       rows: np.ndarray) -> tuple[np.ndarray, DataFileError | None]:
    """Parse the cells pandas could not: blanks stay NaN, "1 234,5" is read; the first other text is the
    problem returned (its cell stays NaN)."""
    text = pd.Series(raw, dtype=object).map(_text)
    compact = text.str.replace(_SPACES, "", regex=True)
    comma_only = compact.str.contains(",", regex=False) & ~compact.str.contains(".", regex=False)
    compact = compact.where(~comma_only, compact.str.replace(",", ".", regex=False))
    blank = (compact == "").to_numpy()
    valid = compact.str.fullmatch(_NUMBER_TEXT).fillna(False).to_numpy(dtype=bool)
    bad = np.flatnonzero(~blank & ~valid)
    problem = None
    if len(bad):
        problem = where.error(f"la valeur « {cap(text.iloc[bad[0]], 60)} » n'est pas un nombre", column=name,
                              row=int(rows[bad[0]]),
                              hint="Attendu un montant en euros, ou une cellule vide")
    out = np.full(len(raw), np.nan)
    # float() of each text: Python's int() refuses over 4 300 digits, float() says inf (refused above)
    out[valid] = compact[valid].astype("float64").to_numpy(dtype="float64")
    return out, problem


def _validate_codes(texts: dict[str, CodedText], keep: np.ndarray, rows: np.ndarray,
                    where: _Where) -> dict[str, CodedText]:
    """Canonical départements and flows; blank codes on a non-blank row are refused."""
    for name in ("CodeA129", "Pays", "Dep", "Flux"):
        blank = np.flatnonzero(keep & texts[name].where(lambda t: t == ""))
        if len(blank):
            raise where.error("cellule vide sur une ligne de données", column=name,
                              row=int(rows[blank[0]]))
    departments = texts["Dep"].mapped(lambda t: normalize_department_code(t) if t else None)
    bad = np.flatnonzero(keep & departments.where(lambda d: d is None))
    if len(bad):
        raise where.error(f"« {cap(texts['Dep'].text(bad[0]), 60)} » n'est pas un code de département",
                          column="Dep", row=int(rows[bad[0]]),
                          hint="Attendu l'un des 101 codes (01 à 95 avec 2A et 2B, 971 à 976)")
    flows = texts["Flux"].mapped(lambda t: schema.OFFICIAL_FLUX.get(t.capitalize()) if t else None)
    bad = np.flatnonzero(keep & flows.where(lambda f: f is None))
    if len(bad):
        raise where.error(f"flux « {cap(texts['Flux'].text(bad[0]), 60)} » inconnu : attendu « Import » ou "
                          "« Export »", column="Flux", row=int(rows[bad[0]]))
    implied = _flow_from_name(where.name)
    if implied:
        bad = np.flatnonzero(keep & flows.where(lambda f: f != implied))
        if len(bad):
            raise where.error(f"flux « {cap(texts['Flux'].text(bad[0]), 60)} » dans un fichier "
                              f"d'{schema.FLOW_NAMES[implied]} (son nom contient "
                              f"{implied.upper()})", column="Flux", row=int(rows[bad[0]]))
    # unknown codes are kept and shown: without control characters (lib.core.printable)
    return {schema.DEPARTMENT: departments, schema.FLOW: flows,
            schema.PRODUCT: _printable(texts["CodeA129"]), schema.COUNTRY: _printable(texts["Pays"])}


def _printable(texts: CodedText) -> CodedText:
    """The codes without control characters, checked once per distinct value."""
    return texts.mapped(lambda t: printable_label(t) if isinstance(t, str) else t)


def _flow_from_name(name: str) -> str | None:
    found = {m.lower() for m in _FLOW_IN_NAME.findall(Path(name).stem)}
    return found.pop() if len(found) == 1 else None


# --------------------------------------------------------------------------- all files

def _assemble(parts: list[_Part]) -> tuple[pd.DataFrame, list[str]]:
    """Concatenate, drop identical duplicates, refuse conflicting ones, build categories.

    Consumes `parts`: the table's columns are allocated once and filled part by part, year by year (the
    files' order, then each file's year columns, then its rows), and each euro array is freed as soon as
    its entries are copied (the peak memory of an import is here)."""
    if not any(len(p) for p in parts):
        return schema.empty_tidy_table(), ["Aucune valeur renseignée dans les fichiers lus."]
    factors = {}
    for name in (schema.DEPARTMENT, schema.FLOW, schema.PRODUCT, schema.COUNTRY):
        codes, uniques = merged([getattr(p, name) for p in parts])
        factors[name] = (smallest_codes(codes, len(uniques)), uniques)
    row_key = np.zeros(sum(len(p.row) for p in parts), dtype=np.int64)   # one key per row, every year
    for codes, uniques in factors.values():
        row_key *= len(uniques)
        row_key += codes
    warnings = _deduplicate(row_key, parts)
    del row_key
    sizes = [len(p.row) for p in parts]
    for part in parts:          # only the euro arrays are read from here on: the rest is freed first
        part.department = part.flow = part.product = part.country = part.row = None
    dep_uniques = factors[schema.DEPARTMENT][1]
    region_codes, region_uniques = pd.factorize(np.array([region_of(d) for d in dep_uniques],
                                                         dtype=object), sort=True)
    region_codes = smallest_codes(region_codes, len(region_uniques))
    total = sum(len(p) for p in parts)
    year = np.empty(total, dtype=np.int16)
    value = np.empty(total, dtype=np.float64)
    columns = {name: np.empty(total, dtype=codes.dtype) for name, (codes, _) in factors.items()}
    at = offset = 0
    for size in sizes:
        part = parts.pop(0)
        for year_number in list(part.values):
            array = part.values.pop(year_number)          # freed once its entries are copied
            filled = ~np.isnan(array)
            span = slice(at, at + int(np.count_nonzero(filled)))
            year[span] = year_number
            _copy_filled(array, filled, value[span])
            for name, (codes, _) in factors.items():
                _copy_filled(codes[offset:offset + size], filled, columns[name][span])
            at = span.stop
            del array, filled
        offset += size
    factors[schema.REGION] = (None, region_uniques)
    columns[schema.REGION] = region_codes[columns[schema.DEPARTMENT]]
    data = {schema.YEAR: year, schema.VALUE: value,
            **{name: pd.Categorical.from_codes(columns.pop(name), categories=pd.Index(uniques, dtype=str))
               for name, (_, uniques) in factors.items()}}
    return pd.DataFrame({name: data.pop(name) for name in schema.TIDY_COLUMNS}, copy=False), warnings


def _copy_filled(source: np.ndarray, filled: np.ndarray, out: np.ndarray) -> None:
    """`out[:] = source[filled]` without the temporary array (a whole column when every cell is filled)."""
    if len(out) == len(source):
        out[:] = source
    else:
        np.compress(filled, source, out=out)


@dataclass
class _Entries:
    """Entries (value cells) of some rows, long form: which part, row of that part, year, value, key."""
    part: np.ndarray
    row: np.ndarray
    year: np.ndarray
    value: np.ndarray
    key: np.ndarray


def _repeated_entries(row_key: np.ndarray, repeated: np.ndarray, parts: list[_Part]) -> _Entries:
    """The entries of the rows marked `repeated`, in the order of the long table (part, year, row); an
    entry's key is its row's key and its year, as the rows were keyed over every part."""
    years = np.array(sorted({y for p in parts for y in p.years()}))
    pieces: list[tuple] = []
    offset = 0
    for number, part in enumerate(parts):
        size = len(part.row)
        for year, array in part.values.items():
            index = np.flatnonzero(repeated[offset:offset + size] & ~np.isnan(array))
            pieces.append((np.full(len(index), number), index, np.full(len(index), year), array[index],
                           row_key[offset + index] * len(years) + np.searchsorted(years, year)))
        offset += size
    return _Entries(*(np.concatenate(column) for column in zip(*pieces)))


def _deduplicate(row_key: np.ndarray, parts: list[_Part]) -> list[str]:
    """Warnings; an entry dropped becomes NaN (blank) in its part.

    The same cell twice with the same value is kept once. With two values it is an error — unless the two
    come from ZIPs released on different dates (older releases loaded to extend the years): the newer
    release's value is the revised figure and wins, with a warning counting the revisions.
    Rows are compared first, by one sort of their keys: a file whose rows all differ (every official file)
    costs nothing more; otherwise only the entries of the repeated rows go through these rules.
    """
    ordered = np.sort(row_key)
    if not (ordered[1:] == ordered[:-1]).any():
        return []
    del ordered
    entries = _repeated_entries(row_key, pd.Series(row_key).duplicated(keep=False).to_numpy(), parts)
    key, value = entries.key, entries.value
    series = pd.Series(key)
    if not series.duplicated().any():
        return []
    releases = sorted({p.release for p in parts if p.release is not None})
    ranks = np.array([releases.index(p.release) if p.release is not None else -1 for p in parts])
    rank = ranks[entries.part]
    dup = np.flatnonzero(series.duplicated(keep=False).to_numpy())
    order = dup[np.lexsort((-rank[dup], key[dup]))]        # by cell, newest release first
    same_cell = key[order][1:] == key[order][:-1]
    # a file without a release date (bare XLSX or CSV) cannot be said older or newer: same release
    same_release = (rank[order][1:] == rank[order][:-1]) | (rank[order][1:] < 0) | (rank[order][:-1] < 0)
    differs = value[order][1:] != value[order][:-1]
    conflict = np.flatnonzero(same_cell & same_release & differs)
    if len(conflict):
        raise _conflict_error(entries, order[conflict[0]], order[conflict[0] + 1], parts)
    later = order[1:][same_cell]                            # every later copy of a cell: older or identical
    for number, part in enumerate(parts):
        for year, array in part.values.items():
            array[entries.row[later[(entries.part[later] == number) & (entries.year[later] == year)]]] = np.nan
    warnings = []
    revised = int((same_cell & ~same_release & differs).sum())
    if revised:
        warnings.append(f"{format_number(revised)} valeur(s) révisée(s) entre deux diffusions des douanes : la plus "
                        "récente est retenue.")
    dropped = len(later) - revised
    if dropped:
        # format_number, not str.replace(",", " ") over the whole sentence, which ate its own comma
        warnings.append(f"{format_number(dropped)} ligne(s) en double (mêmes codes, même valeur) : gardée(s) une "
                        "seule fois.")
    return warnings


def _conflict_error(entries: _Entries, first: int, second: int, parts: list[_Part]):
    """Name both places (file, member, row) where the same cell carries different values."""
    p1, i1 = parts[entries.part[first]], entries.row[first]
    p2, i2 = parts[entries.part[second]], entries.row[second]
    year = int(entries.year[first])
    cell = (f"département {p1.department.text(i1)}, flux {p1.flow.text(i1)}, produit {p1.product.text(i1)}, "
            f"pays {p1.country.text(i1)}, année {year}")
    return p1.where.error(
        f"la même donnée ({cell}) figure deux fois avec des valeurs différentes : "
        f"{_fr_number(entries.value[first])} en {p1.where.place(int(p1.row[i1]))} et "
        f"{_fr_number(entries.value[second])} en {p2.where.place(int(p2.row[i2]))}",
        column=schema.year_column(year), row=int(p1.row[i1]),
        hint="Retirez le fichier en trop ou corrigez l'une des deux valeurs")


def _fr_number(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")


# --------------------------------------------------------------------------- reporting

def _source_entry(label: str, suffix: str, parts: list[_Part], release: dt.date | None,
                  origin: str | None = None) -> dict:
    years = sorted({int(y) for p in parts for y in p.years()})
    flows = sorted({str(f) for p in parts for f in p.flow.distinct()})
    return {"file": label, "kind": suffix.lstrip("."),
            "members": [p.where.member for p in parts if p.where.member],
            "rows": int(sum(len(p) for p in parts)), "years": years, "flows": flows,
            "release_date": release.isoformat() if release else None, "release_from": origin}


def _coverage_warnings(sources: list[dict]) -> list[str]:
    """Different years, release months or a missing flow usually mean mixed downloads."""
    warnings = []
    spans = {s["file"]: tuple(s["years"]) for s in sources if s["years"]}
    if len(set(spans.values())) > 1:
        warnings.append("Les fichiers ne couvrent pas les mêmes années : " + " ; ".join(
            f"« {name} » ({', '.join(map(str, ys))})" for name, ys in spans.items()) + ".")
    disagreement = disagreement_warning(sources)
    if disagreement:
        warnings.append(disagreement)
    for s in sources:
        if s["kind"] == "zip" and s["rows"] and len(s["flows"]) == 1:
            missing = schema.EXPORT if s["flows"] == [schema.IMPORT] else schema.IMPORT
            warnings.append(f"L'archive « {s['file']} » ne contient pas de données "
                            f"d'{schema.FLOW_NAMES[missing]}.")
    return warnings


def _known_products() -> set[str]:
    from lib.data.reference.products import PRODUCTS
    return set(PRODUCTS["code"].astype(str))


def _known_countries() -> set[str]:
    from lib.data.reference.countries import COUNTRIES
    return set(COUNTRIES["code"].astype(str))


def _unknown_codes(column: pd.Series, known: set[str]) -> dict[str, int]:
    counts = column.value_counts(sort=False)
    return {str(code): int(n) for code, n in sorted(counts.items())
            if n and str(code) not in known}


def _unknown_warnings(unknown: dict[str, int], singular: str, plural: str) -> list[str]:
    if not unknown:
        return []
    codes = list(unknown)
    shown = ", ".join(codes[:5]) + (", …" if len(codes) > 5 else "")
    if len(codes) == 1:
        return [f"1 code {singular} non référencé ({shown}) : conservé, libellé « code non "
                "référencé »."]
    return [f"{len(codes)} codes {plural} non référencés ({shown}) : conservés, {_UNKNOWN_LABEL}."]
