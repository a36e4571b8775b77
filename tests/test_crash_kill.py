"""kill -9 at random moments: the database stays sound and no confirmed bookmark is lost.

Two subprocess loops against one database and a loopback feed server whose
feeds change on every request (so every refresh writes):

* ``newsreader refresh`` killed (SIGKILL, whole process group) at a random
  moment while it runs, 50 times, while a second process bookmarks articles one committed
  transaction at a time and prints each key once its commit returned; that
  writer is killed at a random moment too. A bookmark is *confirmed* when
  its line was printed.
* the Textual app itself, under a pseudo-terminal, receiving ``b`` key
  presses, killed 10 times. Its bookmarks are confirmed by a separate
  ``newsreader bookmarks --json`` run while the app is still alive.

After every kill ``PRAGMA integrity_check`` must say ``ok`` and every
confirmed bookmark must still be there. Kill moments are drawn from the
measured length of an unkilled run, so they land across start-up, fetching
and writing on any machine; nothing asserts on time.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from loopback import FeedServer, send
from newsreader.store import Store

CLI = [sys.executable, "-m", "newsreader"]
FEEDS = 6
ITEMS = 60  # per response: a few new ones each time, the rest as before
REFRESH_KILLS = 50
APP_KILLS = 10

BOOKMARKER = """
import sys
from newsreader.store import Store
import random
store = Store.open(sys.argv[1])
keys = [h.key for h in store.headers() if not h.bookmarked]
random.Random(int(sys.argv[2])).shuffle(keys)
for key in keys:
    store.set_bookmark(key, True)  # its own committed transaction
    print(key, flush=True)         # confirmed only once this line is out
"""


class ChangingFeeds:
    """Feeds that grow on every request: each refresh has new articles to write."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0

    def route(self, feed: int) -> Callable[[BaseHTTPRequestHandler], None]:
        def handle(h: BaseHTTPRequestHandler) -> None:
            with self.lock:
                self.requests += 1
                serial = self.requests
            newest = 1000 + serial * 3
            items = "".join(
                f"<item><title>Feed {feed} story {n}</title><guid>urn:f{feed}:{n}</guid>"
                f"<link>https://wire.example/{feed}/{n}</link>"
                f"<pubDate>{_date(n)}</pubDate>"
                f"<description>&lt;p&gt;Story {n} of feed {feed}, said Angela Merkel in "
                f"Berlin on Monday. {'Padding text. ' * 20}&lt;/p&gt;</description></item>"
                for n in range(newest, newest - ITEMS, -1)
            )
            body = (
                f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Changing feed {feed}</title><link>https://wire.example/</link>"
                f"{items}</channel></rss>"
            ).encode()
            send(h, 200, body, {"Content-Type": "application/rss+xml"})

        return handle


def _date(n: int) -> str:
    """Later items are newer: minute n after an epoch, as RFC 822."""
    day, minute = divmod(n, 1440)
    hour, minute = divmod(minute, 60)
    return f"{1 + day % 28:02d} Jan 2025 {hour:02d}:{minute:02d}:00 +0000"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], FeedServer]]:
    srv = FeedServer()
    feeds = ChangingFeeds()
    for i in range(FEEDS):
        srv.routes[f"/feed{i}"] = feeds.route(i)
    srv.thread.start()
    db = tmp_path / "crash.db"
    env = {
        **os.environ,
        "NEWSREADER_DB": str(db),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "NEWSREADER_CONFIG": str(tmp_path / "config" / "none.toml"),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
    }
    with Store.open(db) as store:
        for i in range(FEEDS):
            store.add_feed(srv.url(f"/feed{i}"))
    try:
        yield db, env, srv
    finally:
        srv.release.set()
        srv.httpd.shutdown()
        srv.httpd.server_close()


def kill_group(proc: subprocess.Popen[bytes]) -> bool:
    """SIGKILL the process and its children (a parse pool); True if it was still running."""
    running = proc.poll() is None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    return running


def integrity(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as con:
        return ", ".join(row[0] for row in con.execute("PRAGMA integrity_check"))


def stored_bookmarks(db: Path) -> set[int]:
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as con:
        return {row[0] for row in con.execute("SELECT article_key FROM bookmarks")}


def stored_bookmark_ids(db: Path) -> set[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as con:
        return set(con.execute("SELECT source, article_id FROM bookmarks"))


def test_kill_refresh_and_bookmark_writer_50_times(
    world: tuple[Path, dict[str, str], FeedServer],
) -> None:
    db, env, _ = world
    rng = random.Random(20250101)
    start = time.perf_counter()
    first = subprocess.run([*CLI, "--db", str(db), "refresh"], env=env, capture_output=True,
                           timeout=120)
    full_run = time.perf_counter() - start
    assert first.returncode == 0, first.stderr.decode(errors="replace")
    confirmed: set[int] = set()
    hits = rounds = 0
    longest = full_run  # kill moments are drawn from [0, longest)
    while hits < REFRESH_KILLS and rounds < 4 * REFRESH_KILLS:
        rounds += 1
        refresh = subprocess.Popen(
            [*CLI, "--db", str(db), "refresh"], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, start_new_session=True,
        )
        writer = subprocess.Popen(
            [sys.executable, "-c", BOOKMARKER, str(db), str(rounds)], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )
        time.sleep(rng.uniform(0.0, longest))
        if kill_group(refresh):
            hits += 1
            longest = min(full_run, longest * 1.05)
        else:  # it had finished: a kill that hit nothing does not count
            longest *= 0.8
        time.sleep(rng.uniform(0.0, 0.05))
        kill_group(writer)
        assert writer.stdout is not None and refresh.stderr is not None
        out = writer.stdout.read().decode()
        confirmed.update(int(line) for line in out.splitlines(keepends=True)
                         if line.endswith("\n"))
        errors = refresh.stderr.read().decode(errors="replace")
        assert "Traceback" not in errors, errors
        assert integrity(db) == "ok", f"after kill {rounds}"
        missing = confirmed - stored_bookmarks(db)
        assert not missing, f"after kill {rounds}: lost bookmarks {sorted(missing)}"
    # A kill must not leave the database unusable: a normal refresh and the CLI still work.
    final = subprocess.run([*CLI, "--db", str(db), "refresh"], env=env, capture_output=True,
                           timeout=120)
    assert final.returncode == 0, final.stderr.decode(errors="replace")
    listed = subprocess.run([*CLI, "--db", str(db), "bookmarks", "--json"], env=env,
                            capture_output=True, timeout=60)
    assert listed.returncode == 0
    assert len(listed.stdout.decode().splitlines()) >= len(confirmed)
    assert hits == REFRESH_KILLS  # every counted kill hit a running refresh
    assert len(confirmed) >= REFRESH_KILLS // 2  # and the writer really wrote
    print(f"refresh kills: {hits} of {rounds} rounds, "
          f"confirmed bookmarks: {len(confirmed)}, lost: 0")


class Terminal:
    """The app on a pseudo-terminal: keys go in, output is drained so it never blocks."""

    def __init__(self, db: Path, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.proc = subprocess.Popen(
            [*CLI, "--db", str(db), "--ner", "rules"], env=env, stdin=slave, stdout=slave,
            stderr=slave, start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def wait_for(self, needle: bytes, limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while needle not in self.output:
            assert self.proc.poll() is None, bytes(self.output[-2000:]).decode(errors="replace")
            assert time.monotonic() < deadline, "the app never drew its list"
            time.sleep(0.05)

    def press(self, keys: str) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            time.sleep(0.02)

    def kill(self) -> None:
        kill_group(self.proc)
        self.reader.join(5)
        os.close(self.master)


def cli_bookmarks(db: Path, env: dict[str, str]) -> set[tuple[str, str]]:
    listed = subprocess.run([*CLI, "--db", str(db), "bookmarks", "--json"], env=env,
                            capture_output=True, timeout=60)
    assert listed.returncode == 0, listed.stderr.decode(errors="replace")
    rows = [json.loads(line) for line in listed.stdout.decode().splitlines()]
    return {(row["source"], row["id"]) for row in rows}


def test_kill_the_app_while_it_bookmarks(
    world: tuple[Path, dict[str, str], FeedServer],
) -> None:
    db, env, _ = world
    first = subprocess.run([*CLI, "--db", str(db), "refresh"], env=env, capture_output=True,
                           timeout=120)
    assert first.returncode == 0
    rng = random.Random(7)
    confirmed: set[tuple[str, str]] = set()
    target = 0  # the n-th oldest article: each "b" lands on one never pressed before

    def bookmark_next(term: Terminal) -> None:
        nonlocal target
        term.press("G" + "k" * target + "b")
        target += 1

    for round_ in range(APP_KILLS):
        term = Terminal(db, env)
        try:
            term.wait_for(b"articles")
            seen = len(cli_bookmarks(db, env))
            for _ in range(2):
                bookmark_next(term)
            deadline = time.monotonic() + 10
            while True:  # until another process sees both (or the app is too slow)
                now_seen = cli_bookmarks(db, env)
                if len(now_seen) >= seen + 2 or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            confirmed |= now_seen  # seen by another process: confirmed
            bookmark_next(term)
            time.sleep(rng.uniform(0.0, 0.3))
        finally:
            term.kill()
        assert integrity(db) == "ok", f"after app kill {round_ + 1}"
        missing = confirmed - stored_bookmark_ids(db)
        assert not missing, f"after app kill {round_ + 1}: lost {sorted(missing)}"
        assert b"Traceback" not in term.output
    assert len(confirmed) >= APP_KILLS  # the key presses really bookmarked
    print(f"app kills: {APP_KILLS}, confirmed bookmarks: {len(confirmed)}, lost: 0")
