"""A store failure while the app runs is a message, never a crash."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

from newsreader.store import StoreError
from newsreader.ui.app import NewsReaderApp

FIXTURES = Path(__file__).parent / "fixtures"


async def test_a_failed_bookmark_write_is_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = NewsReaderApp(tmp_path / "b.db", [str(FIXTURES / "ui" / "wire.xml")])
    async with app.run_test(size=(120, 40)) as pilot:
        with contextlib.suppress(WorkerCancelled):  # a replaced exclusive worker
            await app.workers.wait_for_complete()
        await pilot.pause()

        def busy(key: int) -> bool:
            raise StoreError("database is locked")

        monkeypatch.setattr(app.store, "toggle_bookmark", busy)
        await pilot.press("b")
        await pilot.pause()
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert any("not saved" in m and "locked" in m for m in messages)
        assert app.store.bookmark_count() == 0
