"""The first-screen pause (lib/ui/first_screen.py): taken when a browser is on the other end, never without;
longer on a session's first page, whose key figures wait for their code (a first visit)."""
from types import SimpleNamespace

from lib.ui import first_screen


def _session(monkeypatch, headers: dict) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(first_screen, "time", SimpleNamespace(sleep=slept.append))
    monkeypatch.setattr(first_screen, "st", SimpleNamespace(context=SimpleNamespace(headers=headers),
                                                             session_state={}))
    return slept


def test_a_browser_gets_the_long_pause_on_its_first_page_then_the_short_one(monkeypatch):
    slept = _session(monkeypatch, {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"})
    for _ in range(3):
        first_screen.paint_first_screen()
        first_screen.page_sent()       # the entry point, at the end of each run
    assert slept == [first_screen.FIRST_VISIT_PAUSE_S, first_screen.PAUSE_S, first_screen.PAUSE_S]
    assert first_screen.FIRST_VISIT_PAUSE_S > first_screen.PAUSE_S


def test_no_browser_no_pause(monkeypatch):
    slept = _session(monkeypatch, {})      # AppTest: no headers
    first_screen.paint_first_screen()
    first_screen.paint_first_screen()
    assert slept == []


def test_a_client_that_draws_nothing_keeps_the_short_pause_on_its_first_page(monkeypatch):
    slept = _session(monkeypatch, {"User-Agent": "Python/3.11 websockets/15.0"})     # the load benchmarks
    first_screen.paint_first_screen()
    first_screen.page_sent()
    first_screen.paint_first_screen()
    assert slept == [first_screen.PAUSE_S, first_screen.PAUSE_S]


def test_a_first_page_without_key_figures_ends_the_first_visit(monkeypatch):
    slept = _session(monkeypatch, {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"})
    first_screen.page_sent()           # a first page without the pause (the map), then the overview
    first_screen.paint_first_screen()
    assert slept == [first_screen.PAUSE_S]
