"""Opening the database: creation, pragmas, migrations and refusing files that are not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsreader.store import Store, StoreError, default_db_path, paths, schema
from newsreader.store.schema import APPLICATION_ID


def _pragma(path: Path, name: str) -> object:
    with sqlite3.connect(path) as db:
        return db.execute(f"PRAGMA {name}").fetchone()[0]


def test_new_database_gets_schema_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "news.db"  # the folder is created too
    with Store.open(path):
        pass
    assert _pragma(path, "journal_mode") == "wal"
    assert _pragma(path, "application_id") == APPLICATION_ID
    assert _pragma(path, "user_version") == schema.schema_version() == len(schema.MIGRATIONS)
    with sqlite3.connect(path) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"articles", "bookmarks", "subscriptions", "entities", "mentions"} <= names
    assert {"articles_by_date", "bookmarks_by_time", "mentions_by_entity"} <= names
    assert "mentions_by_article" in names


def test_connection_pragmas(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "news.db")
    try:
        db = store._db
        assert db is not None
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        store.close()


def test_empty_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    Store.open(path).close()
    assert _pragma(path, "user_version") == schema.schema_version()
    assert _pragma(path, "application_id") == APPLICATION_ID


def test_reopen_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Store.open(path).close()
    Store.open(path).close()
    assert _pragma(path, "user_version") == schema.schema_version()


def test_migrations_run_in_order_from_an_older_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "news.db"
    Store.open(path).close()  # at the current version
    base = schema.schema_version()
    seen: list[int] = []

    def add_column(db: sqlite3.Connection) -> None:
        seen.append(db.execute("PRAGMA user_version").fetchone()[0])
        db.execute("ALTER TABLE subscriptions ADD COLUMN note TEXT")

    def add_index(db: sqlite3.Connection) -> None:
        seen.append(db.execute("PRAGMA user_version").fetchone()[0])
        db.execute("CREATE INDEX subscriptions_by_note ON subscriptions (note)")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, add_column, add_index])
    Store.open(path).close()
    assert seen == [base, base + 1]
    assert _pragma(path, "user_version") == base + 2


def test_failed_migration_rolls_back_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "news.db"
    Store.open(path).close()
    base = schema.schema_version()

    def broken(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE subscriptions ADD COLUMN note TEXT")
        db.execute("THIS IS NOT SQL")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    with pytest.raises(StoreError, match=rf"could not upgrade .* to schema {base + 1}") as info:
        Store.open(path)
    assert "\n" not in str(info.value)
    assert _pragma(path, "user_version") == base
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(subscriptions)")]
    assert "note" not in columns


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Store.open(path).close()
    newer = schema.schema_version() + 5
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {newer}")
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        Store.open(path)
    message = str(info.value)
    assert f"newer newsreader (schema {newer}, this one knows {schema.schema_version()})" in message
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a database at all\n" * 20,
        b"SQLite format 3\x00" + b"\xff" * 4000,  # right magic, garbage after it
        b"SQLite format 3\x00",  # truncated header
        bytes(range(256)) * 8,
    ],
)
def test_garbage_file_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "news.db"
    path.write_bytes(content)
    with pytest.raises(
        StoreError, match="is not a newsreader database or is corrupt; left untouched"
    ):
        Store.open(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.db"]


def test_corrupt_pages_after_a_valid_header_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Store.open(path).close()
    data = bytearray(path.read_bytes())
    data[100:] = b"\xa5" * (len(data) - 100)  # schema page smashed, header intact
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="corrupt"):
        Store.open(path)
    assert path.read_bytes() == bytes(data)


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA application_id = 1234")
        db.execute("CREATE TABLE things (x)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a newsreader database"):
        Store.open(path)
    assert path.read_bytes() == before


def test_sqlite_file_without_application_id_but_with_tables_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE things (x)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a newsreader database"):
        Store.open(path)
    assert path.read_bytes() == before


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        Store.open(tmp_path)


def test_messages_are_one_line_even_for_hostile_paths(tmp_path: Path) -> None:
    path = tmp_path / "bad\nname\x1b[31m.db"
    path.write_bytes(b"garbage" * 100)
    with pytest.raises(StoreError) as info:
        Store.open(path)
    assert "\n" not in str(info.value)
    assert "\x1b" not in str(info.value)


def test_default_db_path_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSREADER_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    store = Store.open()
    try:
        assert store.path == tmp_path / "x.db"
    finally:
        store.close()
    assert (tmp_path / "x.db").exists()


def test_default_db_path_is_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[object, ...]] = []

    def fake_user_data_path(appname: str, appauthor: object = None) -> Path:
        calls.append((appname, appauthor))
        return tmp_path / "data" / appname

    monkeypatch.delenv("NEWSREADER_DB", raising=False)
    monkeypatch.setattr(paths.platformdirs, "user_data_path", fake_user_data_path)
    assert default_db_path() == tmp_path / "data" / "newsreader" / "newsreader.db"
    assert calls == [("newsreader", False)]
    assert (tmp_path / "data" / "newsreader").is_dir()


def test_memory_database(tmp_path: Path) -> None:
    with Store.open(":memory:") as store:
        assert store.count() == 0


def test_closed_store_raises_store_error(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "news.db")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.headers()
