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
