"""Command line: the contract the tests, the benchmark and batch users share with the app.

    python -m lib.cli demo
    python -m lib.cli import PATH...          (a new data version, logged in the audit log)
    python -m lib.cli versions [--json]
    python -m lib.cli rollback VERSION
    python -m lib.cli revisions --from v0001 --to v0002 --territory dep:04 [--year 2024] [--json]
    python -m lib.cli summary --territory dep:04 --year 2024 [--data PATH...] [--json]
    python -m lib.cli fetch
    python -m lib.cli dossier --territory dep:04 --year 2024 [--data PATH...] --out FILE.xlsx [--no-images]
    python -m lib.cli png --territory dep:04 --year 2024 --chart export-flows --out FILE.png
    python -m lib.cli partner --territories dep:59,dep:62,dep:80 --country US [--flow import] [--product C20B] --json
    python -m lib.cli tariff --territory dep:59 --country US --rate 25 [--products C11Z,C20B] [--year 2024] --json

Exit codes: 0 success, 1 unexpected failure (French message; `CET_DEBUG=1` adds the traceback), 2 wrong
argument or unreadable data (French message), 3 download failure, 4 PNG impossible on this machine (no
Chromium), 130 interrupted. No traceback reaches the user unless asked for.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from lib.core.errors import DataFileError
from lib.core.formatting import format_amount, format_number, format_percent
from lib.core.text_limits import cap
from lib.data.reference.french_names import count_phrase
from lib.data.territories import TerritoryError, regions_share_label
from lib.core.files import write_atomic


def _cmd_demo(args) -> int:
    from lib.data.demo import ensure_demo
    from lib.core.schema import DEMO_DIR
    start = time.perf_counter()
    folder = ensure_demo(Path(args.out) if args.out else DEMO_DIR)
    print(f"Données de démonstration prêtes dans {folder} ({time.perf_counter() - start:.1f} s).")
    return 0


def _read_inputs(paths: list[str]) -> list[tuple[str, bytes]]:
    """(name, bytes) of the data files given, folders expanded (their data files, hidden ones aside)."""
    files = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".zip", ".xlsx", ".csv")
                           and not p.name.startswith((".", "~$")) and "manifest" not in p.name.lower())
            if not found:
                raise DataFileError("aucun fichier ZIP, XLSX ou CSV dans ce dossier", file=str(path))
            files.extend((p.name, p.read_bytes()) for p in found)
        elif path.is_file():
            files.append((path.name, path.read_bytes()))
        else:
            raise DataFileError("fichier ou dossier introuvable", file=str(path))
    return files


def _print_report(report, start: float) -> None:
    if report.unchanged:
        print(f"Aucun changement : ces fichiers sont déjà ceux de la version en service ({report.version}).")
        return
    print(f"Version {report.version} créée et mise en service en {time.perf_counter() - start:.1f} s : "
          f"{', '.join(report.kept)}.")
    if report.changes_sentence:
        print(f"Changements : {report.changes_sentence}.")
    if report.trade_files:
        print(f"{format_number(report.total_rows)} lignes ; années : {', '.join(map(str, report.years))} ; "
              f"départements : {report.departments} ; résultats de {report.release_text}.")
    for warning in report.warnings:
        print(f"Avertissement : {warning}")


def _cmd_import(args) -> int:
    from lib.data import audit
    from lib.data.uploads import accept_uploads
    start = time.perf_counter()
    try:
        files = _read_inputs(args.paths)
    except DataFileError as exc:       # refused before any file was read: logged all the same
        audit.record("import", _console_actor(), audit.REFUSED, str(exc),
                     files=[{"name": str(p)} for p in args.paths])
        raise
    report = accept_uploads(files, actor=_console_actor(), action="import")
    _print_report(report, start)
    return 0


def _console_actor() -> str:
    """Who runs the command: « console (login) » as far as the system says."""
    import getpass
    try:
        return f"console ({getpass.getuser()})"
    except Exception:  # no user name (container without passwd entry)
        return "console"


def _cmd_versions(args) -> int:
    from lib.data import versions
    recovered = versions.in_service().message
    if recovered:
        print(f"Attention : {recovered}.", file=sys.stderr)
    rows = versions.history_rows(with_actor=True)
    if args.json:
        in_use = versions.current_id()
        print(json.dumps([{**v.manifest, "changes": versions.changes_of(v), "in_use": v.id == in_use}
                          for v in versions.list_versions()], ensure_ascii=False))
        return 0
    if not rows:
        print("Aucune version enregistrée (données de démonstration ou fichiers de data/officiel lus tels quels).")
        return 0
    for row in rows:
        mark = "*" if row["En service"] else " "
        print(f"{mark} {row['Version']}  {row['Date']}  {row['Opération']}, par {row['Par']}  —  "
              f"{row['Diffusion']}, {row['Lignes']} lignes  —  {row['Changements']}  —  {row['Fichiers']}")
    print("(* : version en service ; retour : python -m lib.cli rollback VERSION)")
    return 0


def _cmd_rollback(args) -> int:
    from lib.data import versions
    version = versions.rollback(args.version, actor=_console_actor())
    print(f"Version {versions.describe(version)} remise en service ; les applications ouvertes l'utiliseront "
          "à leur prochaine action.")
    return 0


def _cmd_revisions(args) -> int:
    """The figures of a territory that moved between two data versions (contract: `revisions_json`)."""
    from lib.analysis.dataset import load_app_data
    from lib.analysis.revisions import resolve_in, revisions_json, territory_revisions, version_pair
    from lib.presentation.revision_tables import revisions_table, total_sentence
    from lib.presentation.tables import display_frame
    before, after = version_pair(args.from_version, args.to_version)
    old, new = (load_app_data(fingerprint=f"v:{v.id}") for v in (before, after))
    territory = resolve_in([new.catalog, old.catalog], args.territory)
    revisions = territory_revisions(old.cube, new.cube, territory, args.year)
    if args.json:
        print(json.dumps(revisions_json(revisions, before.id, after.id), ensure_ascii=False))
        return 0
    print(f"{territory.name} — {revisions.year} — révisions de la version {before.id} à la version {after.id}")
    for key in ("exports", "imports"):
        print(f"  {total_sentence(revisions, key)}")
    table = revisions_table(revisions, before.id, after.id)
    print(display_frame(table).to_string(index=False))
    for note in table.notes:
        print(note)
    return 0


def _load(args):
    from lib.analysis.dataset import load_app_data
    return load_app_data(args.data)


def _cmd_summary(args) -> int:
    from lib.analysis.coverage import france_share_label, partial_france_note
    from lib.analysis.summary import territory_summary
    app = _load(args)
    territory, year = app.resolve(args.territory, args.year)
    summary = territory_summary(app.cube, territory, year)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    print(f"{territory.name} — {year}")
    print(f"  Exportations : {format_amount(summary['exports'])}")
    print(f"  Importations : {format_amount(summary['imports'])}")
    print(f"  Solde : {format_amount(summary['balance'])}")
    if summary["share_of_region"]:
        print(f"  {regions_share_label(summary['territory']['regions'])} (export / import) : "
              f"{format_percent(summary['share_of_region']['exports'])}"
              f" / {format_percent(summary['share_of_region']['imports'])}")
    if territory.kind != "fr":          # France's share of itself is 100 % by definition: not a figure
        print(f"  {france_share_label(summary)} (export / import) : "
              f"{format_percent(summary['share_of_france']['exports'])}"
              f" / {format_percent(summary['share_of_france']['imports'])}")
    note = partial_france_note(summary)
    if note:
        print(f"  {note}")
    return 0


def _cmd_fetch(args) -> int:
    """With --out: the files go to that folder. Without: they become a new data version (checked first)."""
    import shutil
    import tempfile
    from lib.core import schema
    from lib.data.fetch import fetch_official_files, format_report
    from lib.data.uploads import accept_uploads
    if args.out:
        report = fetch_official_files(Path(args.out), progress=print)
        print(format_report(report))
        return 0
    schema.DATA_DIR.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".telechargement-", dir=schema.DATA_DIR))
    try:
        report = fetch_official_files(folder / "fichiers", progress=print)
        print(format_report(report))
        start = time.perf_counter()
        files = [(f.name, (folder / "fichiers" / f.name).read_bytes()) for f in report.files]
        _print_report(accept_uploads(files, actor=_console_actor(), action="téléchargement"), start)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _palette(args):
    from lib.presentation.palette import PALETTES
    return PALETTES["daltonien" if getattr(args, "colorblind", False) else "standard"]


def _cmd_dossier(args) -> int:
    from lib.outputs.dossier import DossierReport, build_dossier
    from lib.outputs.file_names import download_name
    app = _load(args)
    territory, year = app.resolve(args.territory, args.year)
    report = DossierReport()
    content = build_dossier(app, territory, year, with_images=not args.no_images, palette=_palette(args),
                            report=report)
    out = Path(args.out) if args.out else Path(download_name("dossier", "", territory, year, "xlsx"))
    write_atomic(out, content)
    print(f"Dossier écrit : {out} — {territory.name}, {year} : {len(report.sheets)} feuilles, "
          f"{count_phrase(report.images, 'graphique')}, {format_number(len(content) / 1024)} Ko, "
          f"{format_number(report.seconds, 1)} s.")
    if not args.no_images and not report.images:
        print(report.images_note)
    return 0


def _cmd_png(args) -> int:
    from lib.presentation.figures import EXPORT_TEMPLATE, EmptyDataError, ExportFrame
    from lib.data.official_files import citation
    from lib.outputs.png_export import PngExportUnavailable, figure_to_png
    from lib.outputs.report import CHART_NAMES, report_item
    from lib.presentation.texts import source_line
    if args.chart not in CHART_NAMES:
        raise TerritoryError(f"graphique inconnu « {args.chart} ». Graphiques disponibles : "
                             f"{', '.join(CHART_NAMES)}.")
    app = _load(args)
    territory, year = app.resolve(args.territory, args.year)
    item = report_item(app.cube, app.catalog, territory, year, args.chart)
    if item is None:
        raise TerritoryError(f"le graphique « {args.chart} » n'existe pas pour {territory.name} (la comparaison "
                             "avec la région ou la France porte sur le territoire lui-même).")
    frame = ExportFrame(title=item.title, source=source_line(citation(app.result), app.is_demo))
    try:
        figure = item.build(template=EXPORT_TEMPLATE, palette=_palette(args), export=frame)
    except EmptyDataError as exc:
        raise TerritoryError(str(exc)) from exc
    try:
        png = figure_to_png(figure, frame.width, frame.height, frame.scale)
    except PngExportUnavailable as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 4
    out = Path(args.out) if args.out else Path(item.file_name(year, "png"))
    write_atomic(out, png)
    print(f"Image écrite : {out} ({frame.width * frame.scale} × {frame.height * frame.scale} points, "
          f"{format_number(len(png) / 1024)} Ko).")
    return 0


def _cmd_partner(args) -> int:
    """Several territories, one partner, every year (contract: `partner_trend_json`)."""
    from lib.analysis.partners import MAX_TERRITORIES, PartnerError, parse_partner, partner_phrase, partner_trend_json
    from lib.data.reference.products import is_known_product
    app = _load(args)
    ids = [t for t in (args.territories or "").split(",") if t.strip()]
    if not ids or len(ids) > MAX_TERRITORIES:
        raise PartnerError(f"--territories : de 1 à {MAX_TERRITORIES} territoires séparés par des virgules "
                           "(dep:59,dep:62,ti:…,reg:32,fr).")
    territories = [app.catalog.resolve(i) for i in ids]
    partner = parse_partner(args.country)
    product = args.product.strip().upper() if args.product else None
    if product is not None and not is_known_product(product):
        raise PartnerError(f"Produit inconnu : « {args.product} » (attendu un code A129 comme C20B).")
    result = partner_trend_json(app.cube, territories, partner, args.flow, product)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    words = "Exportations" if args.flow == "export" else "Importations"
    print(f"{words} {partner_phrase(partner, args.flow)}" + (f", produit {product}" if product else "") + " :")
    for item in result["territories"]:
        print(f"  {item['name']} : " + " ; ".join(f"{y} {format_amount(v)}" for y, v in item["values"].items()))
    return 0


def _cmd_tariff(args) -> int:
    """Exports exposed to a duty of one country (contract: `tariff_json`)."""
    from lib.analysis.partners import PartnerError, parse_rate, tariff_exposure, tariff_json
    from lib.data.reference.products import is_known_product, product_short_label
    app = _load(args)
    territory, year = app.resolve(args.territory, args.year)
    products = [p.strip().upper() for p in (args.products or "").split(",") if p.strip()] or None
    unknown = [p for p in products or [] if not is_known_product(p)]
    if unknown:
        raise PartnerError(f"Produit(s) inconnu(s) : {', '.join(unknown)} (attendu des codes A129 comme C11Z,C20B).")
    result = tariff_exposure(app.cube, territory, year, args.country, parse_rate(args.rate), products)
    if args.json:
        print(json.dumps(tariff_json(result), ensure_ascii=False))
        return 0
    from lib.analysis.trends import country_phrase
    from lib.presentation.partner_figures import rate_label
    print(f"{territory.name} — {year} — droits de {rate_label(result.rate)} sur les exportations "
          f"{country_phrase(result.country, 'export')} (échanges supposés inchangés : un ordre de grandeur, pas une "
          "prévision)")
    print(f"  Exportations exposées : {format_amount(result.own.exposed)} ({format_percent(result.own.share)} des "
          f"exportations) ; droits : {format_amount(result.own.duty)}")
    if result.region is not None:
        print(f"  {result.region.name} : {format_percent(result.region_figures.share)} des exportations exposées")
    if result.france is not None:
        print(f"  France : {format_percent(result.france.share)} des exportations exposées")
    for row in result.products.head(10).itertuples():
        print(f"  {row.product} {product_short_label(row.product)} : {format_amount(row.exposed)} "
              f"({format_percent(row.share_of_product_exports)} des exportations du produit)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib.cli",
                                     description="Commerce extérieur des territoires — ligne de commande")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="génère les données de démonstration (si absentes)")
    demo.add_argument("--out", help="dossier de sortie (défaut : data/demo)")
    demo.set_defaults(func=_cmd_demo)
    imp = sub.add_parser("import", help="valide des fichiers officiels et en fait une nouvelle version des données")
    imp.add_argument("paths", nargs="+", help="fichiers ZIP/XLSX/CSV ou dossiers")
    imp.set_defaults(func=_cmd_import)
    vers = sub.add_parser("versions", help="historique des versions des données (* : en service)")
    vers.add_argument("--json", action="store_true", help="sortie JSON (les manifestes)")
    vers.set_defaults(func=_cmd_versions)
    back = sub.add_parser("rollback", help="remet en service une version antérieure des données")
    back.add_argument("version", help="identifiant (v0003 ou 3), voir « versions »")
    back.set_defaults(func=_cmd_rollback)
    revs = sub.add_parser("revisions", help="chiffres d'un territoire révisés entre deux versions des données")
    revs.add_argument("--from", dest="from_version", help="version de départ (défaut : celle que --to a remplacée)")
    revs.add_argument("--to", dest="to_version", help="version d'arrivée (défaut : celle en service)")
    revs.add_argument("--territory", required=True, help="dep:04, ti:<id>, reg:93 ou fr")
    revs.add_argument("--year", type=int, help="année (défaut : la plus récente des deux versions)")
    revs.add_argument("--json", action="store_true", help="sortie JSON (montants en euros)")
    revs.set_defaults(func=_cmd_revisions)
    summ = sub.add_parser("summary", help="chiffres clés d'un territoire")
    _territory_args(summ)
    summ.add_argument("--json", action="store_true", help="sortie JSON")
    summ.set_defaults(func=_cmd_summary)
    fetch = sub.add_parser("fetch", help="télécharge les fichiers officiels (machine connectée) : nouvelle version")
    fetch.add_argument("--out", help="dossier de destination (défaut : une nouvelle version des données)")
    fetch.set_defaults(func=_cmd_fetch)
    dossier = sub.add_parser("dossier", help="classeur Excel complet : tous les tableaux et graphiques d'un territoire")
    _territory_args(dossier)
    dossier.add_argument("--out", help="fichier .xlsx (défaut : dossier_<territoire>_<année>.xlsx)")
    dossier.add_argument("--no-images", action="store_true", help="sans les graphiques (plus rapide, sans Chromium)")
    dossier.add_argument("--colorblind", action="store_true", help="couleurs adaptées aux daltoniens")
    dossier.set_defaults(func=_cmd_dossier)
    from lib.outputs.report import CHART_NAMES  # light: no plotly import at module level
    png = sub.add_parser("png", help="un graphique en PNG (1 600 × 900, échelle 2 : 3 200 × 1 800 points)")
    _territory_args(png)
    png.add_argument("--chart", required=True, metavar="NOM",
                     help="graphique : " + ", ".join(CHART_NAMES))
    png.add_argument("--out", help="fichier .png (défaut : nom du bouton de téléchargement de la page)")
    png.add_argument("--colorblind", action="store_true", help="couleurs adaptées aux daltoniens")
    png.set_defaults(func=_cmd_png)
    partner = sub.add_parser("partner", help="plusieurs territoires, un pays partenaire, toutes les années")
    partner.add_argument("--territories", required=True, help="dep:59,dep:62,ti:<id>,reg:32,fr (8 au plus)")
    partner.add_argument("--country", required=True, help="code pays (US), UE ou HORS-UE")
    partner.add_argument("--flow", choices=("export", "import"), default="export", help="flux (défaut : export)")
    partner.add_argument("--product", help="un code produit A129 (défaut : tous les produits)")
    partner.add_argument("--data", nargs="+", help="fichiers ou dossiers officiels (défaut : données de l'appli)")
    partner.add_argument("--json", action="store_true", help="sortie JSON")
    partner.set_defaults(func=_cmd_partner)
    tariff = sub.add_parser("tariff", help="exportations exposées à un droit de douane d'un pays (flux inchangés)")
    _territory_args(tariff)
    tariff.add_argument("--country", default="US", help="code pays qui taxe (défaut : US)")
    tariff.add_argument("--rate", required=True, help="taux en %% (25 ou 12,5)")
    tariff.add_argument("--products", help="codes A129 séparés par des virgules (défaut : tous les biens)")
    tariff.add_argument("--json", action="store_true", help="sortie JSON")
    tariff.set_defaults(func=_cmd_tariff)
    from lib.outputs.fiche_docx import register_cli
    register_cli(sub)
    from lib.outputs.note_docx import register_cli as register_note_cli
    register_note_cli(sub)
    return parser


def _territory_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--territory", required=True, help="dep:04, ti:<id>, reg:93 ou fr")
    parser.add_argument("--year", type=int, help="année (défaut : la plus récente)")
    parser.add_argument("--data", nargs="+", help="fichiers ou dossiers officiels (défaut : données de l'appli)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (DataFileError, TerritoryError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except Exception as exc:  # network errors from fetch, etc.: French message, no traceback
        if type(exc).__name__ == "FetchError":
            print(f"Erreur : {exc}", file=sys.stderr)
            return 3
        print(unexpected_error_text(exc), file=sys.stderr)
        if os.environ.get("CET_DEBUG"):
            traceback.print_exc()
        return 1


def unexpected_error_text(exc: BaseException) -> str:
    """What the console says of an error nobody planned for: its kind in French, never a traceback."""
    if isinstance(exc, MemoryError):
        what = "mémoire insuffisante"
    elif isinstance(exc, OSError):
        what = f"erreur d'entrée-sortie ({cap(exc.strerror or type(exc).__name__, 80)})"
    else:
        what = f"erreur inattendue ({type(exc).__name__})"
    return (f"Erreur : {what}. L'opération n'a pas abouti ; relancez avec CET_DEBUG=1 pour le détail "
            "technique à transmettre au responsable de l'application.")


if __name__ == "__main__":
    sys.exit(main())
