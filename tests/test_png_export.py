"""PNG export through the shared kaleido server: real images, no swaps between threads."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image

from lib.outputs import png_export
from lib.outputs.png_export import PngExportUnavailable, client_image_config, figure_to_png

APP_DIR = Path(__file__).resolve().parents[1]
needs_chromium = pytest.mark.skipif(not png_export.chrome_available(),
                                    reason="Chromium absent: server-side PNG export unavailable")


def _image(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(png)).convert("RGB")


def _colours(img: Image.Image) -> list[tuple[int, tuple[int, int, int]]]:
    return img.getcolors(img.width * img.height)


def _dark_fraction(img: Image.Image) -> float:
    colours = _colours(img)
    return sum(n for n, c in colours if max(c) < 30) / sum(n for n, _ in colours)


def _dominant(img: Image.Image) -> tuple[int, int, int]:
    return max(_colours(img))[1]


def _coloured_figure(colour: str) -> go.Figure:
    """Background in ``colour`` so the dominant pixel tells which figure came back."""
    fig = go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2], marker_color="#333333"))
    fig.update_layout(template="plotly_white", paper_bgcolor=colour, plot_bgcolor=colour,
                      title="Exportations")
    return fig


@needs_chromium
def test_png_has_requested_size_and_is_neither_blank_nor_dark():
    fig = go.Figure(go.Bar(x=["Allemagne", "Italie", "Espagne"], y=[120.5, 80.2, 45.0]))
    fig.update_layout(template="plotly_white", title="Principaux clients")
    img = _image(figure_to_png(fig, width=400, height=300, scale=2))
    assert img.size == (800, 600)
    assert len(_colours(img)) > 5
    assert _dark_fraction(img) < 0.05


@needs_chromium
def test_compact_png_is_smaller_same_size_and_looks_the_same():
    """compact=True: a 256-colour palette (a Sankey: ~2,8 Mo → ~0,7 Mo); default: exact RGBA."""
    x = list(range(60))
    fig = go.Figure([go.Scatter(x=x, y=[(i * k) % 37 for i in x], mode="lines", showlegend=False,
                                line=dict(width=1, color="rgba(163,168,176,0.5)")) for k in range(1, 25)])
    fig.add_trace(go.Bar(x=x[::6], y=[30, 12, 25, 8, 17, 5, 22, 14, 9, 28], marker_color="#D7263D",
                         text=[f"{v},5 M€" for v in range(10)], textposition="outside"))
    fig.update_layout(template="plotly_white", title="Flux à l'export — 315,0 M€", showlegend=False)
    exact = figure_to_png(fig, width=800, height=450, scale=2, compact=False)
    small = figure_to_png(fig, width=800, height=450, scale=2, compact=True)
    assert Image.open(io.BytesIO(exact)).mode == "RGBA"
    assert Image.open(io.BytesIO(small)).mode == "P"
    assert len(small) < 0.6 * len(exact)
    a, b = _image(exact), _image(small)
    assert a.size == b.size == (1600, 900)
    assert len(_colours(a)) > 256                                  # a real reduction, not a lossless one
    assert _dominant(a) == _dominant(b) == (255, 255, 255)        # flat colours stay exact
    assert _dark_fraction(b) == pytest.approx(_dark_fraction(a), abs=0.002)
    from PIL import ImageChops, ImageStat
    assert max(ImageStat.Stat(ImageChops.difference(a, b)).mean) < 0.5


@needs_chromium
def test_figure_with_a_colour_scale_is_not_compacted():
    """256 colours would draw the colour bar in bands (the tile map): those stay exact."""
    fig = go.Figure(go.Heatmap(z=[[k + 10 * j for k in range(10)] for j in range(10)], colorscale="Viridis"))
    fig.update_layout(template="plotly_white")
    assert png_export.has_colour_scale(fig) and not png_export.has_colour_scale(_coloured_figure("white"))
    assert Image.open(io.BytesIO(figure_to_png(fig, width=300, height=200, scale=1))).mode == "RGBA"


def test_compact_png_keeps_transparency_and_never_grows():
    clear = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    clear.paste((215, 38, 61, 255), (10, 10, 30, 20))
    out = io.BytesIO()
    clear.save(out, format="PNG")
    compacted = Image.open(io.BytesIO(png_export.compact_png(out.getvalue()))).convert("RGBA")
    assert compacted.size == (40, 30)
    assert compacted.getpixel((0, 0))[3] == 0 and compacted.getpixel((15, 15)) == (215, 38, 61, 255)
    tiny = io.BytesIO()
    Image.new("P", (1, 1)).save(tiny, format="PNG")
    assert len(png_export.compact_png(tiny.getvalue())) <= len(tiny.getvalue())


@needs_chromium
def test_concurrent_exports_each_get_their_own_image():
    """The kaleido server is one queue: without the lock, threads receive each other's PNGs."""
    jobs = {"red": ((255, 0, 0), 500, 300), "blue": ((0, 0, 255), 320, 420)}
    results: dict[str, list[bytes]] = {name: [] for name in jobs}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(name: str):
        rgb, width, height = jobs[name]
        fig = _coloured_figure("rgb(%d,%d,%d)" % rgb)
        try:
            for _ in range(3):
                barrier.wait(timeout=120)  # both requests reach the server together, every round
                results[name].append(figure_to_png(fig, width=width, height=height, scale=1))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for name, (rgb, width, height) in jobs.items():
        assert len(results[name]) == 3
        for png in results[name]:
            img = _image(png)
            assert img.size == (width, height)
            assert _dominant(img) == rgb


@pytest.fixture
def no_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "pas-de-chromium"))
    png_export.chrome_available.cache_clear()
    yield
    png_export.chrome_available.cache_clear()  # recomputed with the restored environment


def test_missing_browser_raises_french_message(no_browser):
    assert png_export.chrome_available() is False
    with pytest.raises(PngExportUnavailable, match="nécessite Chromium"):
        figure_to_png(go.Figure())


def _run_script(code: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(APP_DIR), **env_extra}
    return subprocess.run([sys.executable, "-c", code], cwd=APP_DIR, env=env, capture_output=True,
                          text=True, timeout=180)


@pytest.mark.skipif(not os.access("/bin/false", os.X_OK), reason="no /bin/false")
def test_browser_that_cannot_start_raises_instead_of_hanging():
    """kaleido's server would wait forever on a dead queue; we must get an error back."""
    code = (
        "import plotly.graph_objects as go\n"
        "from lib.outputs.png_export import figure_to_png, PngExportUnavailable\n"
        "try:\n"
        "    figure_to_png(go.Figure())\n"
        "except PngExportUnavailable as exc:\n"
        "    print('UNAVAILABLE', exc)\n"
    )
    proc = _run_script(code, {"BROWSER_PATH": "/bin/false"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "UNAVAILABLE L'export PNG a échoué" in proc.stdout


@needs_chromium
def test_server_restarts_after_chromium_crash():
    """Kill the server's Chromium (in a child process, so the shared server is untouched)."""
    code = (
        "import os, signal, subprocess, io\n"
        "import plotly.graph_objects as go\n"
        "from PIL import Image\n"
        "from lib.outputs.png_export import figure_to_png\n"
        "fig = go.Figure(go.Bar(y=[1, 2]), layout=dict(template='plotly_white'))\n"
        "figure_to_png(fig, 300, 200, 1)\n"
        "kids = subprocess.run(['pgrep', '-P', str(os.getpid())], capture_output=True,\n"
        "                      text=True).stdout.split()\n"
        "assert kids, 'no chromium child'\n"
        "for pid in kids:\n"
        "    os.kill(int(pid), signal.SIGKILL)\n"
        "png = figure_to_png(fig, 300, 200, 1)\n"
        "print('SIZE', Image.open(io.BytesIO(png)).size)\n"
    )
    proc = _run_script(code, {})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "SIZE (300, 200)" in proc.stdout


def test_client_image_config_matches_server_export():
    config = client_image_config("exportations_flux_dep-04_2024", width=1200, height=700, scale=3)
    assert config["locale"] == "fr" and config["displaylogo"] is False
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "exportations_flux_dep-04_2024",
                                              "width": 1200, "height": 700, "scale": 3}


@needs_chromium
def test_a_hanging_render_is_bounded_and_the_renderer_recovers_for_the_next_user():
    """The first render hangs inside kaleido (as a stuck Chromium page would); a second user waits on the lock.
    The hung one gets the French message within the bound, the second one gets its image from a fresh
    renderer, the stuck Chromium is killed, and the process still exits normally."""
    code = (
        "import asyncio, io, os, threading, time\n"
        "import kaleido, plotly.graph_objects as go\n"
        "from PIL import Image\n"
        "from lib.outputs import png_export\n"
        "from lib.outputs.png_export import figure_to_png, PngExportUnavailable\n"
        "fig = go.Figure(go.Bar(y=[1, 2]), layout=dict(template='plotly_white'))\n"
        "figure_to_png(fig, 300, 200, 1)\n"
        "png_export.RENDER_TIMEOUT_S = 6.0\n"
        "def chromium_children():\n"
        "    me, found = os.getpid(), set()\n"
        "    for d in os.listdir('/proc'):\n"
        "        try:\n"
        "            raw = open(f'/proc/{d}/stat').read()\n"
        "            command = open(f'/proc/{d}/cmdline', 'rb').read().lower()\n"
        "        except OSError:\n"
        "            continue\n"
        "        if int(raw[raw.rindex(')') + 2:].split()[1]) == me and b'chrom' in command:\n"
        "            found.add(int(d))\n"
        "    return found\n"
        "stuck_browser = chromium_children()\n"
        "original, calls = kaleido.Kaleido.calc_fig, []\n"
        "async def hang_once(self, *a, **k):\n"
        "    calls.append(1)\n"
        "    if len(calls) == 1:\n"
        "        await asyncio.sleep(3600)\n"
        "    return await original(self, *a, **k)\n"
        "kaleido.Kaleido.calc_fig = hang_once\n"
        "out = {}\n"
        "def second_user():\n"
        "    time.sleep(0.3)\n"
        "    out['second'] = Image.open(io.BytesIO(figure_to_png(fig, 320, 240, 1))).size\n"
        "t = threading.Thread(target=second_user); t.start()\n"
        "start = time.monotonic()\n"
        "try:\n"
        "    figure_to_png(fig, 300, 200, 1)\n"
        "except PngExportUnavailable as exc:\n"
        "    print('FIRST', round(time.monotonic() - start), exc)\n"
        "t.join(60)\n"
        "print('SECOND', out.get('second'))\n"
        "print('STUCK_KILLED', not (stuck_browser & chromium_children()), bool(stuck_browser))\n"
        "print('NEW_BROWSER', bool(chromium_children()))\n"
    )
    proc = _run_script(code, {})
    assert proc.returncode == 0, proc.stderr[-2000:]
    first = next(line for line in proc.stdout.splitlines() if line.startswith("FIRST"))
    assert int(first.split()[1]) <= 8, first                 # the 6 s bound of the test, not kaleido's 90 s
    assert "le moteur de rendu était bloqué et vient d'être relancé" in first
    assert "SECOND (320, 240)" in proc.stdout
    assert "STUCK_KILLED True True" in proc.stdout and "NEW_BROWSER True" in proc.stdout


def test_a_failed_download_answers_in_french():
    from lib.ui.export_errors import GENERIC_MESSAGE, french_message
    try:
        try:
            raise PngExportUnavailable(png_export.TIMEOUT_MESSAGE)
        except PngExportUnavailable as inner:
            raise RuntimeError("Callable execution failed") from inner
    except RuntimeError as outer:
        assert french_message(outer) == png_export.TIMEOUT_MESSAGE
    assert french_message(ValueError("boom")) == GENERIC_MESSAGE
