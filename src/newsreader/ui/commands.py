"""Command palette: every action of the screen, and go to a feed, a saved query or an entity.

:func:`binding_commands` turns the screen's live bindings (the ones ``?``
lists, remaps applied) into palette commands, so every key's action is in
the palette under the same words, and none is listed that does not exist.

The store is read in a thread (``asyncio.to_thread``) when the palette
opens, never per keystroke; matching is Textual's fuzzy matcher. Feeds and
saved queries go through the main screen's ``choose_view`` (the feeds pane's
own way of narrowing the list), entities through the entity view.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

from newsreader.ui.text import safe_line

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from textual.dom import DOMNode
    from textual.screen import Screen

    from newsreader.ui.app import NewsReaderApp

#: Actions that only move focus or step back: a palette entry would do nothing useful.
NOT_COMMANDS = frozenset({"app.focus_next", "app.focus_previous", "next_pane",
                          "previous_pane", "clear_entity", "back", "command_palette"})


def binding_commands(screen: Screen) -> Iterator[SystemCommand]:
    """A palette command per action bound on ``screen`` (and the app), titled as in the
    footer, with what it does and its keys as the help line."""
    from newsreader.ui.screens.help import live_bindings

    for node, binding, keys, what in live_bindings([screen, screen.app]):
        action = binding.action
        if action in NOT_COMMANDS or "(" in action or action == "quit":
            continue  # quit is Textual's own entry; parameterised ones are per key
        title = binding.description or action.replace("_", " ").capitalize()
        yield SystemCommand(title, f"{what} ({keys})", _action_callback(node, action))


def _action_callback(node: DOMNode, action: str) -> Callable[[], object]:
    """The ``action_*`` method itself when there is one (so it runs when chosen, not
    one message later), else ``run_action``."""
    target: DOMNode = node
    name = action
    if action.startswith("app."):
        target, name = node.app, action[4:]
    method = getattr(target, f"action_{name}", None)
    return method if callable(method) else partial(node.run_action, action)


class _StoreProvider(Provider):
    """Loads ``(label, help, callback)`` rows once per palette opening."""

    kind = ""

    async def startup(self) -> None:
        self._rows: list[tuple[str, str, Any]] = []
        try:
            self._rows = await asyncio.to_thread(self.load)
        except Exception as exc:  # a store problem must not break the palette
            self.app.log.warning(f"palette {self.kind}: {exc}")

    @property
    def news_app(self) -> NewsReaderApp:
        return self.app  # type: ignore[return-value]

    def load(self) -> list[tuple[str, str, Any]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for label, help_text, callback in self._rows[:20]:
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, callback in self._rows:
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)

    def _main(self) -> Any:
        from newsreader.ui.screens.main import MainScreen

        screen = self.news_app.screen_stack[0] if self.news_app.screen_stack else None
        return screen if isinstance(screen, MainScreen) else None

    def _choose(self, kind: str, value: str, name: str) -> None:
        from newsreader.ui.widgets.feeds_pane import FeedView

        main = self._main()
        if main is None or not hasattr(main, "choose_view"):
            return
        while len(self.news_app.screen_stack) > 1:
            self.news_app.pop_screen()
        main.choose_view(FeedView(kind, value, name))  # type: ignore[arg-type]


class FeedCommands(_StoreProvider):
    """Go to feed: narrow the list to one subscription."""

    kind = "feeds"

    def load(self) -> list[tuple[str, str, Any]]:
        return [
            (f"Go to feed: {safe_line(feed.display_title)}",
             f"{feed.unread:,} unread",
             partial(self._choose, "feed", feed.url, feed.display_title))
            for feed in self.news_app.store.feeds()
        ]


class SavedQueryCommands(_StoreProvider):
    """Go to saved query: list what a saved search finds."""

    kind = "saved queries"

    def load(self) -> list[tuple[str, str, Any]]:
        queries = getattr(self.news_app.store, "saved_queries", None)
        if queries is None:
            return []
        return [
            (f"Go to saved query: {safe_line(q.name)}", safe_line(q.query),
             partial(self._choose, "query", q.query, q.name))
            for q in queries()
        ]


class EntityCommands(_StoreProvider):
    """Go to entity: type a name ("merkel", "U.S.") to open its entity view.

    Entities are looked up as typed (names fold as the store folds them), in
    a thread, because there may be tens of thousands of them.
    """

    kind = "entities"

    def load(self) -> list[tuple[str, str, Any]]:
        return []

    async def search(self, query: str) -> Hits:
        name = query.strip()
        if len(name) < 2:
            return
        try:
            found = await asyncio.to_thread(self.news_app.store.find_entities, name)
        except Exception as exc:  # a store problem must not break the palette
            self.app.log.warning(f"palette entities: {exc}")
            return
        for ref in found[:10]:
            label = f"Go to entity: {safe_line(ref.name)}"
            yield Hit(1.0, label, partial(self._open_entity, ref.label, ref.name),
                      help=f"{ref.label} · {ref.articles:,} articles")

    def _open_entity(self, label: str, name: str) -> None:
        from newsreader.ui.screens.entity import EntityScreen

        self.news_app.push_screen(EntityScreen(label, name))
