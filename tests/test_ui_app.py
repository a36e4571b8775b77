"""Pilot tests of the app: every key of the product issue, mouse, loading, persistence.

Each test runs the real app on ``tests/fixtures/ui/wire.xml`` with a tmp
database and the fake entity engine from conftest, waits on workers (never
sleeps) and asserts on state rather than pixels.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

from newsreader.store import Store
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.colors import ENTITY_CLASSES, component_style, theme_variables
from newsreader.ui.messages import HeadersLoaded
from newsreader.ui.screens.help import HelpScreen
from newsreader.ui.screens.main import MainScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.entity_sidebar import EntityOption, EntitySidebar
from newsreader.ui.widgets.reader import Reader

SIZE = (120, 40)


def make_app(db_path: Path, sources: list[str], extractor: object | None = None) -> NewsReaderApp:
    app = NewsReaderApp(db_path, sources)
    if extractor is not None:
        app.load_extractor = lambda name: extractor  # type: ignore[method-assign]
    app.animation_level = "none"
    return app


async def settle(app: NewsReaderApp, pilot: Pilot, rounds: int = 20) -> None:
    """Wait until no worker runs and the message queues are drained.

    Handlers start new workers (headers -> article -> entities), so one wait is
    not enough; loop until a pass finds nothing running, at most ``rounds``
    times. Every UI test and snapshot settles through this one helper.
    """
    for _ in range(rounds):
        # Failures are asserted on, not raised; an exclusive worker replaced
        # by a newer one (the feeds pane re-read) ends cancelled, which is normal.
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
            await pilot.pause()
            return
    raise AssertionError("workers never settled")


def panes(app: NewsReaderApp) -> tuple[ArticleList, Reader, EntitySidebar]:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen.articles, screen.reader, screen.sidebar


def body_text(reader: Reader) -> str:
    return str(reader.body_content)


def body_styles(reader: Reader) -> list[str]:
    """The entity class of every highlighted span, recovered from its resolved style."""
    by_style = {component_style(reader, name): name for name in sorted(ENTITY_CLASSES)}
    content = reader.body_content
    return ["." + by_style.get(span.style, "?") for span in content.spans]


def mention_styles(reader: Reader) -> dict[str, str]:
    """Mention text -> entity class, for the article on screen."""
    content = reader.body_content
    return dict(zip((content.plain[s.start:s.end] for s in content.spans),
                    body_styles(reader), strict=True))


@pytest.fixture
def wire(fixtures_dir: Path) -> str:
    return str(fixtures_dir / "ui" / "wire.xml")


async def test_startup_lists_articles_and_shows_first(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        assert articles.row_count == 4
        assert articles.rows[0].title == "Merkel visits Siemens plant in Berlin"
        assert articles.has_focus
        assert reader.article is not None
        assert reader.article.title == "Merkel visits Siemens plant in Berlin"
        assert "Angela Merkel toured" in body_text(reader)
        counts = str(app.screen.query_one("#status-counts").render())
        assert counts == "4 articles · 3 unread · 0 bookmarked"


async def test_j_k_and_arrows_move_and_show_the_article(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        for key, expected in (("j", 1), ("down", 2), ("k", 1), ("up", 0), ("j", 1)):
            await pilot.press(key)
            await settle(app, pilot)
            assert articles.cursor == expected, key
            assert reader.article_key == articles.rows[expected].key, key
        assert reader.article.title == "Rail strike halts trains across Germany"
        # Showing an article marks it read, in the list and in the store.
        assert articles.rows[1].read
        assert app.store.header(articles.rows[1].key).read


async def test_a_list_read_before_a_read_mark_was_saved_does_not_undo_it(
    db_path, wire, fake_extractor
):
    # The store is written in a worker; a reload that read the list just before
    # (the one after a refresh, say) can land just after and showed the article
    # unread again (a flaky snapshot found it).
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        articles, _, _ = panes(app)
        first = articles.rows[0].key
        assert articles.rows[0].read  # opened at start-up

        def stale(**changes: bool) -> list:
            return [replace(h, **changes) if h.key == first else h
                    for h in app.store.headers()]

        only, chosen, view = screen._view
        screen.post_message(HeadersLoaded(stale(read=False), only, chosen, feed_view=view))
        await settle(app, pilot)
        assert articles.rows[0].read
        counts = str(screen.query_one("#status-counts").render())
        assert counts == "4 articles · 3 unread · 0 bookmarked"
        # N marks it unread; a stale list saying "read" does not bring it back.
        await pilot.press("N")
        screen.post_message(HeadersLoaded(stale(read=True), only, chosen, feed_view=view))
        await settle(app, pilot)
        assert not articles.rows[0].read
        assert not app.store.header(first).read
        # Once a list read agrees, the mark is let go: the store decides again.
        screen.post_message(HeadersLoaded(app.store.headers(), only, chosen, feed_view=view))
        await settle(app, pilot)
        assert screen._held_read_marks == {}


async def test_j_k_work_from_the_reader_pane(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        reader.focus()
        await pilot.press("j")
        await settle(app, pilot)
        assert articles.cursor == 1
        assert reader.article_key == articles.rows[1].key


async def test_g_and_G_jump_to_first_and_last(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        await pilot.press("G")
        await settle(app, pilot)
        assert articles.cursor == 3
        assert reader.article.title == "Weather: a mild week ahead"
        await pilot.press("g")
        await settle(app, pilot)
        assert articles.cursor == 0
        await pilot.press("end")
        assert articles.cursor == 3
        await pilot.press("home")
        assert articles.cursor == 0


async def test_tab_and_shift_tab_move_focus_between_panes(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, sidebar = panes(app)
        assert app.focused is articles
        await pilot.press("tab")
        assert app.focused is reader
        await pilot.press("tab")
        assert app.focused is sidebar
        await pilot.press("tab")
        assert app.focused is articles
        await pilot.press("shift+tab")
        assert app.focused is sidebar
        await pilot.press("shift+tab")
        assert app.focused is reader


@pytest.mark.parametrize("key", ["space", "pagedown"])
async def test_space_and_pagedown_scroll_the_reader_from_the_list(db_path, wire, key,
                                                                fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    # A short window so the first article is taller than the reader.
    async with app.run_test(size=(100, 14)) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        assert articles.has_focus
        assert reader.max_scroll_y > 0
        assert reader.scroll_y == 0
        await pilot.press(key)
        await pilot.pause()
        assert reader.scroll_y > 0
        assert articles.cursor == 0  # the list did not move
        await pilot.press("pageup")
        await pilot.pause()
        assert reader.scroll_y == 0


async def test_b_toggles_a_bookmark_and_saves_it_at_once(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, _, _ = panes(app)
        key = articles.current_key
        await pilot.press("b")
        assert articles.current.bookmarked
        assert app.store.is_bookmarked(key)
        counts = str(app.screen.query_one("#status-counts").render())
        assert counts.endswith("1 bookmarked")
        await pilot.press("b")  # removing is undoable, so the store forgets it later
        assert not articles.current.bookmarked
        app.screen.undo_slot.commit()  # what the undo window closing does
        await settle(app, pilot)
        assert not app.store.is_bookmarked(key)


async def test_B_shows_only_bookmarks_and_back(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        await pilot.press("j", "b")
        bookmarked_key = articles.current_key
        await pilot.press("B")
        await settle(app, pilot)
        assert [row.key for row in articles.rows] == [bookmarked_key]
        assert reader.article_key == bookmarked_key
        assert str(app.screen.query_one("#status-view").render()) == "Bookmarks"
        await pilot.press("B")
        await settle(app, pilot)
        assert articles.row_count == 4
        # Leaving the filter keeps the same article under the cursor.
        assert articles.current_key == bookmarked_key


async def test_o_opens_http_links_only(db_path, wire, fake_extractor, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        assert opened == ["https://wire.example.org/merkel-siemens"]
        # Item 3 has a javascript: link, item 4 none: both refused with a notice.
        for _ in range(2):
            await pilot.press("j")
            await settle(app, pilot)
        await pilot.press("o")
        await pilot.press("j")
        await settle(app, pilot)
        await pilot.press("o")
        assert opened == ["https://wire.example.org/merkel-siemens"]
        messages = [n.message for n in app._notifications]
        assert messages.count("No web link for this article.") == 2


async def test_question_mark_opens_help_from_live_bindings(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for expected in ("Bookmark or un-bookmark", "Open the article's web page", "Quit",
                         "Move focus to the next pane", "Article list", "Entities"):
            assert expected in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        # q and ? close help too (q must not quit from inside help).
        for closer in ("q", "question_mark"):
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(closer)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
        assert app.is_running


async def test_help_follows_a_remapped_key(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.set_keymap({"bookmark": "m"})
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = str(app.screen.query_one("#help-text").render())
        line = next(line for line in text.splitlines() if "Bookmark or un-bookmark" in line)
        assert line.split()[0] == "m"


async def test_q_quits(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_mouse_click_selects_a_row(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        # Row 2 is the third line inside the border.
        await pilot.click("#articles", offset=(10, 3))
        await settle(app, pilot)
        assert articles.cursor == 2
        assert reader.article.title == "Local library opens late on Fridays"
        await pilot.click("#articles", offset=(10, 30))  # below the last row: no change
        assert articles.cursor == 2


async def test_failing_source_notifies_and_the_app_keeps_running(db_path, wire, tmp_path,
                                                                 fake_extractor):
    missing = str(tmp_path / "no-such-feed.xml")
    app = make_app(db_path, [missing, wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1
        assert warnings[0].message.startswith(f"{missing}: ")
        assert warnings[0].markup is False
        articles, _, _ = panes(app)
        assert articles.row_count == 4
        await pilot.press("j")
        await settle(app, pilot)
        assert articles.cursor == 1
        assert app.is_running


async def test_reader_highlights_entities_of_a_known_article(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        content = reader.body_content
        by_text = mention_styles(reader)
        assert by_text["Angela Merkel"] == ".entity--person"
        assert by_text["Siemens"] == ".entity--org"
        assert by_text["Berlin"] == ".entity--place"
        assert by_text["German"] == ".entity--group"
        assert by_text["Monday"] == ".entity--date"
        assert {s.start for s in content.spans} >= {0}  # the lede mention is highlighted
        colours = {component_style(reader, name[1:]).foreground for name in set(by_text.values())}
        assert len(colours) == 5  # one colour per kind


async def test_highlights_follow_a_theme_change(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        assert app.current_theme.dark
        dark = reader.body_content.spans[0].style
        app.theme = "textual-light"
        await pilot.pause()
        light = reader.body_content.spans[0].style
        assert light != dark
        assert light.foreground == Color.parse(theme_variables(dark=False)["entity-person"])


async def test_sidebar_shows_sections_with_counts(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, _, sidebar = panes(app)
        assert sidebar.group_counts() == {
            "People": 1, "Organisations": 1, "Places": 1, "Groups": 1, "Dates": 1,
        }
        prompts = [str(sidebar.get_option_at_index(i).prompt)
                   for i in range(sidebar.option_count)]
        headings = [p.split()[0] for p in prompts if p and not p.startswith(" ")]
        # Related articles (sharing Berlin, Germany...) follow the entity kinds.
        assert headings == ["People", "Organisations", "Places", "Groups", "Dates", "Related"]
        merkel = next(p for p in prompts if "Angela Merkel" in p)
        assert merkel.split()[-1] == "4"  # "Angela Merkel" once, "Merkel" three times


async def test_entity_enter_emphasises_mentions_and_brackets_jump(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(100, 16)) as pilot:
        await settle(app, pilot)
        _, reader, sidebar = panes(app)
        sidebar.focus()
        await pilot.pause()
        index = next(i for i in range(sidebar.option_count)
                     if isinstance(opt := sidebar.get_option_at_index(i), EntityOption)
                     and opt.entity == ("PERSON", "Angela Merkel"))
        sidebar.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert reader.active_entity == ("PERSON", "Angela Merkel")
        assert body_styles(reader).count(".entity--person-active") == 4
        first = reader.scroll_y  # Enter jumped to the first mention
        await pilot.press(*["right_square_bracket"] * 3)
        await pilot.pause()
        last = reader.scroll_y
        assert last > first  # the fourth mention is near the end of a long-ish text
        await pilot.press("right_square_bracket")  # wraps round to the first
        await pilot.pause()
        assert reader.scroll_y == first
        await pilot.press("left_square_bracket")  # and back to the last
        await pilot.pause()
        assert reader.scroll_y == last
        await pilot.press("escape")
        await pilot.pause()
        assert reader.active_entity is None
        assert ".entity--person-active" not in body_styles(reader)
        assert sidebar.has_focus
        await pilot.press("escape")  # nothing left to clear: back to the list
        assert app.focused is panes(app)[0]


async def test_bookmark_survives_a_restart(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "b", "q")
        await pilot.pause()
    second = make_app(db_path, [wire], fake_extractor)
    async with second.run_test(size=SIZE) as pilot:
        await settle(second, pilot)
        articles, _, _ = panes(second)
        marked = [row.title for row in articles.rows if row.bookmarked]
        assert marked == ["Rail strike halts trains across Germany"]
        await pilot.press("B")
        await settle(second, pilot)
        assert [row.title for row in articles.rows] == marked


async def test_entities_are_extracted_once_and_stored(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        calls = fake_extractor.calls
        assert calls == 4  # every new article, in the background
        articles, _, _ = panes(app)
        for row in articles.rows:
            assert app.store.entities(row.key, "fake:1") is not None
        await pilot.press("j", "k", "j")
        await settle(app, pilot)
        assert fake_extractor.calls == calls  # later views read the store


async def test_refresh_keeps_the_cursor_on_the_same_article(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        await pilot.press("j", "j")
        await settle(app, pilot)
        key = articles.current_key
        rows = list(articles.rows)
        newer = rows[0].__class__(**{**{f: getattr(rows[0], f) for f in (
            "source", "source_name", "published", "read", "bookmarked")},
            "key": 10_000, "title": "Breaking"})
        articles.set_rows([newer, *rows])
        await settle(app, pilot)
        assert articles.current_key == key
        assert articles.cursor == 3
        assert reader.article_key == key


async def test_markup_and_escapes_in_data_are_shown_as_text(db_path, fake_extractor):
    from newsreader.models import Article

    store = Store.open(db_path)
    store.add_articles([Article(
        id="x", source="/tmp/hostile", source_name="[red]Evil[/red]",
        title="[bold]Not bold[/bold] \x1b[31mred\x1b[0m \u202eevil",
        text="Body [link=https://evil.example]click[/link] \x1b]8;;x\x07 end",
    )])
    store.close()
    app = make_app(db_path, [], fake_extractor)
    app.resolve_sources = lambda: []  # type: ignore[method-assign]
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        line = "".join(seg.text for seg in articles.render_line(0))
        assert "[bold]Not bold[/bold]" in line
        assert "\x1b" not in line and "\u202e" not in line
        meta = str(reader.meta_content)
        assert meta.startswith("[red]Evil[/red]")
        text = body_text(reader)
        assert "[link=https://evil.example]click[/link]" in text
        assert "\x1b" not in text and "\x07" not in text


async def test_narrow_terminal_hides_the_sidebar_and_stays_usable(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        articles, reader, sidebar = panes(app)
        assert not sidebar.size.width
        # List and reader take turns at full width (Enter / Esc).
        assert articles.size.width >= 60
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is reader
        assert reader.size.width >= 60 and not articles.size.width
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is articles


async def test_no_articles_at_all_explains_how_to_add_some(db_path, tmp_path, fake_extractor):
    app = make_app(db_path, [str(tmp_path / "missing.xml")], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        assert articles.row_count == 0
        assert not articles.loading
        assert "newsreader https://" in body_text(reader)
        await pilot.press("j", "b", "o", "G")  # nothing to act on: no errors
        await pilot.press("B")
        await settle(app, pilot)
        assert "No bookmarks yet" in body_text(reader)
        assert app.is_running


async def test_clicking_an_entity_emphasises_it(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        # Row 0 is the People heading, row 1 its first entity.
        await pilot.click("#entities", offset=(5, 2))
        await pilot.pause()
        assert reader.active_entity == ("PERSON", "Angela Merkel")
        assert ".entity--person-active" in body_styles(reader)
        # Clicking it again turns the emphasis off.
        await pilot.click("#entities", offset=(5, 2))
        await pilot.pause()
        assert reader.active_entity is None


async def test_moving_to_another_article_resets_the_sidebar(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, sidebar = panes(app)
        await pilot.press("j")
        await settle(app, pilot)
        assert set(sidebar.group_counts()) == {"Organisations", "Places", "Dates"}
        names = {e.name for e in reader.entities}
        assert {"Deutsche Bahn", "Berlin", "Munich", "Germany"} <= names
        assert "Angela Merkel" not in names


async def test_a_crashing_worker_becomes_a_notice_not_a_traceback(db_path, wire, fake_extractor,
                                                                   monkeypatch):
    def explode(specs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("newsreader.sources.load_sources", explode)
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "RuntimeError: disk on fire" in errors[0]
        _, reader, _ = panes(app)
        assert "disk on fire" in body_text(reader)
        assert app.is_running


async def test_sidebar_colours_follow_a_theme_change(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, _, sidebar = panes(app)

        def heading_colour():
            prompt = sidebar.get_option_at_index(0).prompt
            return prompt.spans[0].style.foreground

        assert heading_colour() == Color.parse(theme_variables(dark=True)["entity-person"])
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        assert heading_colour() == Color.parse(theme_variables(dark=False)["entity-person"])


async def test_source_warnings_are_one_quiet_notice(db_path, wire, fake_extractor, monkeypatch):
    import newsreader.sources as sources
    from newsreader.models import SourceError

    real = sources.load_sources

    def with_warnings(specs):
        result = real(specs)
        result.warnings.extend(SourceError(wire, f"skipped line {n}") for n in (3, 9))
        return result

    monkeypatch.setattr(sources, "load_sources", with_warnings)
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        notes = [n for n in app._notifications if "minor problems" in n.message]
        assert len(notes) == 1
        assert notes[0].severity == "information"
        assert "skipped line 3" in notes[0].message


async def test_command_palette_offers_the_app_verbs(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Bookmark", "Bookmarks only", "Open in browser", "Help"} <= set(commands)
        commands["Bookmark"].callback()
        articles, _, _ = panes(app)
        assert articles.current.bookmarked


async def test_loading_sources_does_not_move_the_cursor_off_the_article(db_path, wire,
                                                                         fake_extractor,
                                                                         monkeypatch):
    import threading

    import newsreader.sources as sources
    from newsreader.models import Article

    # The store already holds two older articles: they paint first.
    store = Store.open(db_path)
    store.add_articles([
        Article(id=f"old-{n}", source="/cache", source_name="Cache", title=f"Cached {n}",
                text="Cached text.", published=datetime(2020, 1, n + 1, tzinfo=UTC))
        for n in range(2)
    ])
    store.close()
    release = threading.Event()
    real = sources.load_sources

    def slow(specs):
        release.wait(timeout=10)
        return real(specs)

    monkeypatch.setattr(sources, "load_sources", slow)
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        articles, reader, _ = panes(app)
        for _ in range(50):
            await pilot.pause()
            if articles.row_count == 2:
                break
        assert articles.row_count == 2
        assert "Loading 1 source" in str(app.screen.query_one("#status-activity").render())
        await pilot.press("j")
        key = articles.current_key
        assert articles.current.title == "Cached 0"  # newest first: Cached 1, Cached 0
        release.set()
        await settle(app, pilot)
        assert articles.row_count == 6
        assert articles.current_key == key  # four newer rows arrived above it
        assert articles.cursor == 5
        assert reader.article_key == key
        assert str(app.screen.query_one("#status-activity").render()) == ""


def test_sources_come_from_arguments_then_subscriptions_then_samples(db_path, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("NEWSREADER_SAMPLES", str(tmp_path / "samples"))
    app = NewsReaderApp(db_path, [])
    assert app.resolve_sources() == [str(tmp_path / "samples")]
    app.store.add_subscription("https://feeds.example.org/world.xml")
    assert app.resolve_sources() == ["https://feeds.example.org/world.xml"]
    assert NewsReaderApp(db_path, ["given.xml"]).resolve_sources() == ["given.xml"]
    app.store.close()
