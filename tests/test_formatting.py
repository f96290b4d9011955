from lib.core import formatting as f

THIN, NBSP = "\u202f", "\u00a0"


def test_millions_french():
    assert f.format_meur(511_900_000) == f"511,9{NBSP}M€"
    assert f.format_meur(28_009_900_000) == f"28{THIN}009,9{NBSP}M€"
    assert f.format_millions_words(580_354_500_000) == f"580{THIN}354,5 millions d'euros"


def test_percent_keeps_small_shares_readable():
    assert f.format_percent(0.018) == f"1,8{NBSP}%"
    assert f.format_percent(0.0009) == f"0,09{NBSP}%"
    assert f.format_percent(0.0) == f"0,0{NBSP}%"
    assert f.format_percent(0.0000012) == f"<{NBSP}0,001{NBSP}%"
    assert f.format_percent(0.123, signed=True) == f"+12,3{NBSP}%"
    assert f.format_percent(-0.05, signed=True) == f"\u22125,0{NBSP}%"
    assert f.format_meur(-13_500_000) == f"\u221213,5{NBSP}M€"
    assert f.format_number(-0.01, 1) == "0,0"


def test_missing_and_adaptive_units():
    assert f.format_meur(None) == f.MISSING
    assert f.format_ratio(float("nan")) == f.MISSING
    assert f.format_amount(28_300_000_000) == f"28{THIN}300,0{NBSP}M€"
    assert f.format_amount(45_200) == f"45,2{NBSP}k€"
    assert f.format_number(1234567.891, 1) == f"1{THIN}234{THIN}567,9"


# ---------------------------------------------------------------- rules stated one by one (issue 23)
import math


MINUS = "\u2212"


def test_numbers_have_no_decimals_unless_asked():
    assert f.format_number(1234.4) == f"1{THIN}234"
    assert f.format_ratio(1.1111) == "1,11"                  # a coverage ratio: two decimals


def test_the_smallest_step_is_one_unit_of_the_last_decimal_shown():
    # « < 0,1 M€ » with 1 decimal, « < 0,00000001 M€ » with 8: the bound is 10^-decimals of the unit
    assert f.format_meur(40_000) == f"<{NBSP}0,1{NBSP}M€"
    assert f.format_meur(0.001, decimals=8) == f"<{NBSP}0,00000001{NBSP}M€"


def test_a_tiny_positive_amount_reads_less_than_the_step_even_below_one_euro():
    assert f.format_meur(0.5) == f"<{NBSP}0,1{NBSP}M€"
    assert f.format_meur(-0.5) == f">{NBSP}{MINUS}0,1{NBSP}M€"


def test_signed_amounts_show_plus_on_gains_only():
    assert f.format_signed_meur(13_500_000) == f"+13,5{NBSP}M€"
    assert f.format_signed_meur(-13_500_000) == f"{MINUS}13,5{NBSP}M€"
    assert f.format_signed_meur(0) == f"0,0{NBSP}M€"                      # zero has no sign
    assert f.format_signed_meur(40_000) == f"<{NBSP}+0,1{NBSP}M€"         # a small gain keeps its plus
    assert f.format_amount(0.6, signed=True) == f"+1{NBSP}€"               # a gain below one euro too
    assert f.format_amount(45_200, signed=True) == f"+45,2{NBSP}k€"


def test_a_million_euros_is_one_m_eur_at_any_size():
    assert f.format_meur(1e12) == f"1{THIN}000{THIN}000,0{NBSP}M€"
    assert f.format_signed_meur(1e12) == f"+1{THIN}000{THIN}000,0{NBSP}M€"


def test_unit_of_one_figure_boundaries_are_inclusive():
    # M€ from 0,1 M€ (100 000 €) inclusive, k€ from 0,1 k€ (100 €) inclusive, € below
    assert f.format_amount(100_000) == f"0,1{NBSP}M€"
    assert f.format_amount(99_999) == f"100,0{NBSP}k€"
    assert f.format_amount(100) == f"0,1{NBSP}k€"
    assert f.format_amount(99.9) == f"100{NBSP}€"
    assert f.format_amount(50) == f"50{NBSP}€"
    assert f.format_amount(1) == f"1{NBSP}€"
    assert f.format_amount(0) == f"0,0{NBSP}M€"                  # nothing at all: the publication's unit
    assert f.AmountUnit.for_value(None) is f.MEUR


def test_a_table_without_any_amount_uses_m_eur():
    assert f.AmountUnit.for_values([]) is f.MEUR
    assert f.AmountUnit.for_values([None, float("nan")]) is f.MEUR
    assert f.AmountUnit.for_values([0, 0.0]) is f.MEUR
    assert f.AmountUnit.for_values([1, -0.5]) is f.EUR        # largest amount one euro: euros


def test_amount_formatter_shares_the_unit_of_the_largest_amount():
    render, unit = f.amount_formatter([45_200, 300, None])
    assert unit is f.KEUR
    assert [render(v) for v in (45_200, 300, None)] == [f"45,2{NBSP}k€", f"0,3{NBSP}k€", f.MISSING]
    signed, _ = f.amount_formatter([45_200, -300], signed=True)
    assert (signed(45_200), signed(-300)) == (f"+45,2{NBSP}k€", f"{MINUS}0,3{NBSP}k€")


def test_amounts_in_words_by_size():
    assert f.format_millions_words(60_000) == "60,0 milliers d'euros"
    assert f.format_millions_words(1000) == "1,0 milliers d'euros"          # thousands from 1 000 € inclusive
    assert f.format_millions_words(45) == "45 euros"                         # whole euros
    assert f.format_millions_words(0.4) == "moins d'un euro"
    assert f.format_millions_words(-0.4) == f"entre {MINUS}1 et 0 euro"


def test_share_precision_rules():
    assert f.percent_decimals(None) == 1 and f.percent_decimals(float("nan"), 0) == 0
    assert f.percent_decimals(None, 2) == 2
    assert f.format_percent(0.0, decimals=0) == f"0{NBSP}%"             # the wanted precision for zero
    assert f.format_percent(0.01) == f"1,0{NBSP}%"                      # 1 % itself: one decimal
    assert f.format_percent(0.00992) == f"0,99{NBSP}%"                  # just below 1 %: hundredths
    assert f.format_percent(0.0001) == f"0,01{NBSP}%"                   # 0,01 % itself: hundredths
    assert f.format_percent(0.00001) == f"0,001{NBSP}%"                 # 0,001 % itself is shown, not « < »


def test_signed_shares_plus_on_positive_only():
    assert f.format_percent(1e-6, signed=True) == f"<{NBSP}+0,001{NBSP}%"
    assert f.format_percent(0.0, signed=True) == f"0,0{NBSP}%"


def test_rank_alone_or_out_of():
    assert f.format_rank(1) == "1er"
    assert f.format_rank(2, 101) == "2e / 101"


def test_shares_adding_up_to_100_by_largest_remainders():
    assert f.shares_adding_up([0.5, 0.5]) == [f"50,0{NBSP}%"] * 2            # nothing to add when exact
    assert f.shares_adding_up([1 / 3] * 3, decimals=0) == [f"34{NBSP}%", f"33{NBSP}%", f"33{NBSP}%"]
    # the missing tenth goes to the largest remainder (450,6), not to the smallest part
    assert f.shares_adding_up([0.4506, 0.1003, 0.4491]) == [f"45,1{NBSP}%", f"10,0{NBSP}%", f"44,9{NBSP}%"]
    assert f.shares_adding_up([0.0, 1.0]) == [f"0,0{NBSP}%", f"100,0{NBSP}%"]   # a zero part is a share


def test_shares_adding_up_leaves_out_nan_and_negative_parts():
    assert f.shares_adding_up([0.5, math.nan, 0.5]) == [f"50,0{NBSP}%", f.MISSING, f"50,0{NBSP}%"]
    assert f.shares_adding_up([-0.1, 0.6, 0.4]) == [f.MISSING, f"60,0{NBSP}%", f"40,0{NBSP}%"]


def test_shares_adding_up_of_nothing_reads_zero_at_the_wanted_precision():
    assert f.shares_adding_up([0.0, 0.0]) == [f"0,0{NBSP}%"] * 2
    assert f.shares_adding_up([0.0, 0.0], decimals=0) == [f"0{NBSP}%"] * 2
    assert f.shares_adding_up([-0.1, 0.0]) == [f.MISSING, f"0,0{NBSP}%"]     # negative: n.d., whatever the rest


def test_a_tiny_non_zero_share_never_reads_zero():
    # 0,04 % gets no tenth by the largest remainders: it reads « < 0,1 % », and the others still add up to 100
    assert f.shares_adding_up([0.9996, 0.0004]) == [f"100,0{NBSP}%", f"<{NBSP}0,1{NBSP}%"]
    assert f.shares_adding_up([0.7, 0.2997, 0.0003]) == [f"70,0{NBSP}%", f"30,0{NBSP}%", f"<{NBSP}0,1{NBSP}%"]
    assert f.shares_adding_up([0.996, 0.004], decimals=0) == [f"100{NBSP}%", f"<{NBSP}1{NBSP}%"]
    # parts of a whole too small to hold one tenth together: each non-zero one still reads « < 0,1 % »
    assert f.shares_adding_up([0.0004, 0.0]) == [f"<{NBSP}0,1{NBSP}%", f"0,0{NBSP}%"]


def test_a_container_is_not_a_missing_value():
    import numpy as np
    assert not f.is_missing([1.0, 2.0]) and not f.is_missing(np.array([1.0, float("nan")]))


def test_months_are_numbered_from_janvier():
    assert [f.month_name(m) for m in (1, 8, 12)] == ["janvier", "août", "décembre"]
