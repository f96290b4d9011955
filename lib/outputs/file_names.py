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


DEMO_SUFFIX = "(démo)"


def territory_part(territory) -> str:
    """A territory in a file name: its id then its name, ASCII, without repeating the kind.

    ``dep-04_alpes-de-haute-provence``, ``ti-demo-001_val-de-durance`` (the id TI-DEMO-001 already says
    « ti »; the demo marker is left out of the name), ``reg-93_provence-alpes-cote-d-azur``, ``france``.
    """
    if territory.kind == "fr":
        return "france"
    code = _part(territory.code)
    kind = _part(territory.kind)
    ident = code if code.startswith(kind) else f"{kind}-{code}"
    name = str(territory.name)
    if name.endswith(DEMO_SUFFIX):
        name = name[: -len(DEMO_SUFFIX)]
    return "_".join(p for p in (ident, _part(name)) if p)


def download_name(flow_or_topic: str, chart: str, territory, year: int, ext: str) -> str:
    """``exportations_flux_dep-04_alpes-de-haute-provence_2024.png``; an empty ``chart`` is skipped
    (``dossier_dep-04_alpes-de-haute-provence_2024.xlsx``). ``territory``: a lib.data.territories.Territory, or
    an already made slug (text)."""
    where = territory_part(territory) if hasattr(territory, "kind") else territory
    parts = [_part(p) for p in (flow_or_topic, chart, where, year)]
    stem = "_".join(p for p in parts if p) or "export"
    extension = _part(str(ext).lstrip("."))
    return f"{stem}.{extension}" if extension else stem
