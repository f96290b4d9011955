"""nginx in front of N local app processes, with the project's own site file (deploy/nginx/), for the
nginx test and `bench.server_load --nginx N`. Loopback only, free ports, a temporary prefix, run in the
foreground (no daemon) and stopped by its PID. No root needed."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.local_server import PROJECT_DIR, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = PROJECT_DIR / "deploy" / "nginx" / "commerce-exterieur.conf"


def nginx_available() -> bool:
    return Path(NGINX).is_file()


def site_config(backend_ports: list[int], listen_port: int) -> str:
    """The deployed site file with these backends and a loopback listen address (nothing else changed)."""
    text = SITE.read_text()
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=2 fail_timeout=10s;\n" for port in backend_ports)
    text, count = re.subn(r"(?m)^    server 127\.0\.0\.1:\d+ .*\n", "", text)
    if count == 0:
        raise ValueError("deploy/nginx/commerce-exterieur.conf : aucune ligne « server 127.0.0.1:… »")
    text = text.replace("    hash $cet_route consistent;\n", "    hash $cet_route consistent;\n" + servers, 1)
    return text.replace("listen 80;", f"listen 127.0.0.1:{listen_port};", 1)


class LocalNginx:
    def __init__(self, backend_ports: list[int], workdir: Path, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.backend_ports = backend_ports
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "site.conf").write_text(site_config(self.backend_ports, self.port))
        temp = {name: self.workdir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir(exist_ok=True)
        (self.workdir / "nginx.conf").write_text(f"""daemon off;
worker_processes 1;
pid {self.workdir}/nginx.pid;
error_log {self.workdir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format upstream '$cet_route $upstream_addr $status $request_uri';
    access_log {self.workdir}/access.log upstream;
    client_body_temp_path {temp['body']};
    proxy_temp_path {temp['proxy']};
    fastcgi_temp_path {temp['fastcgi']};
    uwsgi_temp_path {temp['uwsgi']};
    scgi_temp_path {temp['scgi']};
    include {self.workdir}/site.conf;
}}
""")
        self._log = (self.workdir / "stderr.log").open("w")
        self.proc = subprocess.Popen([NGINX, "-p", str(self.workdir), "-c", str(self.workdir / "nginx.conf"),
                                      "-e", str(self.workdir / "error.log")],
                                     stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx n'a pas démarré :\n" + self.log_text())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx ne répond pas :\n" + self.log_text())

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in
                         (self.workdir / "stderr.log", self.workdir / "error.log") if p.exists())

    def access_lines(self) -> list[list[str]]:
        path = self.workdir / "access.log"
        return [line.split() for line in path.read_text().splitlines()] if path.exists() else []

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc is not None:
            self._log.close()
        self.proc = None

    def __enter__(self) -> "LocalNginx":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def health(url: str) -> bytes:
    return urllib.request.urlopen(url + "/_stcore/health", timeout=5).read()
