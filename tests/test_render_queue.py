"""Fair PNG exports (issue 19, item 7): turns go round the sessions, one download at a time per session,
and a render's owner follows the download into its worker threads. The timings with kaleido are measured
by `python -m bench.png_fairness`, not here."""
from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from lib.outputs import png_export
from lib.outputs.render_queue import FairQueue, current_owner, owner_scope
from lib.ui import download_turns


def run_coroutine(coroutine):
    """asyncio.run in a thread of its own: after the browser tests, pytest-playwright's sync API keeps an
    event loop running in the main thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "attente trop longue"
        time.sleep(0.005)


def _queue_up(queue: FairQueue, plan: list[str]) -> tuple[list[str], list[threading.Thread]]:
    """While the turn is held, owners line up in the order of `plan`; returns the order they get the turn."""
    order, threads = [], []

    def work(owner: str) -> None:
        with queue.turn(owner):
            order.append(owner)

    for i, owner in enumerate(plan):
        thread = threading.Thread(target=work, args=(owner,))
        thread.start()
        threads.append(thread)
        _wait_until(lambda: sum(queue.waiting().values()) == i + 1)    # registered in this order
    return order, threads


def test_a_visitor_waits_for_one_render_per_other_session_not_for_their_lines():
    queue = FairQueue()
    queue.acquire("occupant")
    order, threads = _queue_up(queue, ["A"] * 6 + ["B"] * 6 + ["visiteur"])
    assert queue.waiting() == {"A": 6, "B": 6, "visiteur": 1}
    queue.release()
    for thread in threads:
        thread.join(5)
    assert order[:4] == ["A", "B", "visiteur", "A"]          # third turn, not the thirteenth
    assert order[3:] == ["A", "B"] * 5 and queue.waiting() == {}


def test_within_one_session_renders_keep_their_order_and_only_one_runs_at_a_time():
    queue, running, peak, done = FairQueue(), [0], [0], []
    lock = threading.Lock()

    def work(n: int) -> None:
        with queue.turn("session"):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.002)
            with lock:
                running[0] -= 1
            done.append(n)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(40)))
    assert peak[0] == 1 and sorted(done) == list(range(40))


def test_a_wait_that_times_out_leaves_no_ticket_behind():
    queue = FairQueue()
    with queue.turn("A") as got:
        assert got
        start = time.monotonic()
        assert not queue.acquire("B", timeout=0.05)
        assert time.monotonic() - start >= 0.05 and queue.waiting() == {}
    with queue.turn("C", timeout=0.05) as got:                  # free again: immediate
        assert got


def test_the_owner_follows_a_download_into_its_threads():
    async def download() -> tuple[str, str]:
        with owner_scope("session-42"):
            in_thread = await asyncio.to_thread(current_owner)
            with ThreadPoolExecutor(2) as pool:                  # a document's picture threads
                in_pool = pool.submit(contextvars.copy_context().run, current_owner).result()
        return in_thread, in_pool

    assert run_coroutine(download()) == ("session-42", "session-42")
    assert current_owner() == "local"                           # the CLI's renders: one owner


def test_a_session_runs_one_download_at_a_time_and_others_are_not_held_up():
    events = []

    async def click(session: str, n: int, seconds: float) -> None:
        async with download_turns.session_turn(session):
            events.append(("début", session, n, current_owner()))
            await asyncio.sleep(seconds)
            events.append(("fin", session, n))

    async def scenario() -> None:
        heavy = [asyncio.create_task(click("lourde", n, 0.05)) for n in range(5)]
        await asyncio.sleep(0.01)
        assert download_turns.sessions_waiting() == {"lourde": 5}
        await click("visiteur", 0, 0)
        assert ("fin", "lourde", 1) not in events            # the visitor did not wait for the heavy line
        await asyncio.gather(*heavy)

    run_coroutine(scenario())
    heavy = [e for e in events if e[1] == "lourde"]
    assert heavy == [e for n in range(5) for e in (("début", "lourde", n, "lourde"), ("fin", "lourde", n))]
    assert ("début", "visiteur", 0, "visiteur") in events and download_turns.sessions_waiting() == {}


@pytest.mark.unit
def test_figure_to_png_serves_the_sessions_in_turn(monkeypatch):
    """The real figure_to_png, its Chromium replaced by a recorder: renders are handed out round the owners."""
    served, gate = [], threading.Event()

    def fake_render(fig, width, height, scale):
        gate.wait(5)
        served.append(current_owner())
        return b"png"

    monkeypatch.setattr(png_export, "chrome_available", lambda: True)
    monkeypatch.setattr(png_export, "_render_on_server", fake_render)
    monkeypatch.setattr(png_export, "_LOCK", FairQueue())

    def export(owner: str) -> None:
        with owner_scope(owner):
            png_export.figure_to_png({"data": []})

    threads = [threading.Thread(target=export, args=("A",))]
    threads[0].start()
    _wait_until(lambda: served == [] and png_export._LOCK._busy)
    for owner in ["A"] * 4 + ["B"] * 4 + ["visiteur"]:
        threads.append(threading.Thread(target=export, args=(owner,)))
        threads[-1].start()
        _wait_until(lambda: sum(png_export._LOCK.waiting().values()) == len(threads) - 1)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert served == ["A", "A", "B", "visiteur", "A", "B", "A", "B", "A", "B"]
