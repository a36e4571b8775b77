"""Pilot tests of navigation by entity: salience order, the entity view, the list filter, Related.

Each test runs the real app on ``tests/fixtures/ui/entities.xml`` with a tmp
database and the fake engine from conftest, waits on workers (never sleeps)
and asserts on state. Newest first the feed holds: B "Rail talks in Berlin",
A "Merkel visits Siemens in Berlin" (both 4 March), C "Merkel in Munich"
(2 March), D "Munich fair opens" (1 March), E "A mild week" (20 Feb).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Sparkline

from newsreader.ui.app import NewsReaderApp
from newsreader.ui.screens.entity import ArticleOption, CompanyOption, EntityScreen
from newsreader.ui.screens.help import HelpScreen
from newsreader.ui.screens.main import MainScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.entity_sidebar import EntityOption, EntitySidebar, RelatedOption
from newsreader.ui.widgets.reader import Reader
from test_ui_app import settle as settle_app

SIZE = (120, 40)
MERKEL = ("PERSON", "Angela Merkel")
TITLES = {
    "A": "Merkel visits Siemens in Berlin",
    "B": "Rail talks in Berlin",
    "C": "Merkel in Munich",
    "D": "Munich fair opens",
    "E": "A mild week",
}


@pytest.fixture
def feed(fixtures_dir: Path) -> str:
    return str(fixtures_dir / "ui" / "entities.xml")


def make_app(db_path: Path, feed: str, extractor: object) -> NewsReaderApp:
    app = NewsReaderApp(db_path, [feed])
    app.load_extractor = lambda name: extractor  # type: ignore[method-assign]
    app.animation_level = "none"
    return app


async def settle(app: NewsReaderApp, pilot: Pilot) -> None:
    """:func:`test_ui_app.settle` with more rounds: entity views start workers of their own."""
    await settle_app(app, pilot, rounds=30)


def main_screen(app: NewsReaderApp) -> MainScreen:
    screen = app.screen_stack[0] if isinstance(app.screen_stack[0], MainScreen) else app.screen
    assert isinstance(screen, MainScreen)
    return screen


def panes(app: NewsReaderApp) -> tuple[ArticleList, Reader, EntitySidebar]:
    screen = main_screen(app)
    return screen.articles, screen.reader, screen.sidebar


def titles(articles: ArticleList) -> list[str]:
    return [row.title for row in articles.rows]


async def go_to(app: NewsReaderApp, pilot: Pilot, title: str) -> None:
    articles, _, _ = panes(app)
    articles.move_to(titles(articles).index(title))
    await settle(app, pilot)


async def focus_entity(app: NewsReaderApp, pilot: Pilot, entity: tuple[str, str]) -> None:
    """Put the sidebar cursor on ``entity`` (with the sidebar focused)."""
    _, _, sidebar = panes(app)
    sidebar.focus()
    await pilot.pause()
    sidebar.highlighted = next(
        i for i in range(sidebar.option_count)
        if isinstance(option := sidebar.get_option_at_index(i), EntityOption)
        and option.entity == entity
    )
    await pilot.pause()


def status_view(app: NewsReaderApp) -> str:
    return str(app.screen.query_one("#status-view").render())


def sidebar_group(sidebar: EntitySidebar, heading: str) -> list[str]:
    """Entity names listed under ``heading``, in sidebar order."""
    names: list[str] = []
    inside = False
    for i in range(sidebar.option_count):
        option = sidebar.get_option_at_index(i)
        if isinstance(option, EntityOption):
            if inside:
                names.append(option.entity[1])
        elif str(option.prompt).strip():
            inside = str(option.prompt).split()[0] == heading
    return names


# ------------------------------------------------------------------ salience
async def test_sidebar_ranks_title_and_lead_above_mention_count(db_path, feed, fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, TITLES["D"])
        _, _, sidebar = panes(app)
        # Berlin comes first in the text, but Munich is in the title.
        assert sidebar_group(sidebar, "Places") == ["Munich", "Berlin"]
        await go_to(app, pilot, TITLES["A"])
        # Three mentions and the title for Merkel; Anna Schmidt is mentioned late, once.
        assert sidebar_group(sidebar, "People") == ["Angela Merkel", "Anna Schmidt"]


# ------------------------------------------------------------------ the entity view
async def test_v_opens_the_entity_view_with_articles_timeline_and_company(
    db_path, feed, fake_extractor
):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, TITLES["A"])
        await focus_entity(app, pilot, MERKEL)
        await pilot.press("v")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, EntityScreen)
        assert screen.entity == MERKEL
        listed = [screen.articles.get_option_at_index(i)
                  for i in range(screen.articles.option_count)]
        assert all(isinstance(o, ArticleOption) for o in listed)
        assert [main_screen(app).articles.rows[main_screen(app).articles.index_of(o.key)].title
                for o in listed] == [TITLES["B"], TITLES["A"], TITLES["C"]]  # newest first
        assert str(listed[1].prompt).rstrip().endswith("×3")
        # Mentions per day up to 4 March: one on the 2nd, none on the 3rd, four on the
        # 4th, after a month of quiet (the sparkline shows at least 30 days).
        data = list(screen.query_one("#entity-sparkline", Sparkline).data)
        assert data[-4:] == [0, 1, 0, 4] and len(data) == 30 and sum(data) == 5
        caption = str(screen.query_one("#entity-timeline-caption").render())
        assert "2024-03-02 – 2024-03-04" in caption and "busiest 2024-03-04 (4)" in caption
        options = [screen.company.get_option_at_index(i)
                   for i in range(screen.company.option_count)]
        assert all(isinstance(o, CompanyOption) for o in options)
        company = [o.entity for o in options]
        assert company[:2] == [("GPE", "Berlin"), ("ORG", "Siemens")]
        assert MERKEL not in company and not any(label == "DATE" for label, _ in company)
        assert str(screen.query_one("#status-counts").render()) == "3 articles · 5 mentions"


async def test_enter_in_the_entity_view_opens_the_article_with_the_entity_emphasised(
    db_path, feed, fake_extractor
):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=(100, 16)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, TITLES["D"])  # start far from the article
        await focus_entity(app, pilot, ("GPE", "Berlin"))
        await pilot.press("v")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, EntityScreen)
        keys = [screen.articles.get_option_at_index(i).key
                for i in range(screen.articles.option_count)]
        screen.articles.highlighted = 1  # A: Berlin in the lead and again nowhere else
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        articles, reader, _ = panes(app)
        assert articles.current_key == keys[1]
        assert reader.article_key == keys[1]
        assert reader.active_entity == ("GPE", "Berlin")
        assert app.focused is reader


async def test_escape_walks_back_through_nested_entity_views(db_path, feed, fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, TITLES["A"])
        await focus_entity(app, pilot, MERKEL)
        await pilot.press("v")
        await settle(app, pilot)
        first = app.screen
        first.company.focus()
        first.company.highlighted = 1  # Siemens
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EntityScreen) and app.screen is not first
        assert app.screen.entity == ("ORG", "Siemens")
        assert app.screen.articles.option_count == 3  # A, C and D mention Siemens
        await pilot.press("escape")
        assert app.screen is first
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.focused is panes(app)[2]  # back where v was pressed


async def test_company_choice_then_article_returns_to_the_main_screen(db_path, feed,
                                                                      fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, TITLES["A"])
        await focus_entity(app, pilot, MERKEL)
        await pilot.press("v")
        await settle(app, pilot)
        app.screen.company.focus()
        app.screen.company.highlighted = 1  # Siemens
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        screen.articles.focus()
        screen.articles.highlighted = 2  # D, which does not mention Merkel
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(app.screen_stack) == 1 and isinstance(app.screen, MainScreen)
        _, reader, _ = panes(app)
        assert reader.article.title == TITLES["D"]
        assert reader.active_entity == ("ORG", "Siemens")


async def test_v_needs_an_entity_and_help_lists_the_view_keys(db_path, feed, fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("v")  # list focused, nothing emphasised
        assert isinstance(app.screen, MainScreen)
        assert "Pick an entity in the sidebar first." in [n.message for n in app._notifications]
        await pilot.press("question_mark")
        await pilot.pause()
        text = str(app.screen.query_one("#help-text").render())
        assert "Open the entity view: all its articles" in text
        assert "List only articles that mention" in text
        await pilot.press("escape")
        await focus_entity(app, pilot, MERKEL)
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for expected in ("Open this article, with the entity emphasised",
                         "Open this entity's own view", "Articles", "Often with"):
            assert expected in text
        await pilot.press("escape")
        assert isinstance(app.screen, EntityScreen)


async def test_entity_view_of_an_unknown_name_is_calm_and_shows_markup_as_text(
    db_path, feed, fake_extractor
):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(EntityScreen("PERSON", "[b]Nobody[/b] \x1b[31m\u202e"))
        await settle(app, pilot)
        screen = app.screen
        head = str(screen.query_one("#entity-head").render())
        assert head.startswith("[b]Nobody[/b]") and "\x1b" not in head and "\u202e" not in head
        assert "No stored article mentions it" in str(
            screen.articles.get_option_at_index(0).prompt)
        await pilot.press("enter")  # nothing to open
        assert screen is app.screen and app.is_running


# ------------------------------------------------------------------ the list filter
async def test_e_filters_the_list_by_entity_and_clears(db_path, feed, fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, _, _ = panes(app)
        await go_to(app, pilot, TITLES["A"])
        await focus_entity(app, pilot, MERKEL)
        await pilot.press("e")
        await settle(app, pilot)
        assert titles(articles) == [TITLES["B"], TITLES["A"], TITLES["C"]]
        assert articles.current.title == TITLES["A"]  # the cursor stayed on the article
        assert status_view(app) == "mentioning Angela Merkel"
        counts = str(app.screen.query_one("#status-counts").render())
        assert counts.startswith("3 articles")
        # e on the same entity again lists everything.
        await focus_entity(app, pilot, MERKEL)
        await pilot.press("e")
        await settle(app, pilot)
        assert len(titles(articles)) == 5 and status_view(app) == "All articles"
        # Esc from the list clears it too.
        await go_to(app, pilot, TITLES["C"])
        await focus_entity(app, pilot, ("GPE", "Munich"))
        await pilot.press("e")
        await settle(app, pilot)
        assert titles(articles) == [TITLES["C"], TITLES["D"]]
        await pilot.press("escape")  # sidebar -> list
        assert app.focused is articles
        await pilot.press("escape")  # list -> filter cleared
        await settle(app, pilot)
        assert len(titles(articles)) == 5 and status_view(app) == "All articles"
        assert app.screen.entity_filter is None


async def test_filter_combines_with_the_bookmarks_view(db_path, feed, fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, _, _ = panes(app)
        await go_to(app, pilot, TITLES["C"])
        await pilot.press("b")
        await focus_entity(app, pilot, MERKEL)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("B")
        await settle(app, pilot)
        assert titles(articles) == [TITLES["C"]]
        assert status_view(app) == "Bookmarks · mentioning Angela Merkel"
        await pilot.press("B")
        await settle(app, pilot)
        assert titles(articles) == [TITLES["B"], TITLES["A"], TITLES["C"]]


async def test_e_in_the_entity_view_filters_the_list(db_path, feed, fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, TITLES["A"])
        await focus_entity(app, pilot, ("ORG", "Siemens"))
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert titles(panes(app)[0]) == [TITLES["A"], TITLES["C"], TITLES["D"]]
        assert status_view(app) == "mentioning Siemens"


async def test_opening_an_article_the_filter_hides_clears_the_filter(db_path, feed,
                                                                     fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        await go_to(app, pilot, TITLES["D"])
        await focus_entity(app, pilot, ("GPE", "Munich"))
        await pilot.press("e")
        await settle(app, pilot)
        assert titles(articles) == [TITLES["C"], TITLES["D"]]
        await focus_entity(app, pilot, ("ORG", "Siemens"))
        await pilot.press("v")
        await settle(app, pilot)
        app.screen.articles.highlighted = 0  # A: not in the Munich list
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(titles(articles)) == 5 and status_view(app) == "All articles"
        assert articles.current.title == TITLES["A"] and reader.article.title == TITLES["A"]
        assert reader.active_entity == ("ORG", "Siemens")


# ------------------------------------------------------------------ related
async def test_related_articles_are_listed_and_open(db_path, feed, fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        articles, reader, sidebar = panes(app)
        await go_to(app, pilot, TITLES["A"])
        related = [h.title for h in sidebar.related]
        assert related[0] == TITLES["C"]  # shares Merkel, Siemens and Berlin
        assert set(related) == {TITLES["B"], TITLES["C"], TITLES["D"]}
        assert TITLES["E"] not in related
        sidebar.focus()
        sidebar.highlighted = next(
            i for i in range(sidebar.option_count)
            if isinstance(sidebar.get_option_at_index(i), RelatedOption))
        await pilot.press("enter")
        await settle(app, pilot)
        assert articles.current.title == TITLES["C"] and reader.article.title == TITLES["C"]
        assert app.focused is reader


async def test_an_article_sharing_nothing_has_no_related_section(db_path, feed,
                                                                  fake_extractor):
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, _, sidebar = panes(app)
        await go_to(app, pilot, TITLES["E"])
        assert sidebar.related == []
        prompts = [str(sidebar.get_option_at_index(i).prompt)
                   for i in range(sidebar.option_count)]
        assert not any(p.startswith("Related") for p in prompts)


# ------------------------------------------------------------------ salience, unit
def test_salience_order_credits_a_headline_alias_and_keeps_every_entity() -> None:
    from newsreader.store import StoredEntity
    from newsreader.ui.widgets.entity_sidebar import salience_order

    text = "France objected. France again.\n\nThe United Kingdom said no."
    france = StoredEntity("GPE", "France", 2, ((0, 6), (17, 23)))  # 2 + 3 for the lead
    at = text.index("United Kingdom")
    uk = StoredEntity("GPE", "United Kingdom", 1, ((at, at + 14),))  # 1 + 5 for the title
    nowhere = StoredEntity("ORG", "Ghost", 0, ())
    assert salience_order([france, uk, nowhere], text, "UK says no") == [uk, france, nowhere]
    assert salience_order([france, uk, nowhere], text, "") == [france, uk, nowhere]


async def test_g_and_G_reach_the_ends_of_the_entity_lists(db_path, feed, fake_extractor):
    """Every list takes the same vim keys: the sidebar and both entity-view lists too."""
    app = make_app(db_path, feed, fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, TITLES["A"])
        _, _, sidebar = panes(app)
        await focus_entity(app, pilot, MERKEL)
        await pilot.press("G")
        last = sidebar.highlighted
        assert last is not None and last > 0
        await pilot.press("g")
        assert sidebar.highlighted is not None and sidebar.highlighted < last
        await focus_entity(app, pilot, MERKEL)
        await pilot.press("v")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, EntityScreen)
        screen.articles.focus()
        await pilot.press("G")
        assert screen.articles.highlighted == screen.articles.option_count - 1
        await pilot.press("g")
        assert screen.articles.highlighted == 0
        screen.company.focus()
        await pilot.press("G")
        assert screen.company.highlighted == screen.company.option_count - 1
