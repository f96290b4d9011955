"""Download file names that survive every mail client, file system and Word's « Insérer »."""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def _part(text) -> str:
    """« Pays partenaires » → « pays-partenaires »: ASCII, lowercase, [a-z0-9_-] only."""
    ascii_text = (unicodedata.normalize("NFKD", str(text).translate(_LIGATURES))
                  .encode("ascii", "ignore").decode("ascii").lower())
    ascii_text = re.sub(r"[^a-z0-9_-]+", "-", ascii_text)
    return re.sub(r"-{2,}", "-", ascii_text).strip("-_")


def download_name(flow_or_topic: str, chart: str, territory_slug: str, year: int, ext: str) -> str:
    """``exportations_flux_dep-04_2024.png``; an empty ``chart`` is skipped (``dossier_dep-04_2024.xlsx``)."""
    parts = [_part(p) for p in (flow_or_topic, chart, territory_slug, year)]
    stem = "_".join(p for p in parts if p) or "export"
    extension = _part(str(ext).lstrip("."))
    return f"{stem}.{extension}" if extension else stem
