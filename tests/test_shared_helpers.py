"""The helpers that replaced the duplicates of issue 10: one rule each, same results as the copies they replace."""
from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis.indicators import ratio
from lib.core.files import decode_text, sniff_separator, write_atomic
from lib.core.formatting import month_name
from lib.core.schema import EXPORT, FLOW_NAMES, IMPORT
from lib.presentation import explorer_tables, exposure_tables
from lib.presentation.palette import relative_luminance
from lib.presentation.texts import FLOW_WORDS


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sous-dossier" / "fiche.docx"
    write_atomic(target, b"ancien")
    write_atomic(target, b"nouveau")
    write_atomic(tmp_path / "note.txt", "texte é")
    assert target.read_bytes() == b"nouveau"
    assert (tmp_path / "note.txt").read_text(encoding="utf-8") == "texte é"
    assert sorted(p.name for p in target.parent.iterdir()) == ["fiche.docx"]


def test_decode_text_reads_utf8_with_or_without_bom_and_windows_1252():
    assert decode_text("Côte;Flux".encode("utf-8")) == "Côte;Flux"
    assert decode_text(b"\xef\xbb\xbf" + "Côte".encode("utf-8")) == "Côte"
    assert decode_text("Côte d'Or".encode("cp1252")) == "Côte d'Or"


def test_sniff_separator_keeps_each_readers_tie_rule():
    assert sniff_separator("a;b;c") == ";" and sniff_separator("a,b\tc\td") == "\t"
    assert sniff_separator("a;b,c") == ";"                      # customs files: « ; » first on a tie
    assert sniff_separator("a;b,c", (",", ";")) == ","          # TI list: « , » unless « ; » is more frequent
    assert sniff_separator("insee_com;id_ti;lib_ti", (",", ";")) == ";"


def _old_tile_map_luminance(color: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(color[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("value", range(256))
def test_one_luminance_formula_gives_the_old_tile_map_values(value):
    """The two WCAG thresholds (0.03928, 0.04045) differ only between 8-bit levels: same result for every colour."""
    for color in (f"#{value:02X}0000", f"#00{value:02X}00", f"#0000{value:02X}", f"#{value:02X}{value:02X}{value:02X}"):
        assert relative_luminance(color) == pytest.approx(_old_tile_map_luminance(color), abs=1e-15)


def test_relative_luminance_ends():
    assert relative_luminance("#000000") == 0 and relative_luminance("#FFFFFF") == pytest.approx(1)


def test_month_name_is_french():
    assert [month_name(m) for m in (1, 8, 12)] == ["janvier", "août", "décembre"]


def test_ratio_is_nan_on_a_zero_whole():
    assert ratio(1, 4) == 0.25 and pd.isna(ratio(3, 0))


def test_flow_words_come_from_the_one_list_of_flow_names():
    assert FLOW_NAMES == {EXPORT: "exportations", IMPORT: "importations"}
    assert [FLOW_WORDS[f]["Title"] for f in (EXPORT, IMPORT)] == ["Exportations", "Importations"]


def test_both_yearly_tables_share_one_sheet_definition():
    frame = pd.DataFrame({"year": [2023, 2024], "exports": [2.0, 3.0], "imports": [1.0, 1.0], "balance": [1.0, 2.0],
                          "coverage": [2.0, 3.0], "share_of_exports": [0.1, 0.2]})
    territory = exposure_tables.trend_table(frame)
    france = explorer_tables.france_trend_table(frame, "Vins")
    assert territory.sheet_name == france.sheet_name == "Évolution annuelle"
    assert [c.key for c in territory.columns][:4] == [c.key for c in france.columns][:4] == \
        ["year", "exports", "imports", "balance"]
    assert (territory.columns[-1].key, france.columns[-1].key) == ("coverage", "share_of_exports")
    assert france.title == "Vins : évolution annuelle (France)"


def test_labels_from_data_files_are_shown_as_text_not_markdown():
    from lib.presentation.texts import escape_markdown
    assert escape_markdown("[lien](https://evil.example) ~~barré~~ *gras* $x$") == \
        "\\[lien\\](https:\u2060//evil.example) \\~\\~barré\\~\\~ \\*gras\\* \\$x\\$"
    assert escape_markdown("Vallée  du\nClairet (démo)") == "Vallée du Clairet (démo)"
