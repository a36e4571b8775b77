"""Store.bulk_writes: the write-ahead log is checkpointed by a background thread meanwhile.

A refresh commits hundreds of short transactions; with SQLite's default, the
committing thread itself stops to checkpoint (and wait for the disk) every
1,000 pages. Inside ``bulk_writes`` a :class:`Checkpointer` does it instead.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.models import Article
from newsreader.store import Store
from newsreader.store.checkpoint import (
    BULK_AUTOCHECKPOINT_PAGES,
    DEFAULT_AUTOCHECKPOINT_PAGES,
    Checkpointer,
)


def _articles(start: int, count: int) -> list[Article]:
    return [
        Article(
            id=f"a{n}", source="http://127.0.0.1/feed", source_name="Feed",
            title=f"Title {n}", text="word " * 400, link=f"http://127.0.0.1/{n}",
            published=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for n in range(start, start + count)
    ]


def _autocheckpoint(store: Store) -> int:
    with store._reading() as db:  # a per-connection setting
        return int(db.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def _checkpointer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "newsreader-checkpoint"]


def test_bulk_writes_checkpoints_in_the_background(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        assert _autocheckpoint(store) == DEFAULT_AUTOCHECKPOINT_PAGES
        with store.bulk_writes():
            assert _autocheckpoint(store) == BULK_AUTOCHECKPOINT_PAGES
            assert len(_checkpointer_threads()) == 1
            checkpointer = store._checkpointer
            assert checkpointer is not None
            for batch in range(5):
                store.add_articles(_articles(batch * 20, 20))
            deadline = time.monotonic() + 5
            while checkpointer.checkpoints < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert checkpointer.checkpoints >= 2
        assert _autocheckpoint(store) == DEFAULT_AUTOCHECKPOINT_PAGES
        assert _checkpointer_threads() == []
        assert store.count() == 100
    # Everything written is in the file once closed (the WAL was folded in).
    db = sqlite3.connect(tmp_path / "s.db")
    try:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 100
    finally:
        db.close()


def test_bulk_writes_nests_and_ends_with_the_outer_block(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        with store.bulk_writes():
            with store.bulk_writes():
                assert len(_checkpointer_threads()) == 1
            assert len(_checkpointer_threads()) == 1
            assert _autocheckpoint(store) == BULK_AUTOCHECKPOINT_PAGES
        assert _checkpointer_threads() == []


def test_closing_inside_bulk_writes_stops_the_thread(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    with store.bulk_writes():
        store.add_articles(_articles(0, 3))
        store.close()
        assert _checkpointer_threads() == []
    assert _checkpointer_threads() == []


def test_bulk_writes_on_an_in_memory_store_does_nothing() -> None:
    with Store.open(":memory:") as store, store.bulk_writes():
        store.add_articles(_articles(0, 3))
        assert _checkpointer_threads() == []


def test_bulk_writes_on_a_closed_store_says_so(tmp_path: Path) -> None:
    from newsreader.store import StoreError

    store = Store.open(tmp_path / "s.db")
    store.close()
    with pytest.raises(StoreError), store.bulk_writes():
        pass


def test_a_checkpointer_that_cannot_open_its_file_just_ends(tmp_path: Path) -> None:
    checkpointer = Checkpointer(tmp_path / "missing" / "s.db", interval=0.01)
    checkpointer.start()
    checkpointer.stop()
    assert checkpointer.checkpoints == 0
