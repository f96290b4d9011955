"""Server-side PNG export of plotly figures through kaleido (headless Chromium).

One persistent kaleido server per process: the first export pays the Chromium start (~2 s),
later ones take ~0.2 s. That server is a single queue and is NOT thread-safe (Streamlit runs
every session and every deferred download in its own thread: without a lock, callers get each
other's images), so every call holds ``_LOCK``: a fair queue (lib/outputs/render_queue.py) that gives the
turns round the sessions waiting, so that one visitor's PNG does not wait behind another's sixty. kaleido registers ``stop_sync_server`` with
``atexit`` when the server opens, so Chromium is closed when the process exits.

When no browser is installed, :func:`figure_to_png` raises :class:`PngExportUnavailable` and the
page falls back to the chart's own camera button, configured by :func:`client_image_config`.

One stuck render must not block everyone: each render is bounded (``RENDER_TIMEOUT_S``, far below
kaleido's own 90 s), waiting for the lock is bounded too, and a render that overruns gets its
Chromium killed and its kaleido server abandoned (its thread may stay parked, idle): the next
export starts a fresh one. The caller gets a French message either way.
"""
from __future__ import annotations

import functools
import io
import os
import signal
import threading
import time
import warnings
from pathlib import Path

import kaleido
import plotly.io as pio

from lib.outputs.render_queue import FairQueue

DEFAULT_WIDTH = 1600
DEFAULT_HEIGHT = 900
DEFAULT_SCALE = 2
SERVER_TIMEOUT_S = 90
RENDER_TIMEOUT_S = 20.0         # one render, Chromium start included (≈ 2,5 s), then about 0,3 s
LOCK_WAIT_S = 2 * RENDER_TIMEOUT_S + 5
COMPACT_COLOURS = 256           # palette of a compacted PNG
RENDERER_MAX_MB = 550.0         # kaleido's Chromium: 250-320 MB PSS fresh, ≈ 500 after one dossier and one sheet
UNAVAILABLE_MESSAGE = ("L'export PNG nécessite Chromium, absent de ce serveur : "
                       "utilisez le bouton appareil photo du graphique.")
FAILED_MESSAGE = "L'export PNG a échoué : utilisez le bouton appareil photo du graphique."
TIMEOUT_MESSAGE = (f"L'image n'a pas pu être produite en {RENDER_TIMEOUT_S:.0f} s : le moteur de rendu était "
                   "bloqué et vient d'être relancé. Réessayez, ou utilisez le bouton appareil photo du graphique.")
BUSY_MESSAGE = ("Le moteur d'images est occupé par d'autres exports : réessayez dans un instant, ou utilisez le "
                "bouton appareil photo du graphique.")

_LOCK = FairQueue()             # guards the kaleido server (start, calls, restart); fair across sessions
_POLL_S = 0.05


class PngExportUnavailable(RuntimeError):
    """No Chromium on this server; the message is French and shown as is."""

    def __init__(self, message: str = UNAVAILABLE_MESSAGE):
        super().__init__(message)


class _ServerDied(RuntimeError):
    """The kaleido server thread ended (Chromium failed to start or crashed hard)."""


class _RenderTimeout(RuntimeError):
    """A render overran RENDER_TIMEOUT_S."""


@functools.lru_cache(maxsize=1)
def chrome_available() -> bool:
    """Same lookup as kaleido (BROWSER_PATH, then PATH names, then /usr/bin/chromium…), cached.

    Call ``chrome_available.cache_clear()`` after changing ``BROWSER_PATH``.
    """
    from choreographer.browsers.chromium import Chromium

    try:
        path = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - a broken lookup means no browser for us
        return False
    return bool(path) and Path(path).is_file() and os.access(path, os.X_OK)


def _browser_death_errors() -> tuple[type[BaseException], ...]:
    """Errors meaning Chromium is gone (as opposed to a figure plotly.js can't draw)."""
    from choreographer.channels import ChannelClosedError
    from kaleido.errors import BrowserClosedError, BrowserFailedError

    return (ChannelClosedError, BrowserClosedError, BrowserFailedError, _ServerDied)


def _server():
    return kaleido._global_server  # noqa: SLF001 - only to see whether its thread is alive


def _server_running() -> bool:
    return _server().is_running()


def _server_thread_alive() -> bool:
    thread = getattr(_server(), "_thread", None)
    return thread is not None and thread.is_alive()


def _start_server() -> None:
    kaleido.start_sync_server(n=1, timeout=SERVER_TIMEOUT_S, mathjax=False, silence_warnings=True)


def _stop_server() -> None:
    if _server_running():
        kaleido.stop_sync_server(silence_warnings=True)


def _render(fig, width: int, height: int, scale: float) -> bytes:
    """One call to the server, watched: if its thread dies, raise instead of waiting forever.

    kaleido's ``call_function`` blocks on its queue with no timeout, so a server whose Chromium
    never started would hang the caller. The call runs in a daemon worker; if the server thread
    ends meanwhile, that worker stays parked on the dead queue (one idle thread, no CPU).
    """
    outcome: dict = {}
    done = threading.Event()

    def work():
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="The kopts argument is ignored",
                                        category=UserWarning)
                outcome["png"] = pio.to_image(fig, format="png", width=width, height=height,
                                              scale=scale)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="png-export", daemon=True).start()
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    while not done.wait(_POLL_S):
        if not _server_thread_alive():
            raise _ServerDied("kaleido server thread ended")
        if time.monotonic() > deadline:
            raise _RenderTimeout(f"render over {RENDER_TIMEOUT_S} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["png"]


def figure_to_png(fig, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
                  scale: float = DEFAULT_SCALE, *, compact: bool = False) -> bytes:
    """PNG bytes of ``fig`` (``width*scale`` × ``height*scale`` pixels), thread-safe.

    Build ``fig`` with an explicit template (``plotly_white``): the "streamlit" template exports
    black or grey. If Chromium died since the last call, the server is restarted once.
    ``compact=False`` (default, the page buttons: 0,3 s after the first call): Chromium's exact RGBA.
    ``compact=True`` (the dossier and the Word sheet, where pictures add up): the same size in pixels in
    a 256-colour palette, about 4 times lighter and identical to the eye (see :func:`compact_png`; +0,3 s),
    except for a figure with a colour scale (the tile map's colour bar would show bands).
    """
    if not chrome_available():
        raise PngExportUnavailable()
    death = _browser_death_errors()
    if not _LOCK.acquire(timeout=LOCK_WAIT_S):
        raise PngExportUnavailable(BUSY_MESSAGE)
    try:
        try:
            png = _render_on_server(fig, width, height, scale)
        except death:
            _stop_server()          # Chromium is gone: start a fresh one and retry once
            try:
                png = _render_on_server(fig, width, height, scale)
            except death as exc:
                _stop_server()
                raise PngExportUnavailable(FAILED_MESSAGE) from exc
    except _RenderTimeout as exc:
        _abandon_server()
        raise PngExportUnavailable(TIMEOUT_MESSAGE) from exc
    finally:
        _LOCK.release()
    # outside the lock: the server can draw the next one meanwhile
    return compact_png(png) if compact and not has_colour_scale(fig) else png


_SCALE_TRACES = {"heatmap", "contour", "histogram2d", "histogram2dcontour", "choropleth", "choroplethmap",
                 "choroplethmapbox", "densitymap", "densitymapbox", "surface", "mesh3d", "cone", "streamtube",
                 "volume", "isosurface", "image"}


def has_colour_scale(fig) -> bool:
    """Whether ``fig`` (a figure or its dict) draws a continuous colour scale: 256 colours would band it."""
    spec = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
    layout = spec.get("layout") or {}
    if any(key.startswith("coloraxis") and (value or {}).get("showscale", True) for key, value in layout.items()):
        return True
    for trace in spec.get("data") or []:
        if trace.get("type") in _SCALE_TRACES:
            return True
        if trace.get("showscale") or any((trace.get(part) or {}).get("showscale") for part in ("marker", "line")):
            return True
    return False


def compact_png(png: bytes) -> bytes:
    """``png`` in an indexed palette of 256 colours, same size in pixels, or ``png`` if not smaller.

    Charts have few real colours (a 3200 × 1800 Sankey: about 10 000, nearly all anti-aliasing shades):
    median cut without dithering keeps the flat colours exact (white stays 255, 255, 255) and moves a
    few hundred edge pixels slightly, invisible at 100 %; the file is about 4 times lighter (Sankey
    2,7 Mo → 0,7 Mo) for about 0,3 s. PNG `optimize` was measured to add 0,28 s for 2 % less: left out.
    A picture with transparency keeps it (octree, the quantizer that handles alpha).
    """
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image.load()
        alpha = image.getchannel("A").getextrema()[0] < 255 if "A" in image.getbands() else False
        if alpha:
            indexed = image.convert("RGBA").quantize(COMPACT_COLOURS, method=Image.Quantize.FASTOCTREE,
                                                     dither=Image.Dither.NONE)
        else:
            indexed = image.convert("RGB").quantize(COMPACT_COLOURS, method=Image.Quantize.MEDIANCUT,
                                                    dither=Image.Dither.NONE)
    out = io.BytesIO()
    indexed.save(out, format="PNG")
    smaller = out.getvalue()
    return smaller if len(smaller) < len(png) else png


def _abandon_server() -> None:
    """Give up a stuck server: kill its Chromium, and let the next export open a new server.

    kaleido's ``stop_sync_server`` would wait for the stuck task forever (it joins the server thread), so
    the old server object is marked closed (its atexit hook then returns at once) and replaced.
    """
    from kaleido import _sync_server
    old = kaleido._global_server
    _kill_browser_children()
    old._initialized = False                     # noqa: SLF001 - its thread stays parked, a daemon
    _sync_server.GlobalKaleidoServer._instance = None   # noqa: SLF001 - a singleton: allow a new one
    kaleido._global_server = _sync_server.GlobalKaleidoServer()


def _browser_tree() -> list[int]:
    """The pids of the Chromium trees this process started (kaleido's only; Linux /proc, nothing elsewhere).

    kaleido starts Chromium through a small Python wrapper (choreographer), so the direct child's command
    line names chromium; its whole tree is returned, parents first.
    """
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
            parents[int(stat.parent.name)] = int(raw[raw.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    me = os.getpid()
    tree = []
    for pid, ppid in parents.items():
        if ppid != me:
            continue
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().lower()
        except OSError:
            continue
        if b"chrom" in command:
            tree.append(pid)
    while True:
        more = [pid for pid, ppid in parents.items() if ppid in tree and pid not in tree]
        if not more:
            return tree
        tree.extend(more)


def _kill_browser_children() -> None:
    """SIGKILL kaleido's Chromium trees, children first."""
    for pid in reversed(_browser_tree()):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def renderer_memory_mb() -> float:
    """Proportional memory (PSS) of kaleido's Chromium, in MB (0 when it is not running)."""
    total_kb = 0
    for pid in _browser_tree():
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total_kb / 1024


def restart_renderer_if_bloated(limit_mb: float = RENDERER_MAX_MB) -> bool:
    """Close kaleido's Chromium when it grew past `limit_mb` and nobody is waiting for a render.

    Drawing the pictures of big documents (a dossier for France: 16 of them, 3 200 px wide) leaves Chromium
    about 300 MB larger (276 → 610 MB PSS measured), and it never gives them back. The next PNG starts a
    fresh one (≈ 2,5 s once). True when it was closed.
    """
    if not _LOCK.acquire(timeout=0):            # a render running or waiting: not now
        return False
    try:
        if _server_running() and renderer_memory_mb() > limit_mb:
            _stop_server()
            return True
        return False
    finally:
        _LOCK.release()


def _render_on_server(fig, width: int, height: int, scale: float) -> bytes:
    if not _server_running():
        _start_server()
    return _render(fig, width, height, scale)


def shutdown() -> None:
    """Close Chromium now (kaleido also does it at exit); the next export restarts it."""
    with _LOCK:
        _stop_server()


def client_image_config(file_stem: str, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
                        scale: float = DEFAULT_SCALE) -> dict:
    """plotly ``config`` so the chart's own camera button downloads the same PNG, browser-side."""
    return {
        "locale": "fr",
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": file_stem,
            "width": width,
            "height": height,
            "scale": scale,
        },
    }
