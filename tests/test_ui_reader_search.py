"""Pilot tests of the ``/`` search screen: live results, inline errors, Esc, Enter."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from newsreader.ui.screens.main import MainScreen
from newsreader.ui.screens.search import SearchScreen, error_line, hit_prompt
from test_ui_app import make_app, panes, settle

SIZE = (120, 40)


@pytest.fixture
def wire(fixtures_dir: Path) -> str:
    return str(fixtures_dir / "ui" / "wire.xml")


def message(app) -> str:
    return str(app.screen.query_one("#search-message").render())


async def type_query(app, pilot, text: str) -> None:
    box = app.screen.query_one("#search-box", Input)
    box.value = text
    await settle(app, pilot)


async def test_slash_opens_search_and_results_follow_typing(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#search-box").has_focus
        await pilot.press(*"strik")  # a prefix while typing
        await settle(app, pilot)
        results = app.screen.query_one("#search-results", OptionList)
        assert results.option_count == 1
        assert "1 match" in message(app)
        prompt = str(results.get_option_at_index(0).prompt)
        assert "Rail strike halts trains" in prompt


async def test_bad_query_shows_inline_message_never_raises(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        for bad in ("after:notadate", "bogus:x", '"open phrase', "is:nothing"):
            await type_query(app, pilot, bad)
            assert isinstance(app.screen, SearchScreen)
            assert message(app).startswith("✗"), bad
            assert app.screen.query_one("#search-box").has_class("-error")
        await type_query(app, pilot, "merkel")
        assert not app.screen.query_one("#search-box").has_class("-error")
        assert "match" in message(app)


async def test_escape_returns_to_where_you_were(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        await pilot.press("j", "j")
        await settle(app, pilot)
        await pilot.press("slash")
        await type_query(app, pilot, "merkel")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert articles.cursor == 2
        assert reader.article_key == articles.rows[2].key


async def test_enter_on_a_result_opens_it(db_path, wire, fake_extractor):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await type_query(app, pilot, "weather")
        await pilot.press("enter")  # from the box: into the results
        assert app.screen.query_one("#search-results").has_focus
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        _articles, reader, _ = panes(app)
        assert reader.article.title == "Weather: a mild week ahead"
        assert reader.has_focus


async def test_ctrl_s_saves_the_search(db_path, wire, fake_extractor, monkeypatch):
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        saved: list[tuple[str, str]] = []
        monkeypatch.setattr(type(app.store), "add_saved_query",
                            lambda self, name, query: saved.append((name, query)),
                            raising=False)
        await pilot.press("slash")
        await type_query(app, pilot, "feed:wire merkel")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert saved == [("feed:wire merkel", "feed:wire merkel")]


def test_error_line_and_prompt_are_plain_text():
    line = error_line("[bold]x after:zz", "after: needs a date", 8, 16)
    assert line.plain.endswith("at after:zz")
    assert not line.spans or all(isinstance(span.style, str) for span in line.spans)
    from newsreader.store.search import Excerpt, SearchHit
    from newsreader.store.types import ArticleHeader

    header = ArticleHeader(1, "s", "[red]Src\x1b[31m", "[b]Title\u202e", None, False, False)
    prompt = hit_prompt(SearchHit(header, 1.0, Excerpt("a [i]snip\x07", ((2, 5),))))
    for unsafe in ("\x1b", "\u202e", "\x07"):
        assert unsafe not in prompt.plain
    assert "[b]Title" in prompt.plain  # shown literally, not interpreted
