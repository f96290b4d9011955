"""Layout figures for issue 10: lines of code and modules per package, import cycles, private cross-module imports.

Run from the project root: `python scripts/measure_layout.py`. Prints numbers only; the import-linter contracts
(`lint-imports`, run by `make test`) are what enforces the layout.
"""
from __future__ import annotations

import ast
import collections
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def lib_modules() -> dict[str, pathlib.Path]:
    """Every module of lib/, by dotted name."""
    found = {}
    for path in sorted((ROOT / "lib").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports_of(path: pathlib.Path, name: str, modules: dict) -> list[tuple[str, str]]:
    """(imported module, imported name) pairs of one file, lib modules only, at any depth (lazy imports count)."""
    pairs = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("lib"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                pairs.append((sub, "") if sub in modules else (node.module, alias.name))
        elif isinstance(node, ast.Import):
            pairs += [(a.name, "") for a in node.names if a.name.startswith("lib")]
    return [(m, n) for m, n in pairs if m in modules and m != name]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v), on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main() -> None:
    modules = lib_modules()
    graph, private = {}, []
    for name, path in modules.items():
        pairs = imports_of(path, name, modules)
        graph[name] = {m for m, _ in pairs if not name.startswith(m + ".") and m != "lib"}
        private += [(name, m, n) for m, n in pairs if n.startswith("_") and not n.startswith("__")]
    per_package = collections.defaultdict(lambda: [0, 0])
    for name, path in modules.items():
        if path.name == "__init__.py" and not path.read_text().strip():
            continue
        package = name.rsplit(".", 1)[0] if path.name != "__init__.py" else name
        per_package[package][0] += 1
        per_package[package][1] += len(path.read_text().splitlines())
    print("package                     modules   lines")
    for package, (count, lines) in sorted(per_package.items()):
        print(f"{package:<28}{count:>7}{lines:>8}")
    print(f"{'total':<28}{sum(c for c, _ in per_package.values()):>7}{sum(l for _, l in per_package.values()):>8}")
    found = cycles(graph)
    print(f"import cycles (groups of modules importing each other): {len(found)}")
    for comp in found:
        print("  " + " <-> ".join(comp))
    print(f"private names imported across modules: {len(private)}")
    for importer, module, name in private:
        print(f"  {importer} takes {module}.{name}")


if __name__ == "__main__":
    main()
