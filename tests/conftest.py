"""Shared fixtures: the project on sys.path, the real reference folder (optional), the demo data."""
from __future__ import annotations

import ast
import functools
import inspect
import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
SHARED_DIR = PROJECT_DIR.parent / "shared"
sys.path.insert(0, str(PROJECT_DIR))
# No background precomputation of page results (lib/ui/warm_build) from the servers and AppTests of the
# suite: each would start one for its own data. tests/test_warm_store.py builds them itself.
os.environ.setdefault("CET_PRECOMPUTE", "0")


@pytest.fixture(scope="session")
def shared_raw() -> Path:
    raw = SHARED_DIR / "data" / "raw"
    if not raw.is_dir():
        pytest.skip("dossier ../shared/data/raw absent : vérification sur les fichiers réels ignorée")
    return raw


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    """The national-scale demo (generated once, deterministic)."""
    from lib.data.demo import ensure_demo
    from lib.core.schema import DEMO_DIR
    return ensure_demo(DEMO_DIR)


@pytest.fixture(scope="session")
def app_data(demo_dir, tmp_path_factory):
    from lib.analysis.dataset import load_app_data
    return load_app_data([demo_dir], cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _no_legacy_pages_mode(monkeypatch):
    """Run AppTest like `python -m lib.ui.server` runs the app: `pages/` is not a legacy multipage folder.

    AppTest resets Streamlit's legacy-mode flag before every run; left alone, each rerun after the first
    would execute only the page script (the sidebar of the entry point vanishes).
    """
    from streamlit.runtime.pages_manager import PagesManager
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


# --- Test tiers -------------------------------------------------------------------------------------------------
# Every test gets exactly one tier, from what it needs, so that a new test is sorted without anyone
# remembering to mark it: ``browser`` (a real server and Chromium), ``app`` (Streamlit's AppTest runs pages),
# ``render`` (kaleido's Chromium draws PNGs), ``national`` (reads or generates the whole national demo files,
# 18 ZIPs), ``unit`` (pure functions over small or cached data). ``make test-fast`` runs the unit tier;
# ``make test`` runs them all. A tier is decided per test, not per file: from the test's own code, the module's
# helper functions it calls (followed through), and its fixtures' code. A pure test of the secret's comparison
# in a file that also runs AppTest stays in the fast tier. A test may also say its tier with a marker.
TIERS = {
    "unit": "fonctions pures, sans serveur ni navigateur (make test-fast)",
    "render": "rendu PNG par kaleido (Chromium côté serveur)",
    "national": "lit ou génère les 18 ZIP de la démo nationale",
    "app": "pages exécutées par AppTest de Streamlit",
    "browser": "serveur réel (Streamlit, nginx) et, le plus souvent, Chromium piloté par Playwright",
}
_SERVER_HINTS = ("StreamlitServer", "local_server", "nginx")
_RENDER_HINTS = ("chrome_available", "figure_to_png", "render_png", "kaleido", "to_image(", "ChartImages",
                 "render_check", "soffice")


def pytest_configure(config):
    for name, meaning in TIERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def _tier_of(item) -> str:
    path = Path(str(item.fspath))
    if any(part.startswith("e2e") for part in path.relative_to(PROJECT_DIR).parts):
        return "browser"
    source = "\n".join(_code_reached(item))
    if any(hint in source for hint in _SERVER_HINTS):
        return "browser"
    if "AppTest" in source:
        return "app"
    if any(hint in source for hint in _RENDER_HINTS):
        return "render"
    if "demo_dir" in getattr(item, "fixturenames", ()):
        return "national"
    return "unit"


def _code_reached(item) -> list[str]:
    """The source of the test, of its fixtures, and of every top-level function or class of their modules
    that they name, or that they import from another tests module (followed through): what the test will run
    of the tests' own code."""
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for definitions in (info.name2fixturedefs.values() if info else ()):
        functions += [definition.func for definition in definitions]
    seen: set[tuple[str, str]] = set()
    sources: list[str] = []
    pending = [(inspect.getmodule(f), _source_of(f)) for f in functions if f is not None]
    while pending:
        module, source = pending.pop()
        sources.append(source)
        helpers = _top_level_sources(module)
        for name in _names_in(source):
            key = (getattr(module, "__name__", ""), name)
            if key in seen:
                continue
            if name in helpers:
                seen.add(key)
                pending.append((module, helpers[name]))
                continue
            imported = getattr(module, name, None)      # a helper imported from another tests module
            home = inspect.getmodule(imported) if callable(imported) else None
            if home is not None and home.__name__.startswith("tests.") and home is not module:
                seen.add(key)
                pending.append((home, _source_of(imported)))
    return sources


_SOURCES: dict[object, str] = {}


def _source_of(function) -> str:
    """The function's code without its docstrings and comments (a docstring naming AppTest runs nothing)."""
    if function not in _SOURCES:
        try:
            _SOURCES[function] = _code_only(textwrap.dedent(inspect.getsource(function)))
        except (OSError, TypeError):
            _SOURCES[function] = ""
    return _SOURCES[function]


def _code_only(source: str) -> str:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
            body[0] = ast.Pass()
    return ast.unparse(tree)


_HELPERS: dict[str, dict[str, str]] = {}


def _top_level_sources(module) -> dict[str, str]:
    """name → source of each top-level function and class of a tests module (cached)."""
    name = getattr(module, "__name__", "")
    if name not in _HELPERS:
        helpers = {}
        try:
            text = inspect.getsource(module) if module is not None else ""
            tree = ast.parse(text)
        except (OSError, TypeError, SyntaxError):
            tree, text = None, ""
        lines = text.splitlines(keepends=True)

        def segment(node) -> str:
            # Top-level nodes start at column 0: whole lines. (ast.get_source_segment splits the whole module
            # again at every call, which made collection take seconds.)
            return _code_only("".join(lines[node.lineno - 1:node.end_lineno]))

        for node in (tree.body if tree else ()):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                helpers[node.name] = segment(node)
            elif isinstance(node, ast.Assign):      # a constant that names a helper (a plan, a list of calls)
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        helpers[target.id] = segment(node)
        _HELPERS[name] = helpers
    return _HELPERS[name]


@functools.lru_cache(maxsize=None)
def _names_in(source: str) -> frozenset[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return frozenset()
    return frozenset(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))


def pytest_collection_modifyitems(config, items):
    for item in items:
        declared = [name for name in TIERS if item.get_closest_marker(name)]
        if not declared:
            item.add_marker(getattr(pytest.mark, _tier_of(item)))
    if "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", ""):      # a mutant's run, not mutmut's other runs
        _order_for_mutation(items)


def _order_for_mutation(items) -> None:
    """Under mutmut (it sets MUTANT_UNDER_TEST in each run), the tests of a mutant run fastest first, from the
    durations mutmut measured (mutants/mutmut-stats.json, cwd is mutants/): mutmut stops at the first failure
    (-x), so a killed mutant costs its quickest killer, not the file order. With CET_MUTATION_SLOW_S set
    (make mutation sets 2), tests that took longer are skipped: a survivor no longer pays them, and the score
    can only be lower than with them (a lower bound, said in the report)."""
    try:
        durations = json.loads(Path("mutmut-stats.json").read_text(encoding="utf-8"))["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))
    limit = os.environ.get("CET_MUTATION_SLOW_S")
    if limit:
        skip = pytest.mark.skip(reason=f"plus de {limit} s : laissé hors de la campagne de mutation")
        for item in items:
            if durations.get(item.nodeid, 0.0) > float(limit):
                item.add_marker(skip)
