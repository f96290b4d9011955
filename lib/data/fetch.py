"""Download the official files (customs regional ZIPs, Territoires d'industrie list) when online.

Backend of `python -m lib.cli fetch`. Standard library only (urllib). Everything is downloaded
into a temporary folder next to `dest` and moved into `dest` only when at least one regional
ZIP was obtained, so a failed run (offline, site down, connection cut) never leaves `dest`
half-updated. Messages meant for the user are in French.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from lib.core.schema import OFFICIAL_DIR, PROJECT_DIR
from lib.core.formatting import month_name

KIOSQUE_BASE = "https://lekiosque.finances.gouv.fr/site_fr/telechargement"
DATAGOUV_API = "https://www.data.gouv.fr/api/1"
TI_DATASET = "programme-territoires-dindustrie"
DEFAULT_REGION_NUMBERS: tuple[str, ...] = tuple(f"{n:02d}" for n in range(1, 31))

USER_AGENT = "commerce-exterieur-territoires/1.0 (python-urllib)"
MAX_DOWNLOAD_BYTES = 300 * 1024 * 1024   # a regional ZIP weighs a few MB; refuse runaway bodies
_CHUNK = 64 * 1024

_REGION_ENTRY = re.compile(r"^REGION_\d+_A_(IMPORT|EXPORT)\.xlsx$", re.IGNORECASE)
_TI_COMMUNES_NAME = re.compile(r"liste-ti-com2023-(\d{8})\.csv", re.IGNORECASE)
_TI_REQUIRED_COLUMNS = {"insee_com", "id_ti"}



class FetchError(RuntimeError):
    """The download could not be completed; `dest` was left as it was. Message in French."""


@dataclass(frozen=True)
class FetchedFile:
    """One file written into `dest`."""
    name: str
    size: int                    # bytes
    url: str
    region: str | None = None    # kiosque region number for a regional ZIP
    release: str | None = None   # « mars 2025 »: date of the ZIP entries = customs release month


@dataclass
class FetchReport:
    """What a successful `fetch_official_files` did."""
    dest: Path
    files: list[FetchedFile] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ti_file(self) -> str | None:
        return next((f.name for f in self.files if f.region is None), None)

    @property
    def releases(self) -> list[str]:
        """Distinct release months of the regional ZIPs, in order of appearance."""
        return list(dict.fromkeys(f.release for f in self.files if f.release))


class _NetworkError(Exception):
    """Could not talk to the server (refused, timeout, DNS, TLS, connection cut)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _HTTPStatus(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class _TooLarge(Exception):
    pass


# --------------------------------------------------------------------------- HTTP helpers

def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _opener(url: str) -> urllib.request.OpenerDirector:
    # Environment proxies (a prefecture network usually has one) except for a local server.
    proxies = urllib.request.ProxyHandler({} if _is_loopback(url) else None)
    return urllib.request.build_opener(proxies)


def _network_reason(exc: BaseException, timeout: float) -> str:
    """A short French explanation of a network failure."""
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        inner = exc.reason
        if isinstance(inner, BaseException):
            return _network_reason(inner, timeout)
        return str(inner)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"pas de réponse dans le délai de {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(exc, socket.gaierror):
        return "adresse du site introuvable (pas d'accès à Internet ?)"
    if isinstance(exc, ssl.SSLError):
        return f"erreur de sécurité TLS ({exc})"
    if isinstance(exc, (ConnectionError, http.client.HTTPException)):
        return f"connexion interrompue ({type(exc).__name__})"
    return str(exc) or type(exc).__name__


_NETWORK_EXCEPTIONS = (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError,
                       http.client.HTTPException, ssl.SSLError, OSError)


def _download(url: str, target: Path, timeout: float) -> int:
    """GET `url` into `target`; returns its size. Raises _HTTPStatus, _NetworkError, _TooLarge."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise _NetworkError(f"adresse non HTTP refusée : {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        response = _opener(url).open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _HTTPStatus(exc.code) from None
    except _NETWORK_EXCEPTIONS as exc:
        raise _NetworkError(_network_reason(exc, timeout)) from None
    size = 0
    declared = (response.headers.get("Content-Length") or "").strip()
    with response, open(target, "wb") as out:
        while True:
            try:
                chunk = response.read(_CHUNK)
            except _NETWORK_EXCEPTIONS as exc:
                raise _NetworkError(_network_reason(exc, timeout)) from None
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_DOWNLOAD_BYTES:
                raise _TooLarge()
            out.write(chunk)
    # http.client's read(amt) returns b"" on a premature close instead of raising: check the length.
    if declared.isdigit() and size < int(declared):
        raise _NetworkError(f"connexion interrompue (fichier incomplet : {size} octets sur {declared})")
    return size


def _get_json(url: str, target: Path, timeout: float):
    _download(url, target, timeout)
    try:
        return json.loads(target.read_text(encoding="utf-8"))
    finally:
        target.unlink(missing_ok=True)


# --------------------------------------------------------------------------- checks

def _region_zip_check(path: Path) -> tuple[list[str], str | None] | None:
    """(regional xlsx entries, release month) if `path` is a sound regional ZIP, else None."""
    if not zipfile.is_zipfile(path):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is not None:
                return None
            infos = [i for i in archive.infolist()
                     if _REGION_ENTRY.match(i.filename.rsplit("/", 1)[-1])]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return None
    if not infos:
        return None
    newest = max(i.date_time for i in infos)
    release = f"{month_name(newest[1])} {newest[0]}" if newest[0] > 1980 else None
    return [i.filename.rsplit("/", 1)[-1] for i in infos], release


def _ti_csv_ok(path: Path) -> bool:
    """The commune list is UTF-8 CSV whose header has insee_com and id_ti."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
    except (UnicodeDecodeError, OSError):
        return False
    columns = {c.strip().strip('"').lower() for c in re.split(r"[,;]", header)}
    return _TI_REQUIRED_COLUMNS <= columns


def _pick_ti_resource(payload) -> tuple[str, str] | None:
    """(file name, url) of the latest `liste-ti-com2023-YYYYMMDD.csv` resource, or None.

    Latest = highest date in the file name, then highest last_modified / created_at.
    """
    resources = payload.get("resources") if isinstance(payload, dict) else None
    candidates = []
    for res in resources or []:
        if not isinstance(res, dict) or not isinstance(res.get("url"), str):
            continue
        url = res["url"]
        basename = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
        match = (_TI_COMMUNES_NAME.search(basename)
                 or _TI_COMMUNES_NAME.search(str(res.get("title") or "")))
        if not match:
            continue
        stamp = str(res.get("last_modified") or res.get("created_at") or "")
        candidates.append((match.group(1), stamp, match.group(0).lower(), url))
    if not candidates:
        return None
    _, _, name, url = max(candidates)
    return name, url


# --------------------------------------------------------------------------- formatting

def _display_path(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(PROJECT_DIR).as_posix()
    except ValueError:
        return str(path)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def _format_size(size: int) -> str:
    if size < 1024:
        return f"{size} o"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def format_report(report: FetchReport) -> str:
    """A French summary of a fetch, for the terminal."""
    n = len(report.files)
    lines = [f"Téléchargement terminé : {n} fichier{'s' if n > 1 else ''} écrit{'s' if n > 1 else ''}"
             f" dans {_display_path(report.dest)}."]
    if report.regions:
        lines.append(f"Régions trouvées sur le kiosque des douanes ({len(report.regions)}) : "
                     + ", ".join(report.regions) + ".")
    for f in report.files:
        extra = f" — résultats de {f.release}" if f.release else ""
        lines.append(f"  - {f.name} ({_format_size(f.size)}){extra}")
    if report.releases:
        lines.append("À citer : « Source : douanes françaises, résultats de "
                     + ", ".join(report.releases) + " ».")
    if report.ti_file is None:
        lines.append("Liste des Territoires d'industrie : non mise à jour.")
    if report.warnings:
        lines.append("Avertissements :")
        lines.extend(f"  - {w}" for w in report.warnings)
    return "\n".join(lines)


# --------------------------------------------------------------------------- main entry

def _kiosque_url(base: str, number: str) -> str:
    return f"{base.rstrip('/')}/download_2.asp?rep=/fichiers/Telecharge&fic=region_{number}_A.zip"


def _normalise_regions(region_numbers: Iterable[str]) -> list[str]:
    numbers = []
    for raw in region_numbers:
        text = str(raw).strip()
        if not text.isdigit() or len(text) > 2:
            raise ValueError(f"Numéro de région du kiosque invalide : {raw!r} (attendu : 01 à 99).")
        numbers.append(text.zfill(2))
    return list(dict.fromkeys(numbers))


def fetch_official_files(
    dest: Path = OFFICIAL_DIR,
    *,
    kiosque_base: str = KIOSQUE_BASE,
    datagouv_api: str = DATAGOUV_API,
    region_numbers: Iterable[str] = DEFAULT_REGION_NUMBERS,
    timeout: float = 10,
    progress: Callable[[str], None] | None = None,
) -> FetchReport:
    """Download every regional ZIP found on the kiosque and the latest TI commune list into `dest`.

    Raises FetchError (French message, `dest` untouched) when the kiosque cannot be reached,
    the connection is lost, or no regional ZIP is found. A failure on data.gouv.fr only adds
    a warning: the ZIPs are kept.
    """
    dest = Path(dest)
    numbers = _normalise_regions(region_numbers)
    say = progress or (lambda message: None)
    untouched = f"Aucun fichier n'a été modifié dans {_display_path(dest)}."
    kiosque_host = _host(kiosque_base)

    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", suffix=".tmp", dir=dest.parent))
    except OSError as exc:
        raise FetchError(f"Impossible de créer un dossier temporaire à côté de "
                         f"{_display_path(dest)} : {exc}. {untouched}") from None
    try:
        report = FetchReport(dest=dest)
        staged: list[FetchedFile] = []
        http_failures: list[str] = []
        answered = False   # has the kiosque answered at least once (even with a 404)?

        # 1. Kiosque: one ZIP per region number; stop at the first network failure.
        for number in numbers:
            url = _kiosque_url(kiosque_base, number)
            name = f"region_{number}_A.zip"
            target = staging / name
            say(f"Région {number} : téléchargement…")
            try:
                size = _download(url, target, timeout)
            except _NetworkError as exc:
                if not answered:
                    raise FetchError(f"Impossible de joindre le site des douanes ({kiosque_host}) : "
                                     f"{exc.reason}. {untouched}") from None
                raise FetchError(f"La connexion au site des douanes ({kiosque_host}) a été "
                                 f"interrompue (région {number}) : {exc.reason}. {untouched}") from None
            except _HTTPStatus as exc:
                answered = True
                target.unlink(missing_ok=True)
                if exc.status == 404:
                    say(f"Région {number} : absente.")
                else:
                    http_failures.append(f"Région {number} : erreur HTTP {exc.status}, région ignorée.")
                    say(http_failures[-1])
                continue
            except _TooLarge:
                answered = True
                target.unlink(missing_ok=True)
                http_failures.append(f"Région {number} : fichier anormalement volumineux, ignoré.")
                say(http_failures[-1])
                continue
            answered = True
            checked = _region_zip_check(target)
            if checked is None:
                target.unlink(missing_ok=True)
                say(f"Région {number} : pas de fichier régional (réponse non ZIP), ignorée.")
                continue
            entries, release = checked
            kinds = {e.upper().rsplit("_", 1)[-1] for e in entries}
            if kinds != {"IMPORT.XLSX", "EXPORT.XLSX"}:
                report.warnings.append(f"Région {number} : le ZIP ne contient que "
                                       f"{', '.join(sorted(entries))}.")
            staged.append(FetchedFile(name, size, url, region=number, release=release))
            report.regions.append(number)
            say(f"Région {number} : fichier trouvé ({_format_size(size)}).")

        if not staged:
            tried = f"régions {numbers[0]} à {numbers[-1]}" if len(numbers) > 1 else f"région {numbers[0]}"
            detail = (" " + " ".join(http_failures)) if http_failures else ""
            raise FetchError(f"Aucun fichier régional n'a été trouvé sur le site des douanes "
                             f"({kiosque_host}, {tried} essayées).{detail} {untouched}")
        report.warnings.extend(http_failures)

        # 2. Territoires d'industrie commune list (data.gouv.fr); failure = warning only.
        ti_file, ti_warning = _fetch_ti_list(datagouv_api, staging, timeout, say)
        if ti_file:
            staged.append(ti_file)
        if ti_warning:
            report.warnings.append(ti_warning)

        # 3. Move into dest (each os.replace is atomic; same file system as the staging folder).
        try:
            dest.mkdir(parents=True, exist_ok=True)
            for f in staged:
                os.replace(staging / f.name, dest / f.name)
        except OSError as exc:
            raise FetchError(f"Impossible d'écrire dans {_display_path(dest)} : {exc}.") from None
        report.files = staged
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _fetch_ti_list(api: str, staging: Path, timeout: float,
                   say: Callable[[str], None]) -> tuple[FetchedFile | None, str | None]:
    """(downloaded file, None) or (None, French warning)."""
    api_url = f"{api.rstrip('/')}/datasets/{TI_DATASET}/"
    host = _host(api_url)
    keep = "les fichiers des douanes ont bien été mis à jour, l'ancienne liste est conservée."
    say("Territoires d'industrie : recherche de la liste des communes sur data.gouv.fr…")
    try:
        payload = _get_json(api_url, staging / "dataset.json", timeout)
        picked = _pick_ti_resource(payload)
        if picked is None:
            return None, ("Territoires d'industrie : aucune ressource « liste-ti-com2023-….csv » "
                          f"dans le jeu de données data.gouv.fr ; {keep}")
        name, url = picked
        size = _download(url, staging / name, timeout)
    except _NetworkError as exc:
        return None, f"Territoires d'industrie : impossible de joindre {host} ({exc.reason}) ; {keep}"
    except _HTTPStatus as exc:
        return None, f"Territoires d'industrie : erreur HTTP {exc.status} sur {host} ; {keep}"
    except (ValueError, _TooLarge):   # JSON invalid (ValueError covers UnicodeDecodeError too)
        return None, f"Territoires d'industrie : réponse inattendue de {host} ; {keep}"
    if not _ti_csv_ok(staging / name):
        (staging / name).unlink(missing_ok=True)
        return None, (f"Territoires d'industrie : le fichier {name} n'a pas le format attendu "
                      f"(colonnes insee_com, id_ti) ; {keep}")
    say(f"Territoires d'industrie : {name} ({_format_size(size)}).")
    return FetchedFile(name, size, url), None
