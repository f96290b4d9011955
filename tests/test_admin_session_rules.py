"""The administrator's ticket, rule by rule, without AppTest (fast tier, issue 23).

tests/test_admin_session.py checks the ticket's life with a fixed clock; here: the real clock and the
environment are read when none is given, any ticket the server issues reads back whatever the length of its
fields, the cookie value needs no quoting, the key survives a race with another process and a data folder
that does not exist yet, and the list of closed tickets is private to the server's user.
"""
from __future__ import annotations

import re
import stat
import time

import pytest

from lib.core import schema
from lib.data import admin_session

NOW = 1_800_000_000.0


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "DATA_DIR", tmp_path / "absent" / "data")      # not even its parent exists
    return tmp_path / "absent" / "data"


def test_without_a_clock_given_the_real_time_decides(monkeypatch):
    monkeypatch.delenv(admin_session.TTL_ENV, raising=False)
    assert not admin_session.Ticket("console", time.time() + 100, "t").expired()
    assert admin_session.Ticket("console", time.time() - 1, "t").expired()
    before = time.time()
    _, ticket = admin_session.issue("console", b"k" * 32)
    assert before + admin_session.DEFAULT_TTL_S <= ticket.expires <= time.time() + admin_session.DEFAULT_TTL_S


def test_the_lifetime_is_read_from_the_process_environment_down_to_one_second(monkeypatch):
    monkeypatch.setenv(admin_session.TTL_ENV, " 90 ")
    assert admin_session.ttl_seconds() == 90
    assert admin_session.ttl_seconds({admin_session.TTL_ENV: "1"}) == 1
    assert admin_session.ttl_seconds({admin_session.TTL_ENV: "0"}) == admin_session.DEFAULT_TTL_S


def test_every_issued_ticket_reads_back_and_its_cookie_value_needs_no_quoting(data_dir):
    key = admin_session.server_key("cle-de-test-configuree")
    bodies = []
    for i in range(120):                        # bodies of every length modulo 4
        identity = "secret partagé" + "·" * (i % 7) + "x" * i
        value, ticket = admin_session.issue(identity, key, now=NOW, ttl=3600)
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}", value), value
        assert admin_session.read(value, key, now=NOW) == ticket and ticket.identity == identity
        bodies.append(value.split(".")[0])
    assert {len(b) % 4 for b in bodies} == {0, 2, 3}


def test_a_ticket_id_carries_96_random_bits():
    ids = {admin_session.issue("console", b"k" * 32, now=NOW, ttl=60)[1].ticket_id for _ in range(20)}
    assert len(ids) == 20 and all(re.fullmatch(r"[A-Za-z0-9_-]{16}", i) for i in ids)


def test_a_cookie_of_2000_characters_is_read_and_a_longer_one_is_not(data_dir):
    key = admin_session.server_key("cle-de-test-configuree")
    short, _ = admin_session.issue("console", key, now=NOW, ttl=3600)
    pad = next(n for n in range(3000) if len(admin_session.issue("console" + "x" * n, key, now=NOW)[0]) == 2000)
    value, ticket = admin_session.issue("console" + "x" * pad, key, now=NOW, ttl=3600)
    assert len(value) == 2000 and admin_session.read(value, key, now=NOW) == ticket
    longer, _ = admin_session.issue("console" + "x" * (pad + 3), key, now=NOW, ttl=3600)
    assert len(longer) == 2004 and admin_session.read(longer, key, now=NOW) is None


def test_the_key_is_made_where_no_data_folder_exists_yet_and_reused(data_dir):
    key = admin_session.server_key()
    assert len(key) == admin_session.KEY_BYTES and admin_session.server_key() == key
    (data_dir / "sessions" / "key").unlink()                # the folder stays, the key is made again
    assert len(admin_session.server_key()) == admin_session.KEY_BYTES


def test_a_key_written_meanwhile_by_another_process_is_the_one_used(data_dir, monkeypatch):
    theirs = "ab" * admin_session.KEY_BYTES
    real_token_hex = admin_session.secrets.token_hex

    def another_process_writes_first(n):
        (data_dir / "sessions" / "key").write_text(theirs + "\n", encoding="ascii")
        return real_token_hex(n)
    monkeypatch.setattr(admin_session.secrets, "token_hex", another_process_writes_first)
    assert admin_session.server_key() == bytes.fromhex(theirs)


@pytest.mark.parametrize("damage", [b"", b"not hex at all\n", b"abcd\n", b"\xff\xfe\x00k"])
def test_a_damaged_key_file_is_replaced_and_the_old_tickets_end(data_dir, damage):
    """A crash between the key's creation and its writing leaves it empty: every reload then failed with a
    ValueError. The key is made again (private), and a ticket signed with the old one is refused."""
    old_key = admin_session.server_key()
    value, _ = admin_session.issue("console", old_key, now=NOW, ttl=3600)
    path = data_dir / "sessions" / "key"
    path.write_bytes(damage)
    new_key = admin_session.server_key()
    assert len(new_key) == admin_session.KEY_BYTES and new_key != old_key
    assert admin_session.server_key() == new_key                        # written, read back by the next call
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert admin_session.read(value, new_key, now=NOW) is None
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_closing_a_ticket_works_in_a_fresh_data_folder_and_the_list_is_private(data_dir):
    value, ticket = admin_session.issue("console", b"k" * 32, now=NOW, ttl=3600)
    admin_session.close(ticket)
    closed = data_dir / "sessions" / "closed.txt"
    assert stat.S_IMODE(closed.stat().st_mode) == 0o600
    assert admin_session.closed_ids() == {ticket.ticket_id}
    assert admin_session.read(value, b"k" * 32, now=NOW) is None


def test_a_key_file_that_is_not_ascii_is_damaged_even_if_it_holds_a_key(data_dir):
    """The key is written in ASCII hex: a file with another character (here a no-break space after a valid key,
    which a UTF-8 reading would strip) is no key of this server, and is replaced."""
    path = data_dir / "sessions" / "key"
    path.parent.mkdir(parents=True)
    path.write_bytes(("ab" * admin_session.KEY_BYTES + "\u00a0").encode("utf-8"))
    key = admin_session.server_key()
    assert len(key) == admin_session.KEY_BYTES and key != bytes.fromhex("ab" * admin_session.KEY_BYTES)
    assert path.read_text(encoding="ascii") == key.hex()


def damaged_key_then(data_dir, monkeypatch, after_replace):
    """A damaged key file; `after_replace(path)` runs just after this process renamed its new key over it."""
    path = data_dir / "sessions" / "key"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    real_replace = admin_session.os.replace

    def replace(source, target):
        real_replace(source, target)
        after_replace(path)
    monkeypatch.setattr(admin_session.os, "replace", replace)
    return path


def test_two_processes_replacing_a_damaged_key_both_use_the_last_one_written(data_dir, monkeypatch):
    theirs = "cd" * admin_session.KEY_BYTES
    damaged_key_then(data_dir, monkeypatch, lambda path: path.write_text(theirs, encoding="ascii"))
    assert admin_session.server_key() == bytes.fromhex(theirs)


def test_a_new_key_that_cannot_be_read_back_is_still_used(data_dir, monkeypatch):
    damaged_key_then(data_dir, monkeypatch, lambda path: path.unlink())
    assert len(admin_session.server_key()) == admin_session.KEY_BYTES
