"""Pilot tests of the reader pane itself: reading progress and clickable link references."""

from __future__ import annotations

import pytest

from newsreader.ui.screens.main import MainScreen
from newsreader.ui.widgets.reader import Reader
from test_ui_app import body_text, make_app, panes, settle

SIZE = (120, 40)


def cell_of(reader: Reader, offset: int) -> tuple[int, int]:
    """The screen cell showing character ``offset`` of the text (on the first body line)."""
    row = reader.row_of_offset(offset)
    assert row is not None
    region = reader.scrollable_content_region
    return region.x + offset, region.y + row - round(reader.scroll_y)


@pytest.fixture
def long_article(tmp_path) -> str:
    body = "\n\n".join(f"Paragraph {n} of a long article about Berlin." for n in range(80))
    path = tmp_path / "long.md"
    path.write_text(f"# A long one\n\n{body}\n")
    return str(path)


@pytest.fixture
def linked(tmp_path) -> str:
    path = tmp_path / "links.md"
    path.write_text("# Links here\n\nSee [one](https://one.example/) and "
                    "[two](javascript:alert(1)) then [7] is plain text.\n")
    return str(path)


async def test_progress_shows_in_the_border_and_follows_scrolling(db_path, long_article,
                                                                  fake_extractor):
    app = make_app(db_path, [long_article], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        assert reader.progress == 0
        assert reader.border_subtitle == "0%"
        reader.scroll_end(animate=False)
        await pilot.pause()
        assert reader.progress == 100
        assert reader.border_subtitle == "100%"
        reader.scroll_to(y=reader.max_scroll_y / 2, animate=False)
        await pilot.pause()
        assert reader.border_subtitle == "50%"


async def test_short_article_and_empty_state_show_no_progress(db_path, linked, fake_extractor):
    app = make_app(db_path, [linked], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        assert reader.progress is None
        assert reader.border_subtitle == ""
        reader.show_message("Nothing here.")
        await pilot.pause()
        assert reader.border_subtitle == ""


async def test_clicking_a_link_reference_opens_it(db_path, linked, fake_extractor,
                                                 monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    app = make_app(db_path, [linked], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        first_line = body_text(reader).split("\n")[0]
        assert "[1]" in first_line and "[7]" in first_line
        # Only [1] is in the Links: block with a web target: [7] is plain text.
        await pilot.click(offset=cell_of(reader, first_line.index("[7]") + 1))
        await pilot.pause()
        assert opened == []
        await pilot.click(offset=cell_of(reader, first_line.index("[1]") + 1))
        await pilot.pause()
        assert opened == ["https://one.example/"]
        assert isinstance(app.screen, MainScreen)


async def test_a_refused_target_is_never_opened(db_path, linked, fake_extractor, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    app = make_app(db_path, [linked], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        for number in (0, 2, 3, 99):  # out of range, or a javascript: target
            screen.action_open_link_ref(number)
        await pilot.pause()
        assert opened == []


async def test_g_and_G_in_the_reader_go_to_the_top_and_end_of_the_article(
    db_path, long_article, fake_extractor
):
    """Vim keys in the reader move within the article, as g/G move within the list."""
    app = make_app(db_path, [long_article], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        reader.focus()
        await pilot.press("G")
        await pilot.pause()
        assert reader.progress == 100
        assert reader.article is not None and reader.article.title == "A long one"
        await pilot.press("g")
        await pilot.pause()
        assert reader.progress == 0
        articles.focus()
        await pilot.press("G")  # in the list: the last article, not the article's end
        await pilot.pause()
        assert reader.progress == 0
