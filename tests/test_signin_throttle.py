"""Sign-in attempts are counted and delayed before the comparison (issue 19, item 4), and their refusals do
not flood the journal. The attacks of the issue are replayed: 25 wrong secrets then the right one from one
session, and 40 wrong `?admin=` links from parallel sessions."""
from __future__ import annotations

import threading
import time

import pytest

from lib.data import refusal_journal
from lib.data.refusal_journal import RefusalJournal
from lib.data.signin_throttle import AttemptThrottle, spacing


class FakeClock:
    def __init__(self, start: float = 1_000_000.0):
        self.t = start

    def __call__(self) -> float:
        return self.t


def _sequential_attack(throttle: AttemptThrottle, clock: FakeClock, guesses: list[bool]) -> list[float]:
    """One session submits each guess as soon as the previous answer arrives; the waits it went through."""
    waits = []
    for _ in guesses:
        turn = throttle.admit("secret", "session-attaquant")
        assert turn.allowed
        waits.append(turn.wait)
        clock.t += turn.wait                 # the server sleeps until the turn, then compares
    return waits


def test_twenty_five_wrong_secrets_then_the_right_one_take_more_than_ten_minutes(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock)
    start = clock.t
    waits = _sequential_attack(throttle, clock, [False] * 25 + [True])
    throttle.success("secret", "session-attaquant")
    assert waits[:7] == [0, 1, 2, 4, 8, 16, 30] and set(waits[6:]) == {30}
    assert clock.t - start == 1 + 2 + 4 + 8 + 16 + 30 * 20          # 631 s, against 6,4 s before


def test_a_new_submission_never_bypasses_a_sleeping_one(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock, max_wait=60)
    turns = [throttle.admit("secret", "même-session") for _ in range(8)]    # all sent in the same instant
    allowed = [t.wait for t in turns if t.allowed]
    assert allowed == [0, 1, 3, 7, 15, 31]          # each one after the previous turn plus its spacing
    refused = [t for t in turns if not t.allowed]
    assert len(refused) == 2 and all(t.retry_after > 60 for t in refused)
    clock.t += 0.5                                   # the next turn is 60,5 s away: still refused
    assert not throttle.admit("secret", "même-session").allowed
    clock.t += 0.5
    assert throttle.admit("secret", "même-session").wait == 60


def test_forty_parallel_console_links_are_spaced_for_the_whole_server(tmp_path):
    """Real threads, two throttles over one file (two processes behind nginx), delays scaled down 40 times."""
    path = tmp_path / "auth" / "attempts.json"
    processes = [AttemptThrottle(path, max_delay=0.75, max_wait=1.5, free=10) for _ in range(2)]
    barrier = threading.Barrier(40)
    compared, refused, lock = [], [], threading.Lock()

    def visitor(i: int) -> None:
        barrier.wait()
        turn = processes[i % 2].admit("console", f"session-{i}")
        if not turn.allowed:
            with lock:
                refused.append(turn.retry_after)
            return
        time.sleep(turn.wait)
        with lock:
            compared.append(time.monotonic())

    start = time.monotonic()
    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    times = sorted(t - start for t in compared)
    assert len(compared) + len(refused) == 40
    assert 10 < len(compared) < 40 and refused              # the free ten, a few spaced turns, the rest refused
    spaced = times[10:]
    gaps = [b - a for a, b in zip(spaced, spaced[1:])]
    assert all(gap > 0.2 for gap in gaps)                   # never two comparisons in the same instant past ten
    assert times[-1] <= 1.5 + 0.5                           # nobody sleeps past the lock-out window


def test_default_schedule_for_forty_links_at_once(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock)
    turns = [throttle.admit("console", f"session-{i}") for i in range(40)]
    waits = [t.wait for t in turns if t.allowed]
    assert waits == [0] * 10 + [0, 1, 3, 7, 15, 31]             # 16 compared within 31 s, not in one second
    assert sum(not t.allowed for t in turns) == 24


def test_a_right_answer_does_not_count_against_the_server(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock, free=2)
    for i in range(5):
        assert throttle.admit("secret", f"agent-{i}").wait == 0
        throttle.success("secret", f"agent-{i}")
    assert [throttle.admit("secret", f"x-{i}").wait for i in range(4)] == [0, 0, 0, 1]
    clock.t += 601                                              # old attempts are forgotten
    assert [throttle.admit("secret", "agent").wait for _ in range(3)] == [0, 1, 3]
    throttle.success("secret", "agent")                         # right at last: a clean slate for the session
    clock.t += 5
    assert throttle.admit("secret", "agent").wait == 0


def test_spacing_doubles_up_to_the_maximum():
    assert [spacing(n) for n in range(0, 9)] == [0, 1, 2, 4, 8, 16, 30, 30, 30]
    assert spacing(3, max_delay=3) == 3


def test_a_damaged_or_unwritable_counter_file_never_stops_a_sign_in(tmp_path):
    path = tmp_path / "attempts.json"
    path.write_bytes(b"\xff\xfe garbage {")
    clock = FakeClock()
    throttle = AttemptThrottle(path, clock=clock)
    assert [throttle.admit("secret", "session-xyz").wait for _ in range(2)] == [0, 1]
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    fallback = AttemptThrottle(blocked / "attempts.json", clock=clock)     # its folder cannot be created
    assert [fallback.admit("secret", "s").wait for _ in range(3)] == [0, 1, 3]   # counted in memory instead
    assert "session-xyz" not in path.read_text()                                  # ids are stored hashed


def test_refusals_past_ten_a_minute_become_one_summary_line():
    clock = FakeClock(0.0)
    lines, timers = [], []
    journal = RefusalJournal(clock=clock, write=lambda *a, **k: lines.append((a, k)),
                             start_timer=lambda delay, callback: timers.append((delay, callback)))
    for i in range(37):
        clock.t = i
        journal.refused("connexion", "inconnu", "secret administrateur incorrect")
    assert len(lines) == 10 and all(args[2] == "refusée" for args, _ in lines)
    assert len(timers) == 1 and timers[0][0] == pytest.approx(50)       # the 11th came at 10 s: 50 s left
    journal.flush()                                                     # before the minute is over: nothing
    assert len(lines) == 10
    clock.t = 60
    timers[0][1]()
    _, summary = lines[-1]
    assert summary["message"] == "37 tentatives refusées en 1 min, dont 27 non détaillées"
    assert summary["aggregated"] == 27 and summary["outcome"] == "refusée" and summary["action"] == "connexion"
    clock.t = 61
    assert journal.refused("connexion", "inconnu", "x") and len(lines) == 12    # a new minute: detailed again


def test_a_refusal_after_the_minute_writes_the_summary_first():
    clock = FakeClock(0.0)
    lines = []
    journal = RefusalJournal(per_window=1, clock=clock, write=lambda *a, **k: lines.append(k.get("message") or a[3]),
                             start_timer=lambda delay, callback: None)
    for _ in range(3):
        journal.refused("connexion", "inconnu", "lien")
    clock.t = 75
    journal.refused("connexion", "inconnu", "lien")
    assert lines == ["lien", "3 tentatives refusées en 1 min, dont 2 non détaillées", "lien"]
    assert refusal_journal.summary_message(1234, 1200, 30) == "1\u202f234 tentatives refusées en 30 s, dont 1\u202f200 non détaillées"
