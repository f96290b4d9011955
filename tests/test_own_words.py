"""The project's texts are its own: no passage of 60 characters or more of the reference publication.

The publication gives the structure and the facts; its sentences are not ours to reuse. The check reads every
tracked text file (raw text, and for Python files also the contents of adjacent string literals joined, since a
sentence split over two source lines is still the same sentence) and looks for any 60-character window of the
normalised reference text. Normalisation: whitespace collapsed, typographic apostrophes and non-breaking spaces
unified, Markdown emphasis removed, case ignored.
"""
from __future__ import annotations

import io
import re
import subprocess
import tokenize
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR, SHARED_DIR

WINDOW = 60
REFERENCE = SHARED_DIR / "docs" / "reference-publication.txt"
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".json", ".html", ".css",
                 ".js", ".sh", ".csv", ""}


def normalise(text: str) -> str:
    """One spelling for what differs only in typography."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace("**", "").replace("*", "")
    return re.sub(r"\s+", " ", text).strip().casefold()


def reference_windows(reference: str) -> set[str]:
    ref = normalise(reference)
    return {ref[i:i + WINDOW] for i in range(len(ref) - WINDOW + 1)}


def python_literals(source: str) -> str:
    """The contents of the string literals, adjacent literals joined (implicit concatenation), one run per line."""
    runs, current = [], []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return ""
    for tok in tokens:
        if tok.type == tokenize.STRING:
            body = re.sub(r"^[A-Za-z]*", "", tok.string)
            quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
            current.append(body[len(quote):len(body) - len(quote)])
        elif tok.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT) or (
                tok.type == tokenize.OP and tok.string in "()"):
            continue
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return "\n".join(runs)


def copied_passages(text: str, windows: set[str]) -> list[str]:
    """Every maximal passage of `text` (normalised) made of reference windows, longest first."""
    norm = normalise(text)
    found, i = [], 0
    while i <= len(norm) - WINDOW:
        if norm[i:i + WINDOW] in windows:
            j = i
            while j + 1 <= len(norm) - WINDOW and norm[j + 1:j + 1 + WINDOW] in windows:
                j += 1
            found.append(norm[i:j + WINDOW])
            i = j + WINDOW
        else:
            i += 1
    return sorted(found, key=len, reverse=True)


def tracked_text_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_DIR, capture_output=True, check=True).stdout
    files = []
    for name in out.decode().split("\0"):
        path = PROJECT_DIR / name
        if name and path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            files.append(path)
    return files


@pytest.fixture(scope="module")
def windows() -> set[str]:
    if not REFERENCE.is_file():
        pytest.skip("../shared/docs/reference-publication.txt absent : vérification des textes ignorée")
    return reference_windows(REFERENCE.read_text(encoding="utf-8"))


def test_detector_finds_a_copied_sentence_even_split_over_lines(windows):
    """The check itself can fail: a sentence of the publication, split across literals, is found."""
    ref = normalise(REFERENCE.read_text(encoding="utf-8"))
    sentence = ref[ref.index("les données sont établies"):][:90]
    source = f'TEXT = ("{sentence[:40]}"\n        "{sentence[40:]}")\n'
    assert copied_passages(python_literals(source), windows)
    assert not copied_passages("Les montants viennent des déclarations en douane, par lieu de dédouanement.",
                               windows)


def test_no_passage_of_the_reference_publication_in_the_repository(windows):
    offenders = {}
    for path in tracked_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        passages = copied_passages(text, windows)
        if path.suffix == ".py":
            passages += copied_passages(python_literals(text), windows)
        if passages:
            offenders[str(path.relative_to(PROJECT_DIR))] = sorted(set(passages), key=len, reverse=True)
    report = "\n".join(f"{name}: {len(p)} passage(s), ex. « {p[0][:120]} »" for name, p in sorted(offenders.items()))
    assert not offenders, f"passages repris de la publication de référence :\n{report}"
