"""`lib.data.fetch` against a fake kiosque + data.gouv.fr served on 127.0.0.1 (never the real sites)."""
from __future__ import annotations

import io
import json
import socket
import threading
import time
import urllib.parse
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lib.data.fetch import FetchError, fetch_official_files, format_report

RELEASE = (2025, 3, 14, 8, 0, 0)   # ZIP entries' date = customs release month (mars 2025)
TI_OLD = "insee_com,lib_com,id_ti,lib_ti\n04001,Aiglun,TI-OLD,Ancien\n"
TI_NEW = "insee_com,lib_com,id_ti,lib_ti\n04070,Digne-les-Bains,TI-93-01,Digne\n"
GRPT = "id_ti,siren_groupement,lib_groupement,nature_juridique\nTI-93-01,200067437,CA,CA\n"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """No environment proxy may divert the test traffic away from 127.0.0.1."""
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")


def region_zip(number: str, entries=("IMPORT", "EXPORT")) -> bytes:
    """A small valid regional ZIP (the xlsx content itself is not parsed by fetch)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in entries:
            info = zipfile.ZipInfo(f"REGION_{number}_A_{kind}.xlsx", date_time=RELEASE)
            archive.writestr(info, f"fake xlsx {number} {kind} ".encode() * 20)
    return buffer.getvalue()


ZIPS = {"03": region_zip("03"), "18": region_zip("18")}


class FakeSites:
    """Routes of the fake kiosque and data.gouv.fr; tests tweak `routes` before fetching."""

    def __init__(self):
        self.requests: list[str] = []
        self.routes: dict[str, tuple[int, str, bytes] | str] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.kiosque = f"{self.base}/site_fr/telechargement"
        self.api = f"{self.base}/api/1"
        for number, body in ZIPS.items():
            self.routes[f"region_{number}_A.zip"] = (200, "application/zip", body)
        self.routes["region_05_A.zip"] = (200, "text/html", b"<html><body>erreur</body></html>")
        other = region_zip("07", entries=())   # a valid ZIP without any regional xlsx
        self.routes["region_07_A.zip"] = (200, "application/zip", other)
        resources = [
            {"title": "liste-ti-grpt2023-20240115.csv", "url": f"{self.base}/static/grpt.csv",
             "last_modified": "2024-01-15T10:00:00"},
            {"title": "liste-ti-com2023-20240115.csv",
             "url": f"{self.base}/static/liste-ti-com2023-20240115.csv",
             "last_modified": "2024-01-15T10:00:00"},
            {"title": "Communes (ancienne version)", "url": f"{self.base}/static/liste-ti-com2023-20230301.csv",
             "created_at": "2023-03-01T09:00:00"},
        ]
        self.routes["/api/1/datasets/programme-territoires-dindustrie/"] = (
            200, "application/json", json.dumps({"resources": resources}).encode())
        self.routes["/static/grpt.csv"] = (200, "text/csv", GRPT.encode())
        self.routes["/static/liste-ti-com2023-20240115.csv"] = (200, "text/csv", TI_NEW.encode())
        self.routes["/static/liste-ti-com2023-20230301.csv"] = (200, "text/csv", TI_OLD.encode())

    def _handler(self):
        sites = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                sites.requests.append(self.path)
                url = urllib.parse.urlsplit(self.path)
                key = url.path
                if url.path.endswith("/download_2.asp"):
                    key = urllib.parse.parse_qs(url.query).get("fic", [""])[0]
                route = sites.routes.get(key, (404, "text/html", b"<html>introuvable</html>"))
                if route == "cut":   # promise a body, send half of it, hang up
                    self.send_response(200)
                    self.send_header("Content-Length", "10000")
                    self.end_headers()
                    self.wfile.write(b"PK" * 100)
                    self.close_connection = True
                    return
                status, ctype, body = route
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def kiosque_requests(self) -> list[str]:
        return [p for p in self.requests if "download_2.asp" in p]


@pytest.fixture
def sites():
    fake = FakeSites()
    thread = threading.Thread(target=fake.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def dest(tmp_path) -> Path:
    """data/officiel with one earlier file, as after a previous import."""
    folder = tmp_path / "data" / "officiel"
    folder.mkdir(parents=True)
    (folder / "region_03_A.zip").write_bytes(b"old zip")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def fetch(sites, dest, **kwargs):
    kwargs.setdefault("timeout", 2)
    return fetch_official_files(dest, kiosque_base=sites.kiosque, datagouv_api=sites.api, **kwargs)


def test_downloads_found_regions_and_latest_ti_list(sites, dest):
    """ZIPs land in dest (replacing the old one), HTML/404/non-regional answers are skipped."""
    messages: list[str] = []
    report = fetch(sites, dest, progress=messages.append)

    assert len(sites.kiosque_requests()) == 30          # regions 01..30 all tried
    assert "fic=region_01_A.zip" in sites.kiosque_requests()[0]
    assert report.regions == ["03", "18"]
    assert report.warnings == []
    assert snapshot(dest) == {"region_03_A.zip": ZIPS["03"], "region_18_A.zip": ZIPS["18"],
                              "liste-ti-com2023-20240115.csv": TI_NEW.encode()}
    assert {(f.name, f.size) for f in report.files} == {
        ("region_03_A.zip", len(ZIPS["03"])), ("region_18_A.zip", len(ZIPS["18"])),
        ("liste-ti-com2023-20240115.csv", len(TI_NEW.encode()))}
    assert report.ti_file == "liste-ti-com2023-20240115.csv"
    assert report.releases == ["mars 2025"]
    assert sorted(p.name for p in dest.parent.iterdir()) == ["officiel"]   # staging folder removed
    assert any("Région 05" in m for m in messages)

    text = format_report(report)
    assert "03, 18" in text and "liste-ti-com2023-20240115.csv" in text
    assert "résultats de mars 2025" in text


def test_creates_missing_dest(sites, tmp_path):
    """A first fetch on a fresh checkout creates data/officiel."""
    folder = tmp_path / "data" / "officiel"
    report = fetch(sites, folder, region_numbers=["18", "5"])
    assert report.regions == ["18"]
    assert sorted(snapshot(folder)) == ["liste-ti-com2023-20240115.csv", "region_18_A.zip"]


def test_offline_fails_fast_and_leaves_dest_untouched(dest):
    """Closed port = no network: immediate French FetchError, nothing written or added."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    before = snapshot(dest)
    base = f"http://127.0.0.1:{port}"
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_official_files(dest, kiosque_base=f"{base}/site_fr/telechargement",
                             datagouv_api=f"{base}/api/1", timeout=2)
    assert time.monotonic() - start < 3
    message = str(caught.value)
    assert message.startswith("Impossible de joindre le site des douanes")
    assert "Aucun fichier n'a été modifié" in message
    assert snapshot(dest) == before
    assert sorted(p.name for p in dest.parent.iterdir()) == ["officiel"]


def test_silent_server_times_out_once_not_thirty_times(dest):
    """A server that never answers: one timeout, then stop (not 30 regions × timeout)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_ignore():
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_ignore, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    before = snapshot(dest)
    try:
        start = time.monotonic()
        with pytest.raises(FetchError, match="délai de 0.3 s"):
            fetch_official_files(dest, kiosque_base=base, datagouv_api=base, timeout=0.3)
        assert time.monotonic() - start < 3
        assert len(accepted) == 1
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()
        listener.close()
    assert snapshot(dest) == before


def test_connection_cut_midway_keeps_dest_untouched(sites, dest):
    """Region 03 succeeded, then the connection drops: nothing is moved (no partial update)."""
    sites.routes["region_10_A.zip"] = "cut"
    before = snapshot(dest)
    with pytest.raises(FetchError, match="interrompue"):
        fetch(sites, dest)
    assert snapshot(dest) == before
    assert sorted(p.name for p in dest.parent.iterdir()) == ["officiel"]


def test_no_regional_zip_is_an_error(sites, dest):
    """Only HTML / 404 answers: FetchError, dest untouched."""
    before = snapshot(dest)
    with pytest.raises(FetchError, match="Aucun fichier régional"):
        fetch(sites, dest, region_numbers=["01", "05", "07"])
    assert snapshot(dest) == before


@pytest.mark.parametrize("broken", ["api_500", "csv_404", "csv_html"])
def test_ti_failure_keeps_zips_with_warning(sites, dest, broken):
    """data.gouv.fr failing must not lose the customs ZIPs: they are kept, with a French warning."""
    if broken == "api_500":
        sites.routes["/api/1/datasets/programme-territoires-dindustrie/"] = (500, "text/html", b"oups")
    elif broken == "csv_404":
        del sites.routes["/static/liste-ti-com2023-20240115.csv"]
    else:
        sites.routes["/static/liste-ti-com2023-20240115.csv"] = (200, "text/html", b"<html>maintenance</html>")
    report = fetch(sites, dest, region_numbers=["03", "18"])
    assert snapshot(dest) == {"region_03_A.zip": ZIPS["03"], "region_18_A.zip": ZIPS["18"]}
    assert report.ti_file is None
    assert len(report.warnings) == 1 and report.warnings[0].startswith("Territoires d'industrie")
    assert "Avertissements" in format_report(report)


def test_server_error_on_one_region_is_a_warning(sites, dest):
    """A 500 on one region skips it with a warning; the other regions are still written."""
    sites.routes["region_20_A.zip"] = (500, "text/html", b"erreur serveur")
    report = fetch(sites, dest, region_numbers=["03", "20"])
    assert report.regions == ["03"]
    assert report.warnings == ["Région 20 : erreur HTTP 500, région ignorée."]
    assert (dest / "region_03_A.zip").read_bytes() == ZIPS["03"]
