"""Item 3 of issue 20: the release month of each file comes from what the file says (its workbooks' creation
date, then their modification date), the ZIP entries' dates only as a last resort; a dataset whose files
disagree says so in its source line instead of citing the newest."""
from __future__ import annotations

import datetime as dt

from lib.data import versions
from lib.data.official_files import citation, read_official_files
from lib.data.release_dates import dataset_release, file_release, release_phrase, workbook_dates
from lib.data.uploads import accept_uploads
from tests.official_builders import without_dates, write_zip, xlsx_bytes
from tests.test_bad_input import trade_rows
from tests.test_versions import root  # noqa: F401  (fixture: an isolated data folder)

FEB, DEC = (2026, 2, 6, 10, 0, 0), (2026, 12, 1, 9, 0, 0)


def test_a_workbook_says_when_it_was_made():
    assert workbook_dates(xlsx_bytes([], created=FEB))[0] == dt.date(2026, 2, 6)
    assert workbook_dates(without_dates(xlsx_bytes([]))) == []
    assert workbook_dates(b"not a workbook") == []


def test_the_workbook_wins_over_the_zip_entries_and_implausible_dates_are_skipped():
    feb, dec = dt.date(2026, 2, 6), dt.date(2026, 12, 1)
    assert file_release([[feb, dec]], [dec], 2025) == (feb, "classeur")        # re-saved, re-zipped: still February
    assert file_release([[dt.date(2015, 1, 1), dec]], [feb], 2025) == (dec, "classeur")   # a template's creation date
    assert file_release([[]], [feb, dt.date(1980, 1, 1)], 2025) == (feb, "archive")
    assert file_release([], [dt.date(1980, 1, 1)], 2025) == (None, None)


def test_a_dataset_cites_the_month_most_files_say_and_names_the_others():
    sources = [{"file": f"r{i}.zip", "release_date": "2026-02-06"} for i in range(17)]
    sources.append({"file": "region_13_A.zip", "release_date": "2026-12-01"})
    main, others = dataset_release(sources)
    assert main == dt.date(2026, 2, 6) and others == [("décembre 2026", 1)]
    assert release_phrase(main, others) == "février 2026, un fichier de décembre 2026"
    tie = dataset_release([{"file": "a", "release_date": "2025-02-07"}, {"file": "b", "release_date": "2026-02-06"}])
    assert tie == (dt.date(2026, 2, 6), [("février 2025", 1)])                  # a tie goes to the newest
    two = dataset_release(sources + [{"file": "x", "release_date": "2026-12-02"}, {"file": "y"}])
    assert release_phrase(*two) == "février 2026, 2 fichiers de décembre 2026"


def _region(folder, number: str, deps, *, zip_date=FEB, book_date=FEB):
    return write_zip(folder / f"region_{number}_A.zip", {
        f"REGION_{number}_A_IMPORT.xlsx": xlsx_bytes(trade_rows(deps, "Import"), created=book_date),
        f"REGION_{number}_A_EXPORT.xlsx": xlsx_bytes(trade_rows(deps, "Export"), created=book_date)},
        date_time=zip_date)


def test_a_rezipped_file_keeps_its_month_and_a_file_of_another_release_is_named(tmp_path):
    files = [_region(tmp_path, "93", ["04"]), _region(tmp_path, "94", ["2A"], zip_date=DEC)]
    rezipped = read_official_files(files)
    assert rezipped.release_date == dt.date(2026, 2, 6) and rezipped.release_others == []
    assert citation(rezipped) == "Source : douanes françaises, résultats de février 2026"
    assert not [w for w in rezipped.warnings if "diffusion" in w]
    files.append(_region(tmp_path, "76", ["31"], book_date=DEC, zip_date=DEC))
    mixed = read_official_files(files)
    assert mixed.release_date == dt.date(2026, 2, 6)
    assert citation(mixed) == "Source : douanes françaises, résultats de février 2026, un fichier de décembre 2026"
    assert [s["release_from"] for s in mixed.sources] == ["classeur"] * 3
    warning = next(w for w in mixed.warnings if "diffusion" in w)
    assert warning.startswith("Les fichiers ne viennent pas tous de la même diffusion : « region_76_A.zip » "
                              "(décembre 2026) ; les 2 autres sont de février 2026.")


def test_a_version_keeps_each_files_month_and_its_history_says_they_disagree(root, tmp_path):  # noqa: F811
    paths = [_region(tmp_path, "93", ["04"]), _region(tmp_path, "94", ["2A"]),
             _region(tmp_path, "76", ["31"], book_date=DEC)]
    report = accept_uploads([(p.name, p.read_bytes()) for p in paths])
    version = versions.get(report.version)
    assert {f["name"]: f["release_date"] for f in version.files} == {
        "region_76_A.zip": "2026-12-01", "region_93_A.zip": "2026-02-06", "region_94_A.zip": "2026-02-06"}
    assert version.manifest["release_date"] == "2026-02-06"
    assert versions.history_rows()[0]["Diffusion"] == "février 2026, un fichier de décembre 2026"
    assert report.release_text == "février 2026, un fichier de décembre 2026"
