"""Choices the app remembers between runs (the last theme), and bulk read marks.

A mixin of :class:`~newsreader.store.core.Store`. ``settings`` is a small
key -> JSON table: the UI never writes SQL, so it asks here. Only this
module writes the ``settings`` table. ``set_read_many`` lives here too: it is
the reader's "mark this view read" and its undo, which must be one
transaction whatever the view's size (one ``set_read`` per row would be one
transaction per article).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from newsreader.sanitize import clean_key
from newsreader.store.convert import now_db_time

#: Longest key and encoded value kept: settings are short by nature.
MAX_KEY = 100
MAX_VALUE = 10_000
#: Keys per statement, under SQLite's bound-parameter limit.
_CHUNK = 500


class Settings:
    """App settings and bulk read state (see the module docstring)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _writing(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def setting(self, key: str, default: Any = None) -> Any:
        """The stored value of ``key`` (decoded JSON), or ``default``; never raises on bad data."""
        with self._reading() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?",
                             (clean_key(key)[:MAX_KEY],)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except (TypeError, ValueError):
            return default

    def set_setting(self, key: str, value: Any) -> None:
        """Remember ``value`` (anything JSON can hold) under ``key``; None forgets it."""
        name = clean_key(key)[:MAX_KEY]
        if not name:
            raise ValueError("a setting needs a name")
        with self._writing() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (name,))
                return
            encoded = json.dumps(value, ensure_ascii=False)
            if len(encoded) > MAX_VALUE:
                raise ValueError(f"setting {name!r} is too long")
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (name, encoded),
            )

    def set_read_many(self, keys: Iterable[int], read: bool = True) -> list[int]:
        """Mark these articles read (or unread) in one transaction.

        Returns the keys whose state actually changed, so an undo can put
        back exactly those and no others.
        """
        wanted = [int(key) for key in keys]
        stamp = now_db_time() if read else None
        changed: list[int] = []
        with self._writing() as db:
            for start in range(0, len(wanted), _CHUNK):
                chunk = json.dumps(wanted[start:start + _CHUNK])
                rows = db.execute(
                    "UPDATE articles SET read = ?, read_at = ? "
                    "WHERE read != ? AND key IN (SELECT value FROM json_each(?)) RETURNING key",
                    (int(read), stamp, int(read), chunk),
                ).fetchall()
                changed.extend(row[0] for row in rows)
                db.execute(
                    "UPDATE bookmarks SET read = ?, read_at = ? "
                    "WHERE read != ? AND article_key IN (SELECT value FROM json_each(?))",
                    (int(read), stamp, int(read), chunk),
                )
        return changed
