"""Opening the database file: check it is ours, configure it, migrate it.

A file that is not ours is refused *before* anything is written to it: the
100-byte SQLite header is read as plain bytes first (magic string,
``application_id``, ``user_version``), so a garbage file, another program's
database or one from a newer newsreader is never even opened for writing.
The same facts are then checked again through SQLite, which also sees
changes still sitting in a ``-wal`` file.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from newsreader.sanitize import clean_key
from newsreader.store import schema
from newsreader.store.types import StoreError

_MAGIC = b"SQLite format 3\x00"
#: How long a statement waits for another process's write transaction to end.
BUSY_TIMEOUT_MS = 5000
MEMORY = ":memory:"


def describe(path: Path | str) -> str:
    """A path fit for a one-line message (no controls, no line breaks)."""
    return clean_key(str(path))


def _refuse_not_ours(path: Path | str) -> StoreError:
    return StoreError(
        f"{describe(path)} is not a newsreader database or is corrupt; left untouched"
    )


def _refuse_newer(path: Path | str, version: int) -> StoreError:
    return StoreError(
        f"{describe(path)} was created by a newer newsreader "
        f"(schema {version}, this one knows {schema.schema_version()}); left untouched"
    )


def _check_header(path: Path) -> None:
    """Refuse from the raw header bytes, without opening the file in SQLite."""
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise StoreError(f"{describe(path)} is a directory, not a database file") from None
    except OSError as exc:
        raise StoreError(f"cannot read {describe(path)}: {exc.strerror or exc}") from None
    if not head:
        return  # an empty file is an empty database: we may adopt it
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise _refuse_not_ours(path)
    user_version = int.from_bytes(head[60:64], "big", signed=True)
    application_id = int.from_bytes(head[68:72], "big", signed=True)
    if application_id not in (0, schema.APPLICATION_ID):
        raise _refuse_not_ours(path)
    if user_version > schema.schema_version():
        raise _refuse_newer(path, user_version)


def _check_contents(db: sqlite3.Connection, path: Path | str) -> int:
    """Check identity through SQLite (read-only queries); return the schema version."""
    try:
        # One statement, so one snapshot: another process may be creating
        # the schema right now, and three separate reads could straddle it.
        application_id, version, objects = db.execute(
            "SELECT (SELECT application_id FROM pragma_application_id()),"
            " (SELECT user_version FROM pragma_user_version()),"
            " (SELECT count(*) FROM sqlite_master)"
        ).fetchone()
    except sqlite3.OperationalError as exc:  # busy, locked, I/O: not the file's fault
        raise StoreError(f"cannot read {describe(path)}: {clean_key(str(exc))}") from None
    except sqlite3.DatabaseError:  # "file is not a database", "malformed"
        raise _refuse_not_ours(path) from None
    if application_id == 0 and objects == 0 and version == 0:
        return 0
    if application_id != schema.APPLICATION_ID:
        raise _refuse_not_ours(path)
    if version > schema.schema_version():
        raise _refuse_newer(path, version)
    return version


def _migrate(db: sqlite3.Connection, path: Path | str, version: int) -> None:
    """Apply the missing migrations, each in its own IMMEDIATE transaction.

    The version is re-read inside each transaction, so two processes opening
    a new file at once do not both create the schema.
    """
    target_version = schema.schema_version()
    if version >= target_version:
        return
    if version == 0 and str(path) != MEMORY:
        # WAL is a property of the file: set once, at creation.
        _set_wal(db)
    for target in range(version + 1, target_version + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current < target:
                schema.MIGRATIONS[target - 1](db)
                if target == 1:
                    db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID:d}")
                db.execute(f"PRAGMA user_version = {target:d}")
            db.execute("COMMIT")
        except Exception as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            reason = clean_key(str(exc)) or type(exc).__name__
            raise StoreError(
                f"could not upgrade {describe(path)} to schema {target} ({reason}); "
                f"it stays at schema {target - 1}"
            ) from None


def _set_wal(db: sqlite3.Connection) -> None:
    """Switch a new file to WAL, waiting out another process that is creating it too.

    Changing the journal mode needs the file to itself, and SQLite answers
    "database is locked" at once rather than through the busy handler when
    another connection is mid-way through creating the schema; so retry for
    as long as the busy timeout would have waited.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _configure(db: sqlite3.Connection) -> None:
    """Per-connection settings (these are not stored in the file)."""
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")


def connect(path: Path | str) -> sqlite3.Connection:
    """Open, check and migrate the database; raise StoreError with one line on failure.

    The connection is in autocommit mode (``isolation_level=None``): the
    store opens its own short transactions. ``check_same_thread=False``
    because the store guards the connection with its own lock and is called
    from Textual worker threads as well as the main thread.
    """
    if str(path) != MEMORY:
        path = Path(path)
        _check_header(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create folder {describe(path.parent)}: {exc.strerror or exc}"
            ) from None
    try:
        db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {describe(path)}: {clean_key(str(exc))}") from None
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        version = _check_contents(db, path)
        _configure(db)
        _migrate(db, path, version)
    except StoreError:
        db.close()
        raise
    except sqlite3.Error as exc:
        db.close()
        raise StoreError(f"cannot use {describe(path)}: {clean_key(str(exc))}") from None
    return db
