"""Start-up path of the main screen: what waits for the first article's frame, and why.

The first article is the goal of start-up (issue "Scale and speed"), so
work that is not needed to show it waits: the feeds pane's rows, the
whole list, the entity model. These tests check that the waiting never
loses anything: the pane fills in after the frame, the footer still
follows focus, and the layout classes are right from the first frame.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from newsreader.feeds import refresh_feeds
from newsreader.store import Store
from newsreader.ui.screens.feeds_actions import FeedsActions
from newsreader.ui.screens.main import MainScreen
from newsreader.ui.widgets.feeds_pane import FeedsPane
from newsreader.ui.widgets.footer import Footer
from test_ui_app import make_app, settle

WIDE = (160, 45)


@pytest.fixture(autouse=True)
def _light_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FeedsActions, "PARSE_IN_PROCESSES", False)


@pytest.fixture
def subscribed(db_path: Path, tmp_path: Path, fixtures_dir: Path) -> Path:
    wire = tmp_path / "wire.xml"
    shutil.copy(fixtures_dir / "ui" / "wire.xml", wire)
    with Store.open(db_path) as store:
        store.add_feed(str(wire), "Wire", ["news"], kind="file")
        refresh_feeds(store, [str(wire)], parse_in_processes=False)
    return db_path


def screen_of(app) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


async def test_feeds_pane_rows_come_after_the_first_article(subscribed, tmp_path, fake_extractor):
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app(subscribed, [str(empty)], fake_extractor)
    seen: list[tuple[bool, int]] = []  # (article shown, pane rows) at each pane fill
    original = FeedsPane.set_data

    def spy(pane: FeedsPane, feeds, queries, all_unread=None) -> None:
        original(pane, feeds, queries, all_unread)
        seen.append((screen_of(app).reader.article is not None, pane.option_count))

    FeedsPane.set_data = spy  # type: ignore[method-assign]
    try:
        async with app.run_test(size=WIDE) as pilot:
            await settle(app, pilot)
            screen = screen_of(app)
            assert screen.reader.article is not None
            assert [feed.display_title for feed in screen.feeds_pane.feeds] == ["Wire"]
            prompts = [str(option.prompt) for option in screen.feeds_pane.options]
            assert any("Wire" in prompt for prompt in prompts)
            assert any("All articles" in prompt for prompt in prompts)
    finally:
        FeedsPane.set_data = original  # type: ignore[method-assign]
    # Rows were only ever built once the first article was on screen.
    assert seen and all(shown for shown, rows in seen if rows)


async def test_held_pane_keeps_its_data_and_draws_it_on_release(db_path, fake_extractor):
    app = make_app(db_path, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        pane = screen_of(app).feeds_pane
        feeds = list(pane.feeds)
        pane.hold()
        pane.set_data(feeds, [])
        pane.clear_options()
        assert pane.option_count == 0
        pane.release()
        assert pane.option_count >= 1  # "All articles" at least
        pane.release()  # a second release changes nothing
        assert pane.option_count >= 1


async def test_footer_rebuilt_once_at_start_and_still_follows_focus(db_path, fake_extractor):
    app = make_app(db_path, [], fake_extractor)
    rebuilds = 0
    original = Footer.recompose

    async def counting(footer: Footer) -> None:
        nonlocal rebuilds
        rebuilds += 1
        await original(footer)

    Footer.recompose = counting  # type: ignore[method-assign]
    try:
        async with app.run_test(size=WIDE) as pilot:
            await settle(app, pilot)
            footer = app.screen.query_one(Footer)
            keys = {key.description for key in footer.query(FooterKey)}
            assert "Bookmark" in keys and "Quit" in keys
            assert rebuilds == 1
            screen_of(app).feeds_pane.focus()
            await settle(app, pilot)
            keys = {key.description for key in footer.query(FooterKey)}
            assert "Remove" in keys  # the feeds pane's own key
    finally:
        Footer.recompose = original  # type: ignore[method-assign]


@pytest.mark.parametrize(("size", "layout"), [((160, 45), "-wide"), ((120, 40), "-medium"),
                                              ((80, 24), "-narrow")])
async def test_layout_class_is_set_before_the_first_frame(db_path, fake_extractor, size, layout):
    app = make_app(db_path, [], fake_extractor)
    classes: list[set[str]] = []
    original = MainScreen._on_screen_resume

    def spy(screen: MainScreen, event) -> None:
        classes.append(set(screen.classes))
        original(screen, event)

    MainScreen._on_screen_resume = spy  # type: ignore[method-assign]
    try:
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            assert layout in app.screen.classes
    finally:
        MainScreen._on_screen_resume = original  # type: ignore[method-assign]
    assert classes and layout in classes[0]
