"""The package layout of lib/ (issue 10): layers, no cycle, no private name taken across modules."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]


def _measure():
    spec = importlib.util.spec_from_file_location("measure_layout", PROJECT_DIR / "scripts" / "measure_layout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lib_graph():
    measure = _measure()
    modules = measure.lib_modules()
    graph, private = {}, []
    for name, path in modules.items():
        pairs = measure.imports_of(path, name, modules)
        graph[name] = {m for m, _ in pairs if not name.startswith(m + ".") and m != "lib"}
        private += [f"{name} takes {m}.{n}" for m, n in pairs if n.startswith("_") and not n.startswith("__")]
    return measure, graph, private


def test_no_import_cycle_in_lib():
    measure, graph, _ = _lib_graph()
    assert measure.cycles(graph) == []


def test_no_private_name_imported_across_modules():
    _, _, private = _lib_graph()
    assert private == []


def test_the_cycle_finder_sees_a_cycle():
    """The check above can fail: two modules importing each other make one group."""
    assert _measure().cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_import_linter_contracts_hold():
    """Layers (core < data < analysis < presentation < outputs < ui | cli), Streamlit only in lib.ui, no cycle."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter absent (pip install -r requirements-dev.txt)")
    proc = subprocess.run([str(lint), "--no-cache"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "0 broken" in proc.stdout
