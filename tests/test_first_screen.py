"""The first-screen pause (lib/ui/first_screen.py): taken when a browser is on the other end, never without."""
from types import SimpleNamespace

from lib.ui import first_screen


def _session(monkeypatch, headers: dict) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(first_screen, "time", SimpleNamespace(sleep=slept.append))
    monkeypatch.setattr(first_screen, "st", SimpleNamespace(context=SimpleNamespace(headers=headers)))
    return slept


def test_a_browser_gets_the_pause(monkeypatch):
    slept = _session(monkeypatch, {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"})
    first_screen.paint_first_screen()
    assert slept == [first_screen.PAUSE_S]


def test_no_browser_no_pause(monkeypatch):
    slept = _session(monkeypatch, {})      # AppTest: no headers
    first_screen.paint_first_screen()
    assert slept == []

