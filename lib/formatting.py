"""French number formats, the same on screen, in hovers, in files and in the CLI.

Thousands are separated by a narrow no-break space (U+202F), the decimal mark is a comma,
and a no-break space (U+00A0) sits before units (« 511,9 M€ », « 1,8 % »).
"""
from __future__ import annotations

import math

THIN = "\u202f"   # thousands separator
NBSP = "\u00a0"   # before a unit
MINUS = "\u2212"  # typographic minus sign
PLOTLY_SEPARATORS = "," + THIN  # plotly layout.separators: decimal mark, then thousands
MISSING = "–"


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float | None, decimals: int = 0) -> str:
    """1234567.891 → « 1 234 567,9 » (decimals=1)."""
    if _is_missing(value):
        return MISSING
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and text.strip("-0.,") == "":
        text = text[1:]                       # no « −0,0 »
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", THIN).replace("-", MINUS)


def format_meur(value_eur: float | None, decimals: int = 1) -> str:
    """Euros shown in millions: 511 900 000 → « 511,9 M€ »."""
    if _is_missing(value_eur):
        return MISSING
    return f"{format_number(value_eur / 1e6, decimals)}{NBSP}M€"


def format_millions_words(value_eur: float | None, decimals: int = 1) -> str:
    """The publication's sentence form: « 511,9 millions d'euros »."""
    if _is_missing(value_eur):
        return MISSING
    return f"{format_number(value_eur / 1e6, decimals)} millions d'euros"


def format_amount(value_eur: float | None) -> str:
    """KPI amounts in M€ like every chart and sentence (« 28 300,0 M€ »); k€ only below 0,1 M€."""
    if _is_missing(value_eur):
        return MISSING
    if abs(value_eur) >= 1e5 or value_eur == 0:
        return format_meur(value_eur)
    return f"{format_number(value_eur / 1e3, 1)}{NBSP}k€"


def format_percent(fraction: float | None, decimals: int | None = None, signed: bool = False) -> str:
    """One precision rule for shares: 0.018 → « 1,8 % »; below 1 %, hundredths (0.001 → « 0,10 % » beside
    0.0009 → « 0,09 % », never « 0,1 % » beside « 0,09 % »); below 0,01 %, thousandths."""
    if _is_missing(fraction) or (isinstance(fraction, float) and math.isinf(fraction)):
        return MISSING
    pct = fraction * 100
    if decimals is None and 0 < abs(pct) < 0.001:
        return f"<{NBSP}0,001{NBSP}%"          # rather than a misleading « 0,000 % »
    if decimals is None:
        decimals = 1 if abs(pct) >= 1 or pct == 0 else 2
        if 0 < abs(pct) < 0.01:
            decimals = 3
    text = format_number(pct, decimals)
    if signed and pct > 0:
        text = "+" + text
    return f"{text}{NBSP}%"


def format_ratio(value: float | None, decimals: int = 2) -> str:
    """Coverage ratio exports/imports, as a plain number (« 1,11 »)."""
    if _is_missing(value) or (isinstance(value, float) and math.isinf(value)):
        return MISSING
    return format_number(value, decimals)


def format_signed_meur(value_eur: float | None, decimals: int = 1) -> str:
    if _is_missing(value_eur):
        return MISSING
    sign = "+" if value_eur > 0 else ""
    return sign + format_meur(value_eur, decimals)


def shares_adding_up(fractions: list[float], decimals: int = 1) -> list[str]:
    """Percentages (« 73,2 % ») of parts of one whole, rounded so that they add up to 100 % as written
    (largest remainders get the last units): a reader adding « UE » + « hors UE » + « non ventilé » finds
    100,0 %, not 99,9 %. NaN or negative parts are written « – » and left out."""
    unit = 10 ** decimals
    scaled = [f * 100 * unit if f == f and f >= 0 else None for f in fractions]
    total = sum(v for v in scaled if v is not None)
    if total <= 0:
        return [format_percent(f, decimals=decimals) for f in fractions]
    target = round(total)
    floors = [math.floor(v) if v is not None else None for v in scaled]
    missing = target - sum(f for f in floors if f is not None)
    order = sorted((i for i, v in enumerate(scaled) if v is not None), key=lambda i: floors[i] - scaled[i])
    for i in order[:max(missing, 0)]:
        floors[i] += 1
    return [MISSING if f is None else f"{format_number(f / unit, decimals)}{NBSP}%" for f in floors]
