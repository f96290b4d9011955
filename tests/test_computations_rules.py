"""The rules of lib.analysis.computations (fast tier; issue 23): a written synthesis run by name quotes the
summary of the territory and year asked, the one given when the caller has it (computed once per territory),
else one computed here; either way the same text as a direct call."""
from __future__ import annotations

from lib.analysis import computations, synthesis
from lib.analysis.summary import territory_summary
from lib.data.territories import department
from tests.test_synthesis_rules import MAIN, make_cube


def test_a_synthesis_by_name_quotes_the_summary_of_the_territory_and_year_asked():
    cube, territory = make_cube(MAIN), department("04")
    for name, write in (("overview_synthesis", synthesis.overview_synthesis),
                        ("flow_synthesis", synthesis.flow_synthesis)):
        args = ("export",) if name == "flow_synthesis" else ()
        for year in (2023, 2024):
            direct = write(cube, territory, year, *args, territory_summary(cube, territory, year))
            assert computations.run(cube, territory, year, name, *args) == direct
        assert direct != write(cube, territory, 2023, *args, territory_summary(cube, territory, 2023))


def test_a_summary_given_is_the_one_quoted():
    cube, territory = make_cube(MAIN), department("04")
    summary_2023 = territory_summary(cube, territory, 2023)
    given = computations.run(cube, territory, 2024, "overview_synthesis", summary=summary_2023)
    assert given == synthesis.overview_synthesis(cube, territory, 2024, summary_2023)
    assert given != computations.run(cube, territory, 2024, "overview_synthesis")
