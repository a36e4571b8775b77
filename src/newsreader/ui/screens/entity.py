"""The entity view: every stored article that mentions one entity, and its company.

Opened from the sidebar (``v``). It shows the entity's articles newest
first, a sparkline of mentions per day, and the entities most often found
in the same articles. Enter on an article goes back to the main screen with
that article open and the entity emphasised; Enter on a companion opens
its own view on top (Esc walks back one view at a time).

All reading happens in one thread worker; the screen only draws what the
:class:`~newsreader.ui.messages.EntityViewLoaded` message brings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Footer, Label, OptionList, Sparkline, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from newsreader.entities import GROUPS
from newsreader.ui.colors import ENTITY_CLASSES, component_style, entity_class
from newsreader.ui.messages import EntityViewLoaded
from newsreader.ui.text import failure_line, safe_line
from newsreader.ui.widgets.list_keys import list_bindings

if TYPE_CHECKING:
    from newsreader.store import EntityArticle, EntityRef
    from newsreader.ui.app import NewsReaderApp

EntityKey = tuple[str, str]  # (label, name)

#: The view lists at most this many articles (the newest): an OptionList
#: builds every row up front, and nobody scrolls past a thousand.
MAX_ARTICLES = 1000
#: The sparkline covers at least this many days, so a short history reads
#: as "quiet, then this" rather than as half the width at full height.
MIN_SPARK_DAYS = 30
#: How many companions "Often with" lists.
COMPANY_LIMIT = 12
#: Below this width the two lists stack instead of standing side by side.
NARROW_WIDTH = 90

KIND_NAMES: dict[str, str] = {
    label: heading for heading, labels in GROUPS.items() for label in labels
}


class ArticleOption(Option):
    """An article row of the entity view; carries its store key."""

    def __init__(self, prompt: Content, key: int) -> None:
        super().__init__(prompt)
        self.key = key


class CompanyOption(Option):
    """An entity often mentioned alongside; carries its (label, name)."""

    def __init__(self, prompt: Content, entity: EntityKey) -> None:
        super().__init__(prompt)
        self.entity = entity


class EntityArticles(OptionList):
    """The entity's articles, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *list_bindings("entity_view.articles", "article", first="newest", last="oldest"),
        Binding("enter", "select", "Open", id="entity_view.articles.open",
                tooltip="Open this article, with the entity emphasised"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entity-articles--date",
        "entity-articles--source",
        "entity-articles--count",
        "entity-articles--unread",
    }


class EntityCompany(OptionList):
    """Entities most often mentioned in the same articles."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *list_bindings("entity_view.company", "entity"),
        Binding("enter", "select", "View", id="entity_view.company.open",
                tooltip="Open this entity's own view"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {*ENTITY_CLASSES, "entity-company--count"}


class EntityScreen(Screen[None]):
    """Articles, mentions per day and companions of one entity."""

    #: (help heading, selector) pairs: the ``?`` screen lists these panes' keys.
    HELP_SECTIONS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Articles", "#entity-articles"),
        ("Often with", "#entity-company"),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="entity_view.back",
                tooltip="Go back (to the previous entity, else to the articles)"),
        Binding("e", "filter_list", "Filter list", id="entity_view.filter",
                tooltip="Go back with the article list showing only this entity's articles"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="entity_view.next",
                tooltip="Move focus to the next pane"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False,
                id="entity_view.previous", tooltip="Move focus to the previous pane"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = ENTITY_CLASSES

    def __init__(self, label: str, name: str) -> None:
        super().__init__()
        self.entity: EntityKey = (label, name)
        self._data: EntityViewLoaded | None = None

    @property
    def news_app(self) -> NewsReaderApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        name = self.entity[1]
        with Horizontal(id="status"):
            yield Label("newsreader", id="status-brand")
            yield Label(Content(f"Entity · {safe_line(name)}"), id="status-view")
            yield Label("", id="status-activity")
            yield Label("", id="status-counts")
        yield Static(self._heading(None), id="entity-head", markup=False)
        with Vertical(id="entity-timeline") as timeline:
            timeline.border_title = "Mentions per day"
            yield Sparkline([], id="entity-sparkline")
            yield Static("", id="entity-timeline-caption", markup=False)
        with Horizontal(id="entity-lists"):
            articles = EntityArticles(id="entity-articles")
            articles.border_title = "Articles"
            yield articles
            company = EntityCompany(id="entity-company")
            company.border_title = "Often with"
            yield company
        yield Footer(show_command_palette=False)

    @property
    def articles(self) -> EntityArticles:
        return self.query_one("#entity-articles", EntityArticles)

    @property
    def company(self) -> EntityCompany:
        return self.query_one("#entity-company", EntityCompany)

    def on_mount(self) -> None:
        self.articles.loading = True
        self.articles.focus()
        self.load(*self.entity)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")
        if self._data is not None:
            self.call_after_refresh(self._fill_lists)

    # ------------------------------------------------------------------ worker
    @work(thread=True, exclusive=True, group="entity-view", exit_on_error=False,
          description="Read the entity's articles")
    def load(self, label: str, name: str) -> None:
        store = self.news_app.store
        found = next(iter(store.find_entities(name, label)), None)
        articles = store.entity_articles(name, label)
        timeline = store.entity_timeline(label, name)
        company = store.co_occurring(label, name, limit=COMPANY_LIMIT)
        self.post_message(
            EntityViewLoaded(
                (label, name), found, articles[:MAX_ARTICLES], timeline, company,
                total_articles=len(articles),
            )
        )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.articles.loading = False
        self.notify(failure_line("Entity view", event.worker.error), severity="error",
                    markup=False, timeout=8)

    def on_entity_view_loaded(self, message: EntityViewLoaded) -> None:
        if message.entity != self.entity:
            return
        self._data = message
        self.articles.loading = False
        # The list's own keys (Enter opens) only count once it is no longer loading.
        self.call_after_refresh(self.refresh_bindings)
        self.query_one("#entity-head", Static).update(self._heading(message.found))
        from newsreader.store.entity_queries import dense_days

        days = dense_days(message.timeline, min_days=MIN_SPARK_DAYS)
        sparkline = self.query_one("#entity-sparkline", Sparkline)
        sparkline.data = days
        sparkline.display = bool(days)
        self.query_one("#entity-timeline-caption", Static).update(self._caption(message))
        total = message.total_articles
        shown = len(message.articles)
        self.articles.border_title = (
            f"Articles  {total:,}" if shown == total else f"Articles  newest {shown:,} of {total:,}"
        )
        mentions = sum(a.mentions for a in message.articles)
        counts = f"{total:,} {'article' if total == 1 else 'articles'}"
        if shown == total:
            counts += f" · {mentions:,} {'mention' if mentions == 1 else 'mentions'}"
        self.query_one("#status-counts", Label).update(Content(counts))
        if message.articles:
            # Rows are cut to the list's width, known once this screen is laid out.
            self.call_after_refresh(self._fill_lists)
        else:
            self.articles.set_options(
                [Option(Content("No stored article mentions it any more."), disabled=True)]
            )
            self.call_after_refresh(self._fill_lists)

    # ------------------------------------------------------------------ drawing
    def _heading(self, found: EntityRef | None) -> Content:
        label, name = self.entity
        shown_name = safe_line(found.name if found else name) or "?"
        style = component_style(self, entity_class(label), foreground_only=True)
        kind = KIND_NAMES.get(label, label)
        return Content.assemble(
            (shown_name, style + Style(bold=True)), ("   " + safe_line(f"{kind} · {label}"), "dim")
        )

    @staticmethod
    def _caption(message: EntityViewLoaded) -> Content:
        timeline = message.timeline
        if not timeline:
            return Content("No dated mentions.")
        first, last = timeline[0][0], timeline[-1][0]
        peak_day, peak = max(timeline, key=lambda item: (item[1], item[0]))
        span = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
        days = len(timeline)
        return Content(
            f"{span} · mentioned on {days:,} {'day' if days == 1 else 'days'}"
            f" · busiest {peak_day.isoformat()} ({peak:,})"
        )

    def _fill_lists(self) -> None:
        data = self._data
        if data is None:
            return
        articles = self.articles
        highlighted = articles.highlighted
        width = max(20, articles.scrollable_content_region.width - 1)
        if data.articles:
            articles.set_options([self._article_option(a, width) for a in data.articles])
            if highlighted is not None and highlighted < articles.option_count:
                articles.highlighted = highlighted
            elif articles.highlighted is None:
                articles.highlighted = 0
        company = self.company
        kept = company.highlighted
        width = max(12, company.scrollable_content_region.width - 1)
        if data.company:
            company.set_options([self._company_option(e, width) for e in data.company])
            if kept is not None and kept < company.option_count:
                company.highlighted = kept
        else:
            company.set_options([Option(Content("Nobody else yet."), disabled=True)])

    def _article_option(self, item: EntityArticle, width: int) -> ArticleOption:
        header = item.header
        articles = self.articles

        def style(name: str) -> Style:
            # Foreground only: the cursor row keeps its own background.
            return component_style(articles, name, foreground_only=True)

        date_style = style("entity-articles--date")
        source_style = style("entity-articles--source")
        count_style = style("entity-articles--count")
        day = header.published.strftime("%Y-%m-%d") if header.published else ""
        count = f"×{item.mentions}"
        source = Content(safe_line(header.source_name)).truncate(12, ellipsis=True, pad=True)
        lead = Content.assemble((f"{day:<10}", date_style), "  ")
        if width >= 60:
            lead = Content.assemble(lead, source.stylize(source_style), "  ")
        room = max(1, width - lead.cell_length - len(count) - 1)
        title = Content(safe_line(header.title) or "(untitled)").truncate(
            room, ellipsis=True, pad=True
        )
        if not header.read:
            title = title.stylize(style("entity-articles--unread"))
        return ArticleOption(
            Content.assemble(lead, title, " ", (count, count_style)), header.key
        )

    def _company_option(self, entity: EntityRef, width: int) -> CompanyOption:
        colour = component_style(self.company, entity_class(entity.label), foreground_only=True)
        count_style = component_style(self.company, "entity-company--count", foreground_only=True)
        count = str(entity.articles)
        name = Content(safe_line(entity.name) or "?").truncate(
            max(1, width - len(count) - 1), ellipsis=True
        )
        gap = max(1, width - name.cell_length - len(count))
        prompt = Content.assemble(name.stylize(colour), " " * gap, (count, count_style))
        return CompanyOption(prompt, (entity.label, entity.name))

    # ------------------------------------------------------------------ actions
    @on(OptionList.OptionSelected, "#entity-articles")
    def _article_selected(self, message: OptionList.OptionSelected) -> None:
        if isinstance(message.option, ArticleOption):
            self._back_to_main(open_key=message.option.key)

    @on(OptionList.OptionSelected, "#entity-company")
    def _company_selected(self, message: OptionList.OptionSelected) -> None:
        if isinstance(message.option, CompanyOption):
            self.app.push_screen(EntityScreen(*message.option.entity))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_filter_list(self) -> None:
        self._back_to_main(filter_by=True)

    def _back_to_main(self, *, open_key: int | None = None, filter_by: bool = False) -> None:
        """Close every entity view and hand the main screen what to show."""
        app = self.app
        while len(app.screen_stack) > 1 and isinstance(app.screen, EntityScreen):
            app.pop_screen()
        main = app.screen
        if filter_by and hasattr(main, "set_entity_filter"):
            main.set_entity_filter(self.entity)
        if open_key is not None and hasattr(main, "open_article"):
            main.open_article(open_key, entity=self.entity)
