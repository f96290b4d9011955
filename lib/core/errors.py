"""Errors about the user's data files, worded in French for prefecture staff.

A message must let someone fix the file without reading code: it names the file (and the
member of a ZIP), the sheet, the column and the row as Excel shows them (header = row 1).
Every part is capped (lib/core/text_limits.py): a message quoting a 100 MB header line stays a sentence.
"""
from __future__ import annotations

from lib.core.text_limits import MESSAGE_CHARS, cap

NAME_CHARS = 120        # a file, member, sheet or column name echoed in a message
PROBLEM_CHARS = 400
HINT_CHARS = 250


class DataFileError(ValueError):
    """A data file cannot be used as given; `str(err)` is a complete French sentence."""

    def __init__(self, problem: str, *, file: str | None = None, sheet: str | None = None,
                 column: str | None = None, row: int | None = None, member: str | None = None,
                 hint: str | None = None):
        self.problem = cap(problem, PROBLEM_CHARS)
        self.file = _name(file)
        self.member = _name(member)
        self.sheet = _name(sheet)
        self.column = _name(column)
        self.row = row
        self.hint = None if hint is None else cap(hint, HINT_CHARS)
        super().__init__(self._sentence())

    def location(self) -> str:
        """« Fichier « a.xlsx » (archive « r.zip »), feuille « qdf », colonne « Dep », ligne 12 »."""
        parts = []
        if self.member and self.file:
            parts.append(f"fichier « {self.member} » (archive « {self.file} »)")
        elif self.file or self.member:
            parts.append(f"fichier « {self.file or self.member} »")
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.column:
            parts.append(f"colonne « {self.column} »")
        if self.row is not None:
            parts.append(f"ligne {self.row}")
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    def with_hint(self, extra: str) -> "DataFileError":
        """The same error with `extra` added to its hint (e.g. how a file was decoded)."""
        hint = f"{self.hint.rstrip('. ')} ; {extra}" if self.hint else extra
        return DataFileError(self.problem, file=self.file, sheet=self.sheet, column=self.column, row=self.row,
                             member=self.member, hint=hint)

    def _sentence(self) -> str:
        where = self.location()
        problem = self.problem.rstrip(". ")
        text = f"{where} : {problem}" if where else problem[:1].upper() + problem[1:]
        if self.hint:
            text += f". {self.hint.rstrip('. ')}"
        return cap(text + ".", MESSAGE_CHARS)

    def __reduce__(self):
        """Keep the keyword attributes when the error crosses a process boundary."""
        return (_rebuild, (self.problem, self.file, self.sheet, self.column, self.row, self.member,
                           self.hint))


def _name(value: str | None) -> str | None:
    return None if value is None else cap(value, NAME_CHARS)


def _rebuild(problem, file, sheet, column, row, member, hint) -> DataFileError:
    return DataFileError(problem, file=file, sheet=sheet, column=column, row=row, member=member,
                         hint=hint)


class DataWarning(UserWarning):
    """For callers that prefer `warnings.warn`; loaders themselves return plain French strings."""
