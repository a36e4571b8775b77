"""Damaged and foreign database files: one line, a non-zero exit, and the file left as it was.

The app path (``newsreader --db FILE`` with no command) and the CLI refuse a
garbage file, a database from a newer newsreader and a truncated one before
anything is written. Damage deep inside an otherwise valid file is only
seen when SQLite reads the damaged page; from that moment the store writes
nothing more and says the file is corrupt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.models import Article
from newsreader.store import Store, StoreError
from newsreader.store.schema import APPLICATION_ID

CLI = [sys.executable, "-m", "newsreader"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env=env)


def filled(path: Path, count: int = 200) -> Path:
    with Store.open(path) as store:
        keys = store.add_articles(
            Article(id=str(n), source="https://example.invalid/feed", source_name="Feed",
                    title=f"Story {n}", text="Paragraph. " * 40) for n in range(count)
        )
        store.set_bookmark(keys[0], True)
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def garbage(path: Path) -> Path:
    path.write_bytes(os.urandom(8192))
    return path


def newer(path: Path) -> Path:
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE future (x)")
        con.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
        con.execute("PRAGMA user_version = 999")
        con.commit()
    return path


def truncated(path: Path) -> Path:
    filled(path)
    os.truncate(path, path.stat().st_size // 3)
    return path


MAKERS = {"garbage": garbage, "newer": newer, "truncated": truncated}


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("command", [[], ["bookmarks"], ["refresh"], ["feeds"], ["search", "x"]],
                         ids=["app", "bookmarks", "refresh", "feeds", "search"])
def test_bad_database_gives_one_line_and_is_left_untouched(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    db = MAKERS[kind](tmp_path / f"{kind}.db")
    before = digest(db)
    result = run(["--db", str(db), *command], tmp_path)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsreader: "), result.stderr
    assert "left untouched" in lines[0] and "Traceback" not in result.stderr
    assert "newer newsreader" in lines[0] if kind == "newer" else "corrupt" in lines[0]
    assert digest(db) == before
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


def damage(db: Path, table: str) -> None:
    """Overwrite a table's root page: the header and the schema stay valid."""
    with contextlib.closing(sqlite3.connect(db)) as con:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        (root,) = con.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    with db.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x0d" + b"\xff" * (page_size - 1))


def test_damage_found_later_stops_every_write(tmp_path: Path) -> None:
    db = filled(tmp_path / "damaged.db")
    damage(db, "articles")
    before = digest(db)
    with Store.open(db) as store:  # the opening checks do not read that page
        with pytest.raises(StoreError, match="is corrupt") as found:
            store.article(2)  # reads the articles table
        assert "\n" not in str(found.value)
        with pytest.raises(StoreError, match="is corrupt"):
            store.add_feed("https://example.invalid/other")  # a write to healthy pages
        with pytest.raises(StoreError, match="is corrupt"):
            store.add_articles([Article(id="new", source="s", source_name="S", title="T",
                                        text="x")])
    assert digest(db) == before


def test_the_cli_names_a_damaged_file(tmp_path: Path) -> None:
    db = filled(tmp_path / "damaged.db")
    damage(db, "bookmarks")
    before = digest(db)
    result = run(["--db", str(db), "bookmarks"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "is corrupt" in result.stderr, result.stderr
    assert "unexpected error" not in result.stderr
    assert digest(db) == before
