"""Rules for the tests themselves: an assertion that the data can skip checks nothing.

A balance-by-country test once sat under ``if "DE" in partners:``; Germany was never in the test data's
top 5, so a sign error in the balance went through every tier. A test that depends on the data holding
something asserts that it does, then checks it.
"""
from __future__ import annotations

import ast
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent


def _membership(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in n.ops)
               for n in ast.walk(node))


def _asserts(nodes) -> bool:
    return any(isinstance(n, ast.Assert) for node in nodes for n in ast.walk(node))


def skippable_assertions(source: str) -> list[tuple[int, str]]:
    """(line, condition) of each assertion in a ``test_*`` function that runs only if the data hold something:
    under ``if … in …:``, or under ``if x:`` / ``if x is not None:`` where ``x = … if … in … else None``."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not function.name.startswith("test"):
            continue
        maybe_missing = {target.id for node in ast.walk(function) if isinstance(node, ast.Assign)
                         and isinstance(node.value, ast.IfExp) and _membership(node.value.test)
                         for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(function):
            if not isinstance(node, ast.If) or not _asserts(node.body + node.orelse):
                continue
            names = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}
            if _membership(node.test) or names & maybe_missing:
                found.append((node.lineno, ast.unparse(node.test)))
    return found


def test_the_rule_finds_the_pattern_that_hid_a_sign_error():
    hidden = ('def test_x(partners):\n'
              '    de = partners.loc["DE"] if "DE" in partners.index else None\n'
              '    if de is not None:\n'
              '        assert de["balance"] > 0\n'
              '    if "FR" in partners.index:\n'
              '        assert partners.loc["FR"]["balance"] < 0\n')
    assert [line for line, _ in skippable_assertions(hidden)] == [3, 5]
    stated = ('def test_x(partners):\n'
              '    assert "DE" in partners.index\n'
              '    assert partners.loc["DE"]["balance"] > 0\n')
    assert skippable_assertions(stated) == []


def test_no_assertion_in_the_suite_is_skipped_by_the_data():
    offenders = [f"{path.relative_to(TESTS_DIR)}:{line} — if {condition}"
                 for path in sorted(TESTS_DIR.rglob("test_*.py"))
                 for line, condition in skippable_assertions(path.read_text(encoding="utf-8"))]
    assert not offenders, "assertions soumises à la présence d'une donnée :\n" + "\n".join(offenders)
