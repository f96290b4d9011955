"""A fictional but realistic demo dataset, written in the exact official formats.

Why: the app must run (and be tested) without the real customs files, and a demo in the
official layout exercises the very same reader. The 2024 totals of France, PACA, IDF, 04 and 75
are calibrated on the published figures so the demo's headline numbers look right; everything
below that level is random (seeded), hence the « (démo) » labels in the territories file.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from lib.core.files import file_sha256
from lib.core.schema import DEMO_DIR, OFFICIAL_COLUMNS, OFFICIAL_SHEET, year_column

DEMO_VERSION = "1"
DEMO_RELEASE_DATE = dt.datetime(2026, 2, 6, 10, 0, 0)
DEMO_TI_FILENAME = "liste-ti-com2023-20250101-demo.csv"
MANIFEST_NAME = "demo-manifest.json"
DEMO_YEARS = (2023, 2024, 2025)
CALIBRATION_YEAR = 2024
ROWS_PER_FLOW = 220_000
BLANK_SHARE = 0.03

FLUX_LABELS = ("Export", "Import")  # official `Flux` values, also the file-name suffixes
TI_COLUMNS = ["insee_com", "lib_com", "id_ti", "lib_ti"]
TI_SEPARATOR = " ; "

# Kiosque region numbers: "03" is Île-de-France as on the real kiosque; the rest is our own
# fixed (and deliberately non-INSEE) numbering, so nothing may rely on it.
KIOSQUE_NUMBERS = {
    "84": "01", "27": "02", "11": "03", "53": "04", "24": "05", "94": "06", "44": "07",
    "32": "08", "28": "09", "75": "10", "76": "11", "52": "12", "93": "13", "01": "14",
    "02": "15", "03": "16", "04": "17", "06": "18",
}

# Published 2024 figures, in M€ (export, import).
FRANCE_TOTALS = (580_354.5, 684_776.3)
REGION_TOTALS = {"93": (28_009.9, 50_101.9), "11": (141_800.0, 192_400.0)}
DEPARTMENT_TOTALS = {"04": (511.9, 459.7), "75": (28_300.0, 41_800.0)}

# Rough 2024 sizes in M€ (export, import) of notable départements; the others are drawn at
# random. Calibration rescales them, so only their orders of magnitude matter.
_KNOWN_SIZES = {
    "77": (12_000, 20_000), "78": (20_000, 18_000), "91": (14_000, 17_000),
    "92": (35_000, 45_000), "93": (9_000, 15_000), "94": (12_000, 20_000),
    "95": (11_500, 16_000), "13": (17_000, 36_000), "06": (3_500, 4_500),
    "83": (2_500, 4_000), "84": (3_700, 4_200), "05": (300, 500),
    "31": (35_000, 16_000), "59": (25_000, 35_000), "69": (15_000, 18_000),
    "76": (14_000, 30_000), "67": (12_000, 12_000), "57": (10_000, 12_000),
    "44": (9_000, 14_000), "33": (8_000, 7_000), "38": (9_000, 7_000),
    "62": (10_000, 11_000), "68": (8_000, 8_000), "60": (8_000, 9_000),
    "45": (6_000, 8_000), "51": (6_000, 3_000), "48": (40, 35), "23": (150, 120),
    "15": (150, 120), "2A": (60, 200), "2B": (50, 250), "09": (300, 250), "46": (400, 300),
    "971": (250, 2_000), "972": (300, 2_200), "973": (800, 900), "974": (350, 2_500),
    "976": (15, 250),
}
# Row counts forced (export, import): the smallest départements, and Paris big and diverse.
_ROW_OVERRIDES = {"48": (260, 330), "976": (35, 80), "75": (11_000, 12_000)}
_MAX_ROWS_PER_DEPARTMENT = 12_000

_EXCLUDED_PARTNERS = set(
    "FR GP MQ GF RE YT MC AQ BV HM GS IO CX CC NF PN TK SJ UM AX TF NU CK MS FK EH VA SH "
    "TV NR PW MH FM KI WS TO MP AS GU VI".split())
_CUSTOMS_PARTNERS = ["XK", "XC", "XL", "XI", "QQ", "QS", "QU", "QV", "QW"]

# National weights (roughly % of French trade) of partners and products; others: small, random.
_PARTNER_WEIGHTS = {
    "DE": (14, 15), "BE": (9, 10), "IT": (8, 8), "ES": (8, 8), "US": (8, 7), "CN": (4, 9),
    "GB": (6, 3.5), "NL": (4, 8), "CH": (4, 3), "PL": (2, 1.6), "SG": (1.5, 0.6),
    "JP": (1.3, 1), "PT": (1.3, 1.4), "IE": (0.8, 2), "TR": (1, 1), "SE": (1, 0.9),
    "AT": (1, 0.9), "CZ": (0.9, 1.1), "IN": (1, 1), "KR": (1, 1), "MA": (1, 1), "DZ": (0.9, 0.8),
    "HK": (1.2, 0.3), "AE": (1.2, 0.4), "RU": (0.3, 0.4), "NO": (0.4, 1.5), "BR": (0.8, 0.5),
    "CA": (0.8, 0.5), "MX": (0.6, 0.3), "SA": (0.8, 0.6), "TN": (0.8, 0.9), "DK": (0.7, 0.6),
    "FI": (0.4, 0.4), "HU": (0.5, 0.6), "RO": (0.6, 0.7), "GR": (0.5, 0.2), "SK": (0.3, 0.6),
    "VN": (0.2, 0.8), "TH": (0.3, 0.5), "TW": (0.4, 0.6), "AU": (0.6, 0.2), "IL": (0.4, 0.2),
    "LU": (0.8, 0.5), "QA": (0.4, 0.4), "BD": (0.05, 0.5), "KZ": (0.1, 0.8), "NG": (0.3, 0.6),
}
_PRODUCT_WEIGHTS = {
    "C30C": (12, 6), "C21Z": (6, 5), "C29A": (5, 7), "C29B": (3, 3), "C11Z": (4, 1.2),
    "C20A": (5, 5), "C20B": (4, 1.5), "C20C": (2, 2), "C28A": (2, 2), "C28B": (2, 2),
    "C28C": (1.5, 1.5), "C28D": (2, 2), "C27A": (2, 2), "C27B": (1, 1.2), "C24A": (2, 2),
    "C24B": (3, 3), "A01Z": (3, 2), "C14Z": (2, 3), "C15Z": (3, 1.5), "C22B": (2, 2),
    "C19Z": (2, 5), "B06Z": (0.1, 8), "D35A": (1, 1), "C26A": (1, 2), "C26B": (1, 2.5),
    "C26C": (0.5, 1.5), "C26D": (1, 1.5), "C32A": (1.5, 1), "C32B": (1.2, 1.2),
    "C10H": (1.5, 1.2), "C10E": (1.5, 0.8), "C10A": (1.2, 1.5), "C10F": (1, 0.6),
}
# Products made (or landed) in a few places only: (départements, factor elsewhere).
_PRODUCT_HUBS = {
    "B06Z": (["13", "76", "44", "59", "33", "57"], 0.02),
    "C19Z": (["13", "76", "44", "59", "33", "69", "971", "972", "974"], 0.1),
    "C30C": (["31", "13", "33", "92", "44", "64", "78", "91", "95", "973"], 0.05),
}
# Partner boosts for border départements.
_NEIGHBOURS = {
    "DE": (["67", "68", "57", "54", "55", "88", "08"], 2.0),
    "BE": (["59", "62", "08", "02", "55", "80"], 2.0),
    "LU": (["57", "54", "55"], 3.0),
    "CH": (["68", "90", "25", "39", "01", "74", "73"], 2.0),
    "IT": (["06", "05", "73", "74", "2A", "2B", "83", "13"], 2.5),
    "ES": (["64", "65", "31", "09", "66", "11", "40", "32", "33", "34"], 2.5),
    "GB": (["62", "59", "76", "14", "50", "35", "22", "29", "80"], 2.0),
    "AD": (["09", "66"], 5.0),
}
# Hand-written specialities: département -> ({product: factor}, {partner: factor}).
_SPECIALITIES = {
    "04": ({"C20B": 120, "C20A": 25, "C10H": 8, "A01Z": 6, "C10C": 4},
           {"IT": 5, "DE": 2, "US": 3, "ES": 1.5, "CH": 3}),
    "75": ({"C14Z": 6, "C15Z": 8, "C32A": 8, "C20B": 4, "C21Z": 3, "C26A": 2, "C26B": 2},
           {"US": 2, "CH": 2.5, "CN": 1.5, "HK": 3, "AE": 2.5, "JP": 2, "GB": 1.5}),
    "51": ({"C11Z": 40}, {}), "33": ({"C11Z": 30}, {}), "31": ({"C30C": 60}, {}),
    "971": ({"C11Z": 30, "A01Z": 30, "C10H": 10}, {}),
    "972": ({"C11Z": 30, "A01Z": 30, "C19Z": 10}, {}),
    "973": ({"C24B": 40, "A03Z": 20, "C30C": 20}, {}),
    "974": ({"C10H": 40, "A03Z": 20, "C10B": 20}, {}),
    "976": ({"A03Z": 30, "C20B": 20}, {}),
}
# DROM trade mostly with nearby countries.
_CARIBBEAN = ("US CA DO TT BB LC DM AG KN VC GD JM HT PR SX CW AW VE CO BR MF BL VG AI GY SR "
              "PA CR MX")
_DROM_PARTNERS = {
    "971": _CARIBBEAN, "972": _CARIBBEAN,
    "973": "BR SR GY TT US VE CO BB MX CA",
    "974": "MU MG ZA SC KM IN SG TH AU MZ AE MY ID KE TZ NZ",
    "976": "MG KM ZA MU TZ KE MZ AE IN SC TH",
}


def _references():
    """Imported lazily: the reference modules are heavier than this module's callers may need."""
    from lib.data.reference.countries import COUNTRIES
    from lib.data.reference.departments import DEPARTMENTS, REGIONS
    from lib.data.reference.products import PRODUCTS
    departments = sorted(DEPARTMENTS["code"].tolist())
    regions = dict(zip(DEPARTMENTS["code"], DEPARTMENTS["region"]))
    products = sorted(PRODUCTS.loc[PRODUCTS["is_goods"].astype(bool), "code"].tolist())
    known = set(COUNTRIES["code"])
    partners = sorted(c for c in known if c not in _EXCLUDED_PARTNERS and c[0] not in "QX")
    partners += [c for c in _CUSTOMS_PARTNERS if c in known]
    eu27 = set(COUNTRIES.loc[COUNTRIES["eu27"].astype(bool), "code"])
    return departments, regions, sorted(REGIONS["code"].tolist()), products, partners, eu27


def generator_version() -> str:
    """Changes when this generator's code or the reference lists it draws from change."""
    departments, _, _, products, partners, _ = _references()
    source = Path(__file__).read_text(encoding="utf-8")
    digest = hashlib.sha256("|".join([source, *departments, *products, *partners]).encode())
    return f"{DEMO_VERSION}-{digest.hexdigest()[:12]}"


# ---------------------------------------------------------------------------------------------
# Trade values
# ---------------------------------------------------------------------------------------------

@dataclass
class _Universe:
    departments: list[str]
    regions: dict[str, str]
    products: list[str]
    partners: list[str]
    eu27: set[str]


def _department_sizes(universe: _Universe, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """2024 size in M€ (export, import) per département before calibration."""
    sizes = {}
    for dep in universe.departments:
        export = 2_600 * rng.lognormal(0, 0.7)
        ratio = rng.lognormal(0.15, 0.3)
        known = DEPARTMENT_TOTALS.get(dep) or _KNOWN_SIZES.get(dep)
        sizes[dep] = np.array(known if known else (export, export * ratio), dtype=float)
    return sizes


def _row_counts(sizes: dict[str, np.ndarray], flow: int, capacity: int) -> dict[str, int]:
    """Rows grow like the square root of the size; a bisection hits ROWS_PER_FLOW nationally."""
    cap = min(_MAX_ROWS_PER_DEPARTMENT, capacity)
    fixed = {d: rows[flow] for d, rows in _ROW_OVERRIDES.items() if d in sizes}
    free = [d for d in sizes if d not in fixed]
    roots = np.array([np.sqrt(sizes[d][flow]) for d in free])
    target = ROWS_PER_FLOW - sum(fixed.values())
    low, high = 0.0, 1_000.0
    for _ in range(60):
        k = (low + high) / 2
        total = np.clip(np.round(k * roots), 15, cap).sum()
        low, high = (k, high) if total < target else (low, k)
    counts = np.clip(np.round(high * roots), 15, cap).astype(int)
    return {**dict(zip(free, counts.tolist())), **fixed}


def _base_weights(codes: list[str], table: dict, flow: int, rng: np.random.Generator) -> np.ndarray:
    default = 0.05 * rng.lognormal(0, 1.0, len(codes))
    return np.array([table[c][flow] if c in table else d for c, d in zip(codes, default)])


def _partner_weights(universe: _Universe, base: np.ndarray, dep: str,
                     rng: np.random.Generator) -> np.ndarray:
    weights = base * rng.lognormal(0, 0.4, len(base))
    index = {c: i for i, c in enumerate(universe.partners)}
    for partner, (deps, factor) in _NEIGHBOURS.items():
        if dep in deps and partner in index:
            weights[index[partner]] *= factor
    if dep in _DROM_PARTNERS:
        nearby = set(_DROM_PARTNERS[dep].split())
        spread = rng.lognormal(0, 0.8, len(weights))
        weights = np.array([6 * max(w, 1.0) * x if c in nearby else 0.3 * w if c in universe.eu27
                            else 0.5 * w if c == "CN" else 0.03 * w
                            for c, w, x in zip(universe.partners, weights, spread)])
    for partner, factor in _SPECIALITIES.get(dep, ({}, {}))[1].items():
        if partner in index:
            weights[index[partner]] *= factor
    return weights


def _product_weights(universe: _Universe, base: np.ndarray, dep: str, flow: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Each département gets its own mix: noise plus a few random and hand-written specialities."""
    weights = base * rng.lognormal(0, 0.6, len(base))
    index = {c: i for i, c in enumerate(universe.products)}
    for product, (deps, factor) in _PRODUCT_HUBS.items():
        if product in index and dep not in deps:
            weights[index[product]] *= factor
    picks = rng.choice(len(base), size=rng.integers(3, 6), replace=False)
    boosts = rng.uniform(3, 12, len(picks))
    if dep not in _SPECIALITIES:
        weights[picks] *= boosts if flow == 0 else np.sqrt(boosts)
    for product, factor in _SPECIALITIES.get(dep, ({}, {}))[0].items():
        if product in index:
            weights[index[product]] *= factor if flow == 0 else np.sqrt(factor)
    return weights


def _department_rows(cell_weights: np.ndarray, n_rows: int, size_eur: float,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Pick the (product, partner) cells present (weighted, no repeats) and their 2024 values."""
    flat = cell_weights.ravel()
    gumbel = rng.gumbel(size=flat.size)
    keys = 0.5 * np.log(flat) + gumbel
    chosen = np.sort(np.argpartition(-keys, n_rows - 1)[:n_rows])
    values = flat[chosen] * rng.lognormal(0, 1.0, n_rows)
    return chosen, values * (size_eur / values.sum())


def _years(v2024: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A département trend plus per-cell noise: a few percent a year; ~3 % blank cells."""
    trend_before, trend_after = rng.normal(0.02, 0.04), rng.normal(0.01, 0.04)
    n = len(v2024)
    values = np.column_stack([
        v2024 / (1 + trend_before) * rng.lognormal(0, 0.10, n),
        v2024,
        v2024 * (1 + trend_after) * rng.lognormal(0, 0.10, n),
    ])
    blank = rng.random(values.shape) < BLANK_SHARE
    blank[blank.all(axis=1), 1] = False
    values[blank] = np.nan
    return values


def _calibration_groups(universe: _Universe) -> list[list[str]]:
    """Départements scaled together, for the hierarchy 04/75 ⊂ PACA/IDF ⊂ France."""
    fixed = list(DEPARTMENT_TOTALS)
    groups = [[d] for d in fixed]
    for region in REGION_TOTALS:
        groups.append([d for d in universe.departments
                       if universe.regions[d] == region and d not in fixed])
    groups.append([d for d in universe.departments if universe.regions[d] not in REGION_TOTALS])
    return groups


def _calibration_targets(universe: _Universe, flow: int) -> list[float]:
    """Targets in euros in the order of _calibration_groups."""
    deps = [DEPARTMENT_TOTALS[d][flow] for d in DEPARTMENT_TOTALS]
    regions = []
    for region, totals in REGION_TOTALS.items():
        inside = sum(DEPARTMENT_TOTALS[d][flow] for d in DEPARTMENT_TOTALS
                     if universe.regions[d] == region)
        regions.append(totals[flow] - inside)
    france = FRANCE_TOTALS[flow] - sum(t[flow] for t in REGION_TOTALS.values())
    return [t * 1e6 for t in deps + regions + [france]]


def _calibrate(frame: pd.DataFrame, universe: _Universe, flow: int) -> None:
    """Scale every year of a group by one factor, so growth rates survive the calibration."""
    columns = [year_column(y) for y in DEMO_YEARS]
    for deps, goal in zip(_calibration_groups(universe), _calibration_targets(universe, flow)):
        mask = frame["Dep"].isin(deps).to_numpy()
        current = np.nansum(frame.loc[mask, year_column(CALIBRATION_YEAR)].to_numpy())
        frame.loc[mask, columns] = frame.loc[mask, columns].to_numpy() * (goal / current)
    values = frame[columns].to_numpy()
    frame[columns] = np.where(np.isnan(values), np.nan, np.round(np.maximum(values, 1.0), 1))


def build_demo_tables(seed: int = 2024) -> dict[str, pd.DataFrame]:
    """Calibrated demo rows per `Flux` label; the official columns minus Region and Flux."""
    departments, regions, _, products, partners, eu27 = _references()
    universe = _Universe(departments, regions, products, partners, eu27)
    rng = np.random.default_rng(seed)
    sizes = _department_sizes(universe, rng)
    tables = {}
    for flow, label in enumerate(FLUX_LABELS):
        counts = _row_counts(sizes, flow, len(products) * len(partners))
        product_base = _base_weights(products, _PRODUCT_WEIGHTS, flow, rng)
        partner_base = _base_weights(partners, _PARTNER_WEIGHTS, flow, rng)
        parts = []
        for dep in departments:
            cells = np.outer(_product_weights(universe, product_base, dep, flow, rng),
                             _partner_weights(universe, partner_base, dep, rng))
            chosen, v2024 = _department_rows(cells, counts[dep], sizes[dep][flow] * 1e6, rng)
            years = _years(v2024, rng)
            parts.append(pd.DataFrame({
                "Dep": dep,
                "CodeA129": np.array(products)[chosen // len(partners)],
                "Pays": np.array(partners)[chosen % len(partners)],
                **{year_column(y): years[:, i] for i, y in enumerate(DEMO_YEARS)},
            }))
        frame = pd.concat(parts, ignore_index=True)
        _calibrate(frame, universe, flow)
        tables[label] = frame
    return tables


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

class _FixedDateZip(zipfile.ZipFile):
    """A ZipFile whose every entry carries DEMO_RELEASE_DATE, so the bytes never depend on "now"."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = _zip_info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        self.writestr(arcname or os.path.basename(filename), Path(filename).read_bytes(),
                      compress_type, compresslevel)


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=DEMO_RELEASE_DATE.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def _clean_values(series: pd.Series) -> list:
    return [None if v != v else (int(v) if v.is_integer() else v) for v in series.tolist()]


def _xlsx_bytes(kiosque: str, flux: str, rows: pd.DataFrame) -> bytes:
    """One sheet `qdf`, header on row 1, codes as text, blank cells for missing years."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter
    workbook = Workbook(write_only=True)
    workbook.properties.created = workbook.properties.modified = DEMO_RELEASE_DATE
    workbook.properties.creator = "Démo Commerce extérieur des territoires"
    sheet = workbook.create_sheet(OFFICIAL_SHEET)
    value_columns = [year_column(y) for y in DEMO_YEARS]
    sheet.append(OFFICIAL_COLUMNS + value_columns)
    columns = [repeat(kiosque), rows["Dep"].tolist(), repeat(flux), rows["CodeA129"].tolist(),
               rows["Pays"].tolist(), *(_clean_values(rows[c]) for c in value_columns)]
    for row in zip(*columns):
        sheet.append(row)
    buffer = io.BytesIO()
    with _FixedDateZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()  # not save_workbook(): it stamps "now"
    return buffer.getvalue()


def region_zip_name(region: str) -> str:
    return f"region_{KIOSQUE_NUMBERS[region]}_A.zip"


def write_region_zip(folder: Path, region: str, tables: dict[str, pd.DataFrame],
                     departments: list[str]) -> Path:
    """`region_XX_A.zip` holding REGION_XX_A_IMPORT.xlsx and REGION_XX_A_EXPORT.xlsx."""
    kiosque = KIOSQUE_NUMBERS[region]
    path = Path(folder) / region_zip_name(region)
    with _FixedDateZip(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for flux in ("Import", "Export"):
            table = tables[flux]
            rows = table[table["Dep"].isin(departments)]
            archive.writestr(f"REGION_{kiosque}_A_{flux.upper()}.xlsx",
                             _xlsx_bytes(kiosque, flux, rows))
    return path


# ---------------------------------------------------------------------------------------------
# Territoires d'industrie (fictional)
# ---------------------------------------------------------------------------------------------

_TI_PREFIXES = ["Val", "Pays", "Vallée", "Plateau", "Monts", "Bassin", "Portes", "Rives",
                "Terres", "Coteaux", "Marches", "Confluences"]
_TI_PLACES = ["de l'Aubrelle", "du Vernazon", "de la Sormette", "des Combes Hautes", "du Clairet",
              "de la Mérande", "des Trois Vals", "du Lauzeron", "de l'Ormelle", "de la Brévanne",
              "du Haut-Morvel", "des Deux Forges"]
N_TERRITORIES = 120
N_TWO_DEPARTMENT = 12        # with ≥ 5 communes in each of two départements
N_MINOR_SECOND = 15          # with 1–4 communes in a second département
N_SHARED_COMMUNES = 8        # communes in two territories (" ; ")


def _commune_code(dep: str, number: int) -> str:
    return f"{dep}{number:0{5 - len(dep)}d}"


def _commune_name(dep: str, number: int) -> str:
    return f"Commune démo {dep}-{number:0{5 - len(dep)}d}"


def _ti_names(rng: np.random.Generator) -> list[str]:
    combos = [f"{p} {q}" for p in _TI_PREFIXES for q in _TI_PLACES]
    picks = rng.permutation(len(combos))[:N_TERRITORIES - 1]
    return ["Val de Durance (démo)"] + [f"{combos[i]} (démo)" for i in picks]


def _ti_departments(departments: list[str], regions: dict[str, str],
                    rng: np.random.Generator) -> list[tuple[str, str | None, int, int]]:
    """Per territory: (main département, second one, communes in the main, in the second)."""
    eligible = [d for d in departments if d not in ("75", "04")]
    mainland = [d for d in eligible if len(d) == 2]
    extra = N_TERRITORIES - 1 - len(eligible)
    mains = ["04"] + sorted(eligible + rng.choice(mainland, extra, replace=False).tolist())
    neighbours = [[d for d in mainland if regions[d] == regions[dep] and d != dep] for dep in mains]
    candidates = [i for i in range(1, len(mains)) if neighbours[i]]
    spread = rng.choice(candidates, N_TWO_DEPARTMENT + N_MINOR_SECOND, replace=False).tolist()
    plans = [("04", "05", int(rng.integers(8, 20)), 9)]
    for i, dep in enumerate(mains[1:], start=1):
        n_main = int(rng.integers(5, 12 if len(dep) == 3 else 30))
        second, n_second = None, 0
        if i in spread:
            second = str(rng.choice(neighbours[i]))
            two = spread.index(i) < N_TWO_DEPARTMENT
            n_second = int(rng.integers(5, 15) if two else rng.integers(1, 5))
        plans.append((dep, second, n_main, n_second))
    return plans


def build_ti_table(seed: int = 2024) -> pd.DataFrame:
    """The demo `liste-ti-com2023` rows: one per commune, shared communes joined by " ; "."""
    departments, regions, *_ = _references()
    rng = np.random.default_rng([seed, 7])
    names = _ti_names(rng)
    next_number = {d: int(rng.integers(1, 6)) for d in departments}
    members: dict[str, list[int]] = {}  # commune code -> territory indexes

    def add_communes(dep: str, count: int, territory: int) -> list[str]:
        codes = []
        for _ in range(count):
            codes.append(_commune_code(dep, next_number[dep]))
            next_number[dep] += int(rng.integers(1, 3 if len(dep) == 3 else 7))
            members[codes[-1]] = [territory]
        if next_number[dep] >= 10 ** (5 - len(dep)):
            raise ValueError(f"Trop de communes de démonstration dans le département {dep}")
        return codes

    by_dep: dict[str, list[tuple[int, list[str]]]] = {}
    for t, (dep, second, n_main, n_second) in enumerate(_ti_departments(departments, regions, rng)):
        by_dep.setdefault(dep, []).append((t, add_communes(dep, n_main, t)))
        if second:
            by_dep.setdefault(second, []).append((t, add_communes(second, n_second, t)))
    _share_communes(by_dep, members, rng)
    rows = []
    for code in sorted(members):
        dep = code[:3] if code.startswith("97") else code[:2]
        ids = sorted(members[code])
        rows.append((code, _commune_name(dep, int(code[len(dep):])),
                     TI_SEPARATOR.join(f"TI-DEMO-{t + 1:03d}" for t in ids),
                     TI_SEPARATOR.join(names[t] for t in ids)))
    return pd.DataFrame(rows, columns=TI_COLUMNS)


def _share_communes(by_dep: dict, members: dict, rng: np.random.Generator) -> None:
    """Put a few communes in two territories of their département, as the official file allows."""
    crowded = sorted(d for d, groups in by_dep.items() if len({t for t, _ in groups}) >= 2)
    for dep in rng.choice(crowded, min(N_SHARED_COMMUNES, len(crowded)), replace=False):
        (first, codes), (other, _) = by_dep[dep][0], by_dep[dep][1]
        commune = codes[int(rng.integers(len(codes)))]
        members[commune] = sorted({first, other})


def write_ti_file(folder: Path, seed: int = 2024) -> Path:
    path = Path(folder) / DEMO_TI_FILENAME
    table = build_ti_table(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TI_COLUMNS)
        writer.writerows(table.itertuples(index=False, name=None))
    return path


# ---------------------------------------------------------------------------------------------
# Whole demo: atomic generation and manifest
# ---------------------------------------------------------------------------------------------

def _write_manifest(folder: Path, files: list[Path], seed: int) -> None:
    manifest = {
        "generator_version": generator_version(), "seed": seed,
        "release_date": DEMO_RELEASE_DATE.isoformat(),
        "files": [{"name": p.name, "size": p.stat().st_size, "sha256": file_sha256(p)} for p in files],
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")


def _swap_in(built: Path, out_dir: Path) -> None:
    """Replace out_dir by the complete folder; if a concurrent run got there first, keep its."""
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}-old-", suffix=".tmp",
                                    dir=out_dir.parent))
        os.replace(out_dir, old / out_dir.name)
    try:
        os.replace(built, out_dir)
    except OSError:
        if not is_demo_complete(out_dir):
            raise
        shutil.rmtree(built, ignore_errors=True)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def generate_demo(out_dir: Path = DEMO_DIR, seed: int = 2024) -> list[Path]:
    """Write the 18 regional ZIPs, the TI list and the manifest (last), all or nothing."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}-", suffix=".tmp", dir=out_dir.parent))
    try:
        departments, regions, region_codes, *_ = _references()
        tables = build_demo_tables(seed)
        files = [write_region_zip(built, region, tables,
                                  [d for d in departments if regions[d] == region])
                 for region in region_codes]
        files.append(write_ti_file(built, seed))
        _write_manifest(built, files, seed)
        built.chmod(0o755)
        _swap_in(built, out_dir)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    return sorted(out_dir / p.name for p in files)


def is_demo_complete(out_dir: Path = DEMO_DIR) -> bool:
    """True when the manifest matches this generator and every file it lists has its size."""
    try:
        manifest = json.loads((Path(out_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
        if manifest.get("generator_version") != generator_version():
            return False
        return bool(manifest["files"]) and all(
            (Path(out_dir) / f["name"]).stat().st_size == f["size"] for f in manifest["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def ensure_demo(out_dir: Path = DEMO_DIR) -> Path:
    """Generate the demo only when missing or incomplete; return its folder."""
    out_dir = Path(out_dir)
    if not is_demo_complete(out_dir):
        generate_demo(out_dir)
    return out_dir
