"""The per-territory computations a page calls besides the report registry's items, by name.

One table shared by the Streamlit loader (lib/ui/loaders.compute, which caches them per process) and the
precomputed results of a data version (lib/outputs/warm_store, which computes them once for every
territory): both must call exactly the same function with the same arguments, or a stored result would
differ from a live one. Each is f(cube, territory, year, *args); the written syntheses also take the
territory's summary (computed once, not a second time inside them).
"""
from __future__ import annotations

from lib.analysis import explorers, exposure, synthesis, trends
from lib.analysis.summary import territory_summary

COMPUTATIONS = {
    "summary": territory_summary,
    "change_sentences": trends.change_sentences,
    "exposure": exposure.exposure_to_partner,                     # the « Par pays » explorer
    "first_outside_eu": lambda cube, territory, year: explorers.territory_first_outside_eu(cube, year, territory),
    # the written syntheses quote a dozen results each: built once per territory, not at every rerun
    "overview_synthesis": synthesis.overview_synthesis,
    "flow_synthesis": synthesis.flow_synthesis,
}
TAKES_SUMMARY = {"overview_synthesis", "flow_synthesis"}   # given the summary as their last argument


def run(cube, territory, year: int, name: str, *args, summary: dict | None = None):
    """COMPUTATIONS[name] for one territory; `summary` (else computed here) for the syntheses."""
    if name in TAKES_SUMMARY:
        args = (*args, summary if summary is not None else territory_summary(cube, territory, year))
    return COMPUTATIONS[name](cube, territory, year, *args)
