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


def _upstreams_by_cookie(proxy: LocalNginx) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for cookie, upstream, *_ in proxy.access_lines():
        found.setdefault(cookie, set()).add(upstream)
    return found


def test_two_processes_behind_nginx(tmp_path):
    with StreamlitServer(tmp_path / "app-a.log") as app_a, StreamlitServer(tmp_path / "app-b.log") as app_b, \
            LocalNginx([app_a.port, app_b.port], tmp_path / "nginx") as proxy:
        backends = {f"127.0.0.1:{app_a.port}", f"127.0.0.1:{app_b.port}"}

        # Browsers (by their cookie) are spread over both processes.
        spread = [AppSession(proxy.url, cookie=f"cet_route=navigateur-{i}") for i in range(16)]
        for browser in spread:
            assert browser.fetch("/")[0] == 200

        # Full sessions: page, page switch, an Excel download through the proxy.
        for territory in ("dep:04", "reg:93"):
            with AppSession(proxy.url, timeout=150) as session:
                assert "cet_route=" in session.cookie_header, "nginx n'a pas posé le cookie de session collante"
                first = session.open(f"/exportations?territoire={territory}&annee=2024")
                assert first.headings[0] == "Exportations" and not first.exceptions
                second = session.switch_page("importations")
                assert second.headings[0] == "Importations" and not second.exceptions
                url = session.download_url(EXCEL)
                assert url.startswith("/media/")
                status, body = session.fetch(url)
                assert status == 200, f"téléchargement perdu derrière nginx ({url} → {status})"
                assert body[:2] == b"PK"   # an .xlsx is a zip

        by_cookie = _upstreams_by_cookie(proxy)
        assert len(by_cookie) == 16 + 2 and all(len(upstreams) == 1 for upstreams in by_cookie.values()), \
            f"une session a changé de processus : {by_cookie}"
        used = set().union(*(by_cookie[f"navigateur-{i}"] for i in range(16)))
        assert used == backends, f"répartition : {used}"

        # A process that stops: its browsers are sent to the other one (passive health check).
        app_b.stop()
        for browser in spread:
            assert browser.fetch("/_stcore/health") == (200, b"ok")
            assert browser.fetch("/")[0] == 200
