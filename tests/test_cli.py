"""The `summary` contract on the national demo, against sums read independently from the official files."""
import json
import subprocess
import sys
import zipfile
from io import BytesIO

import pandas as pd
import pytest

from tests.conftest import PROJECT_DIR


def _official_rows(demo_dir, department: str) -> pd.DataFrame:
    """Every row of one département, read with pandas straight from the ZIPs (not through lib)."""
    frames = []
    for path in sorted(demo_dir.glob("region_*_A.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                sheet = pd.read_excel(BytesIO(archive.read(name)), sheet_name="qdf", engine="calamine",
                                      dtype={"Dep": str, "CodeA129": str, "Pays": str}, keep_default_na=False,
                                      na_values={"annee2024_valeur_en_euros": [""]})
                frames.append(sheet[sheet["Dep"] == department])
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def summary_04(demo_dir):
    done = subprocess.run([sys.executable, "-m", "lib.cli", "summary", "--territory", "dep:04", "--year", "2024",
                           "--data", str(demo_dir), "--json"], cwd=PROJECT_DIR, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_summary_totals_and_top10_equal_the_official_rows(demo_dir, summary_04):
    rows = _official_rows(demo_dir, "04")
    value = pd.to_numeric(rows["annee2024_valeur_en_euros"], errors="coerce")
    exports = rows.assign(v=value)[rows["Flux"] == "Export"]
    imports = rows.assign(v=value)[rows["Flux"] == "Import"]
    assert summary_04["exports"] == pytest.approx(exports["v"].sum())
    assert summary_04["imports"] == pytest.approx(imports["v"].sum())
    by_country = exports.groupby("Pays")["v"].sum().sort_values(ascending=False)
    listed = [c["code"] for c in summary_04["export_flows"]["countries"]]
    assert listed[:10] == list(by_country.index[:10]) and listed[-1] == "AUTRES"
    assert summary_04["export_flows"]["countries"][-1]["value"] == pytest.approx(by_country.iloc[10:].sum())
    assert summary_04["territory"] == {"id": "dep:04", "name": "Alpes-de-Haute-Provence", "departments": ["04"],
                                     "regions": ["93"]}


def test_unknown_territory_is_a_french_error_exit_2(demo_dir):
    done = subprocess.run([sys.executable, "-m", "lib.cli", "summary", "--territory", "dep:99", "--data",
                           str(demo_dir), "--json"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "Département inconnu" in done.stderr and "Traceback" not in done.stderr
