"""One picture of the entity view at 120x40: Angela Merkel in the entity test feed.

Deterministic: a tmp database, the hand-written feed, the fake engine from
conftest, absolute dates only, animations off and every worker finished.
Regenerate with ``--snapshot-update`` only after looking at the new SVG.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from newsreader.ui.app import NewsReaderApp
from newsreader.ui.widgets.entity_sidebar import EntityOption
from test_ui_app import settle


async def _settle(pilot: Pilot) -> None:
    await settle(pilot.app, pilot, rounds=30)


async def _open_merkel(pilot: Pilot) -> None:
    await _settle(pilot)
    screen = pilot.app.screen
    titles = [row.title for row in screen.articles.rows]
    screen.articles.move_to(titles.index("Merkel visits Siemens in Berlin"))
    await _settle(pilot)
    sidebar = screen.sidebar
    sidebar.focus()
    sidebar.highlighted = next(
        i for i in range(sidebar.option_count)
        if isinstance(option := sidebar.get_option_at_index(i), EntityOption)
        and option.entity == ("PERSON", "Angela Merkel")
    )
    await pilot.press("v")
    await _settle(pilot)
    pilot.app.clear_notifications()
    # The footer follows focus and bindings a frame late; wait until the view's
    # list holds focus so the picture does not depend on machine load.
    for _ in range(20):
        if pilot.app.screen.focused is not None and not pilot.app.screen.articles.loading:
            break
        await pilot.pause(0.05)
    pilot.app.screen.refresh_bindings()
    await pilot.pause()
    await pilot.pause()


def test_entity_view(snap_compare, fixtures_dir: Path, db_path: Path, fake_extractor):
    app = NewsReaderApp(db_path, [str(fixtures_dir / "ui" / "entities.xml")])
    app.load_extractor = lambda name: fake_extractor  # type: ignore[method-assign]
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=(120, 40), run_before=_open_merkel)
