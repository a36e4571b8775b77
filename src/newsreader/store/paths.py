"""Where the database lives when nobody says otherwise."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

DB_ENV = "NEWSREADER_DB"
DB_NAME = "newsreader.db"


def default_db_path() -> Path:
    """The database in the user data dir, unless ``NEWSREADER_DB`` says otherwise.

    The data folder is created here so a first run has somewhere to write; if
    that fails the path is still returned and :meth:`Store.open` reports the
    real problem as one line, instead of this helper (which ``newsreader
    locate`` also calls) raising.
    """
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    folder = platformdirs.user_data_path("newsreader", appauthor=False)
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder / DB_NAME
