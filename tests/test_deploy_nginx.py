"""deploy/nginx on loopback: two app processes behind nginx (the project's own site file), sticky sessions,
a download fetched through the proxy, and a stopped process left aside. nginx is run by the test itself
(foreground, temporary prefix, free ports) and stopped by its PID."""
from __future__ import annotations

import pytest

from bench.nginx_local import LocalNginx, nginx_available
from bench.protocol import AppSession
from bench.local_server import StreamlitServer

pytestmark = pytest.mark.skipif(
    not nginx_available(),
    reason="nginx est absent (/usr/sbin/nginx) : test du déploiement derrière nginx ignoré "
           "(installez-le avec « apt-get install nginx », ce que fait `make test` en administrateur).")

EXCEL = "Télécharger le tableau (Excel)"


def _cookie(session: AppSession) -> str:
    return dict(part.split("=", 1) for part in session.cookie_header.split("; ") if "=" in part).get("cet_route", "")


def test_two_processes_behind_nginx(tmp_path):
    with StreamlitServer(tmp_path / "app-a.log") as app_a, StreamlitServer(tmp_path / "app-b.log") as app_b, \
            LocalNginx([app_a.port, app_b.port], tmp_path / "nginx") as proxy:
        backends = {f"127.0.0.1:{app_a.port}", f"127.0.0.1:{app_b.port}"}

        # New browsers are given each process in turn: 16 browsers, 8 and 8 (a hash of a random key gave
        # 13 and 7 out of 20 at times, and the busier process set the pace of all).
        spread = [AppSession(proxy.url) for _ in range(16)]
        for browser in spread:
            assert browser.fetch("/")[0] == 200
            browser.cookie_header = "; ".join(f"{c.name}={c.value}" for c in browser._jar)
        routes = [_cookie(browser) for browser in spread]
        assert set(routes) == backends, f"cookies de session collante : {routes}"
        assert sorted(routes.count(b) for b in backends) == [8, 8], f"répartition inégale : {routes}"

        # Full sessions: page, page switch, an Excel download through the proxy.
        for territory in ("dep:04", "reg:93"):
            with AppSession(proxy.url, timeout=150) as session:
                assert _cookie(session) in backends, "nginx n'a pas posé le cookie de session collante"
                first = session.open(f"/exportations?territoire={territory}&annee=2024")
                assert first.headings[0] == "Exportations" and not first.exceptions
                second = session.switch_page("importations")
                assert second.headings[0] == "Importations" and not second.exceptions
                url = session.download_url(EXCEL)
                assert url.startswith("/media/")
                status, body = session.fetch(url)
                assert status == 200, f"téléchargement perdu derrière nginx ({url} → {status})"
                assert body[:2] == b"PK"   # an .xlsx is a zip

        # Sticky: every request that carried the cookie reached the process it names (access log).
        carried = [(cookie, upstream) for cookie, upstream, *_ in proxy.access_lines() if cookie != "-"]
        assert carried, "aucune requête avec le cookie dans le journal de nginx"
        moved = [(cookie, upstream) for cookie, upstream in carried if upstream != cookie]
        assert not moved, f"des requêtes ont changé de processus : {moved[:5]}"

        # A process that stops: its browsers are served by the other one (its pool's backup), and their
        # cookie follows them there.
        app_b.stop()
        for browser in spread:
            assert browser.fetch("/_stcore/health") == (200, b"ok")
            assert browser.fetch("/")[0] == 200
            browser.cookie_header = "; ".join(f"{c.name}={c.value}" for c in browser._jar)
            assert _cookie(browser) == f"127.0.0.1:{app_a.port}"
