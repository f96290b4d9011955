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


LOCAL_PACKAGES = {"lib", "tests", "bench", "pages", "scripts", "streamlit_app", "conftest"}


def _declared_requirements() -> set[str]:
    names = set()
    for file in ("requirements.txt", "requirements-dev.txt", "requirements-mutation.txt"):
        for line in (PROJECT_DIR / file).read_text(encoding="utf-8").splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-"):
                names.add(_normalise(line.split("==")[0].split(">=")[0].split("[")[0]))
    return names


def _normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def _imported_top_level_modules() -> dict[str, str]:
    """Top-level module → first file importing it, over the project's Python files (third-party only)."""
    import ast
    found: dict[str, str] = {}
    files = [PROJECT_DIR / "streamlit_app.py"] + sorted(
        p for folder in ("lib", "pages", "bench", "scripts", "tests") for p in (PROJECT_DIR / folder).rglob("*.py")
        if "node_modules" not in p.parts)
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in LOCAL_PACKAGES:
                    found.setdefault(top, str(path.relative_to(PROJECT_DIR)))
    return found


def test_every_imported_package_is_declared_in_the_requirements():
    """Pillow and choreographer were imported but came only through streamlit and kaleido."""
    import importlib.metadata
    distributions = importlib.metadata.packages_distributions()
    declared = _declared_requirements()
    imported = _imported_top_level_modules()
    assert {"PIL", "choreographer", "plotly", "streamlit"} <= set(imported), sorted(imported)
    missing = {module: where for module, where in imported.items()
               if not any(_normalise(d) in declared for d in distributions.get(module, [module]))}
    assert not missing, f"paquets importés mais absents des requirements : {missing}"
