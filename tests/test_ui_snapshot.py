"""One picture of the product's face: the main screen on the sample feeds at 120x40.

Deterministic by construction: a tmp database, the repo's fixed sample feeds,
absolute dates only, animations off, and every worker finished (entities
included) before the picture is taken. Regenerate with ``--snapshot-update``
only after looking at the new SVG in ``snapshot_report.html``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

from newsreader.ui.app import NewsReaderApp


async def _settle(pilot: Pilot) -> None:
    app = pilot.app
    for _ in range(20):
        # Failures are asserted on, not raised; a replaced exclusive worker ends cancelled.
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
            break
    app.clear_notifications()
    await pilot.pause()


def test_main_screen_on_sample_feeds(snap_compare, sample_feeds: Path, db_path: Path):
    if not sample_feeds.is_dir():
        pytest.skip("sample_feeds/ is missing")
    app = NewsReaderApp(db_path, [str(sample_feeds)])
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=(120, 40), run_before=_settle)
