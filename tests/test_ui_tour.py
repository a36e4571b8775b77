"""Pilot tests for the rough edges found on the issue-5 tour of every binding.

Help rows wrap under their own description at 80 columns, ``b`` removing a
bookmark is undoable like the bookmarks view's ``d``, and article text keeps
the zero-width joiners Persian words and emoji sequences need.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.store import Store
from newsreader.ui.screens.bookmarks import BookmarksScreen
from newsreader.ui.screens.help import KEY_COLUMN, HelpScreen, HelpText
from newsreader.ui.screens.main import MainScreen
from test_ui_app import make_app, panes, settle


@pytest.fixture
def wire(fixtures_dir: Path) -> str:
    return str(fixtures_dir / "ui" / "wire.xml")


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


# --------------------------------------------------------------------------- help


async def test_help_rows_hang_under_their_description_at_80_columns(db_path, wire,
                                                                   fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one("#help-text", HelpText)
        width = help_text.size.width
        assert 40 < width < 80
        lines = str(help_text.render()).splitlines()
        assert all(len(line) <= width for line in lines)
        # "a" subscribes: too long for one row at this width, so it wraps...
        first = next(i for i, line in enumerate(lines) if "Subscribe to a feed URL" in line)
        assert lines[first].startswith("  a ")
        follow = lines[first + 1]
        # ...under its own description, never back at column 0 or under the keys.
        assert follow[:KEY_COLUMN].strip() == "" and follow[KEY_COLUMN] != " "
        assert "folder" in follow
        # The description starts in the same column on every key row.
        assert lines[first].index("Subscribe") == KEY_COLUMN
        tab = next(line for line in lines if line.startswith("  tab "))
        assert tab.index("Move focus") == KEY_COLUMN
        # The widget is as tall as its wrapped lines: the last row can be scrolled to.
        assert help_text.size.height == len(lines)


async def test_help_at_160_columns_wraps_nothing_it_need_not(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = str(app.screen.query_one("#help-text", HelpText).render())
        line = next(line for line in text.splitlines() if "Subscribe to a feed URL" in line)
        assert line.rstrip().endswith("a web page, a file or a folder")


# --------------------------------------------------------------------------- b undo


async def test_b_removal_is_undone_by_u_and_ctrl_z(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        articles, _, _ = panes(app)
        key = articles.current_key
        await pilot.press("b")
        assert app.store.is_bookmarked(key)
        app.store.set_note(key, "keep this note")
        app.store.set_tags(key, ["later"])
        for undo_key in ("u", "ctrl+z"):
            await pilot.press("b")
            assert not articles.current.bookmarked
            assert "1 bookmarked" not in str(app.screen.query_one("#status-counts").render())
            assert any("Press u to undo" in m for m in messages(app))
            await pilot.press(undo_key)
            await settle(app, pilot)
            assert articles.current.bookmarked
            assert str(app.screen.query_one("#status-counts").render()).endswith("1 bookmarked")
            assert not any("Press u to undo" in m for m in messages(app))
        # The bookmark was never deleted, so its note and tags are still there.
        noted = {item.bookmark.key: item for item in app.store.noted_bookmarks()}
        assert noted[key].note == "keep this note" and noted[key].tags == ("later",)
        await pilot.press("u")
        assert "Nothing to undo." in messages(app)


async def test_b_again_in_the_undo_window_keeps_the_bookmark(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        articles, _, _ = panes(app)
        key = articles.current_key
        await pilot.press("b", "b", "b")
        await settle(app, pilot)
        assert articles.current.bookmarked
        assert app.store.is_bookmarked(key)


async def test_b_removal_happens_when_the_window_closes_or_on_quit(db_path, wire,
                                                                  fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.undo_slot.seconds = 0.05
        articles, _, _ = panes(app)
        first = articles.current_key
        await pilot.press("b", "b")
        await pilot.pause(0.3)  # the window closes (the test waits, it asserts no time)
        await settle(app, pilot)
        assert not app.store.is_bookmarked(first)
        await pilot.press("u")
        assert "Nothing to undo." in messages(app)
        # A removal still pending when the app quits is made before the store closes.
        screen.undo_slot.seconds = 60
        await pilot.press("j", "b", "b")
        second = articles.current_key
        assert app.store.is_bookmarked(second)
        await pilot.press("q")
    with Store.open(db_path) as store:
        assert not store.is_bookmarked(second)


async def test_pending_b_removal_shows_no_star_after_a_reload_or_in_the_view(
        db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        articles, _, _ = panes(app)
        key = articles.current_key
        other = articles.rows[1].key
        app.store.set_bookmark(other, True)
        await pilot.press("b")  # bookmark the first: two now
        await pilot.press("B")  # bookmarks only, then remove the first again
        await settle(app, pilot)
        articles.move_to(articles.index_of(key))
        await settle(app, pilot)
        await pilot.press("b")
        await pilot.press("B", "B")  # two reloads while the removal is pending
        await settle(app, pilot)
        assert not articles.rows[articles.index_of(key)].bookmarked
        # The bookmarks view reads the store: the removal becomes real first.
        await pilot.press("M")
        await settle(app, pilot)
        assert isinstance(app.screen, BookmarksScreen)
        assert [item.bookmark.key for item in app.screen.items] == [other]
        assert not app.store.is_bookmarked(key)


# --------------------------------------------------------------------------- joiners


async def test_zwnj_and_zwj_are_kept_in_the_article_shown(db_path, tmp_path, fake_extractor):
    text = "من می\u200cخواهم بروم. Family: 👩\u200d👩\u200d👧. Stray: pay\u200dpal."
    feed = tmp_path / "persian.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Persian</title><link>https://fa.example.org/</link>"
        f"<item><title>می\u200cخواهم</title><guid>fa-1</guid>"
        f"<link>https://fa.example.org/1</link><description>{text}</description></item>"
        "</channel></rss>", encoding="utf-8")
    app = make_app(db_path, [str(feed)], fake_extractor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        shown = reader.text
        assert "می\u200cخواهم بروم" in shown
        assert "👩\u200d👩\u200d👧" in shown
        assert "paypal" in shown  # a joiner between ASCII letters joins nothing
        # The title is one line: no invisible character in it at all.
        assert articles.rows[0].title == "میخواهم"
        assert app.store.article(articles.current_key).text == shown


# --------------------------------------------------------------------------- tour fixes


async def test_tab_takes_turns_between_list_and_reader_at_80_columns(db_path, wire,
                                                                    fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        assert articles.has_focus
        await pilot.press("tab")
        assert reader.has_focus and app.screen.has_class("-reading")
        await pilot.press("tab")
        assert articles.has_focus and not app.screen.has_class("-reading")
        await pilot.press("shift+tab")
        assert reader.has_focus


async def test_h_reaches_the_feeds_pane_on_a_wide_screen(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        assert app.focused is app.screen.query_one("#feeds")
        await pilot.press("l", "l", "l")
        assert app.focused is app.screen.query_one("#entities")


async def test_the_palette_has_every_screen_action_and_runs_it(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for title in ("Add feed", "Refresh all", "Feed status", "Full text", "Previous unread",
                      "Next mention", "Narrower list", "Zen mode", "Undo", "Help"):
            assert title in commands, title
        assert "(u, ^z)" in commands["Undo"].help
        commands["Bookmark"].callback()
        assert panes(app)[0].current.bookmarked


async def test_search_results_move_with_j_k_and_a_bad_query_clears_them(db_path, wire,
                                                                       fake_extractor):
    from newsreader.ui.screens.search import SearchScreen

    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"berlin")
        await settle(app, pilot)
        assert screen.results.option_count >= 2
        await pilot.press("down", "j")
        assert screen.results.highlighted == 1
        await pilot.press("k", "k")  # up from the first result: back to the box
        assert screen.box.has_focus
        await pilot.press(*" after:2024-13")
        await settle(app, pilot)
        assert screen.results.option_count == 0
        assert "after:" in str(screen.message_line.render())


async def test_refresh_without_subscriptions_says_how_to_subscribe(db_path, wire,
                                                                  fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert any("press a to subscribe" in m for m in messages(app))
        assert not any("0/0" in m for m in messages(app))


async def test_links_say_a_second_digit_is_awaited(db_path, tmp_path, fake_extractor):
    from newsreader.ui.screens.links import HINT, LinksScreen

    links = "".join(f'<a href="https://e.example/{n}">l{n}</a> ' for n in range(1, 13))
    feed = tmp_path / "links.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>L</title>'
        "<item><title>Links</title><guid>l-1</guid><description><![CDATA[<p>"
        f"{links}</p>]]></description></item></channel></rss>", encoding="utf-8")
    app = make_app(db_path, [str(feed)], fake_extractor)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("L")
        screen = app.screen
        assert isinstance(screen, LinksScreen)
        opened: list[str] = []
        import newsreader.ui.screens.reader_keys as reader_keys

        reader_keys.webbrowser.open = opened.append  # type: ignore[assignment]
        await pilot.press("1")
        dialog = screen.query_one("#links-dialog")
        assert "another digit" in str(dialog.border_subtitle)
        await pilot.press("2")
        await pilot.pause()
        assert opened == ["https://e.example/12"]
        assert str(dialog.border_subtitle) == HINT


async def test_config_problem_says_using_the_default_once(db_path, wire, fake_extractor,
                                                          tmp_path):
    from newsreader.config import load_config
    from newsreader.ui.app import NewsReaderApp

    path = tmp_path / "config.toml"
    path.write_text('[reading]\nmark_read_on_open = "maybe"\n')
    app = NewsReaderApp(db_path, [wire], config=load_config(path))
    app.load_extractor = lambda name: fake_extractor  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        notes = [m for m in messages(app) if m.startswith("Config")]
        assert notes and all(m.count("default") == 1 for m in notes)
        assert ":2:" in notes[0]  # the line is named
