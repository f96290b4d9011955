"""What a data version changed against the one it replaced, file by file (by SHA-256), and the one French
sentence that says it.

Why: uploading the 18 regional ZIPs with one of them altered used to give 18 identical « remplacé »
warnings and a history where both versions looked the same. Comparing the files' SHA-256 says exactly which
file differs; the sentence (« 1 fichier modifié : region_13_A.zip ; 17 inchangés ») is what an
administrator reads after an upload, and the manifest keeps the lists (`changes`).
"""
from __future__ import annotations

from lib.data.reference.french_names import count_phrase

KINDS = ("added", "changed", "unchanged", "removed")
_SHOWN_NAMES = 4        # names listed in the sentence before « … »


def file_changes(previous: list[dict] | None, current: list[dict]) -> dict[str, list[str]]:
    """{"added", "changed", "unchanged", "removed"}: sorted file names, comparing `name` and `sha256` of the
    manifest file entries of the replaced version (None: there was none, every file is added) and the new one."""
    before = {f["name"]: f.get("sha256") for f in previous or []}
    after = {f["name"]: f.get("sha256") for f in current}
    return {
        "added": sorted(n for n in after if n not in before),
        "changed": sorted(n for n in after if n in before and before[n] != after[n]),
        "unchanged": sorted(n for n in after if n in before and before[n] == after[n]),
        "removed": sorted(n for n in before if n not in after),
    }


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN_NAMES])
    hidden = len(names) - _SHOWN_NAMES
    return shown + (f" et {count_phrase(hidden, 'autre')}" if hidden > 0 else "")


def _moved(changes: dict[str, list[str]], words: tuple[str, str, str], template: str) -> list[str]:
    """One phrase per kind of change that has files: `template` gets `{count}` and `{names}`."""
    return [template.format(count=count_phrase(len(changes[kind]), word), names=_names(changes[kind]))
            for kind, word in zip(("changed", "added", "removed"), words) if changes.get(kind)]


def changes_sentence(changes: dict[str, list[str]] | None) -> str:
    """« 1 fichier modifié : region_13_A.zip ; 17 inchangés » (empty when `changes` is unknown).

    Modified, added and removed files are named (four at most, then « et 3 autres »); unchanged ones are
    only counted: they are what the reader does not need to look at."""
    if not changes:
        return ""
    parts = _moved(changes, ("fichier modifié", "fichier ajouté", "fichier retiré"), "{count} : {names}")
    unchanged = len(changes.get("unchanged") or [])
    if unchanged:
        parts.append(count_phrase(unchanged, "inchangé") if parts else
                     f"aucun fichier modifié ({count_phrase(unchanged, 'fichier inchangé')})")
    return " ; ".join(parts) if parts else "aucun fichier"


def changes_cell(changes: dict[str, list[str]] | None) -> str:
    """The short form for the history table: « 1 modifié (region_13_A.zip), 17 inchangés », « — » if unknown."""
    if not changes:
        return "—"
    parts = _moved(changes, ("modifié", "ajouté", "retiré"), "{count} ({names})")
    if changes.get("unchanged"):
        parts.append(count_phrase(len(changes["unchanged"]), "inchangé"))
    return ", ".join(parts) or "—"
