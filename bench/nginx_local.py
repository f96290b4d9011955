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
    """The deployed site file for these backends (its round-robin upstream, one pool per process and the
    cookie → pool map, written for N processes as its header says) and a loopback listen address; every
    other line as deployed."""
    text = SITE.read_text()
    rule = re.search(r"(?m)^upstream commerce_exterieur \{[^\n]*\n    server 127\.0\.0\.1:\d+( [^;\n]*);", text)
    if rule is None:
        raise ValueError("deploy/nginx/commerce-exterieur.conf : pas de ligne « server 127.0.0.1:… » dans "
                         "« upstream commerce_exterieur »")
    health = rule.group(1)          # « max_fails=2 fail_timeout=10s », as deployed
    text, upstreams = re.subn(r"(?ms)^upstream commerce_exterieur\w* \{.*?^\}\n", "", text)
    text, maps = re.subn(r"(?ms)^map \$cookie_cet_route \$cet_pool \{.*?^\}\n", "", text)
    if upstreams < 2 or maps != 1:
        raise ValueError("deploy/nginx/commerce-exterieur.conf : upstreams ou « map $cookie_cet_route » introuvables")
    addresses = [f"127.0.0.1:{port}" for port in backend_ports]
    blocks = ["upstream commerce_exterieur {\n" + "".join(f"    server {a}{health};\n" for a in addresses) + "}\n"]
    for port, address in zip(backend_ports, addresses):
        backups = "".join(f"    server {other} backup;\n" for other in addresses if other != address)
        blocks.append(f"upstream commerce_exterieur_{port} {{\n    server {address}{health};\n{backups}}}\n")
    blocks.append("map $cookie_cet_route $cet_pool {\n    default commerce_exterieur;\n"
                  + "".join(f'    "{a}" commerce_exterieur_{p};\n' for p, a in zip(backend_ports, addresses))
                  + "}\n")
    anchor = "# The process that answered"
    if anchor not in text:
        raise ValueError(f"deploy/nginx/commerce-exterieur.conf : repère « {anchor} » introuvable")
    text = text.replace(anchor, "\n".join(blocks) + "\n" + anchor, 1)
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
events {{ worker_connections 4096; }}   # a websocket session holds two (browser, app): 512 hold 256 sessions at most
http {{
    log_format upstream '$cookie_cet_route $upstream_addr $status $request_uri';
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
