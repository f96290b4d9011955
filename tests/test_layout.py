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


def _mover():
    spec = importlib.util.spec_from_file_location("move_modules", PROJECT_DIR / "scripts" / "move_modules.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_move_script_rewrites_old_imports_of_a_merged_branch():
    mover = _mover()
    moved = {"lib.figures": "lib.presentation.figures", "lib.schema": "lib.core.schema", "lib.bench": "bench.timings"}
    old = ("from lib import cli, figures as fig, schema\n"
           "    from lib.schema import EXPORT\n"
           'code = "from lib import schema\\n"  # python -m lib.bench, lib/figures.py\n')
    assert mover.rewrite(old, moved) == (
        "from lib import cli\nfrom lib.presentation import figures as fig\nfrom lib.core import schema\n"
        "    from lib.core.schema import EXPORT\n"
        'code = "from lib.core import schema\\n"  # python -m bench.timings, lib/presentation/figures.py\n')
    assert mover.rewrite(mover.rewrite(old, moved), moved) == mover.rewrite(old, moved)


def test_move_script_merges_import_only_conflicts_and_leaves_the_others():
    mover = _mover()
    moved = {"lib.figures": "lib.presentation.figures"}
    text = ("<<<<<<< HEAD\nfrom lib.presentation import figures\nfrom lib.ui import loaders\n=======\n"
            "from lib import figures\nfrom lib.ui import loaders, page_choices as choices\n>>>>>>> issue-14b\n"
            "x = 1\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>> issue-14b\n")
    merged, resolved, left = mover.merge_import_conflicts(text, moved)
    assert (resolved, left) == (1, 1)
    assert merged.startswith("from lib.presentation import figures\nfrom lib.ui import loaders, page_choices as choices\n"
                             "x = 1\n<<<<<<< HEAD\ny = 2\n")
