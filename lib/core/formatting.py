"""French number formats, the same on screen, in hovers, in files and in the CLI.

Thousands are separated by a narrow no-break space (U+202F), the decimal mark is a comma,
and a no-break space (U+00A0) sits before units (« 511,9 M€ », « 1,8 % »).

Rules a briefing note can rely on (README, « Montants et arrondis »):
- a missing value (None, NaN of any float type, ``pd.NA``, infinity) reads « n.d. », never « nan »;
- a non-zero amount never reads as zero. One figure alone (a KPI card, a sentence) takes the unit its
  size needs: M€ from 0,1 M€, k€ below, € below 0,1 k€. A table or a chart keeps one unit for all its
  amounts, chosen from its largest one (`AmountUnit.for_values`); an amount too small for that unit
  reads « < 0,1 M€ » (« > −0,1 M€ » when negative) instead of « 0,0 M€ ».
- a non-zero share never reads as zero or loses its sign: small shares get more decimals, down to
  « < 0,001 % » / « > −0,001 % ».
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

THIN = "\u202f"   # thousands separator
NBSP = "\u00a0"   # before a unit
MINUS = "\u2212"  # typographic minus sign
PLOTLY_SEPARATORS = "," + THIN  # plotly layout.separators: decimal mark, then thousands
MISSING = "n.d."  # non disponible (INSEE's usage); README and « À propos des données » say so
MISSING_NOTE = "n.d. : non disponible (par exemple un taux de couverture sans importation)."
TINY_PERCENT = 0.001  # below this many %, a share reads « < 0,001 % »


def is_missing(value) -> bool:
    """None, NaN (Python, NumPy float16/32/64), pd.NA, NaT and ±infinity: nothing to print."""
    if value is None:
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):     # containers
        return False
    try:
        return math.isinf(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


_is_missing = is_missing   # former private name, kept for callers


def _rounds_to_zero(number: float, decimals: int) -> bool:
    """Whether ``number`` prints as zero with ``decimals`` (Python's rounding, as format_number)."""
    return float(f"{number:.{decimals}f}") == 0


def format_number(value: float | None, decimals: int = 0) -> str:
    """1234567.891 → « 1 234 567,9 » (decimals=1)."""
    if is_missing(value):
        return MISSING
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and text.strip("-0.,") == "":
        text = text[1:]                       # no « −0,0 »
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", THIN).replace("-", MINUS)


# ---------------------------------------------------------------- amounts

@dataclass(frozen=True)
class AmountUnit:
    """A unit for euro amounts: its symbol, its size in euros, the decimals shown."""
    symbol: str
    euros: float
    decimals: int

    def rounds_to_zero(self, value_eur: float) -> bool:
        """A non-zero amount that would print as 0 in this unit (« 0,0 M€ »)."""
        return value_eur != 0 and _rounds_to_zero(value_eur / self.euros, self.decimals)

    def format(self, value_eur, signed: bool = False) -> str:
        """« 511,9 M€ »; a non-zero amount too small for the unit reads « < 0,1 M€ » / « > −0,1 M€ »."""
        if is_missing(value_eur):
            return MISSING
        value = float(value_eur)
        step = format_number(10 ** -self.decimals, self.decimals)
        if self.rounds_to_zero(value):
            return f"<{NBSP}{'+' if signed else ''}{step}{NBSP}{self.symbol}" if value > 0 \
                else f">{NBSP}{MINUS}{step}{NBSP}{self.symbol}"
        sign = "+" if signed and value > 0 else ""
        return f"{sign}{format_number(value / self.euros, self.decimals)}{NBSP}{self.symbol}"

    @staticmethod
    def for_value(value_eur) -> "AmountUnit":
        """The unit of one figure alone: M€ from 0,1 M€, k€ from 0,1 k€, else €."""
        size = 0.0 if is_missing(value_eur) else abs(float(value_eur))
        if size >= 1e5 or size == 0:
            return MEUR
        return KEUR if size >= 100 else EUR

    @staticmethod
    def for_values(values) -> "AmountUnit":
        """One unit for a whole table or chart, from its largest amount (the others never read 0)."""
        sizes = [abs(float(v)) for v in values if not is_missing(v)]
        largest = max(sizes, default=0.0)
        return MEUR if largest == 0 else AmountUnit.for_value(largest)


MEUR = AmountUnit("M€", 1e6, 1)
KEUR = AmountUnit("k€", 1e3, 1)
EUR = AmountUnit("€", 1.0, 0)


def format_meur(value_eur: float | None, decimals: int = 1) -> str:
    """Euros shown in millions: 511 900 000 → « 511,9 M€ »; 40 000 → « < 0,1 M€ » (never « 0,0 M€ »)."""
    return AmountUnit("M€", 1e6, decimals).format(value_eur)


def format_millions_words(value_eur: float | None, decimals: int = 1) -> str:
    """The sentence form: « 511,9 millions d'euros »; below 0,1 M€ « 40,0 milliers d'euros », below 1 k€ euros."""
    if is_missing(value_eur):
        return MISSING
    value = float(value_eur)
    if AmountUnit.for_value(value) is MEUR:
        return f"{format_number(value / 1e6, decimals)} millions d'euros"
    if abs(value) >= 1e3:
        return f"{format_number(value / 1e3, 1)} milliers d'euros"
    if EUR.rounds_to_zero(value):
        return "moins d'un euro" if value > 0 else f"entre {MINUS}1 et 0 euro"
    return f"{format_number(value, 0)} euros"


def format_amount(value_eur: float | None, signed: bool = False) -> str:
    """One figure alone (KPI cards, sentences): M€ (« 28 300,0 M€ »), k€ below 0,1 M€, € below 0,1 k€."""
    return AmountUnit.for_value(value_eur).format(value_eur, signed=signed)


def format_signed_meur(value_eur: float | None, decimals: int = 1) -> str:
    return AmountUnit("M€", 1e6, decimals).format(value_eur, signed=True)


def amount_formatter(values, signed: bool = False):
    """``format(v)`` with the one unit of a table or chart (see `AmountUnit.for_values`), and the unit."""
    unit = AmountUnit.for_values(values)
    return (lambda v: unit.format(v, signed=signed)), unit


# ---------------------------------------------------------------- shares and ratios

def percent_decimals(fraction, decimals: int | None = None) -> int | None:
    """Decimals a share is shown with (screen and Excel alike); None below « < 0,001 % ».

    ``decimals`` is the wanted precision; a non-zero share that would round to zero with it gets more
    (0,09 % rather than 0,1 % or 0 %; +0,04 % rather than +0,0 %).
    """
    if is_missing(fraction):
        return decimals if decimals is not None else 1
    pct = abs(float(fraction) * 100)
    if pct == 0:
        return decimals if decimals is not None else 1
    if pct < TINY_PERCENT:
        return None
    wanted = decimals if decimals is not None else (1 if pct >= 1 else 2)
    needed = 2 if pct >= 0.01 else 3          # hundredths below 1 %, thousandths below 0,01 %
    if decimals is None:
        return max(wanted, needed) if pct < 1 else wanted
    return wanted if not _rounds_to_zero(pct, wanted) else max(wanted, needed)


def format_percent(fraction: float | None, decimals: int | None = None, signed: bool = False) -> str:
    """One precision rule for shares: 0.018 → « 1,8 % »; below 1 %, hundredths (« 0,10 % » beside « 0,09 % »,
    never « 0,1 % » beside « 0,09 % »); below 0,01 %, thousandths; a non-zero share never reads 0 and keeps
    its sign (« < 0,001 % », « > −0,001 % »)."""
    if is_missing(fraction):
        return MISSING
    pct = float(fraction) * 100
    shown = percent_decimals(fraction, decimals)
    if shown is None:
        step = format_number(TINY_PERCENT, 3)
        return (f"<{NBSP}{'+' if signed else ''}{step}{NBSP}%" if pct > 0
                else f">{NBSP}{MINUS}{step}{NBSP}%")
    text = format_number(pct, shown)
    if signed and pct > 0:
        text = "+" + text
    return f"{text}{NBSP}%"


def excel_percent_format(fraction) -> str:
    """The Excel number format showing a share as the screen does (same decimals, same « < 0,001 % »)."""
    shown = percent_decimals(fraction)
    if shown is None:
        return '"< 0,001 %"' if float(fraction) > 0 else '"> -0,001 %"'
    return "0" + ("." + "0" * shown if shown else "") + "%"


def format_ratio(value: float | None, decimals: int = 2) -> str:
    """Coverage ratio exports/imports, as a plain number (« 1,11 »)."""
    if is_missing(value):
        return MISSING
    return format_number(value, decimals)


def format_rank(rank: int | None, out_of: int | None = None) -> str:
    """« 1er », « 2e » (French ordinals), optionally « 1er / 101 »."""
    if is_missing(rank):
        return MISSING
    number = int(rank)
    text = f"{number}er" if number == 1 else f"{number}e"
    return f"{text} / {out_of}" if out_of is not None else text


def shares_adding_up(fractions: list[float], decimals: int = 1) -> list[str]:
    """Percentages (« 73,2 % ») of parts of one whole, rounded so that they add up to 100 % as written
    (largest remainders get the last units): a reader adding « UE » + « hors UE » + « non ventilé » finds
    100,0 %, not 99,9 %. A non-zero part left with no unit reads « < 0,1 % », never « 0,0 % » (the shares
    rule of format_percent; the written figures still add up to 100 %). NaN or negative parts are written
    « n.d. » and left out."""
    unit = 10 ** decimals
    scaled = [f * 100 * unit if f == f and f >= 0 else None for f in fractions]
    target = round(sum(v for v in scaled if v is not None))
    floors = [math.floor(v) if v is not None else None for v in scaled]
    missing = target - sum(f for f in floors if f is not None)
    order = sorted((i for i, v in enumerate(scaled) if v is not None), key=lambda i: floors[i] - scaled[i])
    for i in order[:missing]:
        floors[i] += 1
    below = f"<{NBSP}{format_number(1 / unit, decimals)}{NBSP}%"
    return [MISSING if f is None else below if f == 0 and v > 0 else f"{format_number(f / unit, decimals)}{NBSP}%"
            for f, v in zip(floors, scaled)]


MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")


def month_name(month: int) -> str:
    """French name of a month (1 = « janvier »), without depending on the machine's locale."""
    return MONTH_NAMES[month - 1]
