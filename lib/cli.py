"""Command line: the contract the tests, the benchmark and batch users share with the app.

    python -m lib.cli demo
    python -m lib.cli import PATH...
    python -m lib.cli summary --territory dep:04 --year 2024 [--data PATH...] [--json]
    python -m lib.cli fetch
    python -m lib.cli dossier --territory dep:04 --year 2024 [--data PATH...] --out FILE.xlsx [--no-images]
    python -m lib.cli png --territory dep:04 --year 2024 --chart export-flows --out FILE.png

Exit codes: 0 success, 2 wrong argument or unreadable data (French message), 3 download failure,
4 PNG impossible on this machine (no Chromium).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lib.errors import DataFileError
from lib.formatting import format_meur, format_number, format_percent
from lib.reference.french_names import count_phrase
from lib.territories import TerritoryError


def _cmd_demo(args) -> int:
    from lib.demo import ensure_demo
    from lib.schema import DEMO_DIR
    start = time.perf_counter()
    folder = ensure_demo(Path(args.out) if args.out else DEMO_DIR)
    print(f"Données de démonstration prêtes dans {folder} ({time.perf_counter() - start:.1f} s).")
    return 0


def _cmd_import(args) -> int:
    from lib.official_files import citation
    from lib.trade_cache import load_trade_data
    from lib.schema import CACHE_DIR
    start = time.perf_counter()
    result = load_trade_data([Path(p) for p in args.paths], CACHE_DIR)
    table = result.table
    print(f"Import réussi en {time.perf_counter() - start:.1f} s : {format_number(len(table))} lignes, "
          f"{count_phrase(len(result.sources), 'fichier')}.")
    print(f"Années : {', '.join(str(y) for y in sorted(table['year'].unique()))} ; "
          f"départements : {table['department'].nunique()} ; {citation(result.release_date)}.")
    for warning in result.warnings:
        print(f"Avertissement : {warning}")
    return 0


def _load(args):
    from lib.dataset import load_app_data
    return load_app_data(args.data)


def _resolve(app, territory_id: str, year: int | None):
    territory = app.catalog.resolve(territory_id)
    year = year or app.latest_year
    if year not in app.years:
        raise TerritoryError(f"Année {year} absente des données (années disponibles : "
                             f"{', '.join(map(str, app.years))}).")
    return territory, year


def _cmd_summary(args) -> int:
    from lib.summary import territory_summary
    app = _load(args)
    territory, year = _resolve(app, args.territory, args.year)
    summary = territory_summary(app.cube, territory, year)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    print(f"{territory.name} — {year}")
    print(f"  Exportations : {format_meur(summary['exports'])}")
    print(f"  Importations : {format_meur(summary['imports'])}")
    print(f"  Solde : {format_meur(summary['balance'])}")
    if summary["share_of_region"]:
        print(f"  Part de la région (export / import) : {format_percent(summary['share_of_region']['exports'])}"
              f" / {format_percent(summary['share_of_region']['imports'])}")
    print(f"  Part de la France (export / import) : {format_percent(summary['share_of_france']['exports'])}"
          f" / {format_percent(summary['share_of_france']['imports'])}")
    return 0


def _cmd_fetch(args) -> int:
    from lib.fetch import fetch_official_files, format_report
    from lib.schema import OFFICIAL_DIR
    report = fetch_official_files(Path(args.out) if args.out else OFFICIAL_DIR, progress=print)
    print(format_report(report))
    return 0


def _palette(args):
    from lib.palette import PALETTES
    return PALETTES["daltonien" if getattr(args, "colorblind", False) else "standard"]


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(content)
    tmp.replace(path)


def _cmd_dossier(args) -> int:
    from lib.dossier import DossierReport, build_dossier
    from lib.file_names import download_name
    app = _load(args)
    territory, year = _resolve(app, args.territory, args.year)
    report = DossierReport()
    content = build_dossier(app, territory, year, with_images=not args.no_images, palette=_palette(args),
                            report=report)
    out = Path(args.out) if args.out else Path(download_name("dossier", "", territory, year, "xlsx"))
    _write(out, content)
    print(f"Dossier écrit : {out} — {territory.name}, {year} : {len(report.sheets)} feuilles, "
          f"{count_phrase(report.images, 'graphique')}, {format_number(len(content) / 1024)} Ko, "
          f"{format_number(report.seconds, 1)} s.")
    if not args.no_images and not report.images:
        print(report.images_note)
    return 0


def _cmd_png(args) -> int:
    from lib.figures import EXPORT_TEMPLATE, EmptyDataError, ExportFrame
    from lib.file_names import download_name
    from lib.official_files import citation
    from lib.png_export import PngExportUnavailable, figure_to_png
    from lib.report import CHART_NAMES, report_item
    from lib.texts import source_line
    if args.chart not in CHART_NAMES:
        raise TerritoryError(f"graphique inconnu « {args.chart} ». Graphiques disponibles : "
                             f"{', '.join(CHART_NAMES)}.")
    app = _load(args)
    territory, year = _resolve(app, args.territory, args.year)
    item = report_item(app.cube, app.catalog, territory, year, args.chart)
    if item is None:
        raise TerritoryError(f"le graphique « {args.chart} » n'existe pas pour {territory.name} (la comparaison "
                             "avec la région ou la France porte sur le territoire lui-même).")
    frame = ExportFrame(title=item.title, source=source_line(citation(app.result.release_date), app.is_demo))
    try:
        figure = item.build(template=EXPORT_TEMPLATE, palette=_palette(args), export=frame)
    except EmptyDataError as exc:
        raise TerritoryError(str(exc)) from exc
    try:
        png = figure_to_png(figure, frame.width, frame.height, frame.scale)
    except PngExportUnavailable as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 4
    out = Path(args.out) if args.out else Path(download_name(item.topic, item.chart, territory, year, "png"))
    _write(out, png)
    print(f"Image écrite : {out} ({frame.width * frame.scale} × {frame.height * frame.scale} points, "
          f"{format_number(len(png) / 1024)} Ko).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib.cli",
                                     description="Commerce extérieur des territoires — ligne de commande")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="génère les données de démonstration (si absentes)")
    demo.add_argument("--out", help="dossier de sortie (défaut : data/demo)")
    demo.set_defaults(func=_cmd_demo)
    imp = sub.add_parser("import", help="valide des fichiers officiels et construit le cache")
    imp.add_argument("paths", nargs="+", help="fichiers ZIP/XLSX/CSV ou dossiers")
    imp.set_defaults(func=_cmd_import)
    summ = sub.add_parser("summary", help="chiffres clés d'un territoire")
    _territory_args(summ)
    summ.add_argument("--json", action="store_true", help="sortie JSON")
    summ.set_defaults(func=_cmd_summary)
    fetch = sub.add_parser("fetch", help="télécharge les fichiers officiels (machine connectée)")
    fetch.add_argument("--out", help="dossier de destination (défaut : data/officiel)")
    fetch.set_defaults(func=_cmd_fetch)
    dossier = sub.add_parser("dossier", help="classeur Excel complet : tous les tableaux et graphiques d'un territoire")
    _territory_args(dossier)
    dossier.add_argument("--out", help="fichier .xlsx (défaut : dossier_<territoire>_<année>.xlsx)")
    dossier.add_argument("--no-images", action="store_true", help="sans les graphiques (plus rapide, sans Chromium)")
    dossier.add_argument("--colorblind", action="store_true", help="couleurs adaptées aux daltoniens")
    dossier.set_defaults(func=_cmd_dossier)
    from lib.report import CHART_NAMES  # light: no plotly import at module level
    png = sub.add_parser("png", help="un graphique en PNG (1 600 × 900, échelle 2 : 3 200 × 1 800 points)")
    _territory_args(png)
    png.add_argument("--chart", required=True, metavar="NOM",
                     help="graphique : " + ", ".join(CHART_NAMES))
    png.add_argument("--out", help="fichier .png (défaut : nom du bouton de téléchargement de la page)")
    png.add_argument("--colorblind", action="store_true", help="couleurs adaptées aux daltoniens")
    png.set_defaults(func=_cmd_png)
    from lib.fiche_docx import register_cli
    register_cli(sub)
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
    except Exception as exc:  # network errors from fetch, etc.: French message, no traceback
        if type(exc).__name__ == "FetchError":
            print(f"Erreur : {exc}", file=sys.stderr)
            return 3
        raise


if __name__ == "__main__":
    sys.exit(main())
