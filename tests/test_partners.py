"""The « partner » and « tariff » contracts (CLI JSON) on small official-layout files, against sums computed
here straight from the raw rows; the partner groups, the rate parser and the TI search."""
from __future__ import annotations

import json

import pytest

from lib.analysis import partners
from lib.data.reference.countries import EU27
from lib.data.reference.departments import region_of
from lib.data.territories import TerritoryCatalog, search_territories
from tests.official_builders import write_region_zip

YEARS = (2023, 2024)
# Region, Dep, Flux, CodeA129, Pays, 2023, 2024 — Hauts-de-France (32) and Normandie (28).
EXPORTS_32 = [
    ["32", "59", "Export", "C11Z", "US", 1_000_000, 1_200_000],
    ["32", "59", "Export", "C20B", "US", 500_000, 400_000.5],
    ["32", "59", "Export", "C20B", "DE", 2_000_000, 2_100_000],
    ["32", "59", "Export", "C29A", "GB", 300_000, None],
    ["32", "59", "Export", "C29A", "QS", 70_000, 80_000],          # non ventilé: in the totals only
    ["32", "62", "Export", "C11Z", "US", None, 250_000],           # nothing recorded in 2023: 0
    ["32", "62", "Export", "C20B", "IT", 900_000, 950_000],
    ["32", "80", "Export", "C20B", "US", 120_000, 130_000],
    ["32", "80", "Export", "C29A", "CN", 640_000, 610_000],
    ["32", "02", "Export", "C11Z", "BE", 50_000, 60_000],
]
IMPORTS_32 = [
    ["32", "59", "Import", "C20B", "US", 700_000, 650_000],
    ["32", "59", "Import", "C20B", "ES", 100_000, 90_000],
]
EXPORTS_28 = [
    ["28", "76", "Export", "C20B", "US", 3_000_000, 3_300_000],
    ["28", "76", "Export", "C11Z", "US", 10_000, 20_000],
    ["28", "76", "Export", "C20B", "NL", 1_500_000, 1_400_000],
    ["28", "27", "Export", "C29A", "US", 400_000, 410_000],
]
IMPORTS_28 = [["28", "76", "Import", "C20B", "US", 5_000, 6_000]]
RAW = EXPORTS_32 + IMPORTS_32 + EXPORTS_28 + IMPORTS_28
TI_ID = "TI-BORD"      # « Bresle » : 6 communes in the Somme (80), 5 in Seine-Maritime (76), 2 in the Oise (60)


def _sum(flow: str, year: int, deps, countries=None, products=None) -> float:
    """Straight from RAW: no lib code."""
    column = 5 + YEARS.index(year)
    return float(sum(row[column] or 0 for row in RAW
                     if row[2] == flow and row[1] in deps and (countries is None or row[4] in countries)
                     and (products is None or row[3] in products)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("official")
    write_region_zip(root, "32", import_rows=IMPORTS_32, export_rows=EXPORTS_32)
    write_region_zip(root, "28", import_rows=IMPORTS_28, export_rows=EXPORTS_28)
    communes = ([f"80{i:03d}" for i in range(1, 7)] + [f"76{i:03d}" for i in range(1, 6)] + ["60001", "60002"])
    lines = ["insee_com;lib_com;id_ti;lib_ti"] + [f"{c};Commune {c};{TI_ID};Bresle" for c in communes]
    (root / "liste-ti-com2023-20240101.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _run_cli(capsys, argv: list[str]) -> tuple[int, str, str]:
    """`python -m lib.cli …` in this process (main() is what the module runs): exit code, stdout, stderr.
    A subprocess per call cost a second of interpreter and pandas start each (13 s for the file)."""
    from lib.cli import main
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exit_:          # argparse's own errors
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def _cli(capsys, folder, *args) -> dict:
    code, out, err = _run_cli(capsys, [*args, "--data", str(folder), "--json"])
    assert code == 0, err
    return json.loads(out)


def _cli_error(capsys, folder, *args) -> str:
    code, _, err = _run_cli(capsys, [*args, "--data", str(folder)])
    assert code == 2
    assert "Traceback" not in err
    return err


# ---------------------------------------------------------------- partner contract

def test_partner_contract_equals_the_raw_rows(folder, capsys):
    found = _cli(capsys, folder, "partner", "--territories", f"dep:59,dep:62,dep:80,ti:{TI_ID},reg:32", "--country", "US")
    assert found["country"] == "US" and found["flow"] == "export" and found["product"] is None
    assert found["years"] == list(YEARS)
    by_id = {t["id"]: t for t in found["territories"]}
    assert [t["id"] for t in found["territories"]] == ["dep:59", "dep:62", "dep:80", f"ti:{TI_ID}", "reg:32"]
    assert by_id["dep:62"]["name"] == "Pas-de-Calais"
    assert by_id["dep:62"]["values"]["2023"] == 0.0           # a year with nothing recorded is 0
    groups = {"dep:59": ["59"], "dep:62": ["62"], "dep:80": ["80"], f"ti:{TI_ID}": ["80", "76"],
              "reg:32": ["59", "62", "80", "02", "60"]}
    for territory_id, deps in groups.items():
        for year in YEARS:
            assert by_id[territory_id]["values"][str(year)] == pytest.approx(_sum("Export", year, deps, {"US"}))
    assert by_id["dep:59"]["values"]["2024"] == pytest.approx(1_600_000.5)   # written out once, by hand


def test_partner_contract_groups_flow_and_product(folder, capsys):
    eu = _cli(capsys, folder, "partner", "--territories", "dep:59,dep:76", "--country", "UE")
    assert eu["country"] == "UE"
    extra = _cli(capsys, folder, "partner", "--territories", "dep:59", "--country", "hors-ue")
    for year in YEARS:
        assert eu["territories"][0]["values"][str(year)] == pytest.approx(_sum("Export", year, ["59"], EU27))
        assert eu["territories"][1]["values"][str(year)] == pytest.approx(_sum("Export", year, ["76"], EU27))
        # outside the EU: US, GB — not « QS » (non ventilé)
        assert extra["territories"][0]["values"][str(year)] == pytest.approx(
            _sum("Export", year, ["59"], {"US", "GB", "CN"}))
    imports = _cli(capsys, folder, "partner", "--territories", "dep:59", "--country", "US", "--flow", "import",
                   "--product", "C20B")
    assert imports["flow"] == "import" and imports["product"] == "C20B"
    assert imports["territories"][0]["values"] == {"2023": 700_000.0, "2024": 650_000.0}


def test_partner_shares_and_changes(folder):
    from lib.analysis.dataset import load_app_data
    app = load_app_data([folder])
    trend = partners.partner_trend(app.cube, [app.catalog.resolve("dep:59")], "US")
    row = trend[trend["year"] == 2024].iloc[0]
    assert row["share"] == pytest.approx(_sum("Export", 2024, ["59"], {"US"}) / _sum("Export", 2024, ["59"]))
    assert row["change"] == pytest.approx(1_600_000.5 / 1_500_000 - 1)
    assert trend["change"].isna().iloc[0]


def test_partner_bad_input_gives_french_messages(folder, capsys):
    assert "Pays partenaire inconnu" in _cli_error(capsys, folder, "partner", "--territories", "dep:59", "--country", "ZZ")
    assert "Département inconnu" in _cli_error(capsys, folder, "partner", "--territories", "dep:999", "--country", "US")
    assert "8 territoires" in _cli_error(capsys, folder, "partner", "--territories", ",".join(["dep:59"] * 9),
                                         "--country", "US")
    assert "Produit inconnu" in _cli_error(capsys, folder, "partner", "--territories", "dep:59", "--country", "US",
                                           "--product", "NOPE")


# ---------------------------------------------------------------- tariff contract

def test_tariff_contract_for_a_ti_across_two_regions(folder, capsys):
    found = _cli(capsys, folder, "tariff", "--territory", f"ti:{TI_ID}", "--country", "US", "--rate", "25",
                 "--year", "2024")
    deps, region_deps = ["80", "76"], ["59", "62", "80", "02", "60", "76", "27", "14", "50", "61"]
    assert found["territory"]["regions"] == ["28", "32"] and found["year"] == 2024 and found["rate"] == 0.25
    exposed, exports = _sum("Export", 2024, deps, {"US"}), _sum("Export", 2024, deps)
    assert found["exposed"] == pytest.approx(exposed) and found["exposed"] == pytest.approx(3_450_000)
    assert found["share_of_exports"] == pytest.approx(exposed / exports)
    assert found["duty"] == pytest.approx(exposed * 0.25)
    assert [p["code"] for p in found["products"]] == ["C20B", "C11Z"]       # biggest first
    c20b = found["products"][0]
    assert c20b["exposed"] == pytest.approx(_sum("Export", 2024, deps, {"US"}, {"C20B"}))
    assert c20b["share_of_product_exports"] == pytest.approx(
        _sum("Export", 2024, deps, {"US"}, {"C20B"}) / _sum("Export", 2024, deps, None, {"C20B"}))
    # the région(s): Hauts-de-France and Normandie together (Territory.regions / home_region)
    region = found["region"]
    assert region["id"] == "reg:28+32"
    assert region["exposed"] == pytest.approx(_sum("Export", 2024, region_deps, {"US"}))
    assert region["share_of_exports"] == pytest.approx(region["exposed"] / _sum("Export", 2024, region_deps))
    assert region["duty"] == pytest.approx(region["exposed"] * 0.25)
    france = found["france"]
    assert france["exposed"] == pytest.approx(_sum("Export", 2024, region_deps, {"US"}))   # only 2 régions on file
    assert france["share_of_exports"] == pytest.approx(france["exposed"] / _sum("Export", 2024, region_deps))


def test_tariff_contract_with_chosen_products(folder, capsys):
    found = _cli(capsys, folder, "tariff", "--territory", "dep:59", "--country", "us", "--rate", "12,5",
                 "--products", "C11Z,C29A", "--year", "2023")
    assert found["rate"] == 0.125 and found["products_chosen"] == ["C11Z", "C29A"]
    exposed = _sum("Export", 2023, ["59"], {"US"}, {"C11Z", "C29A"})
    assert found["exposed"] == pytest.approx(exposed) == 1_000_000
    # shares relative to all the territory's exports (every product, every country, « non ventilé » included)
    assert found["share_of_exports"] == pytest.approx(exposed / _sum("Export", 2023, ["59"]))
    assert [p["code"] for p in found["products"]] == ["C11Z"]
    assert found["products"][0]["share_of_exports"] == pytest.approx(found["share_of_exports"])
    assert found["region"]["exposed"] == pytest.approx(_sum("Export", 2023, ["59", "62", "80", "02", "60"], {"US"},
                                                            {"C11Z", "C29A"}))


def test_tariff_ranking_lists_the_departments_of_the_regions(folder):
    from lib.analysis.dataset import load_app_data
    app = load_app_data([folder])
    result = partners.tariff_exposure(app.cube, app.catalog.resolve(f"ti:{TI_ID}"), 2024, "US", 0.25)
    ranking = result.ranking
    assert len(ranking) == 10 and ranking["department"].iloc[0] == "76"
    assert set(ranking.loc[ranking["own"], "department"]) == {"80", "76"}
    row = ranking.set_index("department").loc["59"]
    assert row["exposed"] == pytest.approx(_sum("Export", 2024, ["59"], {"US"}))
    assert row["share"] == pytest.approx(row["exposed"] / _sum("Export", 2024, ["59"]))


def test_tariff_bad_input_gives_french_messages(folder, capsys):
    assert "Taux non valable" in _cli_error(capsys, folder, "tariff", "--territory", "dep:59", "--rate", "vingt")
    assert "Taux non valable" in _cli_error(capsys, folder, "tariff", "--territory", "dep:59", "--rate", "900")
    assert "fixé par un pays" in _cli_error(capsys, folder, "tariff", "--territory", "dep:59", "--rate", "25",
                                           "--country", "UE")
    assert "Produit(s) inconnu(s)" in _cli_error(capsys, folder, "tariff", "--territory", "dep:59", "--rate", "25",
                                                 "--products", "C11Z,XXXX")


def test_rate_and_partner_parsers():
    assert partners.parse_rate("25") == 0.25 and partners.parse_rate(" 12,5 % ") == 0.125
    assert partners.parse_partner("hors ue") == "HORS-UE" and partners.parse_partner("eu27") == "UE"
    with pytest.raises(partners.PartnerError, match="inconnu"):
        partners.parse_partner("QS")          # a customs-only « non ventilé » code is no partner


# ---------------------------------------------------------------- finding a TI

def test_search_finds_a_ti_by_its_name_a_department_or_a_region(folder):
    from lib.data.territories import read_industry_territories
    catalog: TerritoryCatalog = read_industry_territories(folder / "liste-ti-com2023-20240101.csv")
    tis = catalog.territories_of_kind("ti")
    for query in ("bresle", "BRÈSLE", "somme", "seine maritime", "Seine-Maritime", "normandie", "hauts de france",
                  "76", "oise"):
        assert [t.id for t in search_territories(tis, query)] == [f"ti:{TI_ID}"], query
    assert search_territories(tis, "bretagne") == []
    assert search_territories(tis, "  ") == tis


def test_search_on_the_demo_list_meurthe_and_grand_est(app_data):
    tis = app_data.catalog.territories_of_kind("ti")
    meurthe = search_territories(tis, "meurthe")
    assert meurthe and all("54" in [d for d, _ in t.commune_counts] for t in meurthe)
    assert meurthe[0].departments[0] == "54"           # a main département before a touched one
    grand_est = search_territories(tis, "grand est")
    assert grand_est and all("44" in {region_of(d) for d, _ in t.commune_counts} for t in grand_est)
    assert {t.id for t in grand_est} >= {t.id for t in tis if t.regions == ("44",)}


def test_france_tariff_ranking_draws_the_twenty_most_exposed_and_keeps_every_department_in_its_table(app_data):
    from lib.outputs.report import report_items
    from lib.presentation import partner_figures as pfig
    item = next(iter(report_items(app_data.cube, app_data.catalog, app_data.catalog.resolve("fr"), 2024,
                                  keys=("tariff-ranking",))))
    assert len(item.data.ranking) > pfig.MAX_RANKING_BARS, "la France doit classer plus de 20 départements"
    figure = item.build()
    assert len(figure.data[0].y) == pfig.MAX_RANKING_BARS
    assert "(les plus exposés)" in item.title
    assert len(item.tables[0].frame) == len(item.data.ranking)
    shown = item.data.ranking.dropna(subset=["share"]).nlargest(pfig.MAX_RANKING_BARS, "share")
    assert {label.rsplit("(", 1)[1][:-1] for label in figure.data[0].y} == set(shown["department"].astype(str))
    from lib.presentation.chart_style import ExportFrame
    word = item.build(export=ExportFrame(title="", source="Source", print_width_cm=16))
    assert 5 <= len(word.data[0].y) < pfig.MAX_RANKING_BARS      # a Word picture holds fewer names
