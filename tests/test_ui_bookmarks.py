"""Pilot tests of the bookmarks view: open, note, tags, remove with undo, export, palette."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.ui.screens.bookmarks import (
    BookmarkOption,
    BookmarksScreen,
    ExportDialog,
    TextDialog,
)
from newsreader.ui.screens.main import MainScreen
from test_ui_app import make_app, panes, settle

SIZE = (120, 40)


@pytest.fixture
def wire(fixtures_dir: Path) -> str:
    return str(fixtures_dir / "ui" / "wire.xml")


async def bookmark_two(app, pilot) -> list[int]:
    """Bookmark the first two articles (the second is the newer bookmark)."""
    articles, _, _ = panes(app)
    keys = [articles.rows[0].key, articles.rows[1].key]
    for key in keys:
        app.store.set_bookmark(key, True)
    return keys


async def open_view(app, pilot) -> BookmarksScreen:
    await pilot.press("M")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, BookmarksScreen)
    return screen


def listed(screen: BookmarksScreen) -> list[int]:
    listing = screen.bookmark_list
    return [listing.get_option_at_index(i).key  # type: ignore[attr-defined]
            for i in range(listing.option_count)]


async def test_ctrl_b_lists_bookmarks_and_enter_opens_one(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        keys = await bookmark_two(app, pilot)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, BookmarksScreen)
        assert sorted(listed(screen)) == sorted(keys)
        assert "2 bookmarks" in str(screen.query_one("#status-counts").render())
        second = listed(screen)[1]
        await pilot.press("j", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        _, reader, _ = panes(app)
        assert reader.article_key == second
        await pilot.press("M", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)


async def test_empty_view_says_how_to_bookmark(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_view(app, pilot)
        assert "press b" in str(screen.query_one("#status-activity").render())
        await pilot.press("n", "t", "d", "x")  # nothing to act on: no dialog, no error
        await settle(app, pilot)
        assert app.screen is screen


async def test_note_and_tags_are_saved_and_shown(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await bookmark_two(app, pilot)
        screen = await open_view(app, pilot)
        key = listed(screen)[0]
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        await pilot.press(*"[bold]why[/] \x1b[31m", "enter")
        await settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"climate, To Read, climate", "enter")
        await settle(app, pilot)
        note, tags = app.store.bookmark_notes()[key]
        assert note.startswith("[bold]why[/]")
        assert "\x1b" not in note
        assert tags == ("climate", "To Read")
        prompt = str(screen.bookmark_list.get_option_at_index(0).prompt)
        assert "#climate" in prompt and "[bold]why[/]" in prompt  # shown literally
        await pilot.press("t")  # Esc leaves the tags alone
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.store.bookmark_notes()[key][1] == ("climate", "To Read")


async def test_d_removes_and_u_puts_back_even_an_orphaned_copy(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await bookmark_two(app, pilot)
        screen = await open_view(app, pilot)
        before = listed(screen)
        app.store.set_note(before[0], "keep me")
        assert app.store.delete_article(before[0])  # the feed dropped it: the copy is all
        await pilot.press("d")
        await settle(app, pilot)
        assert listed(screen) == before[1:]
        assert len(app.store.bookmarks()) == 2  # deferred until the undo window closes
        await pilot.press("u")
        await settle(app, pilot)
        assert listed(screen) == before
        assert screen.bookmark_list.highlighted == 0
        assert app.store.article(before[0]) is not None
        assert app.store.bookmark_notes()[before[0]][0] == "keep me"
        await pilot.press("d", "escape")  # leaving makes the removal real
        await settle(app, pilot)
        assert [b.key for b in app.store.bookmarks()] == before[1:]
        assert "1 bookmarked" in str(app.screen.query_one("#status-counts").render())


async def test_a_second_removal_makes_the_first_final(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await bookmark_two(app, pilot)
        screen = await open_view(app, pilot)
        await pilot.press("d")
        await pilot.press("d")
        await settle(app, pilot)
        assert listed(screen) == []
        await pilot.press("u")
        await settle(app, pilot)
        assert len(listed(screen)) == 1
        assert len(app.store.bookmarks()) == 1
        await pilot.press("u")  # only one undo step
        await settle(app, pilot)
        assert len(listed(screen)) == 1


async def test_quitting_with_a_pending_removal_keeps_it(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        keys = await bookmark_two(app, pilot)
        await open_view(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
    from newsreader.store import Store

    store = Store.open(db_path)
    try:
        assert len(store.bookmarks()) == 1 and store.bookmarks()[0].key in keys
    finally:
        store.close()


@pytest.mark.parametrize(("fmt", "suffix"), [("md", ".md"), ("json", ".json"), ("html", ".html")])
async def test_x_exports_every_bookmark(db_path, wire, fake_extractor, tmp_path, fmt, suffix):
    app = make_app(db_path, [wire], fake_extractor)
    target = tmp_path / f"out{suffix}"
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await bookmark_two(app, pilot)
        await open_view(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#export-path").value == "~/newsreader-bookmarks.md"
        dialog.query_one("#export-path").value = str(target)
        await pilot.pause()
        assert dialog.chosen_format == fmt  # the suffix picks the format
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BookmarksScreen)
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert len(json.loads(text)) == 2
    else:
        assert "Bookmarks" in text


async def test_export_refuses_a_folder_and_reports_write_errors(db_path, wire, fake_extractor,
                                                                tmp_path):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await bookmark_two(app, pilot)
        screen = await open_view(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#export-path").value = str(tmp_path)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # stays open with a message
        assert "folder" in str(dialog.query_one("#export-message").render())
        await pilot.press("escape")
        await pilot.pause()
        screen.export("md", tmp_path / "missing" / "x.md")  # the folder vanished since
        await settle(app, pilot)
        assert any("Could not export" in n.message for n in app._notifications)


async def test_format_choice_changes_the_suffix(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await bookmark_two(app, pilot)
        await open_view(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        await pilot.click("#export-json")
        await pilot.pause()
        assert dialog.query_one("#export-path").value == "~/newsreader-bookmarks.json"


async def test_palette_offers_bookmarks(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Bookmarks" in titles


def test_rows_show_data_literally():
    from datetime import UTC, datetime

    from newsreader.models import Article
    from newsreader.store.bookmark_notes import NotedBookmark
    from newsreader.store.types import Bookmark
    from newsreader.ui.screens.bookmarks import bookmark_prompt

    article = Article(id="1", title="[red]x[/red]\x1b]8;;evil\x07", text="", source="s",
                      source_name="Feed \u202e", published=datetime(2024, 1, 2, tzinfo=UTC))
    item = NotedBookmark(Bookmark(1, article, datetime(2024, 1, 3, tzinfo=UTC)),
                         "a\nnote", ("t[1]",))
    plain = bookmark_prompt(item).plain
    assert "[red]x[/red]" in plain and "\x1b" not in plain and "\u202e" not in plain
    assert "02 Jan 2024" in plain and "#t[1]" in plain and "a note" in plain
    assert isinstance(BookmarkOption(item).key, int)
