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
