"""The mutation report (bench/mutation_report.py): per-module counts, score without equivalents or mutants not run."""
from __future__ import annotations

from bench import mutation_report as report

RESULTS = """
    lib.data.auth.x_check_secret__mutmut_1: killed
    lib.data.auth.x_check_secret__mutmut_2: survived
    lib.data.auth.x_check_secret__mutmut_7: survived
    lib.data.auth.xǁConsoleTokenǁconsume__mutmut_3: no tests
    lib.core.formatting.x_format_rank__mutmut_10: not checked
    lib.core.formatting.x_format_rank__mutmut_2: killed
    lib.core.formatting.x_format_rank__mutmut_3: timeout
"""


def test_names_give_their_module_and_function():
    assert report.module_of("lib.data.auth.x_check_secret__mutmut_7") == "lib.data.auth"
    assert report.function_of("lib.data.auth.x_check_secret__mutmut_7") == "check_secret"
    assert report.module_of("lib.data.auth.xǁConsoleTokenǁconsume__mutmut_3") == "lib.data.auth"
    assert report.function_of("lib.data.auth.xǁConsoleTokenǁconsume__mutmut_3") == "ConsoleToken.consume"


def test_score_leaves_out_equivalents_and_mutants_not_run():
    states = report.parse_results(RESULTS)
    assert len(states) == 7 and states["lib.core.formatting.x_format_rank__mutmut_10"] == "not checked"
    summary = report.summarise(states, {"lib.data.auth.x_check_secret__mutmut_7": "same codec",
                                        "lib.data.auth.x_gone__mutmut_1": "its function changed",
                                        "lib.outputs.other.x_f__mutmut_1": "another module, not run here"})
    auth, formatting = summary["modules"]["lib.data.auth"], summary["modules"]["lib.core.formatting"]
    assert (auth["killed"], auth["survived"], auth["equivalent"], auth["no tests"], auth["counted"]) == (1, 1, 1, 1, 3)
    assert (formatting["killed"], formatting["timeout"], formatting["not checked"], formatting["counted"]) == (1, 1, 1, 2)
    assert (summary["killed"], summary["counted"], summary["not_run"]) == (2, 5, 1)
    assert summary["score"] == 2 / 5
    assert summary["survivors"]["lib.data.auth"] == ["lib.data.auth.x_check_secret__mutmut_2 (survived)"]
    assert summary["survivors"]["lib.core.formatting"] == ["lib.core.formatting.x_format_rank__mutmut_3 (timeout)"]
    assert summary["uncovered"] == {"lib.data.auth": {"ConsoleToken.consume": 1}}
    assert summary["stale_equivalents"] == ["lib.data.auth.x_gone__mutmut_1"]
    text = report.to_markdown(summary, "test")
    assert "**Score: 40.0%**" in text and "1 not run" in text and "`ConsoleToken.consume` (1)" in text


def test_a_restricted_run_carries_the_kills_of_an_earlier_full_run_of_the_same_code():
    states = report.parse_results("""
    lib.a.x_f__mutmut_1: not checked
    lib.a.x_f__mutmut_2: survived
    lib.a.x_f__mutmut_3: not checked
    lib.a.x_g__mutmut_1: not checked
    lib.b.x_h__mutmut_1: not checked
""")
    previous = {"modules": {"lib.a": {"total": 4, "killed": 1, "survived": 2, "no tests": 1},
                            "lib.b": {"total": 2, "killed": 2}},                # other code: 2 mutants then
                "survivors": {"lib.a": ["lib.a.x_f__mutmut_2 (survived)", "lib.a.x_f__mutmut_3 (survived)"]},
                "uncovered": {"lib.a": {"g": 1}}}
    carried = report.carry_killed(states, previous)
    assert carried["lib.a.x_f__mutmut_1"] == report.CARRIED          # killed then, tests only added since
    assert carried["lib.a.x_f__mutmut_2"] == "survived"               # this run's verdict stands
    assert carried["lib.a.x_f__mutmut_3"] == "not checked"            # a survivor then, not run now
    assert carried["lib.a.x_g__mutmut_1"] == "not checked"            # no fast test ran it then
    assert carried["lib.b.x_h__mutmut_1"] == "not checked"            # the module changed: nothing carried
    summary = report.summarise(carried, {})
    assert summary["modules"]["lib.a"]["score"] == 1 / 2 and summary["killed"] == 1
    assert "| `lib.a` | 0 (+1 earlier) | 1 |" in report.to_markdown(summary, "t")
    noted = report.to_markdown(summary, "t", note="Survivors only.")
    assert noted.startswith("# Mutation testing (t)\n\nSurvivors only.\n")


def test_a_carried_mutant_written_as_equivalent_stays_equivalent_not_killed():
    states = report.parse_results("""
    lib.a.x_f__mutmut_1: not checked
    lib.a.x_f__mutmut_2: not checked
""")
    previous = {"modules": {"lib.a": {"total": 2, "killed": 1, "survived": 1}}, "survivors": {}}
    equivalents = {"lib.a.x_f__mutmut_2": "same behaviour"}
    carried = report.carry_killed(states, previous, equivalents)
    assert carried == {"lib.a.x_f__mutmut_1": report.CARRIED, "lib.a.x_f__mutmut_2": "survived"}
    counts = report.summarise(carried, equivalents)["modules"]["lib.a"]
    assert (counts["equivalent"], counts["score"]) == (1, 1.0)


def test_survivors_killed_since_an_earlier_report_come_with_the_tests_of_their_function():
    states = {"lib.a.x_f__mutmut_2": "killed", "lib.a.x_f__mutmut_3": "survived", "lib.a.x_f__mutmut_4": "killed"}
    previous = {"survivors": {"lib.a": ["lib.a.x_f__mutmut_2 (survived)", "lib.a.x_f__mutmut_3 (survived)"]}}
    found = report.killed_since(states, previous, {"lib.a.x_f": ["tests/t.py::test_b", "tests/t.py::test_a"]})
    assert found == {"lib.a": [("lib.a.x_f__mutmut_2", ["tests/t.py::test_a", "tests/t.py::test_b"])]}
    summary = {**report.summarise(states, {}), "killed_since": found}
    assert "- `x_f__mutmut_2` — `tests/t.py::test_a`, `tests/t.py::test_b`" in report.to_markdown(summary, "t")


def test_survivors_a_kill_loop_killed_count_killed_and_name_their_test(tmp_path):
    """The run has only its commit's tests; the kill loops apply each survivor to a checkout with the new tests.
    A survivor they kill counts killed, with its test; one they could not kill, or never ran, stays a survivor;
    a mutant killed by the run itself is not moved."""
    access = tmp_path / "mutation-kills-access.txt"
    access.write_text("# header\nlib.data.auth.x_check_secret__mutmut_2 KILLED tests/test_auth_rules.py::test_whole\n"
                      "lib.data.auth.xǁConsoleTokenǁconsume__mutmut_3 KILLED tests/test_auth_rules.py::test_once\n"
                      "lib.core.formatting.x_format_rank__mutmut_3 SURVIVED\n", encoding="utf-8")
    analysis = tmp_path / "mutation-triage-analysis.md"
    analysis.write_text("lib.core.formatting.x_format_rank__mutmut_2  killed by tests/test_f.py::test_rank\n",
                        encoding="utf-8")
    kills = report.read_kills([access, analysis])
    assert kills == {"lib.data.auth.x_check_secret__mutmut_2": "tests/test_auth_rules.py::test_whole",
                     "lib.data.auth.xǁConsoleTokenǁconsume__mutmut_3": "tests/test_auth_rules.py::test_once",
                     "lib.core.formatting.x_format_rank__mutmut_2": "tests/test_f.py::test_rank"}
    states = report.apply_kills(report.parse_results(RESULTS), kills)
    assert states["lib.data.auth.x_check_secret__mutmut_2"] == report.LOOP_KILLED
    assert states["lib.core.formatting.x_format_rank__mutmut_2"] == "killed"        # the run's own verdict
    assert states["lib.core.formatting.x_format_rank__mutmut_3"] == "timeout"
    summary = report.summarise(states, {"lib.data.auth.x_check_secret__mutmut_7": "same codec"})
    auth = summary["modules"]["lib.data.auth"]
    assert states["lib.data.auth.xǁConsoleTokenǁconsume__mutmut_3"] == report.LOOP_KILLED   # code no test ran then
    assert (auth[report.LOOP_KILLED], auth["counted"], auth["score"]) == (2, 3, 1.0)
    assert "lib.data.auth" not in summary["survivors"]
    summary["loop_kills"] = {"lib.data.auth": [("lib.data.auth.x_check_secret__mutmut_2",
                                                "tests/test_auth_rules.py::test_whole")]}
    text = report.to_markdown(summary, "test")
    assert "| `lib.data.auth` | 1 (+2 by the new tests) |" in text
    aborted = report.apply_kills({"lib.a.x_f__mutmut_1": "suspicious", "lib.a.x_f__mutmut_2": "suspicious"},
                                 {"lib.a.x_f__mutmut_1": "tests/t.py::test_a"})
    assert aborted == {"lib.a.x_f__mutmut_1": report.LOOP_KILLED, "lib.a.x_f__mutmut_2": "suspicious"}
    assert "- `x_check_secret__mutmut_2` — `tests/test_auth_rules.py::test_whole`" in text
