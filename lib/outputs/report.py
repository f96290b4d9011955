"""Every chart and table of the pages for one (territory, year), listed once.

The dossier (Excel), the ``png`` command of the CLI and the Word sheet read this list, so they hold
exactly what the pages show: the same lib.analysis.indicators / lib.analysis.trends / lib.analysis.exposure results, the same
lib.presentation.figures / lib.presentation.exposure_figures builders, the same lib.presentation.tables / lib.presentation.exposure_tables tables and the
same titles (lib.presentation.texts.chart_title). Pages of one territory only: the map and the « Par produit » /
« Par pays » explorers (a product or a country across all départements) are not listed. Interactive
choices come from ``ReportChoices`` (what the user picked on the pages), else the pages' defaults (10
partner countries, the territory's first destination outside the EU for the exposure, the comparison
page's default départements).

An item's ``build`` takes the keyword arguments of every figure builder (``template``, ``palette``,
``export``); call it with ``template="plotly_white"`` and an ``ExportFrame`` for a PNG.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import pandas as pd

from lib.analysis import explorers, exposure, indicators as ind, partners, trends
from lib.presentation import exposure_figures as xfig, exposure_tables as xtab, figures, partner_figures as pfig, tables
from lib.core.schema import EXPORT, IMPORT
from lib.analysis.summary import territory_summary
from lib.data.territories import FRANCE, KIND_LABELS, Territory
from lib.presentation.texts import FLOW_WORDS, chart_title
from lib.analysis.trends import country_phrase
from lib.presentation.table_model import Column, TableSheet
from lib.outputs.file_names import download_name

# CLI names of the charts, in page order (overview, exports, imports, comparison).
CHART_NAMES = (
    "trend", "balance", "treemaps", "export-flows", "import-flows",
    "export-flows-region", "export-flows-france", "import-flows-region", "import-flows-france",
    "specialisation-export", "specialisation-import", "departments",
    "exposure", "dependency", "concentration", "eu-split",
    "partner-trend", "tariff-products", "tariff-ranking",
)
PAGES = {"overview": "Vue d'ensemble", "export": "Exportations", "import": "Importations",
         "comparison": "Comparaison", "partner": "Un pays, plusieurs territoires",
         "exposure": "Exposition et dépendances", "tariff": "Droits de douane : exposition"}
BALANCE_PARTNERS = ind.TOP_N      # the overview's slider starts at 10 countries
MAX_PEER_DEPARTMENTS = 6


@dataclass(frozen=True)
class ReportChoices:
    """The pages' choices that change a chart; None keeps the page's default."""
    peer_departments: tuple[str, ...] | None = None     # Comparaison: the compared départements
    exposure_country: str | None = None                 # Exposition: the partner country
    balance_partners: int | None = None                 # Vue d'ensemble: countries in the balance chart
    partner_territories: tuple[str, ...] | None = None  # Un pays, plusieurs territoires: territory ids
    partner: str | None = None                          # … its partner (country code, « UE », « HORS-UE »)
    partner_flow: str | None = None                     # … "export" / "import"
    partner_product: str | None = None                  # … one A129 product (None: all)
    tariff_country: str | None = None                   # Droits de douane: the country levying the duty
    tariff_rate: float | None = None                    # … the rate (fraction: 0.25)
    tariff_products: tuple[str, ...] | None = None      # … the products (None: all goods)


# The choices each item reads: a page's other widgets leave the item (and its cached figure) untouched.
_PARTNER_CHOICES = ("partner_territories", "partner", "partner_flow", "partner_product")
_TARIFF_CHOICES = ("tariff_country", "tariff_rate", "tariff_products")
ITEM_CHOICES = {"balance": ("balance_partners",), "departments": ("peer_departments",),
                "exposure": ("exposure_country",), "partner-trend": _PARTNER_CHOICES,
                "tariff-products": _TARIFF_CHOICES, "tariff-peers": _TARIFF_CHOICES, "tariff-ranking": _TARIFF_CHOICES}


def choices_for(key: str, choices: ReportChoices | None) -> ReportChoices:
    """Only the choices the item ``key`` depends on (the cache key of the item and of its figure)."""
    names = ITEM_CHOICES.get(key)
    if choices is None or names is None:
        return ReportChoices()
    return ReportChoices(**{name: getattr(choices, name) for name in names})


@dataclass(frozen=True)
class ReportItem:
    """One chart (or a table alone) of a page, with its data tables and its download names."""
    key: str                                      # an ITEM_KEYS entry (CHART_NAMES for a chart)
    title: str                                    # the chart's export title (chart_title)
    build: Callable[..., object] | None           # build(template=, palette=, export=) -> go.Figure
    tables: list[TableSheet] = field(default_factory=list)
    topic: str = ""                               # download_name(topic, chart, …)
    chart: str = ""
    page: str = ""                                # French name of the page it comes from (the Word sheet's notes)
    territory: Territory | None = None            # whose figures: the région or France for a comparison point
    data: object = None                           # the main result drawn (a page's headings and warnings read it)
    choices: ReportChoices = ReportChoices()      # the choice it was built with (choices_for): part of its cache key

    def file_name(self, year: int, ext: str) -> str:
        """The download's name: ``exportations_flux_france_2024.png`` for France's chart on any page."""
        return download_name(self.topic, self.chart, self.territory, year, ext)


class ReportContext:
    """Shared, computed-once inputs of the items of one (territory, year)."""

    def __init__(self, cube: ind.TradeCube, catalog, territory: Territory, year: int,
                 choices: ReportChoices | None = None):
        self.cube, self.catalog, self.territory, self.year = cube, catalog, territory, int(year)
        self.choices = choices or ReportChoices()
        self.home_region = ind.region_of_territory(territory)
        self._summary = None
        self._structures: dict = {}

    def with_choices(self, choices: ReportChoices | None) -> "ReportContext":
        """The same context (and its computed results) with other choices: a server keeps one context per
        (territory, year) and builds its items one at a time, each with the choice it reads."""
        other = object.__new__(ReportContext)
        other.__dict__.update(self.__dict__)
        other.choices = choices or ReportChoices()
        return other

    @property
    def summary(self) -> dict:
        if self._summary is None:
            self._summary = territory_summary(self.cube, self.territory, self.year)
        return self._summary

    def structure(self, peer: Territory, flow: str) -> ind.FlowStructure:
        key = (peer.id, flow)
        if key not in self._structures:
            self._structures[key] = ind.flow_structure(self.cube, peer, self.year, flow)
        return self._structures[key]

    def peers(self) -> list[Territory]:
        """The territory, its région (dep / ti) and France, without repeats (the comparison page's list)."""
        return ind.comparison_peers(self.territory)

    def peer(self, level: str) -> Territory | None:
        """The région or France as a comparison point; None when it is the territory itself."""
        peer = self.home_region if level == "region" else FRANCE
        return peer if peer is not None and peer.id != self.territory.id else None


# ---------------------------------------------------------------- items

def _kpi(ctx: ReportContext) -> ReportItem:
    """The overview's key figures: values, the previous year and its changes, ranks of a département."""
    summary, cube, territory, year = ctx.summary, ctx.cube, ctx.territory, ctx.year
    extra: dict[str, tuple[str, float]] = {}
    previous = ind.previous_year(cube, year)
    if previous:
        before = ind.totals(cube, territory, previous)
        extra[f"Exportations {previous}"] = ("eur", before.exports)
        extra[f"Importations {previous}"] = ("eur", before.imports)
        extra[f"Solde commercial {previous}"] = ("eur", before.balance)
        extra[f"Évolution des exportations depuis {previous}"] = ("share", ind.change(summary["exports"],
                                                                                      before.exports))
        extra[f"Évolution des importations depuis {previous}"] = ("share", ind.change(summary["imports"],
                                                                                      before.imports))
    if territory.kind == "dep":
        dep = territory.departments[0]
        extra["Rang à l'export (sur 101 départements)"] = ("int", ind.department_rank(cube, dep, year, EXPORT))
        extra["Rang à l'import (sur 101 départements)"] = ("int", ind.department_rank(cube, dep, year, IMPORT))
    return ReportItem(key="kpi", title=chart_title("Chiffres clés", territory, year), build=None,
                      tables=[tables.kpi_table(summary, extra)], topic="chiffres-cles", chart="",
                      page=PAGES["overview"])


def _balance(ctx: ReportContext) -> ReportItem:
    partners = ind.partner_balance(ctx.cube, ctx.territory, ctx.year,
                                   ctx.choices.balance_partners or BALANCE_PARTNERS)
    return ReportItem(key="balance", title=chart_title("Balance commerciale territoriale", ctx.territory, ctx.year),
                      build=partial(figures.balance_figure, partners), tables=[tables.partner_table(partners)],
                      topic="balance", chart="pays", page=PAGES["overview"])


def _treemaps(ctx: ReportContext) -> ReportItem:
    exports = ind.product_breakdown(ctx.cube, ctx.territory, ctx.year, EXPORT)
    imports = ind.product_breakdown(ctx.cube, ctx.territory, ctx.year, IMPORT)
    return ReportItem(key="treemaps",
                      title=chart_title("Principales activités à l'export et à l'import", ctx.territory, ctx.year),
                      build=partial(figures.flows_treemap_figure, exports, imports),
                      tables=[tables.products_table(exports, EXPORT), tables.products_table(imports, IMPORT)],
                      topic="activites", chart="produits", page=PAGES["overview"])


def _flows(flow: str):
    def make(ctx: ReportContext) -> ReportItem:
        words = FLOW_WORDS[flow]
        structure = ctx.structure(ctx.territory, flow)
        return ReportItem(key=f"{flow}-flows", title=chart_title(words["chart"], ctx.territory, ctx.year, in_value=True),
                          build=partial(figures.sankey_figure, structure),
                          tables=[tables.flow_nodes_table(structure)], topic=words["title"], chart="flux",
                          page=PAGES[flow], data=structure)
    return make


def _links(flow: str):
    """The Sankey's product × country table, shown under it on the flow page."""
    def make(ctx: ReportContext) -> ReportItem:
        words = FLOW_WORDS[flow]
        table = tables.links_table(ctx.structure(ctx.territory, flow))
        return ReportItem(key=f"{flow}-links", title=chart_title(table.title, ctx.territory, ctx.year), build=None,
                          tables=[table], topic=words["title"], chart="liens", page=PAGES[flow])
    return make


def _comparison(ctx: ReportContext) -> ReportItem:
    """The territory beside its région and France: totals, coverage, and the territory's share of each."""
    own = ind.totals(ctx.cube, ctx.territory, ctx.year)
    rows = []
    for peer in ctx.peers():
        peer_totals = ind.totals(ctx.cube, peer, ctx.year)
        level = "Régions" if peer.kind == "reg" and len(peer.regions) > 1 else KIND_LABELS[peer.kind]
        rows.append({"level": level, "name": peer.name, "exports": peer_totals.exports,
                     "imports": peer_totals.imports, "balance": peer_totals.balance,
                     "coverage": peer_totals.coverage,
                     "share_exports": ind.ratio(own.exports, peer_totals.exports),
                     "share_imports": ind.ratio(own.imports, peer_totals.imports)})
    table = TableSheet(
        title="Le territoire, sa région et la France", sheet_name="Comparaison", frame=pd.DataFrame(rows),
        columns=[Column("level", "Niveau", "text"), Column("name", "Territoire", "text"),
                 Column("exports", "Exportations (€)", "eur"), Column("imports", "Importations (€)", "eur"),
                 Column("balance", "Solde (€)", "eur"), Column("coverage", "Taux de couverture", "ratio"),
                 Column("share_exports", "Part du territoire dans les exportations", "share"),
                 Column("share_imports", "Part du territoire dans les importations", "share")],
        notes=["Part du territoire = exportations (importations) du territoire ÷ celles de la ligne ; "
               "taux de couverture = exportations ÷ importations."])
    return ReportItem(key="comparison", title=chart_title(table.title, ctx.territory, ctx.year), build=None,
                      tables=[table], topic="comparaison", chart="territoire-region-france",
                      page=PAGES["comparison"])


def _peer_flows(flow: str, level: str):
    def make(ctx: ReportContext) -> ReportItem | None:
        peer = ctx.peer(level)
        if peer is None:
            return None
        words = FLOW_WORDS[flow]
        structure = ctx.structure(peer, flow)
        # the comparison page's title: short flow name, the peer's name, « (en valeur, année) »
        title = chart_title(words["short_chart"], peer, ctx.year, in_value=True)
        nodes = tables.flow_nodes_table(structure)
        where = "France" if level == "france" else "région"
        nodes = dataclasses.replace(
            nodes, title=f"Pour comparaison, {peer.name} : {nodes.title[0].lower()}{nodes.title[1:]}",
            sheet_name=f"{nodes.sheet_name} {where}",
            notes=[f"Données {'de la France entière' if level == 'france' else peer.phrase.of}, "
                   "pour comparaison avec le territoire."])
        return ReportItem(key=f"{flow}-flows-{level}", title=title, build=partial(figures.sankey_figure, structure),
                          tables=[nodes], topic=words["title"], chart="flux", page=PAGES["comparison"],
                          territory=peer, data=structure)
    return make


def _specialisation(flow: str):
    def make(ctx: ReportContext) -> ReportItem | None:
        if ctx.territory.kind == "fr":      # France is the reference: the comparison page shows none
            return None
        words = FLOW_WORDS[flow]
        spec = ind.specialisation(ctx.cube, ctx.territory, ctx.year, flow)
        region_name = ctx.home_region.name if ctx.home_region else None
        return ReportItem(key=f"specialisation-{flow}",
                          title=chart_title(f"Structure des {words['title']} par produit", ctx.territory, ctx.year),
                          build=partial(figures.specialisation_figure, spec, ctx.territory.name, region_name, flow=flow),
                          tables=[tables.specialisation_table(spec, flow, ctx.home_region)], topic=words["title"],
                          chart="specialisation", page=PAGES["comparison"])
    return make


def default_peer_departments(cube: ind.TradeCube, territory: Territory, year: int) -> list[str]:
    """The comparison page's default choice: a département or TI with its région's biggest exporters; a
    région or France, its own biggest exporters."""
    codes = list((ind.region_of_territory(territory) or territory).departments)
    ranked = cube.department_totals(year, EXPORT).loc[codes].sort_values(ascending=False)
    own = list(territory.departments) if territory.kind in ("dep", "ti") else []
    return list(dict.fromkeys(own + list(ranked.index)))[:MAX_PEER_DEPARTMENTS]


def _departments(ctx: ReportContext) -> ReportItem:
    chosen = ctx.choices.peer_departments or default_peer_departments(ctx.cube, ctx.territory, ctx.year)
    frame = ind.compare_departments(ctx.cube, list(chosen), ctx.year)
    return ReportItem(key="departments", title=f"Exportations, importations et solde de départements ({ctx.year})",
                      build=partial(figures.departments_comparison_figure, frame),
                      tables=[tables.departments_table(frame)], topic="comparaison", chart="departements",
                      page=PAGES["comparison"])


def _trend(ctx: ReportContext) -> ReportItem | None:
    yearly = trends.yearly_totals(ctx.cube, ctx.territory)
    if len(yearly) <= 1:          # the overview shows it from two years on
        return None
    return ReportItem(key="trend", title=f"Exportations, importations et solde par année, {ctx.territory.name}",
                      build=partial(xfig.trend_figure, yearly), tables=[xtab.trend_table(yearly)],
                      topic="evolution", chart="annees", page=PAGES["overview"], data=yearly)


def _changes(flow: str, dimension: str):
    """The partners (or products) that changed most since the previous year: a table of the flow page."""
    def make(ctx: ReportContext) -> ReportItem | None:
        previous = ind.previous_year(ctx.cube, ctx.year)
        if previous is None:
            return None
        changes = (trends.partner_changes if dimension == "partners" else trends.product_changes)(
            ctx.cube, ctx.territory, ctx.year, flow)
        table = xtab.changes_table(changes, flow, ctx.year, previous, dimension)
        return ReportItem(key=f"{flow}-changes-{dimension}", title=chart_title(table.title, ctx.territory, ctx.year),
                          build=None, tables=[table], topic=FLOW_WORDS[flow]["title"],
                          chart=f"evolution-{'pays' if dimension == 'partners' else 'produits'}", page=PAGES[flow])
    return make


def _exposure(ctx: ReportContext) -> ReportItem | None:
    country = ctx.choices.exposure_country or explorers.default_exposure_country(ctx.cube, ctx.year, ctx.territory)
    partner = exposure.exposure_to_partner(ctx.cube, ctx.territory, ctx.year, country)
    if partner.is_empty:
        return None
    return ReportItem(key="exposure", title=chart_title(f"Exportations {country_phrase(country, EXPORT)}", ctx.territory,
                                                        ctx.year),
                      build=partial(xfig.exposure_figure, partner, ctx.territory.name),
                      tables=[xtab.exposure_summary_table(partner, ctx.territory.name),
                              xtab.exposure_products_table(partner)],
                      topic="exposition", chart=country.lower(), page=PAGES["exposure"], data=partner)


def _dependency(ctx: ReportContext) -> ReportItem:
    dependency = exposure.import_dependency(ctx.cube, ctx.territory, ctx.year)
    return ReportItem(key="dependency", title=chart_title("Dépendance aux principaux fournisseurs", ctx.territory,
                                                          ctx.year),
                      build=partial(xfig.dependency_figure, dependency), tables=[xtab.dependency_table(dependency)],
                      topic="importations", chart="dependances", page=PAGES["exposure"], data=dependency)


def _region_name(ctx: ReportContext) -> str | None:
    return ctx.home_region.name if ctx.home_region else None


def _concentration(ctx: ReportContext) -> ReportItem:
    concentration = exposure.concentration(ctx.cube, ctx.territory, ctx.year)
    return ReportItem(key="concentration", title=chart_title("Concentration des échanges", ctx.territory, ctx.year),
                      build=partial(xfig.concentration_figure, concentration, ctx.territory.name, _region_name(ctx)),
                      tables=[xtab.concentration_table(concentration)], topic="concentration", chart="hhi",
                      page=PAGES["exposure"])


def _eu_split(ctx: ReportContext) -> ReportItem:
    split = exposure.eu_split(ctx.cube, ctx.territory, ctx.year)
    return ReportItem(key="eu-split", title=chart_title("Échanges avec l'Union européenne et le reste du monde",
                                                        ctx.territory, ctx.year),
                      build=partial(xfig.eu_split_figure, split, ctx.territory.name, _region_name(ctx)),
                      tables=[xtab.eu_split_table(split)], topic="ue", chart="hors-ue", page=PAGES["exposure"])


def partner_territories(ctx: ReportContext) -> list[Territory]:
    """The compared territories: the user's, else the territory with its région's biggest exporters."""
    ids = ctx.choices.partner_territories or partners.default_partner_territories(ctx.cube, ctx.territory, ctx.year)
    # the selected territory is already resolved (it may be one the catalog does not list, built by a caller)
    return [ctx.territory if i == ctx.territory.id else ctx.catalog.resolve(i) for i in ids]


def _partner_trend(ctx: ReportContext) -> ReportItem | None:
    """Several territories, one partner, every year of the data; None when none of them trades with it."""
    partner = ctx.choices.partner or partners.DEFAULT_TARIFF_COUNTRY
    flow = ctx.choices.partner_flow or EXPORT
    product = ctx.choices.partner_product
    trend = partners.partner_trend(ctx.cube, partner_territories(ctx), partner, flow, product)
    if not (trend["value"] > 0).any():
        return None
    table = pfig.partner_trend_table(trend, partner, flow, product)
    years = f"{min(ctx.cube.years)}-{max(ctx.cube.years)}"
    return ReportItem(key="partner-trend", title=f"{table.title[:-len(', par territoire')]}, {years}",
                      build=partial(pfig.partner_trend_figure, trend, partner, flow), tables=[table],
                      topic="un-pays", chart=f"{partner.lower()}-{FLOW_WORDS[flow]['title']}",
                      page=PAGES["partner"], data=trend)


def _tariff_result(ctx: ReportContext) -> partners.TariffExposure:
    return partners.tariff_exposure(
        ctx.cube, ctx.territory, ctx.year, ctx.choices.tariff_country or partners.DEFAULT_TARIFF_COUNTRY,
        partners.DEFAULT_TARIFF_RATE if ctx.choices.tariff_rate is None else ctx.choices.tariff_rate,
        ctx.choices.tariff_products)


def _tariff_words(result: partners.TariffExposure) -> str:
    """Plain spaces: a title is also the chart's text alternative, which reads them so."""
    rate = pfig.rate_label(result.rate).replace("\u00a0", " ")
    return f"{trends.country_phrase(result.country, EXPORT)}, droits à {rate}"


def _tariff_products(ctx: ReportContext) -> ReportItem | None:
    """None when the territory sells none of the products to the country (the page says so)."""
    result = _tariff_result(ctx)
    if result.is_empty:
        return None
    return ReportItem(key="tariff-products",
                      title=chart_title(f"Exportations exposées {_tariff_words(result)}", ctx.territory, ctx.year),
                      build=partial(pfig.tariff_products_figure, result), tables=[pfig.tariff_products_table(result)],
                      topic="droits-de-douane", chart=f"{result.country.lower()}-produits", page=PAGES["tariff"],
                      data=result)


def _tariff_peers(ctx: ReportContext) -> ReportItem:
    result = _tariff_result(ctx)
    table = pfig.tariff_peers_table(result)
    return ReportItem(key="tariff-peers", title=chart_title(table.title, ctx.territory, ctx.year), build=None,
                      tables=[table], topic="droits-de-douane", chart=f"{result.country.lower()}-comparaison",
                      page=PAGES["tariff"], data=result)


def _tariff_ranking(ctx: ReportContext) -> ReportItem | None:
    result = _tariff_result(ctx)
    if not (result.ranking["exposed"] > 0).any():
        return None
    return ReportItem(key="tariff-ranking",
                      title=chart_title(f"Part des exportations exposée {_tariff_words(result)}, par département"
                                        + (" (les plus exposés)" if len(result.ranking) > pfig.MAX_RANKING_BARS
                                           else ""),
                                        ctx.territory, ctx.year),
                      build=partial(pfig.tariff_ranking_figure, result), tables=[pfig.tariff_ranking_table(result)],
                      topic="droits-de-douane", chart=f"{result.country.lower()}-departements", page=PAGES["tariff"],
                      data=result)


# key → factory, in page order
_FACTORIES: dict[str, Callable[[ReportContext], ReportItem | None]] = {
    "kpi": _kpi,
    "trend": _trend,
    "balance": _balance,
    "treemaps": _treemaps,
    "export-flows": _flows(EXPORT),
    "export-links": _links(EXPORT),
    "export-changes-partners": _changes(EXPORT, "partners"),
    "export-changes-products": _changes(EXPORT, "products"),
    "import-flows": _flows(IMPORT),
    "import-links": _links(IMPORT),
    "import-changes-partners": _changes(IMPORT, "partners"),
    "import-changes-products": _changes(IMPORT, "products"),
    "comparison": _comparison,
    "export-flows-region": _peer_flows(EXPORT, "region"),
    "export-flows-france": _peer_flows(EXPORT, "france"),
    "import-flows-region": _peer_flows(IMPORT, "region"),
    "import-flows-france": _peer_flows(IMPORT, "france"),
    "specialisation-export": _specialisation(EXPORT),
    "specialisation-import": _specialisation(IMPORT),
    "departments": _departments,
    "partner-trend": _partner_trend,
    "exposure": _exposure,
    "dependency": _dependency,
    "concentration": _concentration,
    "eu-split": _eu_split,
    "tariff-products": _tariff_products,
    "tariff-peers": _tariff_peers,
    "tariff-ranking": _tariff_ranking,
}
ITEM_KEYS = tuple(_FACTORIES)
assert set(CHART_NAMES) <= set(ITEM_KEYS)

# What each territory page shows, in its order (the overview's key figures are cards: the dossier's « kpi »
# sheet has no place on a page). The territory's own Sankey is on its flow page and on the comparison page.
PAGE_ITEMS: dict[str, tuple[str, ...]] = {
    "overview": ("trend", "balance", "treemaps"),
    EXPORT: ("export-flows", "export-links", "export-changes-partners", "export-changes-products"),
    IMPORT: ("import-flows", "import-links", "import-changes-partners", "import-changes-products"),
    "comparison": ("comparison", "export-flows", "export-flows-region", "export-flows-france",
                   "import-flows", "import-flows-region", "import-flows-france",
                   "specialisation-export", "specialisation-import", "departments"),
    "partner": ("partner-trend",),
    "exposure": ("exposure", "dependency", "concentration", "eu-split"),
    "tariff": ("tariff-products", "tariff-peers", "tariff-ranking"),
}
assert set(PAGE_ITEMS) == set(PAGES) and all(set(keys) <= set(ITEM_KEYS) for keys in PAGE_ITEMS.values())


def report_items(cube: ind.TradeCube, catalog, territory: Territory, year: int,
                 keys: list[str] | tuple[str, ...] | None = None,
                 choices: ReportChoices | None = None, *, context: ReportContext | None = None) -> list[ReportItem]:
    """Every chart and table of the pages (or only ``keys``), in page order.

    Items that do not apply are left out: no région for a région or France, no France comparison for
    France itself. Unknown keys raise KeyError. ``context``: a ReportContext of the same (territory, year)
    whose results are reused (the pages' loader keeps one per territory).
    """
    wanted = ITEM_KEYS if keys is None else tuple(keys)
    unknown = [k for k in wanted if k not in _FACTORIES]
    if unknown:
        raise KeyError(f"unknown report items: {unknown}")
    ctx = (context.with_choices(choices) if context is not None
           else ReportContext(cube, catalog, territory, year, choices))
    items = (_FACTORIES[key](ctx) for key in ITEM_KEYS if key in wanted)
    return [dataclasses.replace(item, territory=item.territory or territory,
                                choices=choices_for(item.key, ctx.choices))
            for item in items if item is not None]


def report_item(cube: ind.TradeCube, catalog, territory: Territory, year: int, key: str,
                choices: ReportChoices | None = None) -> ReportItem | None:
    """One item, or None when it does not apply to this territory (e.g. « export-flows-region » for France)."""
    found = report_items(cube, catalog, territory, year, keys=[key], choices=choices)
    return found[0] if found else None


def page_items(cube: ind.TradeCube, catalog, territory: Territory, year: int, page: str,
               choices: ReportChoices | None = None) -> list[ReportItem]:
    """The items a page shows (``PAGE_ITEMS``), those that apply to the territory, in the page's order."""
    keys = PAGE_ITEMS[page]
    found = {item.key: item for item in report_items(cube, catalog, territory, year, keys=keys, choices=choices)}
    return [found[key] for key in keys if key in found]
