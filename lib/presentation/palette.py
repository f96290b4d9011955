"""Colour palettes of the charts: the publication's colours, and an Okabe–Ito variant for colour-blind readers.

Colours are explicit hex strings so that no chart depends on a plotly template for its colours
(the "streamlit" template only holds placeholders, which export black).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColourWords:
    """The French colour names of a palette, so that every sentence naming a colour follows the chart."""
    imports: str          # « bleu »
    exports: str          # « violet »
    surplus: str          # « vert »
    deficit: str          # « rouge »
    highlight: str        # the 5 largest Sankey links


STANDARD_WORDS = ColourWords(imports="bleu", exports="violet", surplus="vert", deficit="rouge", highlight="rouge")
# What a reader calls the Okabe–Ito colours used below: #0072B2 blue, #CC79A7 pink, #009E73 green, #D55E00 orange.
COLORBLIND_WORDS = ColourWords(imports="bleu", exports="rose", surplus="vert", deficit="orange",
                               highlight="orange")


@dataclass(frozen=True)
class Palette:
    imports: str          # bars and treemap of imports (blue in the publication)
    exports: str          # bars and treemap of exports (violet in the publication)
    surplus: str          # positive balance (green)
    deficit: str          # negative balance (red)
    link_neutral: str     # Sankey links
    link_highlight: str   # the 5 largest Sankey links (red in the publication)
    node: str             # Sankey nodes
    others: str           # « Autres » nodes
    words: ColourWords = STANDARD_WORDS


DEFAULT_PALETTE = Palette(
    imports="#2B6CB0", exports="#7B3F98", surplus="#2E9E4F", deficit="#D7263D",
    link_neutral="#A3A8B0", link_highlight="#D7263D", node="#4A4F57", others="#A3A8B0")

# Okabe & Ito (2008): blue, reddish purple, bluish green, vermillion; grey and black for the rest.
COLORBLIND_PALETTE = Palette(
    imports="#0072B2", exports="#CC79A7", surplus="#009E73", deficit="#D55E00",
    link_neutral="#999999", link_highlight="#D55E00", node="#333333", others="#999999",
    words=COLORBLIND_WORDS)

PALETTES: dict[str, Palette] = {"standard": DEFAULT_PALETTE, "daltonien": COLORBLIND_PALETTE}


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of a « #RRGGBB » colour (0 black, 1 white): the one formula for text on a fill."""
    def linear(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = hex_to_rgb(color)
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    text = color.lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def to_rgba(color: str, alpha: float) -> str:
    """« #D7263D », 0.8 → « rgba(215,38,61,0.8) » (Sankey links need transparency)."""
    r, g, b = hex_to_rgb(color)
    return f"rgba({r},{g},{b},{alpha:g})"


def lighten(color: str, amount: float) -> str:
    """Mix with white (0 = unchanged, 1 = white): the hue stays, so shades stay in the colour's family."""
    amount = min(max(amount, 0.0), 1.0)
    r, g, b = (round(c + (255 - c) * amount) for c in hex_to_rgb(color))
    return f"#{r:02X}{g:02X}{b:02X}"
