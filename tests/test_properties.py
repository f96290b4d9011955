"""Property-based tests (hypothesis): random small cubes and random Territoires d'industrie lists.

Each property is checked against an independent computation on the generated rows (plain Python
sums, not lib.analysis.indicators), including TIs whose main départements lie in several régions and
communes shared by two TIs.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lib.core import formatting as fmt
from lib.outputs.excel_export import number_format
from lib.analysis.indicators import OTHERS, TradeCube, flow_structure, shares, totals
from lib.data.reference.departments import DEPARTMENTS, REGIONS, region_of
from lib.core.schema import COUNTRY, DEPARTMENT, EXPORT, FLOW, IMPORT, PRODUCT, REGION, VALUE, YEAR
from lib.analysis.summary import territory_summary
from lib.presentation.tables import display_frame, flow_nodes_table
from lib.data.territories import FRANCE, Territory, department, read_industry_territories, region
from tests.test_edge_figures import reads_zero

YEAR_ = 2024
# Départements on both sides of régional borders (32/28, 93/94, 11, 84) and one overseas.
DEPS = ["80", "59", "76", "14", "13", "83", "2A", "2B", "75", "92", "01", "974"]
PRODUCTS = [f"C{n:02d}A" for n in range(14)]
COUNTRIES = ["DE", "US", "IT", "CN", "ES", "BE", "NL", "GB", "CH", "JP", "PL", "MA", "TR", "IN"]
PROPERTY_SETTINGS = settings(max_examples=40, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# integer euros: float64 sums are then exact, so ties and orders compare exactly
rows_strategy = st.lists(st.tuples(st.sampled_from([EXPORT, IMPORT]), st.sampled_from(DEPS),
                                   st.sampled_from(PRODUCTS), st.sampled_from(COUNTRIES),
                                   st.integers(min_value=0, max_value=10**9)), min_size=1, max_size=80)


def make_cube(rows) -> TradeCube:
    frame = pd.DataFrame(rows, columns=[FLOW, DEPARTMENT, PRODUCT, COUNTRY, VALUE])
    frame[YEAR] = YEAR_
    frame[REGION] = frame[DEPARTMENT].map(region_of)
    frame[VALUE] = frame[VALUE].astype(float)
    return TradeCube(frame)


def independent_top(rows, flow, deps, side: int, n: int = 10) -> list[str]:
    sums = Counter()
    for f, d, p, c, v in rows:
        if f == flow and d in deps:
            sums[(p, c)[side]] += v
    ranked = sorted(((code, v) for code, v in sums.items() if v > 0), key=lambda item: (-item[1], item[0]))
    return [code for code, _ in ranked[:n]]


# ---------------------------------------------------------------- Sankey buckets and red links

@PROPERTY_SETTINGS
@given(rows=rows_strategy, flow=st.sampled_from([EXPORT, IMPORT]),
       deps=st.sets(st.sampled_from(DEPS), min_size=1, max_size=4))
def test_sankey_buckets_add_up_and_red_links_are_the_five_largest(rows, flow, deps):
    cube = make_cube(rows)
    territory = department(sorted(deps)[0]) if len(deps) == 1 else \
        Territory(id="ti:T", kind="ti", name="T", departments=tuple(sorted(deps)))
    structure = flow_structure(cube, territory, YEAR_, flow)
    total = sum(v for f, d, _, _, v in rows if f == flow and d in deps)
    assert structure.total == total
    if total == 0:
        assert structure.is_empty
        return
    # top 10 + « Autres » on each side, and the links, each add up to the total
    assert structure.products["value"].sum() == total
    assert structure.countries["value"].sum() == total
    assert structure.links["value"].sum() == total
    top_products = independent_top(rows, flow, deps, 0)
    top_countries = independent_top(rows, flow, deps, 1)
    assert [c for c in structure.products["code"] if c != OTHERS] == top_products
    assert [c for c in structure.countries["code"] if c != OTHERS] == top_countries
    # the 5 red links: the 5 largest product × country pairs between two top-10 nodes
    pairs = Counter()
    for f, d, p, c, v in rows:
        if f == flow and d in deps and p in top_products and c in top_countries:
            pairs[(p, c)] += v
    expected = sorted(((p, c, v) for (p, c), v in pairs.items() if v > 0),
                      key=lambda item: (-item[2], item[0], item[1]))[:5]
    got = list(zip(structure.top_links["product"], structure.top_links["country"], structure.top_links["value"]))
    assert got == expected


# ---------------------------------------------------------------- sums and shares

@PROPERTY_SETTINGS
@given(rows=rows_strategy)
def test_departments_add_up_to_their_region_and_regions_to_france(rows):
    cube = make_cube(rows)
    for flow in (EXPORT, IMPORT):
        by_dep = defaultdict(float)
        for f, d, _, _, v in rows:
            if f == flow:
                by_dep[d] += v
        key = "exports" if flow == EXPORT else "imports"
        regions_total = 0.0
        for code in REGIONS["code"]:
            reg_total = getattr(totals(cube, region(code), YEAR_), key)
            assert reg_total == sum(v for d, v in by_dep.items() if region_of(d) == code)
            regions_total += reg_total
        assert regions_total == getattr(totals(cube, FRANCE, YEAR_), key) == sum(by_dep.values())


def _ti_csv(compositions, shared) -> bytes:
    """A commune list: TI i has compositions[i][dep] communes in dep; `shared` pairs (i, j) put one
    commune of TI i in TI j too (« TIi ; TIj »)."""
    lines, counters = ["insee_com,lib_com,id_ti,lib_ti"], Counter()
    memberships: list[list] = []
    for index, composition in enumerate(compositions):
        for dep, count in composition.items():
            for _ in range(count):
                counters[dep] += 1
                code = f"{dep}{counters[dep]:02d}" if len(dep) == 3 else f"{dep}{counters[dep]:03d}"
                memberships.append([code, [index]])
    for i, j in shared:
        if i != j:
            first = next((m for m in memberships if m[1] == [i]), None)
            if first is not None:
                first[1].append(j)
    for code, tis in memberships:
        ids = " ; ".join(f"TI{t}" for t in tis)
        names = " ; ".join(f"Territoire {t}" for t in tis)
        lines.append(f"{code},Commune {code},{ids},{names}")
    return ("\n".join(lines) + "\n").encode("utf-8")


compositions_strategy = st.lists(st.dictionaries(st.sampled_from(DEPS), st.integers(min_value=1, max_value=7),
                                                 min_size=1, max_size=3), min_size=1, max_size=4)
shared_strategy = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=3)


@PROPERTY_SETTINGS
@given(rows=rows_strategy, compositions=compositions_strategy, shared=shared_strategy)
def test_every_share_within_its_regions_or_france_lies_in_0_1(rows, compositions, shared):
    cube = make_cube(rows)
    shared = [(i, j) for i, j in shared if i < len(compositions) and j < len(compositions)]
    catalog = read_industry_territories(Path("liste-ti-com2023-test.csv"), data=_ti_csv(compositions, shared))
    by_dep = {flow: defaultdict(float) for flow in (EXPORT, IMPORT)}
    for f, d, _, _, v in rows:
        by_dep[f][d] += v
    territories = list(catalog.industry_territories.values()) + [department(d) for d in DEPS]
    for territory in territories:
        # the main départements rule, counted independently (shared communes count for both TIs)
        if territory.kind == "ti":
            counts = dict(territory.commune_counts)
            main = {d for d, n in counts.items() if n >= 5}
            largest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]
            assert set(territory.departments) == (main or {largest})
        regions = sorted({region_of(d) for d in territory.departments})
        assert list(territory.regions) == regions
        share = shares(cube, territory, YEAR_)
        summary = territory_summary(cube, territory, YEAR_)
        assert summary["balance"] == summary["exports"] - summary["imports"]
        assert summary["territory"]["regions"] == regions
        for flow, key in ((EXPORT, "exports"), (IMPORT, "imports")):
            own = sum(by_dep[flow][d] for d in territory.departments)
            whole = sum(v for d, v in by_dep[flow].items() if region_of(d) in regions)
            in_region, in_france = share["share_of_region"][key], share["share_of_france"][key]
            if whole == 0:
                assert math.isnan(in_region)
            else:
                assert in_region == pytest.approx(own / whole) and 0 <= in_region <= 1
            if not math.isnan(in_france):
                assert 0 <= in_france <= 1
                assert math.isnan(in_region) or in_region >= in_france - 1e-12


# ---------------------------------------------------------------- formatting

NON_FINITE = st.sampled_from([float("nan"), float("inf"), -float("inf"), np.float32("nan"), pd.NA, None,
                              np.float64("nan"), np.float32("inf")])
amounts = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                    st.floats(width=32).map(np.float32), st.integers(-10**12, 10**12), NON_FINITE)
fractions = st.one_of(st.floats(min_value=-2, max_value=2), st.floats(min_value=-1e-4, max_value=1e-4),
                      NON_FINITE)
BAD_WORDS = re.compile(r"nan|<NA>|inf|None", re.IGNORECASE)


def _finite_non_zero(value) -> bool:
    return not fmt.is_missing(value) and float(value) != 0


@settings(max_examples=300, deadline=None)
@given(value=amounts)
def test_amounts_never_read_nan_or_zero_when_not_zero(value):
    for render in (fmt.format_meur, fmt.format_amount, fmt.format_millions_words, fmt.format_signed_meur,
                   lambda v: fmt.AmountUnit.for_values([v, 3e9]).format(v)):
        text = render(value)
        assert not BAD_WORDS.search(text), (value, text)
        if fmt.is_missing(value):
            assert text == fmt.MISSING
        elif _finite_non_zero(value):
            assert not reads_zero(text), (value, text)
            if float(value) < 0:
                assert fmt.MINUS in text, (value, text)


@settings(max_examples=300, deadline=None)
@given(value=fractions, decimals=st.sampled_from([None, 0, 1, 2]), signed=st.booleans())
def test_shares_never_read_nan_or_zero_and_keep_their_sign(value, decimals, signed):
    text = fmt.format_percent(value, decimals=decimals, signed=signed)
    assert not BAD_WORDS.search(text), (value, text)
    if fmt.is_missing(value):
        assert text == fmt.MISSING
        return
    if float(value) != 0:
        assert not reads_zero(text), (value, text)
        assert (fmt.MINUS in text) == (float(value) < 0), (value, text)
    if decimals is None and float(value) != 0:
        # Excel shows the share with the screen's precision
        excel = number_format(float(value), "share")
        bounded = text.startswith(("<", ">", "+<", "+>", fmt.MINUS + ">"))    # « < 0,001 % »: a text format
        decimals_shown = len(text.split(",")[1].split(fmt.NBSP)[0]) if "," in text else 0
        expected = "0." + "0" * decimals_shown + "%" if decimals_shown else "0%"
        assert (excel.startswith('"') if bounded else excel == expected), (value, text, excel)


@PROPERTY_SETTINGS
@given(rows=rows_strategy, dep=st.sampled_from(DEPS), flow=st.sampled_from([EXPORT, IMPORT]))
def test_a_table_uses_one_unit_and_never_shows_zero_for_an_amount(rows, dep, flow):
    structure = flow_structure(make_cube(rows), department(dep), YEAR_, flow)
    table = flow_nodes_table(structure)
    shown = display_frame(table)
    value_headers = [h for h in shown.columns if h.startswith("Valeur")]
    assert len(value_headers) == 1 and re.fullmatch(r"Valeur \((M€|k€|€)\)", value_headers[0])
    unit = value_headers[0][8:-1]
    for value, text in zip(table.frame["value"], shown[value_headers[0]]):
        assert text.endswith(f"{fmt.NBSP}{unit}")
        if value != 0:
            assert not reads_zero(text), (value, text)
