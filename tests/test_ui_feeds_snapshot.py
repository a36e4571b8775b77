"""One picture of the wide layout: feeds pane, list, reader and sidebar at 160x45.

Deterministic: a tmp database holding a local copy of the UI wire feed (read
before the app starts, so nothing is due), a failing feed with its ``!``
mark, a tag and a saved query; animations off; every worker finished and
the pane's counts re-read before the picture. Regenerate with
``--snapshot-update`` only after looking at the SVG.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot

from newsreader.feeds import refresh_feeds
from newsreader.store import Store
from newsreader.ui.app import NewsReaderApp
from test_ui_snapshot import _settle


class _Engine:
    """No entities: the picture is about the feeds pane, not the engine."""

    name = "none"
    version = "1"

    def extract(self, text: str, *, published: object = None) -> list[object]:
        return []


async def _ready(pilot: Pilot) -> None:
    await _settle(pilot)
    screen = pilot.app.screen
    screen.load_feeds_pane()  # type: ignore[attr-defined]
    await _settle(pilot)


def test_wide_layout_with_feeds_pane(snap_compare, fixtures_dir: Path, tmp_path: Path,
                                     db_path: Path):
    wire = tmp_path / "wire.xml"
    shutil.copy(fixtures_dir / "ui" / "wire.xml", wire)
    with Store.open(db_path) as store:
        store.add_feed(str(wire), "Wire", ["news"], kind="file")
        store.add_feed("http://127.0.0.1:9/broken.xml", "Broken feed", ["world"])
        refresh_feeds(store, [str(wire)], parse_in_processes=False)
        store.update_feed_state("http://127.0.0.1:9/broken.xml", error="HTTP 500")
        store.add_saved_query("Merkel", "merkel")
    app = NewsReaderApp(db_path, [])
    app.load_extractor = lambda name: _Engine()  # type: ignore[method-assign,assignment,return-value]
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=(160, 45), run_before=_ready)
