"""Move lib/ modules into packages by layer and rewrite every import of them (issue 10).

Idempotent: a module is moved only when its old file is still there and the new one is not, and the references to
an old name are rewritten only once the module lives at its new place. Run it again after merging a branch that
still imports the old names (`python scripts/move_modules.py`): it then only rewrites that branch's imports.
Rewrites `from lib import a, b as c`, `from lib.a import x`, `import lib.a`, dotted names in strings (`python -m
lib.a`, `mock.patch("lib.a.f")`) and paths (`lib/a.py`) in every tracked text file but data/ and this script.

`--merge-imports`, during a merge that stopped on conflicts: a conflict whose two sides are only import lines is
resolved as the union of both sides (after rewriting the old names); the other conflicts are left for a person.
"""
from __future__ import annotations

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# OLD dotted name -> NEW dotted name. Layers, lowest first: core, data, analysis, presentation, outputs, then ui and
# cli on top; bench and test helpers leave the library.
MOVES = {
    "lib.plotly_locale": "lib.presentation.plotly_locale",
    # core: shared vocabulary every layer may use (column names, errors, French number formats, file locks)
    "lib.schema": "lib.core.schema",
    "lib.errors": "lib.core.errors",
    "lib.formatting": "lib.core.formatting",
    "lib.filelock": "lib.core.filelock",
    # data: customs files, cache, demo, download, versions, uploads, reference tables, territories, accounts
    "lib.reference": "lib.data.reference",
    "lib.official_files": "lib.data.official_files",
    "lib.trade_cache": "lib.data.trade_cache",
    "lib.demo": "lib.data.demo",
    "lib.fetch": "lib.data.fetch",
    "lib.versions": "lib.data.versions",
    "lib.territory_links": "lib.data.territory_links",
    "lib.uploads": "lib.data.uploads",
    "lib.audit": "lib.data.audit",
    "lib.auth": "lib.data.auth",
    "lib.territories": "lib.data.territories",
    # analysis: the cube and everything computed from it
    "lib.dataset": "lib.analysis.dataset",
    "lib.indicators": "lib.analysis.indicators",
    "lib.trends": "lib.analysis.trends",
    "lib.exposure": "lib.analysis.exposure",
    "lib.explorers": "lib.analysis.explorers",
    "lib.summary": "lib.analysis.summary",
    "lib.synthesis": "lib.analysis.synthesis",
    # presentation: French texts, colours, plotly figures, table models
    "lib.texts": "lib.presentation.texts",
    "lib.chart_text": "lib.presentation.chart_text",
    "lib.palette": "lib.presentation.palette",
    "lib.figures": "lib.presentation.figures",
    "lib.exposure_figures": "lib.presentation.exposure_figures",
    "lib.explorer_figures": "lib.presentation.explorer_figures",
    "lib.tile_map": "lib.presentation.tile_map",
    "lib.tables": "lib.presentation.tables",
    "lib.exposure_tables": "lib.presentation.exposure_tables",
    "lib.explorer_tables": "lib.presentation.explorer_tables",
    "lib.overview_metrics": "lib.presentation.overview_metrics",
    # outputs: files the user downloads and the registry of what each page shows
    "lib.report": "lib.outputs.report",
    "lib.png_export": "lib.outputs.png_export",
    "lib.excel_export": "lib.outputs.excel_export",
    "lib.dossier": "lib.outputs.dossier",
    "lib.fiche_docx": "lib.outputs.fiche_docx",
    "lib.note_docx": "lib.outputs.note_docx",
    "lib.file_names": "lib.outputs.file_names",
    # out of the library: measurement and test helpers
    "lib.bench": "bench.timings",
    "lib.local_server": "bench.local_server",
}

KEEP_OLD_NAMES = {"tests/test_layout.py"}   # its examples of old imports must stay old

PACKAGE_DOCS = {
    "lib/core": "Shared vocabulary of every layer: column names, errors, French number formats, file locks.",
    "lib/data": "Data layer: customs files, parquet cache, demo, download, versions, uploads, reference tables.",
    "lib/analysis": "Analysis layer: the trade cube and every figure computed from it (pure pandas).",
    "lib/presentation": "Presentation layer: French texts, palettes, plotly figures and table models.",
    "lib/outputs": "Outputs layer: the report registry and the files users download (PNG, Excel, Word).",
}


def path_of(name: str) -> pathlib.Path:
    """File (module) or folder (package) of a dotted name; a new name is a package when its old name is one."""
    base = ROOT.joinpath(*name.split("."))
    old = next((o for o, n in MOVES.items() if n == name), None)
    is_package = base.is_dir() or (old is not None and ROOT.joinpath(*old.split(".")).is_dir())
    return base if is_package else base.with_suffix(".py")


def is_moved(old: str, new: str) -> bool:
    """The module lives at its new place and no longer at its old one."""
    return path_of(new).exists() and not path_of(old).exists()


def git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=ROOT, check=True)


def move_files() -> None:
    for old, new in MOVES.items():
        src, dst = path_of(old), path_of(new)
        if not src.exists() or dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        init = dst.parent / "__init__.py"
        if not init.exists():
            doc = PACKAGE_DOCS.get(str(dst.parent.relative_to(ROOT)), "")
            init.write_text(f'"""{doc}"""\n' if doc else "")
            git("add", str(init.relative_to(ROOT)))
        git("mv", str(src.relative_to(ROOT)), str(dst.relative_to(ROOT)))


FROM_LIB = re.compile(r"(?P<indent>^[ \t]*)?from lib import (?P<names>\([^)]*\)|[\w ,]+?)(?=\s*(?:#|\\n|\"|'|;|$))",
                      re.MULTILINE)


def rewrite_from_lib(text: str, moved: dict[str, str]) -> str:
    """`from lib import a, b as c` -> one statement per package the names now live in."""
    def replace(match: re.Match) -> str:
        names = [n.strip() for n in match["names"].strip("()").replace("\n", " ").split(",") if n.strip()]
        groups: dict[str, list[str]] = {}
        changed = False
        for item in names:
            name, _, alias = (p.strip() for p in item.partition(" as "))
            new = moved.get(f"lib.{name}")
            if new is None:
                groups.setdefault("lib", []).append(item)
                continue
            changed = True
            package, _, leaf = new.rpartition(".")
            bound = alias or name
            groups.setdefault(package, []).append(leaf if leaf == bound else f"{leaf} as {bound}")
        if not changed:
            return match.group(0)
        indent = match["indent"]
        statements = [f"from {package} import {', '.join(items)}" for package, items in groups.items()]
        if indent is not None:
            return indent + f"\n{indent}".join(statements)
        return "; ".join(statements)

    return FROM_LIB.sub(replace, text)


def rewrite(text: str, moved: dict[str, str]) -> str:
    text = rewrite_from_lib(text, moved)
    for old, new in sorted(moved.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<![\w.]){re.escape(old)}(?!\w)", new, text)
        old_path, new_path = old.replace(".", "/"), new.replace(".", "/")
        is_package = path_of(new).is_dir()
        suffix = r"(?=/)" if is_package else r"\.py\b"
        text = re.sub(rf"(?<![\w/.]){re.escape(old_path)}{suffix}", new_path + ("" if is_package else ".py"), text)
    return text


CONFLICT = re.compile(r"<<<<<<< [^\n]*\n(.*?)=======\n(.*?)>>>>>>> [^\n]*\n", re.DOTALL)
IMPORT_LINE = re.compile(r"\s*(from \S+ import |import \S)|\s*[\w, ]+\)?\s*$|\s*#")


def merge_import_conflicts(text: str, moved: dict[str, str]) -> tuple[str, int, int]:
    """(text, resolved, left): import-only conflict hunks become the union of both sides' lines."""
    counts = [0, 0]

    def resolve(match: re.Match) -> str:
        ours, theirs = match.group(1), match.group(2)
        if not all(IMPORT_LINE.match(line) for line in (ours + theirs).splitlines() if line.strip()):
            counts[1] += 1
            return match.group(0)
        counts[0] += 1
        kept: list[str] = []
        names: dict[str, list[str]] = {}          # one-line `from X import a, b as c`: names merged per module
        for line in ours.splitlines() + rewrite(theirs, moved).splitlines():
            simple = re.fullmatch(r"(\s*from \S+ import )([\w ,]+)", line.rstrip())
            if simple is None:
                if line.strip() and line not in kept:
                    kept.append(line)
                continue
            head = simple.group(1)
            if head not in names:
                names[head] = []
                kept.append(head)
            names[head] += [n.strip() for n in simple.group(2).split(",") if n.strip() not in names[head]]
        return "".join((line + ", ".join(names[line]) if line in names else line) + "\n" for line in kept)

    return CONFLICT.sub(resolve, text), counts[0], counts[1]


def main() -> int:
    move_files()
    moved = {old: new for old, new in MOVES.items() if is_moved(old, new)}
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    this = pathlib.Path(__file__).resolve()
    changed = 0
    if "--merge-imports" in sys.argv[1:]:
        unmerged = subprocess.run(["git", "diff", "--name-only", "--diff-filter=U"], cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout.split()
        resolved = left = 0
        for rel in unmerged:
            path = ROOT / rel
            text, done, rest = merge_import_conflicts(path.read_text(encoding="utf-8"), moved)
            path.write_text(text, encoding="utf-8")
            resolved, left = resolved + done, left + rest
        print(f"import-only conflicts resolved: {resolved}; conflicts left for a person: {left}")
    for rel in files:
        path = ROOT / rel
        if rel.startswith("data/") or rel in KEEP_OLD_NAMES or path.resolve() == this or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new_text = rewrite(text, moved)
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")
            changed += 1
    print(f"{len(moved)} modules at their new place; {changed} files rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
