"""The sign-in throttle's memory, rule by rule on a fake clock (fast tier, issue 23).

tests/test_signin_throttle.py replays the attacks of issue 19 with the default settings; here each rule of
what the throttle remembers, and for how long, is stated on its own: a session's count outlives its turn
for the whole window and is forgotten after exactly `window_s`, the server's recent attempts likewise,
only the `MAX_KEYS` most recently active sessions are kept, a custom maximum delay caps both spacings,
a refusal says exactly when to come back, and session ids are stored hashed.
"""
from __future__ import annotations

import json
import re

from lib.data import signin_throttle
from lib.data.signin_throttle import AttemptThrottle

START = 1_000_000.0


class FakeClock:
    def __init__(self, start: float = START):
        self.t = start

    def __call__(self) -> float:
        return self.t


def _waits(throttle: AttemptThrottle, key: str, count: int) -> list[float]:
    """`count` attempts of one session sent in the same instant: the wait of each."""
    return [throttle.admit("secret", key).wait for _ in range(count)]


def test_a_session_s_count_outlives_its_turn_for_the_whole_window(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock, free=100)
    assert _waits(throttle, "s", 3) == [0, 1, 3]       # third turn at +3, the next one not before +7
    clock.t += 10                                       # its turn has passed, the window has not
    assert _waits(throttle, "s", 2) == [0, 8]           # fourth attempt at once, the fifth 8 s later
    clock.t = START + 10 + 600                          # exactly ten minutes after its last attempt
    assert _waits(throttle, "s", 2) == [0, 1]           # forgotten: a fresh start


def test_a_session_whose_turn_comes_as_its_window_ends_is_forgotten(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock, window_s=1, free=100)
    assert _waits(throttle, "s", 2) == [0, 1]           # next turn at +3, last attempt at +0
    clock.t = START + 3
    assert _waits(throttle, "s", 2) == [0, 1]


def test_the_server_forgets_an_attempt_exactly_ten_minutes_after_its_turn(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock, free=1)
    assert throttle.admit("secret", "a").wait == 0
    clock.t = START + 600
    assert [throttle.admit("secret", k).wait for k in ("b", "c")] == [0, 0]   # "a" no longer counts
    assert throttle.admit("secret", "d").wait == 1


def test_a_custom_maximum_delay_caps_the_session_and_the_server(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock, max_delay=3, free=100)
    assert _waits(throttle, "s", 5) == [0, 1, 3, 6, 9]
    crowd = AttemptThrottle(tmp_path / "crowd.json", clock=clock, max_delay=3, free=1)
    assert [crowd.admit("secret", f"v{i}").wait for i in range(5)] == [0, 0, 1, 3, 6]


def test_a_refusal_says_exactly_when_to_come_back(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock, max_delay=10, max_wait=12, free=100)
    assert _waits(throttle, "s", 3) == [0, 1, 3]        # the next turn at +7, then +15
    assert throttle.admit("secret", "s").wait == 7
    refused = throttle.admit("secret", "s")
    assert not refused.allowed and refused.retry_after == 15 and refused.wait == 0
    clock.t += 6.5                                      # a refusal took no turn: the one at +15 is 8,5 s away
    assert throttle.admit("secret", "s").wait == 8.5


def test_only_the_most_recently_active_sessions_are_remembered(tmp_path, monkeypatch):
    monkeypatch.setattr(signin_throttle, "MAX_KEYS", 3)
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock, free=100)
    for key in ("s0", "s1", "s2", "s0", "s3"):          # s0 comes back: s1 is now the least recently active
        throttle.admit("secret", key)
        clock.t += 10
    assert _waits(throttle, "s1", 2) == [0, 1]          # forgotten
    clock.t += 10                                       # (turns are one at a time on the server)
    assert _waits(throttle, "s0", 2) == [0, 4]          # its 3rd and 4th attempts
    clock.t += 10
    assert _waits(throttle, "s3", 2) == [0, 2]


def test_a_success_for_a_session_the_throttle_forgot_is_harmless(tmp_path):
    clock = FakeClock()
    throttle = AttemptThrottle(tmp_path / "attempts.json", clock=clock)
    throttle.success("secret", "jamais-vue")
    assert throttle.admit("secret", "jamais-vue").wait == 0


def test_session_ids_are_stored_as_128_bit_hashes(tmp_path):
    path = tmp_path / "attempts.json"
    throttle = AttemptThrottle(path, clock=FakeClock())
    throttle.admit("secret", "session-en-clair")
    text = path.read_text(encoding="utf-8")
    keys = list(json.loads(text)["secret"]["keys"])
    assert "session-en-clair" not in text and len(keys) == 1 and re.fullmatch(r"[0-9a-f]{32}", keys[0])


def test_a_counters_file_holding_json_other_than_an_object_is_counted_afresh(tmp_path):
    path = tmp_path / "attempts.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    throttle = AttemptThrottle(path, clock=FakeClock())
    assert _waits(throttle, "s", 2) == [0, 1]
    assert list(json.loads(path.read_text(encoding="utf-8"))) == ["secret"]
