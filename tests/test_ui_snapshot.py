"""One picture of the product's face: the main screen on the sample feeds at 120x40.

Deterministic by construction: a tmp database, the repo's fixed sample feeds,
absolute dates only, animations off, and every worker finished (entities
included) before the picture is taken. Regenerate with ``--snapshot-update``
only after looking at the new SVG in ``snapshot_report.html``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.ui.app import NewsReaderApp
from test_ui_app import settle


async def _settle(pilot: Pilot) -> None:
    await settle(pilot.app, pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_main_screen_on_sample_feeds(snap_compare, sample_feeds: Path, db_path: Path):
    if not sample_feeds.is_dir():
        pytest.skip("sample_feeds/ is missing")
    app = NewsReaderApp(db_path, [str(sample_feeds)])
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=(120, 40), run_before=_settle)
