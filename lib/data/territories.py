"""Territories the app can show, and the ids shared by URLs, the CLI and file names.

Ids: ``dep:<code>``, ``ti:<id_ti>``, ``reg:<INSEE code>``, ``fr``. Customs data stop at the
département, so a Territoire d'industrie is read through its *main* départements (at least
``MAIN_DEPARTMENT_MIN_COMMUNES`` of its communes there: the publication's rule) and always
labelled as a départemental approximation.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib.core.errors import DataFileError
from lib.core.files import decode_text, sniff_separator
from lib.core.printable import printable_label
from lib.data.read_limits import check_csv_shape
from lib.data.reference import departments as ref
from lib.data.reference.french_names import NamePhrase, territory_phrase

MAIN_DEPARTMENT_MIN_COMMUNES = 5
TI_COLUMNS = ["insee_com", "lib_com", "id_ti", "lib_ti"]
TI_FILE_GLOB = "liste-ti-com*.csv"
KIND_LABELS = {"dep": "Département", "ti": "Territoire d'industrie", "reg": "Région", "fr": "France"}


class TerritoryError(ValueError):
    """An id that names no territory; the message is French and shown as is."""


@dataclass(frozen=True)
class Territory:
    id: str
    kind: str
    name: str
    departments: tuple[str, ...]                 # whose rows are summed
    regions: tuple[str, ...] = ()                # régions of those départements (see `home_region`)
    commune_counts: tuple[tuple[str, int], ...] = ()  # TI only: every département touched

    @property
    def code(self) -> str:
        return self.id.split(":", 1)[1] if ":" in self.id else self.id

    @property
    def label(self) -> str:
        """What a select box shows: « 04 – Alpes-de-Haute-Provence »."""
        if self.kind in ("dep", "reg"):
            return f"{self.code} – {self.name}"
        if self.kind == "ti":     # « Val de Durance – 04, 05 (démo) », not « Val de Durance (démo) (04, 05) »
            name, demo = self.name, ""
            if name.endswith("(démo)"):
                name, demo = name[: -len("(démo)")].rstrip(), " (démo)"
            return f"{name} – {', '.join(self.departments)}{demo}"
        return self.name

    @property
    def phrase(self) -> NamePhrase:
        """The name with its article, for sentences and titles: ``t.phrase.of`` → « des Alpes-… »."""
        return territory_phrase(self)

    @property
    def slug(self) -> str:
        """For file names: dep-04, ti-TI-DEMO-001, reg-93, fr."""
        return re.sub(r"[^A-Za-z0-9_-]+", "-", self.id.replace(":", "-"))

    @property
    def minor_departments(self) -> tuple[tuple[str, int], ...]:
        return tuple((d, n) for d, n in self.commune_counts if d not in self.departments)


@dataclass
class TerritoryCatalog:
    """Every territory known to the app; Territoires d'industrie come from a commune list."""
    industry_territories: dict[str, Territory] = field(default_factory=dict)
    ti_source: str | None = None

    def departments(self) -> list[Territory]:
        return [department(code) for code in ref.DEPARTMENTS["code"]]

    def regions(self) -> list[Territory]:
        return [region(code) for code in ref.REGIONS["code"]]

    def territories_of_kind(self, kind: str) -> list[Territory]:
        if kind == "dep":
            return self.departments()
        if kind == "reg":
            return self.regions()
        if kind == "ti":
            return sorted(self.industry_territories.values(), key=lambda t: t.name.casefold())
        return [FRANCE]

    def industry_territories_of_department(self, dep: str) -> list[Territory]:
        """Main Territoires d'industrie of a département (≥ 5 communes in it), as the publication lists."""
        return [t for t in self.territories_of_kind("ti")
                if any(d == dep and n >= MAIN_DEPARTMENT_MIN_COMMUNES for d, n in t.commune_counts)]

    def resolve(self, territory_id: str) -> Territory:
        """Parse an id; raise TerritoryError with a French message when it names nothing."""
        text = (territory_id or "").strip()
        if text.lower() in ("fr", "france"):
            return FRANCE
        kind, _, code = text.partition(":")
        kind, code = kind.lower(), code.strip()
        if kind == "dep":
            canonical = ref.normalize_department_code(code)
            if canonical is None:
                raise TerritoryError(f"Département inconnu : « {code} » (attendu un code comme 04, 2A ou 974).")
            return department(canonical)
        if kind == "reg":
            codes = [c for c in re.split(r"[+, ]+", code) if c]   # « reg:93+94 »: régions taken together
            for one in codes or [code]:
                if one not in set(ref.REGIONS["code"]):
                    raise TerritoryError(f"Région inconnue : « {one} » (attendu un code INSEE de région comme 93 "
                                         "ou 11).")
            return region_union(codes)
        if kind == "ti":
            if not self.industry_territories:
                raise TerritoryError(NO_TI_LIST_MESSAGE)
            if code not in self.industry_territories:
                raise TerritoryError(f"Territoire d'industrie inconnu : « {code} ».")
            return self.industry_territories[code]
        raise TerritoryError(
            f"Identifiant de territoire non reconnu : « {text[:60]} » "
            "(attendu dep:CODE, ti:IDENTIFIANT, reg:CODE ou fr).")


NO_TI_LIST_MESSAGE = (
    "Aucune liste officielle des Territoires d'industrie n'est chargée : avec les fichiers réels des douanes, "
    "seule cette liste définit les territoires. Pour l'obtenir : commande «\u00a0python\u00a0-m\u00a0lib.cli\u00a0"
    "fetch\u00a0», ou dépôt du fichier de data.gouv.fr «\u00a0liste-ti-com2023-*.csv\u00a0» dans la page "
    "«\u00a0À propos des données\u00a0».")

FRANCE = Territory(id="fr", kind="fr", name="France entière", departments=tuple(ref.DEPARTMENTS["code"]),
                   regions=tuple(ref.REGIONS["code"]))


def department(code: str) -> Territory:
    return Territory(id=f"dep:{code}", kind="dep", name=ref.department_name(code),
                     departments=(code,), regions=(ref.region_of(code),))


def region(code: str) -> Territory:
    return Territory(id=f"reg:{code}", kind="reg", name=ref.region_name(code),
                     departments=tuple(ref.departments_of_region(code)), regions=(code,))


def regions_of_departments(departments) -> tuple[str, ...]:
    """The distinct régions of some départements, in INSEE code order."""
    found = {ref.region_of(d) for d in departments} - {None}
    return tuple(sorted(found))


def join_names(names: list[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def region_union(codes) -> Territory:
    """One région, or several taken together (id « reg:93+94 », name « Régions Provence-… et Corse »).

    A Territoire d'industrie whose main départements lie in two régions is compared with both: its total
    sums both sides of the border, so dividing by one région only would overstate its weight (even above
    100 %).
    """
    codes = tuple(sorted(set(codes)))
    if len(codes) == 1:
        return region(codes[0])
    departments = tuple(d for c in codes for d in ref.departments_of_region(c))
    return Territory(id="reg:" + "+".join(codes), kind="reg",
                     name="Régions " + join_names([ref.region_name(c) for c in codes]),
                     departments=departments, regions=codes)


def home_region(territory: Territory) -> Territory | None:
    """What « part de la région » divides by: the région(s) of a département's or a TI's (main)
    départements, all together; None for a région or France (no région above them)."""
    if territory.kind not in ("dep", "ti") or not territory.regions:
        return None
    return region_union(territory.regions)


def region_title(territory: Territory) -> str:
    """« Région Corse », or « Régions Provence-Alpes-Côte d'Azur et Corse » for régions taken together."""
    return territory.name if len(territory.regions) > 1 else f"Région {territory.name}"


REGION_SHORT_NAMES = {"93": "PACA", "84": "AURA", "27": "BFC"}   # usual abbreviations (as lib.presentation.exposure_figures)


def regions_share_label(codes, short: bool = False) -> str:
    """The label of a share within some régions, naming them when there are several (``short``: with the
    usual abbreviations, for a KPI card whose label holds one line)."""
    codes = sorted(set(codes))
    if len(codes) <= 1:
        return "Part de la région"
    names = [REGION_SHORT_NAMES.get(c, ref.region_name(c)) if short else ref.region_name(c) for c in codes]
    return "Part des régions " + join_names(names)


def department_of_commune(insee_com: str) -> str:
    code = insee_com.strip().upper().zfill(5)
    return code[:3] if code.startswith("97") else code[:2]


def read_industry_territories(path: str | Path, data: bytes | None = None) -> TerritoryCatalog:
    """Read the ANCT commune list (``liste-ti-com2023-*.csv``) into a catalog."""
    path = Path(path)
    raw = data if data is not None else path.read_bytes()
    if not raw.strip():
        raise DataFileError("le fichier est vide (0 ligne) ; attendu la liste des communes des Territoires "
                            "d'industrie", file=path.name)
    check_csv_shape(raw, path.name, (",", ";"))      # bounds first: pandas would allocate for any header
    text = decode_text(raw)
    delimiter = sniff_separator(text.split("\n", 1)[0], (",", ";"))
    try:
        table = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise DataFileError(f"CSV illisible ({exc})", file=path.name) from exc
    table.columns = [c.strip().lstrip("\ufeff") for c in table.columns]
    missing = [c for c in TI_COLUMNS if c not in table.columns]
    if missing:
        raise DataFileError(f"colonne(s) manquante(s) : {', '.join(missing)} ; colonnes attendues : "
                            f"{', '.join(TI_COLUMNS)}", file=path.name, column=missing[0])
    return TerritoryCatalog(industry_territories=_territories_from_communes(table, path.name),
                            ti_source=path.name)


def _territories_from_communes(table: pd.DataFrame, file_name: str) -> dict[str, Territory]:
    pairs: list[tuple[str, str, str]] = []  # (id_ti, lib_ti, département)
    for row_number, (insee, ids, names) in enumerate(
            zip(table["insee_com"], table["id_ti"], table["lib_ti"]), start=2):
        dep = department_of_commune(insee)
        if not ref.is_department(dep):
            raise DataFileError(f"code commune « {insee} » : son département « {dep} » n'existe pas",
                                file=file_name, column="insee_com", row=row_number)
        ids, names = printable_label(ids), printable_label(names)      # no control character past here
        id_list = [i.strip() for i in ids.split(";") if i.strip()]
        name_list = [n.strip() for n in names.split(" ; ")]
        if len(name_list) != len(id_list):      # a TI without its name on this line is named by its own id
            name_list = (name_list + id_list[len(name_list):])[: len(id_list)]
        pairs.extend((i, n, dep) for i, n in zip(id_list, name_list))
    if not pairs:
        raise DataFileError("aucune commune rattachée à un Territoire d'industrie", file=file_name)
    frame = pd.DataFrame(pairs, columns=["id_ti", "lib_ti", "dep"])
    territories = {}
    for id_ti, group in frame.groupby("id_ti", sort=True):
        counts = group["dep"].value_counts()
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        main = [d for d, n in ordered if n >= MAIN_DEPARTMENT_MIN_COMMUNES] or [ordered[0][0]]
        territories[id_ti] = Territory(
            id=f"ti:{id_ti}", kind="ti", name=group["lib_ti"].mode().iloc[0], departments=tuple(main),
            regions=regions_of_departments(main), commune_counts=tuple((d, int(n)) for d, n in ordered))
    return territories


def find_ti_file(folder: Path) -> Path | None:
    """The latest commune list in a folder (names carry the date: liste-ti-com2023-YYYYMMDD.csv)."""
    candidates = sorted(folder.glob(TI_FILE_GLOB)) if folder.is_dir() else []
    return candidates[-1] if candidates else None


def _folded(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: « Meurthe-et-Moselle » → « meurthe et moselle »."""
    import unicodedata
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[-'’_/(),.]+", " ", plain.casefold()).split())


def search_text(territory: Territory) -> tuple[str, str]:
    """(its own name, everything else it can be found by: codes and names of its départements — every one
    it touches — and of their régions), folded for `search_territories`."""
    departments = list(dict.fromkeys([*territory.departments, *(d for d, _ in territory.commune_counts)]))
    regions = sorted({ref.region_of(d) for d in departments if ref.is_department(d)})
    words = [*departments, *(ref.department_name(d) for d in departments),
             *regions, *(ref.region_name(r) for r in regions)]
    return _folded(territory.name), _folded(" ".join(words))


def search_territories(territories, query: str) -> list[Territory]:
    """The territories found by their name, a département's name or code, or a région's name, without
    regard to case or accents (« meurthe », « grand est », « 54 »). Every word of the query must be found;
    those found by their own name first, then those whose main départements match, then the others."""
    words = _folded(query).split()
    if not words:
        return list(territories)
    found = []
    for position, territory in enumerate(territories):
        name, others = search_text(territory)
        if not all(w in name or w in others for w in words):
            continue
        main = _folded(" ".join([*territory.departments, *(ref.department_name(d) for d in territory.departments)]))
        rank = 0 if all(w in name for w in words) else 1 if all(w in name or w in main for w in words) else 2
        found.append((rank, position, territory))
    return [t for _, _, t in sorted(found, key=lambda item: item[:2])]
