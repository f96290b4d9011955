"""Issue 14 (items 3, 4, 7, 8, 12), the lib side: the pages' choices reach the dossier and the Word sheet,
France is not compared with itself, the territory-type switch stays nearby, French counts and file names,
and plotly's toolbar dictionary."""
from __future__ import annotations

import io
import json
import math
import re

import pytest
from openpyxl import load_workbook

from lib.analysis import exposure
from lib.presentation import exposure_figures as xfig, exposure_tables as xtab
from lib.outputs.file_names import download_name, territory_part
from lib.presentation.plotly_locale import FRENCH_DICTIONARY, chart_config
from lib.data.reference.french_names import count_phrase
from lib.outputs.report import ReportChoices, report_items
from lib.data.territories import FRANCE, department, region
from lib.data.territory_links import industry_territories_containing, related_territory

YEAR = 2024


# ---------------------------------------------------------------- item 12: counts and file names

@pytest.mark.parametrize("count, word, expected", [
    (0, "fichier", "0 fichier"), (1, "fichier", "1 fichier"), (18, "fichier", "18 fichiers"),
    (2, "fiche écrite", "2 fiches écrites"), (1280, "ligne", "1\u202f280 lignes"), (3, "région", "3 régions")])
def test_count_phrase_follows_the_french_plural(count, word, expected):
    assert count_phrase(count, word) == expected


def test_ti_label_reads_without_stacked_parentheses(app_data):
    ti = app_data.catalog.resolve("ti:TI-DEMO-001")
    assert ti.label == "Val de Durance – 04, 05 (démo)"
    assert all(t.label.count("(") <= 1 for t in app_data.catalog.territories_of_kind("ti"))


def test_file_names_carry_the_id_once_and_an_ascii_name(app_data):
    ti = app_data.catalog.resolve("ti:TI-DEMO-001")
    assert download_name("dossier", "", ti, 2025, "xlsx") == "dossier_ti-demo-001_val-de-durance_2025.xlsx"
    assert download_name("exportations", "flux", department("04"), YEAR, "png") == \
        "exportations_flux_dep-04_alpes-de-haute-provence_2024.png"
    assert territory_part(region("93")) == "reg-93_provence-alpes-cote-d-azur"
    assert territory_part(FRANCE) == "france"
    for territory in [*app_data.catalog.territories_of_kind("ti"), *app_data.catalog.regions(),
                      *app_data.catalog.departments()]:
        part = territory_part(territory)
        assert re.fullmatch(r"[a-z0-9_-]+", part), part
        assert not part.startswith(f"{territory.kind}-{territory.kind}"), part


def test_every_take_away_file_follows_one_name_pattern(app_data):
    """topic[_chart]_<id>_<name>_<year>.<ext> for every file of the app: Word sheet, note, dossier, each chart's
    PNG and Excel table (a comparison point's chart is named after its région or France)."""
    from lib.outputs.fiche_docx import fiche_file_name
    from lib.outputs.note_docx import note_file_name
    from tests.office_panel import panel
    ti = app_data.catalog.resolve("ti:TI-DEMO-065")
    assert note_file_name(ti, YEAR) == "note-de-synthese_ti-demo-065_vallee-du-clairet_2024.docx"
    assert fiche_file_name(ti, YEAR) == "fiche_ti-demo-065_vallee-du-clairet_2024.docx"
    for territory in panel(app_data.catalog):
        named = [(territory, note_file_name(territory, YEAR)), (territory, fiche_file_name(territory, YEAR)),
                 (territory, download_name("dossier", "", territory, YEAR, "xlsx"))]
        for item in report_items(app_data.cube, app_data.catalog, territory, YEAR):
            named += [(item.territory, item.file_name(YEAR, ext))
                      for ext, present in (("png", item.build is not None), ("xlsx", bool(item.tables))) if present]
        for owner, name in named:
            where = re.escape(territory_part(owner))
            assert re.fullmatch(rf"[a-z0-9-]+(_[a-z0-9-]+)?_{where}_{YEAR}\.(png|xlsx|docx)", name), name
            assert name.count(f"_{territory_part(owner)}_") == 1 and f"{owner.kind}-{owner.kind}-" not in name, name


# ---------------------------------------------------------------- item 7: the territory-type switch

def test_type_switch_goes_to_the_territories_containing_the_current_one(app_data):
    catalog = app_data.catalog
    alpes = department("04")
    assert related_territory(catalog, alpes, "reg").id == "reg:93"          # not Guadeloupe
    ti = related_territory(catalog, alpes, "ti")
    assert ti is not None and "04" in dict(ti.commune_counts)
    assert ti == industry_territories_containing(catalog, alpes)[0]
    assert related_territory(catalog, ti, "dep").id == f"dep:{ti.departments[0]}"
    assert related_territory(catalog, ti, "reg").id == f"reg:{ti.regions[0]}"
    assert related_territory(catalog, region("93"), "dep").regions == ("93",)
    assert "93" in related_territory(catalog, region("93"), "ti").regions
    assert related_territory(catalog, alpes, "fr") == FRANCE
    for dep in catalog.departments():      # every département's switch lands in its own région
        assert related_territory(catalog, dep, "reg").code == dep.regions[0]


def test_the_ti_of_a_departement_is_the_one_with_most_communes_there(app_data):
    catalog = app_data.catalog
    for dep in catalog.departments():
        found = industry_territories_containing(catalog, dep)
        counts = [dict(t.commune_counts)[dep.code] for t in found]
        main = [dep.code in t.departments for t in found]
        assert main == sorted(main, reverse=True)          # main TIs (≥ 5 communes) first
        assert all(a >= b for (a, m1), (b, m2) in zip(zip(counts, main), zip(counts[1:], main[1:])) if m1 == m2)


# ---------------------------------------------------------------- item 3: choices reach the dossier

def test_report_items_follow_the_users_choices(app_data):
    alpes = department("04")
    default = {i.key: i for i in report_items(app_data.cube, app_data.catalog, alpes, YEAR,
                                              keys=["departments", "exposure", "balance"])}
    chosen = {i.key: i for i in report_items(
        app_data.cube, app_data.catalog, alpes, YEAR, keys=["departments", "exposure", "balance"],
        choices=ReportChoices(peer_departments=("75", "2A"), exposure_country="DE", balance_partners=15))}
    assert chosen["departments"].tables[0].frame["department"].tolist() == ["75", "2A"]
    assert default["departments"].tables[0].frame["department"].tolist() != ["75", "2A"]
    assert chosen["exposure"].chart == "de" and "Allemagne" in chosen["exposure"].title
    assert "États-Unis" in default["exposure"].title
    assert len(chosen["balance"].tables[0].frame) > len(default["balance"].tables[0].frame)


def test_the_dossier_holds_the_chosen_departements_and_country(app_data):
    from lib.outputs.dossier import build_dossier
    content = build_dossier(app_data, "dep:04", YEAR, with_images=False,
                            choices=ReportChoices(peer_departments=("75", "69"), exposure_country="DE"))
    wb = load_workbook(io.BytesIO(content))

    def cells(name):
        return [str(c.value) for row in wb[name].iter_rows() for c in row if c.value is not None]
    exposure_cells = cells("Exposition pays") + cells("Exposition produits")
    assert any("Allemagne" in c for c in exposure_cells) and not any("États-Unis" in c for c in exposure_cells)
    peers = [ws for ws in wb.worksheets if any("Paris" in c for c in cells(ws.title))
             and any("Rhône" in c for c in cells(ws.title))]
    assert peers, "no sheet compares the chosen départements 75 and 69"
    assert not any("Bouches-du-Rhône" in c for ws in peers for c in cells(ws.title))
    readme = cells("Lisez-moi")
    assert any("départements comparés 75, 69" in c and "vers l'Allemagne" in c for c in readme), readme


def test_the_word_sheet_follows_the_balance_choice(app_data, monkeypatch):
    from lib.outputs import fiche_docx
    seen = {}
    original = fiche_docx.report_items

    def spy(*args, **kwargs):
        seen["choices"] = kwargs.get("choices")
        return original(*args, **kwargs)
    monkeypatch.setattr(fiche_docx, "report_items", spy)
    fiche_docx.build_fiche(app_data, "dep:04", YEAR, with_images=False, choices=ReportChoices(balance_partners=20))
    assert seen["choices"] == ReportChoices(balance_partners=20)


# ---------------------------------------------------------------- item 8: France not compared with itself

def test_france_is_not_compared_with_itself_on_exposure(app_data):
    cube = app_data.cube
    partner = exposure.exposure_to_partner(cube, FRANCE, YEAR, "US")
    assert math.isnan(partner.share_france)
    figure = xfig.exposure_figure(partner, FRANCE.name)
    assert list(figure.data[0].x) == ["France entière"]
    assert [r[0] for r in xtab.exposure_summary_table(partner, FRANCE.name).frame.itertuples(index=False)] == \
        ["France entière"]
    concentration = exposure.concentration(cube, FRANCE, YEAR)
    names = [t.name for t in xfig.concentration_figure(concentration, FRANCE.name).data if t.type == "bar"]
    assert names == ["France entière"]
    assert not any("France" in c.header for c in xtab.concentration_table(concentration).columns)
    split = exposure.eu_split(cube, FRANCE, YEAR)
    assert not any("France" in (t.name or "") for t in xfig.eu_split_figure(split, FRANCE.name).data)
    # a département keeps its comparison with France
    alpes = exposure.exposure_to_partner(cube, department("04"), YEAR, "US")
    assert list(xfig.exposure_figure(alpes, "Alpes-de-Haute-Provence").data[0].customdata)[-1] == "France entière"


# ---------------------------------------------------------------- item 4: plotly's toolbar in French

def test_plotly_config_carries_its_french_dictionary():
    config = chart_config({"displaylogo": False})
    assert config["locale"] == "fr" and config["displaylogo"] is False
    dictionary = config["locales"]["fr"]["dictionary"]
    for english in ("Download plot as a PNG", "Zoom", "Pan", "Reset axes", "Autoscale", "Zoom in", "Zoom out"):
        assert dictionary[english] and not re.search(r"\b(plot|Zoom|Reset|Download|Pan)\b", dictionary[english])
    json.dumps(config)                        # it travels to the browser as JSON
    assert FRENCH_DICTIONARY is dictionary
