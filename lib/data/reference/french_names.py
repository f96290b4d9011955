"""How a territory's name takes its article in French: « des Alpes-de-Haute-Provence », « du Nord ».

Titles, file names, the written synthesis and the Word sheet all need « de + territoire »; one rule here
keeps « Tous les tableaux de Alpes-de-Haute-Provence » out of every page. Départements follow INSEE's
« type de nom en clair » (TNCC) of the COG 2024, written below as facts (checked against the official
file by the tests when ``../shared`` is present).
"""
from __future__ import annotations

from dataclasses import dataclass

# INSEE TNCC: 0 no article (« de »), 1 no article before a vowel (« d' »), 2 « le », 3 « la », 4 « les », 5 « l' ».
_TNCC_CODES = {
    "0": "49 54 71 75 77 974 976",
    "1": "28 35 37",
    "2": "14 15 18 25 29 30 32 39 41 45 46 47 56 59 62 63 67 68 69 81 82 83 84 90 94 95",
    "3": "16 17 19 21 23 24 26 2A 2B 31 33 42 43 44 48 50 51 52 53 55 57 58 70 72 73 74 76 80 85 86 87 93 "
         "971 972 973",
    "4": "04 05 06 08 13 22 40 64 65 66 78 79 88 92",
    "5": "01 02 03 07 09 10 11 12 27 34 36 38 60 61 89 91",
}
DEPARTMENT_TNCC: dict[str, str] = {code: tncc for tncc, codes in _TNCC_CODES.items() for code in codes.split()}

_ARTICLE_OF_TNCC = {"0": "", "1": "", "2": "le ", "3": "la ", "4": "les ", "5": "l'"}
_VOWELS = "aàâeéèêiîoôuûyœhAÀÂEÉÈÊIÎOÔUÛYŒH"


@dataclass(frozen=True)
class NamePhrase:
    """A territory's name with its article; the properties give the forms a sentence needs."""
    name: str
    article: str = ""          # "le ", "la ", "les ", "l'" or ""
    plural: bool = False

    @property
    def subject(self) -> str:
        """« les Alpes-de-Haute-Provence », « Paris », « la région Corse »."""
        return f"{self.article}{self.name}"

    @property
    def of(self) -> str:
        """« des Alpes-de-Haute-Provence », « du Nord », « de la Creuse », « d'Indre-et-Loire », « de Paris »."""
        contracted = {"le ": "du ", "les ": "des ", "la ": "de la ", "l'": "de l'"}
        if self.article:
            return contracted[self.article] + self.name
        return elide("de", self.name)

    @property
    def to(self) -> str:
        """« aux Alpes-… », « au Nord », « à la Creuse », « à l'Ain », « à Paris »."""
        contracted = {"le ": "au ", "les ": "aux ", "la ": "à la ", "l'": "à l'"}
        return contracted[self.article] + self.name if self.article else f"à {self.name}"

    @property
    def verb_has(self) -> str:
        """« a » or « ont », to agree « les Bouches-du-Rhône ont exporté »."""
        return "ont" if self.plural else "a"


def elide(word: str, following: str) -> str:
    """« de » + « Indre-et-Loire » → « d'Indre-et-Loire »; « de » + « Paris » → « de Paris »."""
    if following[:1] in _VOWELS and word in ("de", "le", "la", "que"):
        return f"{word[:-1]}'{following}"
    return f"{word} {following}"


def department_phrase(code: str, name: str) -> NamePhrase:
    tncc = DEPARTMENT_TNCC.get(code, "0")
    return NamePhrase(name=name, article=_ARTICLE_OF_TNCC[tncc], plural=tncc == "4")


def territory_phrase(territory) -> NamePhrase:
    """The phrase for any ``lib.data.territories.Territory`` (duck-typed to keep this module dependency-free).

    Régions and Territoires d'industrie are named with their kind (« la région Corse », « le Territoire
    d'industrie Val de Durance »): always correct, and clearer in a note than a bare name.
    """
    kind = territory.kind
    if kind == "dep":
        return department_phrase(territory.code, territory.name)
    if kind == "reg" and len(getattr(territory, "regions", ())) > 1:     # several régions taken together
        return NamePhrase(name="régions " + territory.name.removeprefix("Régions "), article="les ", plural=True)
    if kind == "reg":
        return NamePhrase(name=f"région {territory.name}", article="la ")
    if kind == "ti":
        return NamePhrase(name=f"Territoire d'industrie {territory.name}", article="le ")
    return NamePhrase(name="France", article="la ")


def capitalize_first(text: str) -> str:
    """Sentence case without touching the rest: « les Alpes… » → « Les Alpes… »."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """After « : » a French sentence goes on in lower case: « Une entreprise… » → « une entreprise… »;
    an acronym or a name in capitals (« UE », « DGDDI ») is left as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def count_phrase(count: int, singular: str, plural: str | None = None) -> str:
    """« 1 fichier », « 18 fichiers », « 0 graphique », « 1 280 lignes »: French plural (0 and 1 take the
    singular), never « fichier(s) »; thousands split by a narrow no-break space."""
    word = singular if abs(count) < 2 else (plural or " ".join(part + "s" for part in singular.split(" ")))
    number = f"{int(count):,}".replace(",", "\u202f")
    return f"{number} {word}"
