"""Mutation testing report: killed / survived / timed out per module, the survivors listed, the score.

``make mutation`` runs mutmut (configured in setup.cfg: the modules that compute figures or guard access,
against the fast tier) and then this script, which reads ``mutmut results --all true`` and writes
``bench/results/mutation-<label>.md`` and ``.json``. A survivor judged equivalent (no test can tell it from
the original: same behaviour, or a change to text nobody reads) is listed with its reason in
``bench/mutation_equivalents.txt`` and left out of the score; an entry whose mutant no longer exists is
reported as stale (its function changed: triage it again).

    python -m bench.mutation_report --label after [--results FILE] [--carry bench/results/mutation-before.json]
                                    [--kills bench/results/mutation-kills-*.txt …]

``--carry`` is for a run restricted to some mutants (``mutmut run NAME…``: the survivors of an earlier full run
and the code no fast test ran): a mutant left « not checked » now, of a module the earlier report ran whole with
the same number of mutants (same code), and not among that report's survivors, was killed then; tests were only
added since, so it is counted killed (« killed earlier », shown apart). ``--kills`` reads kill-loop outputs (each
survivor of the run applied alone to a checkout with tests written after the run): a survivor they kill is counted
killed (« by the new tests ») and listed with the test that killed it.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
EQUIVALENTS = PROJECT_DIR / "bench" / "mutation_equivalents.txt"
KILLED_STATES = {"killed", "killed earlier", "killed by the new tests"}
_LINE = re.compile(r"^\s*(?P<name>\S+):\s*(?P<state>.+?)\s*$")


def module_of(mutant: str) -> str:
    """``lib.data.auth.x_check_secret__mutmut_7`` → ``lib.data.auth`` (methods: ``…xǁClassǁmethod__mutmut_3``)."""
    head = mutant.split("__mutmut_")[0]
    parts = head.split(".")
    return ".".join(parts[:-1])


def function_of(mutant: str) -> str:
    last = mutant.split("__mutmut_")[0].split(".")[-1]
    return last[2:].replace("ǁ", ".").strip(".") if last.startswith("x") else last


def parse_results(text: str) -> dict[str, str]:
    """mutant name → state, from ``mutmut results --all true``."""
    states = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match and "__mutmut_" in match["name"]:
            states[match["name"]] = match["state"]
    return states


def read_equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """mutant name → why it is equivalent (``name  # reason`` per line; ``#`` lines are comments)."""
    found = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition("#")
            found[name.strip()] = reason.strip()
    return found


NOT_RUN = "not checked"          # a run stopped before this mutant: left out of the score, counted apart
NO_TESTS = "no tests"            # no fast test runs this code: a survivor, listed per function


CARRIED = "killed earlier"
LOOP_KILLED = "killed by the new tests"      # a survivor of this run that a kill loop killed (see --kills)
_KILL_LINE = re.compile(r"^(?P<name>lib\.\S+__mutmut_\d+)\s+(?:KILLED|killed by)\s+(?P<test>tests/\S+)")


def read_kills(paths: list[Path]) -> dict[str, str]:
    """mutant → the test that killed it, from kill-loop outputs (bench/results/mutation-kills-*.txt,
    mutation-triage-*.md: each survivor applied alone to a checkout that has the new tests, the fast tests run,
    the first failing one named). A mutant some loop could not apply is not in them."""
    kills = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            match = _KILL_LINE.match(line.strip())
            if match:
                kills.setdefault(match["name"], match["test"])
    return kills


def apply_kills(states: dict[str, str], kills: dict[str, str]) -> dict[str, str]:
    """States with this run's survivors, mutants of code no fast test ran then, and « suspicious » ones (the
    test process died, e.g. aborted) that a kill loop killed with a plain failing test, marked LOOP_KILLED (the
    run itself had only the tests of its commit)."""
    return {name: LOOP_KILLED if state in ("survived", NO_TESTS, "suspicious") and name in kills else state
            for name, state in states.items()}


def carry_killed(states: dict[str, str], previous: dict, equivalents: dict[str, str] | None = None) -> dict[str, str]:
    """States with the mutants an earlier full run killed (see ``--carry``) marked CARRIED; one written as
    equivalent stays a survivor, so that it is counted equivalent as in that run, not killed."""
    totals = Counter(module_of(name) for name in states)
    whole = {module for module, counts in previous.get("modules", {}).items()
             if not counts.get(NOT_RUN) and counts.get("total") == totals.get(module)}
    earlier = {entry.split(" ")[0] for names in previous.get("survivors", {}).values() for entry in names}
    uncovered = previous.get("uncovered", {})
    carried = dict(states)
    for name, state in states.items():
        module = module_of(name)
        if state == NOT_RUN and module in whole and name not in earlier \
                and function_of(name) not in uncovered.get(module, {}):
            carried[name] = "survived" if name in (equivalents or {}) else CARRIED
    return carried


def killed_since(states: dict[str, str], previous: dict, tests_by_function: dict[str, list[str]]) -> dict:
    """module → [(mutant, tests)] for each survivor of an earlier report killed by this run, with the tests that
    run its function (mutmut ran those and one failed; from mutants/mutmut-stats.json) — the rule that kills it."""
    found: dict[str, list] = defaultdict(list)
    for names in previous.get("survivors", {}).values():
        for entry in names:
            name = entry.split(" ")[0]
            if states.get(name) == "killed":
                tests = sorted(tests_by_function.get(name.split("__mutmut_")[0], []))
                found[module_of(name)].append((name, tests))
    return dict(found)


def summarise(states: dict[str, str], equivalents: dict[str, str]) -> dict:
    per_module: dict[str, Counter] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    uncovered: dict[str, Counter] = defaultdict(Counter)
    for name, state in sorted(states.items(), key=lambda kv: (module_of(kv[0]), function_of(kv[0]),
                                                              int(kv[0].rsplit("_", 1)[1]))):
        module = module_of(name)
        if state == "survived" and name in equivalents:
            per_module[module]["equivalent"] += 1
            continue
        per_module[module][state] += 1
        if state == NO_TESTS:
            uncovered[module][function_of(name)] += 1
        elif state not in KILLED_STATES and state != NOT_RUN:
            survivors[module].append(f"{name} ({state})")
    modules = {}
    for module, counts in sorted(per_module.items()):
        total = sum(counts.values())
        counted = total - counts["equivalent"] - counts[NOT_RUN]
        killed = counts["killed"] + counts[CARRIED] + counts[LOOP_KILLED]
        modules[module] = {**counts, "total": total, "counted": counted,
                           "score": killed / counted if counted else 1.0}
    killed = sum(m.get("killed", 0) + m.get(CARRIED, 0) + m.get(LOOP_KILLED, 0) for m in modules.values())
    counted = sum(m["counted"] for m in modules.values())
    mutated = {module_of(name) for name in states}      # a run of some modules says nothing of the others
    stale = sorted(name for name in equivalents if name not in states and module_of(name) in mutated)
    return {"modules": modules, "survivors": dict(survivors), "killed": killed, "counted": counted,
            "uncovered": {m: dict(c) for m, c in uncovered.items()},
            "not_run": sum(m.get(NOT_RUN, 0) for m in modules.values()),
            "score": killed / counted if counted else 1.0, "equivalent": sum(m.get("equivalent", 0)
                                                                           for m in modules.values()),
            "stale_equivalents": stale}


def to_markdown(summary: dict, label: str, note: str = "") -> str:
    lines = [f"# Mutation testing ({label})", "", *([note, ""] if note else []),
             "mutmut 3 over the modules of setup.cfg `[mutmut] only_mutate`, against the fast tier "
             "(`pytest -m unit`). Score = killed ÷ (mutants − equivalent ones).", "",
             f"**Score: {summary['score']:.1%}** — {summary['killed']} killed of {summary['counted']} "
             f"non-equivalent mutants ({summary['equivalent']} equivalent"
             + (f"; {summary['not_run']} not run: the run was stopped before them" if summary["not_run"] else "")
             + ").", "",
             "| module | killed | survived | no fast test | timeout | equivalent | not run | score |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for module, counts in summary["modules"].items():
        earlier = f" (+{counts[CARRIED]} earlier)" if counts.get(CARRIED) else ""
        earlier += f" (+{counts[LOOP_KILLED]} by the new tests)" if counts.get(LOOP_KILLED) else ""
        lines.append(f"| `{module}` | {counts.get('killed', 0)}{earlier} | {counts.get('survived', 0)} | "
                     f"{counts.get(NO_TESTS, 0)} | {counts.get('timeout', 0)} | {counts.get('equivalent', 0)} | "
                     f"{counts.get(NOT_RUN, 0)} | {counts['score']:.1%} |")
    lines += ["", "## Code that no fast test runs (mutants per function)", ""]
    for module, functions in summary["uncovered"].items():
        lines.append(f"- `{module}`: " + ", ".join(f"`{f}` ({n})" for f, n in functions.items()))
    lines += ["", "## Survivors (not equivalent)", ""]
    for module, names in summary["survivors"].items():
        lines.append(f"### `{module}` ({len(names)})")
        lines += [f"- `{name}`" for name in names]
        lines.append("")
    if summary.get("killed_since"):
        lines += ["## Survivors of the earlier report killed now", "",
                  "Each with the fast tests that run its function: mutmut ran them against the mutant and one "
                  "failed.", ""]
        for module, rows in summary["killed_since"].items():
            lines.append(f"### `{module}` ({len(rows)})")
            for name, tests in rows:
                more = f" and {len(tests) - 4} more" if len(tests) > 4 else ""
                shown = ", ".join(f"`{t}`" for t in tests[:4]) + more
                lines.append(f"- `{name.split('.')[-1]}` — {shown}")
            lines.append("")
    if summary.get("loop_kills"):
        lines += ["## Survivors of this run killed by the new tests", "",
                  "The run had only the tests of its commit. Each of these was applied alone to a checkout with the "
                  "new rule tests, the fast tests run, and this one failed first (kill-loop outputs: "
                  "`bench/results/mutation-kills-*.txt`, `mutation-triage-*.md`).", ""]
        for module, rows in summary["loop_kills"].items():
            lines.append(f"### `{module}` ({len(rows)})")
            lines += [f"- `{name.split('.')[-1]}` — `{test}`" for name, test in rows]
            lines.append("")
    if summary["stale_equivalents"]:
        lines += ["## Stale entries of bench/mutation_equivalents.txt", ""]
        lines += [f"- `{name}`" for name in summary["stale_equivalents"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="latest", help="suffix of the report files (before, after…)")
    parser.add_argument("--results", help="saved output of `mutmut results --all true` (default: run it)")
    parser.add_argument("--carry", help="report (.json) of an earlier full run: its killed mutants count here")
    parser.add_argument("--note", default="", help="how this run was made (which mutants), shown first")
    parser.add_argument("--kills", nargs="*", default=[], help="kill-loop outputs: survivors they kill count killed")
    args = parser.parse_args(argv)
    if args.results:
        text = Path(args.results).read_text(encoding="utf-8")
    else:
        done = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=PROJECT_DIR,
                              capture_output=True, text=True, check=False)
        text = done.stdout
    states = parse_results(text)
    if not states:
        print("Aucun résultat de mutmut : lancez d'abord « make mutation ».", file=sys.stderr)
        return 1
    previous = json.loads(Path(args.carry).read_text(encoding="utf-8")) if args.carry else None
    if previous:
        states = carry_killed(states, previous, read_equivalents())
    kills = read_kills([Path(k) for k in args.kills])
    states = apply_kills(states, kills)
    summary = summarise(states, read_equivalents())
    loop_kills: dict[str, list] = defaultdict(list)
    for name, state in sorted(states.items()):
        if state == LOOP_KILLED:
            loop_kills[module_of(name)].append((name, kills[name]))
    summary["loop_kills"] = dict(loop_kills)
    stats = PROJECT_DIR / "mutants" / "mutmut-stats.json"
    if previous and stats.is_file():
        tests = json.loads(stats.read_text(encoding="utf-8")).get("tests_by_mangled_function_name", {})
        summary["killed_since"] = killed_since(states, previous, tests)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = to_markdown(summary, args.label, args.note)
    (RESULTS_DIR / f"mutation-{args.label}.md").write_text(text, encoding="utf-8")
    (RESULTS_DIR / f"mutation-{args.label}.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False),
                                                             encoding="utf-8")
    print(f"Score {summary['score']:.1%} : {summary['killed']} tués sur {summary['counted']} mutants "
          f"(hors {summary['equivalent']} équivalents) ; rapport dans bench/results/mutation-{args.label}.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
