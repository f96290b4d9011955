"""The app's server on a free local port, for the browser tests, the benchmark and the load test.

Started with the project's launcher (`python -m lib.ui.server`, what `make run` uses), bound to
127.0.0.1 only, and always stopped by its own PID. No Streamlit import here: it runs in a child process.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """The app's server (`python -m lib.ui.server`, i.e. `streamlit run streamlit_app.py`) on
    127.0.0.1:<free port>; always stopped by its own PID."""

    def __init__(self, log_path: Path, port: int | None = None, env: dict[str, str] | None = None,
                 plain: bool = False, extra_args: list[str] | None = None, script: Path | None = None,
                 project_dir: Path | None = None):
        """`plain`: the ecosystem's `streamlit run streamlit_app.py` instead of the project's launcher;
        `script`: `streamlit run` of another script (a reference page of a benchmark); `project_dir`:
        another checkout of the app (a benchmark's « before », served in the same run)."""
        self.project_dir = Path(project_dir) if project_dir is not None else PROJECT_DIR
        self.port = port or free_port()
        self.plain = plain or script is not None
        self.script = str(script) if script is not None else "streamlit_app.py"
        self.extra_args = list(extra_args or [])
        self.env = env
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.started_at = float("nan")

    def start(self) -> float:
        """Launch; returns the perf_counter() of the launch."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.started_at = time.perf_counter()
        launcher = ["streamlit", "run", self.script] if self.plain else ["lib.ui.server"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *launcher, "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *self.extra_args],
            cwd=self.project_dir, env={**os.environ, **(self.env or {})}, stdout=self._log, stderr=subprocess.STDOUT)
        return self.started_at

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_healthy(self, timeout: float = 90) -> float:
        """Seconds from launch to `/_stcore/health` == ok."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=1).read() == b"ok":
                    return time.perf_counter() - self.started_at
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Le serveur Streamlit n'a pas démarré :\n" + self.log_text())
            time.sleep(0.05)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
        self.proc = None

    def __enter__(self) -> "StreamlitServer":
        self.start()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
