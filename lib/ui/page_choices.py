"""The pages' own choices in the URL and in the downloads: the compared départements, the exposure country,
how many partners a chart lists, which flow a map shows.

Each one is read like the explorers' parameters (lib/ui/explorer_state.py): the URL's value on arrival and
on Back / Forward, else the session's last choice, else the page's default. It is written into the URL only
when it differs from the default, so that opening a page adds no browser history entry of its own.
The sidebar's « Dossier complet » and « Fiche territoriale » read the same values (``report_choices``), so
they hold what the user sees, not the defaults.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

import streamlit as st

from lib.outputs.report import MAX_PEER_DEPARTMENTS, ReportChoices
from lib.ui import explorer_state as url

T = TypeVar("T")
_WARNINGS = "explorer_url_warnings"      # shown by explorer_state.show_warnings, with the explorers' ones
CURRENT_PAGE = "current_page_path"       # the router's page of this run (streamlit_app.py), e.g. "droits-de-douane"


@dataclass(frozen=True)
class PageChoice(Generic[T]):
    """One choice: its URL parameter, the widget keys that draw it (one per page), how it reads and writes."""
    param: str
    keys: tuple[str, ...]
    parse: Callable[[str], T | None]          # URL text → value, None when not valid
    text: Callable[[T], str]                  # value → URL text
    expected: str                             # for the French warning: « attendu … »
    store: str = ""                           # session memory shared by the keys ("" → one per param)
    page: str = ""        # the page's address when other pages use the same URL word (« pays », « flux »…)

    @property
    def memory(self) -> str:
        return f"page_choice_{self.store or self.param}"

    def valid(self, value) -> bool:
        try:
            return value is not None and self.parse(self.text(value)) == value
        except (TypeError, ValueError, AttributeError):
            return False

    def current(self, default: T | None = None) -> T | None:
        """What the user sees now: a drawn widget's value, else the URL's, else the session's choice, else
        ``default``. The report's choices have parameter names of their own, used by no other page."""
        state = st.session_state
        for key in self.keys:
            if self.valid(state.get(key)):
                return state[key]
        # a link's choice, before its page has drawn the widget; a word other pages share, only on its page
        shared_elsewhere = self.page and st.session_state.get(CURRENT_PAGE) != self.page
        raw = None if shared_elsewhere else st.query_params.get(self.param)
        if raw is not None and self.parse(raw) is not None:
            return self.parse(raw)
        remembered = state.get(self.memory)
        return remembered if self.valid(remembered) else default

    def prepare(self, key: str, default: T) -> None:
        """Before the widget is drawn: give it the URL's, the session's or the default value."""
        state = st.session_state
        raw = st.query_params.get(self.param)
        if url.history_navigation():               # Back / Forward: the entry's URL decides, absent = default
            value = self.parse(raw) if raw is not None else None
            state[key] = value if value is not None else default
            return
        if self.valid(state.get(key)):
            shown_default = state.get(f"{key}__default")
            if state[key] == shown_default and default != shown_default:
                state[key] = default     # never chosen, only the previous territory's default: follow the new one
            return
        remembered = state.get(self.memory)
        value = remembered if self.valid(remembered) else default
        if raw is not None and not state.get(f"{key}__url_read"):
            parsed = self.parse(raw)
            if parsed is not None:
                value = parsed
            else:
                state.setdefault(_WARNINGS, []).append(
                    f"Paramètre « {self.param} » de l'adresse non reconnu (« {url.printable(raw)} ») : attendu "
                    f"{self.expected}. Affichage du choix par défaut.")
            state[f"{key}__url_read"] = True
        state[key] = value

    def keep(self, key: str, default: T) -> T:
        """After the widget is drawn: remember the value and put it in the URL (or take it out if default)."""
        state = st.session_state
        value = state[key]
        state[f"{key}__default"] = default
        if value == default:
            state.pop(self.memory, None)
            url.forget(self.param)
        else:
            state[self.memory] = value
            if st.query_params.get(self.param) != self.text(value):
                st.query_params[self.param] = self.text(value)
        return value


def _int_in(low: int, high: int) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        text = str(text).strip()
        return int(text) if text.isascii() and text.isdigit() and low <= int(text) <= high else None
    return parse


def _departments(text: str) -> list[str] | None:
    from lib.data.reference.departments import normalize_department_code
    codes = [normalize_department_code(part.strip()) for part in str(text).split(",") if part.strip()]
    if not codes or None in codes or len(codes) > MAX_PEER_DEPARTMENTS:
        return None
    return list(dict.fromkeys(codes))


def _country(text: str) -> str | None:
    from lib.data.reference.countries import COUNTRIES
    code = str(text).strip().upper()
    return code if code in set(COUNTRIES["code"]) else None


def _one_of(words: dict[str, str]) -> Callable[[str], str | None]:
    """French URL word → value; the value itself is accepted too (older links)."""
    def parse(text: str) -> str | None:
        text = str(text).strip().lower()
        return words.get(text) or (text if text in words.values() else None)
    return parse


FLOW_WORDS_URL = {"exportations": "exports", "importations": "imports"}
SPEC_FLOW_WORDS_URL = {"exportations": "export", "importations": "import"}
COUNTRY_MAP_WORDS_URL = {"exportations": "exports", "importations": "imports", "exposition": "exposure"}


def _word_of(words: dict[str, str]) -> Callable[[str], str]:
    reverse = {v: k for k, v in words.items()}
    return lambda value: reverse.get(value, str(value))


PEERS = PageChoice("departements", ("cmp_departments",), _departments, ",".join,
                   f"une liste de 1 à {MAX_PEER_DEPARTMENTS} codes de départements séparés par des virgules, "
                   "comme 04,13,84")
EXPOSURE_COUNTRY = PageChoice(url.COUNTRY_PARAM, ("exposure_country", "explorer_country", "map_country"), _country,
                              str, "un code pays ISO à deux lettres, comme US ou DE",
                              store=f"explorer_choice_{url.COUNTRY_PARAM}")
BALANCE_COUNT = PageChoice("nb_pays", ("balance_count",), _int_in(5, 25), str, "un nombre de 5 à 25",
                           store="balance_count")
PARTNER_COUNT = PageChoice("nb_partenaires", ("product_partner_count",), _int_in(5, 25), str, "un nombre de 5 à 25",
                           store="product_partner_count")
PRODUCT_COUNT = PageChoice("nb_produits", ("country_product_count",), _int_in(5, 25), str, "un nombre de 5 à 25")
SPEC_FLOW = PageChoice("flux", ("spec_flow",), _one_of(SPEC_FLOW_WORDS_URL), _word_of(SPEC_FLOW_WORDS_URL),
                       "« exportations » ou « importations »", store="spec_flow")
PRODUCT_MAP_FLOW = PageChoice("flux", ("product_map_flow",), _one_of(FLOW_WORDS_URL), _word_of(FLOW_WORDS_URL),
                              "« exportations » ou « importations »", store="product_map_flow")
COUNTRY_MAP_KIND = PageChoice("carte", ("country_map_kind",), _one_of(COUNTRY_MAP_WORDS_URL),
                              _word_of(COUNTRY_MAP_WORDS_URL), "« exportations », « importations » ou « exposition »")


def _territory_ids(text: str) -> list[str] | None:
    """« dep:59,dep:62,ti:…,reg:32,fr » → the ids, each naming a territory of the data's catalog."""
    from lib.analysis.partners import MAX_TERRITORIES
    from lib.data.territories import TerritoryError
    from lib.ui.loaders import app_data
    catalog = app_data().catalog
    ids = [part.strip() for part in str(text).split(",") if part.strip()]
    if not ids or len(ids) > MAX_TERRITORIES:
        return None
    try:
        return list(dict.fromkeys(catalog.resolve(i).id for i in ids))
    except TerritoryError:
        return None


def _partner(groups: bool) -> Callable[[str], str | None]:
    def parse(text: str) -> str | None:
        from lib.analysis.partners import PartnerError, parse_partner
        try:
            return parse_partner(text, groups=groups)
        except PartnerError:
            return None
    return parse


def _product_or_all(text: str) -> str | None:
    """A known A129 code, or "" (every product) for an empty value or « tous »."""
    from lib.data.reference.products import is_known_product
    code = str(text).strip().upper()
    if code in ("", "TOUS"):
        return ""
    return code if is_known_product(code) else None


def _products(text: str) -> list[str] | None:
    from lib.data.reference.products import is_known_product
    codes = [part.strip().upper() for part in str(text).split(",") if part.strip()]
    return list(dict.fromkeys(codes)) if all(is_known_product(c) for c in codes) else None


def _rate(text: str) -> int | None:
    text = str(text).strip().replace("%", "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 <= int(text) <= MAX_RATE_PERCENT else None


MAX_RATE_PERCENT = 200
PARTNER_TERRITORIES = PageChoice("territoires", ("partner_territories",), _territory_ids, ",".join,
                                 "une liste de 1 à 8 identifiants séparés par des virgules, comme "
                                 "dep:59,dep:62,reg:32,fr")
PARTNER = PageChoice("partenaire", ("partner_partner",), _partner(True), str,
                     "un code pays ISO à deux lettres (US, DE…), « UE » ou « HORS-UE »")
PARTNER_FLOW = PageChoice("flux", ("partner_flow",), _one_of(SPEC_FLOW_WORDS_URL), _word_of(SPEC_FLOW_WORDS_URL),
                          "« exportations » ou « importations »", store="partner_flow", page="un-pays")
PARTNER_PRODUCT = PageChoice("produit", ("partner_product",), _product_or_all, str,
                             "un code de produit A129 comme C20B", store="partner_product", page="un-pays")
TARIFF_COUNTRY = PageChoice("pays", ("tariff_country",), _partner(False), str,
                            "un code pays ISO à deux lettres, comme US ou CN", store="tariff_country",
                            page="droits-de-douane")
TARIFF_RATE = PageChoice("taux", ("tariff_rate",), _rate, str, f"un taux entier de 0 à {MAX_RATE_PERCENT} (en %)")
TARIFF_PRODUCTS = PageChoice("produits", ("tariff_products",), _products, ",".join,
                             "des codes de produits A129 séparés par des virgules, comme C11Z,C20B")


def bound(choice: PageChoice, key: str, default, draw: Callable[..., object]):
    """prepare → draw(key=key) → keep: the usual life of a page choice."""
    choice.prepare(key, default)
    draw(key=key)
    return choice.keep(key, default)


def report_choices() -> ReportChoices:
    """The choices the dossier and the Word sheet must follow (None: the territory's default)."""
    peers = PEERS.current()
    territories, products, rate = PARTNER_TERRITORIES.current(), TARIFF_PRODUCTS.current(), TARIFF_RATE.current()
    return ReportChoices(peer_departments=tuple(peers) if peers else None,
                         exposure_country=EXPOSURE_COUNTRY.current(), balance_partners=BALANCE_COUNT.current(),
                         partner_territories=tuple(territories) if territories else None,
                         partner=PARTNER.current(), partner_flow=PARTNER_FLOW.current(),
                         partner_product=PARTNER_PRODUCT.current() or None, tariff_country=TARIFF_COUNTRY.current(),
                         tariff_rate=rate / 100 if rate is not None else None,
                         tariff_products=tuple(products) if products else None)


def limit_selection(key: str, limit: int, what: str) -> None:
    """on_change of a multiselect: keep the first ``limit`` choices and say so in French (Streamlit's own
    ``max_selections`` message is English)."""
    value = st.session_state.get(key) or []
    if len(value) > limit:
        st.session_state[key] = value[:limit]
        st.session_state[f"{key}__limit"] = (f"{limit} {what} au plus : le dernier choix n'a pas été ajouté. "
                                             "Retirez-en un pour en choisir un autre.")


def show_limit_message(key: str) -> None:
    message = st.session_state.pop(f"{key}__limit", None)
    if message:
        st.warning(message, icon="⚠️")
