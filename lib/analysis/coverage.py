"""Which part of France the loaded files cover, and the words that say « France » is then partial.

« France » is the sum of the départements present in the files. With one région loaded, that sum is the
région, and « Part de la France 100,0 % » would read as a fact about the country: every place that prints a
share of France (CLI, cards, tables, sentences, synthesis) takes its label from here, so none forgets it.
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.core.schema import DEPARTMENT
from lib.data.reference import departments as ref
from lib.data.reference.french_names import count_phrase


@dataclass(frozen=True)
class FranceCoverage:
    departments: int            # départements with at least one row in the files, any year
    of: int                     # départements of France (101)
    missing_regions: tuple[str, ...]    # codes of the régions with no département at all in the files

    @property
    def partial(self) -> bool:
        return self.departments < self.of

    def to_json(self) -> dict:
        return {"departments": self.departments, "of": self.of, "partial": self.partial,
                "missing_regions": list(self.missing_regions)}


def france_coverage(cube) -> FranceCoverage:
    """Memoised on the cube: one pass over the département column per data version."""
    memo = cube._memo
    if "france_coverage" not in memo:
        present = {str(code) for code in cube.table[DEPARTMENT].unique()}
        codes = set(ref.DEPARTMENTS["code"])
        regions = ref.REGIONS["code"]
        missing = tuple(r for r in regions
                        if not present & set(ref.DEPARTMENTS.loc[ref.DEPARTMENTS["region"] == r, "code"]))
        memo["france_coverage"] = FranceCoverage(len(present & codes), len(codes), missing)
    return memo["france_coverage"]


def coverage_of(summary: dict) -> FranceCoverage | None:
    """The coverage a summary dict carries (None for a summary built without it, e.g. a Word peer line)."""
    found = summary.get("france_coverage")
    if not found:
        return None
    return FranceCoverage(found["departments"], found["of"], tuple(found["missing_regions"]))


def france_share_label(summary: dict, short: bool = False) -> str:
    """« Part de la France », or « Part de la France partielle » when the files miss départements
    (``short``: « Part France partielle », for a key-figure card's one line)."""
    coverage = coverage_of(summary)
    if coverage is None or not coverage.partial:
        return "Part de la France"
    return "Part France partielle" if short else "Part de la France partielle"


def partial_france_note(summary: dict) -> str | None:
    """One French sentence, or None when the files cover the 101 départements."""
    coverage = coverage_of(summary)
    if coverage is None or not coverage.partial:
        return None
    missing = len(coverage.missing_regions)
    regions = f" ; {count_phrase(missing, 'région')} sans aucun fichier" if missing else ""
    return (f"France partielle : les fichiers chargés couvrent {count_phrase(coverage.departments, 'département')} "
            f"sur {coverage.of}{regions}. Les totaux « France » et les parts de la France ne portent que sur "
            "ces départements.")
