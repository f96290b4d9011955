"""The demo dataset, checked by reading its files directly (not through the project's reader)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from lib.data import demo
from lib.data.reference.countries import COUNTRIES
from lib.data.reference.departments import DEPARTMENTS, departments_of_region, region_of
from lib.data.reference.products import PRODUCTS

SHARED_RAW = Path("/work/shared/data/raw")
CODE_COLUMNS = ["Region", "Dep", "Flux", "CodeA129", "Pays"]
YEARS = ["annee2023_valeur_en_euros", "annee2024_valeur_en_euros", "annee2025_valeur_en_euros"]
HEADER = CODE_COLUMNS + YEARS
ZIP_NAME = re.compile(r"^region_(\d\d)_A\.zip$")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo"
    demo.generate_demo(out)
    return out


@pytest.fixture(scope="module")
def zips(demo_dir) -> dict[str, Path]:
    """Kiosque number -> ZIP path."""
    return {ZIP_NAME.match(p.name).group(1): p for p in sorted(demo_dir.glob("region_*_A.zip"))}


def _read_sheet(data: bytes) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(data), sheet_name="qdf", engine="calamine",
                         dtype={c: str for c in CODE_COLUMNS}, keep_default_na=False,
                         na_values={c: [""] for c in YEARS})


@pytest.fixture(scope="module")
def rows(zips) -> pd.DataFrame:
    """Every row of every file, with the ZIP's kiosque number and the entry's flow."""
    frames = []
    for number, path in zips.items():
        with zipfile.ZipFile(path) as archive:
            for flux in ("IMPORT", "EXPORT"):
                frame = _read_sheet(archive.read(f"REGION_{number}_A_{flux}.xlsx"))
                frames.append(frame.assign(zip_number=number, file_flux=flux.capitalize()))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def ti(demo_dir) -> pd.DataFrame:
    return pd.read_csv(demo_dir / demo.DEMO_TI_FILENAME, dtype=str, keep_default_na=False,
                       encoding="utf-8")


def _total(frame: pd.DataFrame, flux: str) -> float:
    return frame.loc[frame["Flux"] == flux, "annee2024_valeur_en_euros"].sum() / 1e6


# --- layout -------------------------------------------------------------------------------------

def test_one_zip_per_region_plus_ti_and_manifest(demo_dir, zips):
    assert len(zips) == 18 and "03" in zips
    names = {p.name for p in demo_dir.iterdir()}
    assert names == {p.name for p in zips.values()} | {demo.DEMO_TI_FILENAME, demo.MANIFEST_NAME}


def test_zip_entries_and_release_date(zips):
    for number, path in zips.items():
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            assert sorted(i.filename for i in infos) == [
                f"REGION_{number}_A_EXPORT.xlsx", f"REGION_{number}_A_IMPORT.xlsx"]
            assert {i.date_time for i in infos} == {(2026, 2, 6, 10, 0, 0)}


def test_single_qdf_sheet_header_and_text_codes(zips):
    with zipfile.ZipFile(zips["03"]) as archive:
        data = archive.read("REGION_03_A_EXPORT.xlsx")
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert workbook.sheet_names == ["qdf"]
    raw = workbook.get_sheet_by_name("qdf").to_python()
    assert raw[0] == HEADER
    for row in raw[1:2000]:
        assert all(isinstance(cell, str) for cell in row[:5])
        assert all(cell == "" or isinstance(cell, float) for cell in row[5:])
    assert {row[1] for row in raw[1:]} == set(departments_of_region("11"))


def test_codes_keep_their_shape(rows):
    deps = set(rows["Dep"])
    assert {"04", "2A", "2B", "974", "976"} <= deps
    assert rows["Region"].str.fullmatch(r"\d\d").all()
    assert (rows["Region"] == rows["zip_number"]).all()
    assert (rows["Flux"] == rows["file_flux"]).all()
    assert rows["Pays"].str.fullmatch(r"[A-Z]{2}").all()
    assert "NA" in set(rows["Pays"])  # Namibia: a reader must not turn it into a missing value


def test_each_zip_holds_one_whole_region(rows):
    regions_by_zip = rows.groupby("zip_number")["Dep"].agg(lambda s: {region_of(d) for d in s})
    assert all(len(r) == 1 for r in regions_by_zip)
    assert len({next(iter(r)) for r in regions_by_zip}) == 18
    assert regions_by_zip["03"] == {"11"}


# --- content ------------------------------------------------------------------------------------

def test_national_scale(rows):
    per_flow = rows["Flux"].value_counts()
    assert set(per_flow.index) == {"Import", "Export"}
    assert per_flow.min() >= 200_000
    assert set(rows["Dep"]) == set(DEPARTMENTS["code"])
    keys = rows[["Dep", "Flux", "CodeA129", "Pays"]]
    assert not keys.duplicated().any()


def test_products_and_partners(rows):
    goods = set(PRODUCTS.loc[PRODUCTS["is_goods"], "code"])
    assert set(rows["CodeA129"]) == goods
    partners = set(rows["Pays"])
    assert 180 <= len(partners) <= 260
    assert partners <= set(COUNTRIES["code"])
    assert {"XK", "XC", "XL", "QQ", "QS", "QU"} <= partners
    assert "FR" not in partners


def test_blank_cells_but_no_empty_row(rows):
    values = rows[YEARS]
    shares = values.isna().mean()
    assert ((shares > 0.01) & (shares < 0.06)).all()
    assert not values.isna().all(axis=1).any()
    present = values.to_numpy().ravel()
    present = present[~pd.isna(present)]
    assert (present >= 1).all()
    assert (abs(present * 10 - (present * 10).round()) < 1e-6).all()  # whole euros or one decimal


def test_calibrated_2024_totals(rows):
    regions = rows["Dep"].map(region_of)
    checks = {
        "France": (rows, 580_354.5, 684_776.3),
        "région 93": (rows[regions == "93"], 28_009.9, 50_101.9),
        "région 11": (rows[regions == "11"], 141_800.0, 192_400.0),
        "04": (rows[rows["Dep"] == "04"], 511.9, 459.7),
        "75": (rows[rows["Dep"] == "75"], 28_300.0, 41_800.0),
    }
    for name, (frame, export, import_) in checks.items():
        assert _total(frame, "Export") == pytest.approx(export, rel=1e-3), name
        assert _total(frame, "Import") == pytest.approx(import_, rel=1e-3), name


def test_small_and_big_departments(rows):
    counts = rows.groupby(["Dep", "Flux"]).size().unstack()
    france = _total(rows, "Export")
    assert counts.loc["48"].max() < 1_000 and counts.loc["976"].max() < 200
    for dep in ("48", "976"):
        assert _total(rows[rows["Dep"] == dep], "Export") < 0.0002 * france
    assert (counts.loc["75"] > 5 * counts.median()).all()


def test_realistic_shape(rows):
    export = rows[rows["Flux"] == "Export"]
    values = export["annee2024_valeur_en_euros"].dropna().sort_values(ascending=False)
    assert values.head(len(values) // 100).sum() > 0.3 * values.sum()  # heavy tail
    by_partner = export.groupby("Pays")["annee2024_valeur_en_euros"].sum()
    assert by_partner.idxmax() in {"DE", "BE", "IT", "ES", "US"}
    totals = rows[YEARS].sum()
    for year in (YEARS[0], YEARS[2]):
        assert abs(totals[year] / totals[YEARS[1]] - 1) < 0.1


def test_alpes_de_haute_provence_profile(rows):
    export = rows[(rows["Dep"] == "04") & (rows["Flux"] == "Export")]
    products = export.groupby("CodeA129")["annee2024_valeur_en_euros"].sum().nlargest(3)
    partners = export.groupby("Pays")["annee2024_valeur_en_euros"].sum().nlargest(5)
    assert "C20B" in products.index[:2] and "C20A" in products.index
    assert {"IT", "DE", "US"} & set(partners.index[:3])


def test_drom_trade_mostly_with_neighbours(rows):
    reunion = rows[rows["Dep"] == "974"]
    by_partner = reunion.groupby("Pays")["annee2024_valeur_en_euros"].sum()
    indian_ocean = {"MU", "MG", "ZA", "SC", "KM", "IN", "SG", "TH", "AU", "MZ", "AE", "MY",
                    "ID", "KE", "TZ", "NZ"}
    assert by_partner[by_partner.index.isin(indian_ocean)].sum() > 0.5 * by_partner.sum()


def test_matches_shared_reference_lists(rows):
    if not SHARED_RAW.exists():
        pytest.skip("/work/shared absent")
    cog = pd.read_csv(SHARED_RAW / "admin/departements_cog2024.csv", dtype=str)
    a129 = pd.read_csv(SHARED_RAW / "nomenclatures/a129_libelles.csv", dtype=str)
    assert set(rows["Dep"]) == set(cog["DEP"])
    assert set(rows["CodeA129"]) <= set(a129["code"])


# --- determinism, manifest, atomicity -----------------------------------------------------------

def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_bytes(demo_dir, tmp_path):
    tables = demo.build_demo_tables(2024)
    paca = demo.write_region_zip(tmp_path, "93", tables, departments_of_region("93"))
    ti_file = demo.write_ti_file(tmp_path, 2024)
    assert _sha(paca) == _sha(demo_dir / paca.name)
    assert _sha(ti_file) == _sha(demo_dir / demo.DEMO_TI_FILENAME)


def test_manifest_lists_every_file(demo_dir):
    manifest = json.loads((demo_dir / demo.MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["generator_version"] == demo.generator_version()
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == {p.name for p in demo_dir.iterdir()} - {demo.MANIFEST_NAME}
    for name, entry in listed.items():
        assert entry["size"] == (demo_dir / name).stat().st_size
        assert entry["sha256"] == _sha(demo_dir / name)


def test_ensure_demo_generates_only_when_incomplete(demo_dir, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(demo, "generate_demo", lambda out: calls.append(out))
    assert demo.ensure_demo(demo_dir) == demo_dir and calls == []
    broken = tmp_path / "demo"
    shutil.copytree(demo_dir, broken)
    (broken / "region_03_A.zip").unlink()
    assert not demo.is_demo_complete(broken)
    demo.ensure_demo(broken)
    assert calls == [broken]
    assert not demo.is_demo_complete(tmp_path / "absent")


def test_failed_generation_leaves_previous_demo_intact(tmp_path, monkeypatch):
    out = tmp_path / "demo"
    out.mkdir()
    (out / "ancien.txt").write_text("précédent", encoding="utf-8")
    written = []

    def failing_write(folder, region, tables, departments):
        if written:
            raise RuntimeError("panne simulée")
        written.append(region)
        return Path(folder) / "partiel.zip"

    monkeypatch.setattr(demo, "write_region_zip", failing_write)
    with pytest.raises(RuntimeError):
        demo.generate_demo(out)
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]
    assert [p.name for p in out.iterdir()] == ["ancien.txt"]


# --- Territoires d'industrie --------------------------------------------------------------------

def _dep_of(commune: str) -> str:
    return commune[:3] if commune.startswith("97") else commune[:2]


def test_ti_file_format(demo_dir, ti):
    with open(demo_dir / demo.DEMO_TI_FILENAME, encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["insee_com", "lib_com", "id_ti", "lib_ti"]
    assert ti["insee_com"].is_unique
    assert ti["insee_com"].str.fullmatch(r"(\d\d|2[AB])\d{3}|97[1-6]\d\d").all()
    assert set(ti["insee_com"].map(_dep_of)) <= set(DEPARTMENTS["code"])
    assert (ti["lib_com"] == "Commune démo " + ti["insee_com"].map(
        lambda c: f"{_dep_of(c)}-{c[len(_dep_of(c)):]}")).all()


def _memberships(ti: pd.DataFrame) -> pd.DataFrame:
    ids = ti["id_ti"].str.split(" ; ")
    labels = ti["lib_ti"].str.split(" ; ")
    assert (ids.str.len() == labels.str.len()).all()
    return pd.DataFrame({
        "commune": ti["insee_com"].repeat(ids.str.len()).to_numpy(),
        "id": [i for parts in ids for i in parts],
        "label": [x for parts in labels for x in parts],
    }).assign(dep=lambda f: f["commune"].map(_dep_of))


def test_ti_territories(ti):
    members = _memberships(ti)
    assert members["id"].str.fullmatch(r"TI-DEMO-\d{3}").all()
    assert members["label"].str.endswith(" (démo)").all()
    assert members.groupby("id")["label"].nunique().eq(1).all()
    assert 100 <= members["id"].nunique() <= 140
    assert "Val de Durance (démo)" in set(members["label"])


def test_ti_spread_over_departments(ti):
    counts = _memberships(ti).groupby(["id", "dep"]).size()
    per_territory = counts.groupby(level="id").apply(lambda s: sorted(s.tolist(), reverse=True))
    two_main = per_territory[per_territory.map(lambda c: len(c) >= 2 and c[1] >= 5)]
    minor_second = per_territory[per_territory.map(lambda c: len(c) >= 2 and 1 <= c[1] <= 4)]
    assert len(two_main) >= 10
    assert len(minor_second) >= 5
    assert (ti["id_ti"].str.contains(" ; ", regex=False)).sum() >= 3
