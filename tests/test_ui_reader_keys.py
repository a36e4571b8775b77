"""Pilot tests of the reader's keys: n/p/N/A/undo, mark-read config, links, panes, layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.config import Config, defaults
from newsreader.store import Store
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.screens.links import LinksScreen
from newsreader.ui.screens.main import MainScreen
from test_ui_app import make_app, panes, settle

SIZE = (120, 40)


@pytest.fixture
def wire(fixtures_dir: Path) -> str:
    return str(fixtures_dir / "ui" / "wire.xml")


def unread_flags(app: NewsReaderApp) -> list[bool]:
    articles, _, _ = panes(app)
    return [not row.read for row in articles.rows]


def counts(app: NewsReaderApp) -> str:
    return str(app.screen.query_one("#status-counts").render())


async def test_n_and_p_move_between_unread(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        articles.focus()
        assert unread_flags(app) == [False, True, True, True]  # the first is open
        for expected in (1, 2, 3, 3):  # the last n finds none below and stays
            await pilot.press("n")
            await settle(app, pilot)
            assert articles.cursor == expected
        assert not any(unread_flags(app))
        await pilot.press("N")  # back to unread, in the list and the store
        await settle(app, pilot)
        assert unread_flags(app) == [False, False, False, True]
        assert not app.store.header(articles.rows[3].key).read
        assert "1 unread" in counts(app)
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert articles.cursor == 3
        assert reader.article_key == articles.rows[3].key
        await pilot.press("N", "g")  # 3 unread again (N flips the read mark back)
        await settle(app, pilot)
        await pilot.press("G")
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        await pilot.press("k", "p")  # nothing unread above 2 (3 is below)
        await settle(app, pilot)
        assert articles.cursor == 2


async def test_A_marks_the_view_read_and_u_undoes(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _articles, _, _ = panes(app)
        before = unread_flags(app)
        await pilot.press("A")
        await settle(app, pilot)
        assert not any(unread_flags(app))
        assert "0 unread" in counts(app)
        assert app.store.count(unread_only=True) == 0
        await pilot.press("u")
        await settle(app, pilot)
        assert unread_flags(app) == before
        assert app.store.count(unread_only=True) == sum(before)
        await pilot.press("A")
        await settle(app, pilot)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert unread_flags(app) == before
        await pilot.press("u")  # nothing left to undo
        await settle(app, pilot)
        assert unread_flags(app) == before


async def test_mark_read_on_open_can_be_turned_off(db_path, wire, fake_extractor):
    values = defaults()
    values["reading"]["mark_read_on_open"] = False
    app = NewsReaderApp(db_path, [wire], config=Config(values))
    app.load_extractor = lambda name: fake_extractor  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        await pilot.press("j")
        await settle(app, pilot)
        assert reader.article_key == articles.rows[1].key
        assert not articles.rows[0].read and not articles.rows[1].read
        assert not app.store.header(articles.rows[1].key).read


async def test_L_lists_links_and_a_digit_opens_one(db_path, fixtures_dir, fake_extractor,
                                                  monkeypatch, tmp_path):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    feed = tmp_path / "links.md"
    feed.write_text("# Links here\n\nSee [one](https://one.example/) and "
                    "[two](javascript:alert(1)) and [three](mailto:x@example.org).\n")
    app = make_app(db_path, [str(feed)], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        assert reader.article is not None
        await pilot.press("L")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LinksScreen)
        assert screen.links[0] == "https://one.example/"
        assert "javascript" not in " ".join(screen.links)
        await pilot.press("1")
        await pilot.pause()
        assert opened == ["https://one.example/"]
        assert isinstance(app.screen, MainScreen)
        await pilot.press("L")
        await pilot.pause()
        number = app.screen.links.index("") + 1 if "" in app.screen.links else None
        if number is not None:  # a refused target is listed but never opened
            await pilot.press(str(number))
            await pilot.pause()
            assert len(opened) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_y_copies_the_link(db_path, wire, fake_extractor, monkeypatch):
    app = make_app(db_path, [wire], fake_extractor)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        await pilot.press("y")
        await pilot.pause()
        assert copied == [reader.article.link]
        assert copied[0].startswith("http")


async def test_h_l_change_pane(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, sidebar = panes(app)
        await pilot.press("l")
        assert reader.has_focus
        await pilot.press("l")
        assert sidebar.has_focus_within
        await pilot.press("h", "h")
        assert articles.has_focus


async def test_narrow_layout_takes_turns_and_zen(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        articles, reader, sidebar = panes(app)
        screen = app.screen
        assert screen.has_class("-narrow")
        assert articles.region.width > 70 and reader.region.width == 0
        await pilot.press("enter")
        await pilot.pause()
        assert reader.has_focus and articles.region.width == 0 and reader.region.width > 70
        await pilot.press("S")
        await pilot.pause()
        assert sidebar.region.width > 0 and sidebar.has_focus_within
        await pilot.press("S")
        await pilot.pause()
        assert sidebar.region.width == 0
        await pilot.press("escape")
        await pilot.pause()
        assert articles.has_focus and articles.region.width > 70
        await pilot.press("z")
        await pilot.pause()
        assert reader.has_focus and reader.region.width > 70
        await pilot.press("z")


async def test_resize_keys_change_the_list_width(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        articles, _, _ = panes(app)
        before = articles.outer_size.width
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert articles.outer_size.width == before + 6
        await pilot.press("less_than_sign", "less_than_sign")
        await pilot.pause()
        assert articles.outer_size.width == before - 6


async def test_palette_offers_reader_actions_and_go_to_feed(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in ("Search", "Next unread", "Mark all read", "Undo", "Links", "Zen mode"):
            assert wanted in titles
        from newsreader.ui.commands import EntityCommands, FeedCommands

        assert FeedCommands in {provider() for provider in app.COMMANDS if callable(provider)
                                and not isinstance(provider, type)}
        assert EntityCommands is not None


async def test_config_keymap_theme_and_problems(db_path, wire, fake_extractor, tmp_path):
    from newsreader.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('[ui]\ntheme = "nord"\n[reading]\nmark_read_on_open = "yes"\n'
                    '[keys]\nnext_unread = "x"\n')
    config = load_config(path)
    app = NewsReaderApp(db_path, [wire], config=config)
    app.load_extractor = lambda name: fake_extractor  # type: ignore[method-assign]
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "nord"
        assert any("mark_read_on_open" in note for note in notes)
        articles, _, _ = panes(app)
        articles.focus()
        await pilot.press("x")  # remapped n
        await settle(app, pilot)
        assert articles.cursor == 1


async def test_theme_choice_is_remembered(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.theme = "gruvbox"
        await settle(app, pilot)
    assert Store.open(db_path).setting("ui.theme") == "gruvbox"
    again = make_app(db_path, [wire], fake_extractor)
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert again.theme == "gruvbox"
