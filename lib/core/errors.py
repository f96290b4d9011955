"""Errors about the user's data files, worded in French for prefecture staff.

A message must let someone fix the file without reading code: it names the file (and the
member of a ZIP), the sheet, the column and the row as Excel shows them (header = row 1).
"""
from __future__ import annotations


class DataFileError(ValueError):
    """A data file cannot be used as given; `str(err)` is a complete French sentence."""

    def __init__(self, problem: str, *, file: str | None = None, sheet: str | None = None,
                 column: str | None = None, row: int | None = None, member: str | None = None,
                 hint: str | None = None):
        self.problem = problem
        self.file = file
        self.member = member
        self.sheet = sheet
        self.column = column
        self.row = row
        self.hint = hint
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

    def _sentence(self) -> str:
        where = self.location()
        problem = self.problem.rstrip(". ")
        text = f"{where} : {problem}" if where else problem[:1].upper() + problem[1:]
        if self.hint:
            text += f". {self.hint.rstrip('. ')}"
        return text + "."

    def __reduce__(self):
        """Keep the keyword attributes when the error crosses a process boundary."""
        return (_rebuild, (self.problem, self.file, self.sheet, self.column, self.row, self.member,
                           self.hint))


def _rebuild(problem, file, sheet, column, row, member, hint) -> DataFileError:
    return DataFileError(problem, file=file, sheet=sheet, column=column, row=row, member=member,
                         hint=hint)


class DataWarning(UserWarning):
    """For callers that prefer `warnings.warn`; loaders themselves return plain French strings."""
