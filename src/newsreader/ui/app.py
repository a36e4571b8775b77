"""The Textual application: global keys, the store and entity engine handles, screen wiring.

Everything heavy is deferred: the store opens on first use, the sources and
the entity engine are imported inside the thread workers that use them, so
the first frame costs little more than importing Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType

from newsreader.paths import default_sources
from newsreader.ui.colors import theme_variables
from newsreader.ui.messages import EntitiesUnavailable
from newsreader.ui.screens.help import HelpScreen, binding_rows
from newsreader.ui.screens.main import MainScreen

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.screen import Screen

    from newsreader.config import Config
    from newsreader.entities import Extractor
    from newsreader.models import Article
    from newsreader.store import Store, StoredEntity

__all__ = ["NewsReaderApp", "default_sources", "run_app"]


def get_command_provider(name: str) -> Callable[[], type[Provider]]:
    """A palette provider class, imported only when the palette first opens."""

    def load() -> type[Provider]:
        from newsreader.ui import commands

        return getattr(commands, name)  # type: ignore[no-any-return]

    return load


class NewsReaderApp(App[None]):
    """A terminal news reader with entity highlighting."""

    # Absolute, so subclasses defined elsewhere (tests, tools) find it too.
    CSS_PATH = Path(__file__).parent / "newsreader.tcss"
    TITLE = "newsreader"
    # The palette offers "go to feed / saved query / entity" next to every action.
    COMMANDS = App.COMMANDS | {
        get_command_provider("FeedCommands"),
        get_command_provider("SavedQueryCommands"),
        get_command_provider("EntityCommands"),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit newsreader"),
        Binding("question_mark", "help", "Help", key_display="?", id="help",
                tooltip="Show every key"),
    ]

    def __init__(self, db_path: Path | None, sources: list[str], engine: str = "default",
                 config: Config | None = None) -> None:
        super().__init__()
        from newsreader.config import Config, defaults

        # No config given (tests, tools): the defaults, never the user's file.
        self.config: Config = config if config is not None else Config(defaults())
        self.animation_level = "full" if self.config.get("ui", "animations") else "none"
        self.db_path = db_path
        self.sources = list(sources)
        self.engine = engine
        self._store: Store | None = None
        self._store_lock = threading.Lock()
        self._extractor: Extractor | None = None
        self._extractor_failed = False
        self._extractor_lock = threading.Lock()
        self._extract_lock = threading.Lock()

    # ------------------------------------------------------------------ core handles
    @property
    def store(self) -> Store:
        """The database, opened on first use (from whichever thread gets there first)."""
        with self._store_lock:
            if self._store is None:
                from newsreader.store import Store

                self._store = Store.open(self.db_path)
            return self._store

    def resolve_sources(self) -> list[str]:
        """What to load: the SOURCEs given, else the subscriptions, else the samples."""
        if self.sources:
            return list(self.sources)
        return list(self.store.subscriptions()) or default_sources()

    @property
    def entities_enabled(self) -> bool:
        return not self._extractor_failed

    def extractor(self) -> Extractor | None:
        """The entity engine, loaded once; None (after one notice) when it cannot load.

        Called from worker threads only: loading an engine may read data files.
        """
        with self._extractor_lock:
            if self._extractor is None and not self._extractor_failed:
                try:
                    self._extractor = self.load_extractor(self.engine)
                except Exception as exc:  # any engine failure just turns highlighting off
                    self._extractor_failed = True
                    if self.screen_stack:
                        self.screen_stack[0].post_message(
                            EntitiesUnavailable(f"{type(exc).__name__}: {exc}")
                        )
            return self._extractor

    def load_extractor(self, name: str) -> Extractor:
        """Build the named engine through the registry (tests replace this)."""
        from newsreader.entities.registry import get_extractor

        return get_extractor(name)

    @staticmethod
    def engine_key(extractor: Extractor) -> str:
        """What stored entities are filed under: recomputed when name or version changes."""
        return f"{extractor.name}:{extractor.version}"

    def ensure_entities(
        self, key: int, article: Article | None = None
    ) -> list[StoredEntity] | None:
        """The article's stored entities, extracting and saving them first if needed.

        Called from worker threads. One lock around check-compute-save means the
        reader's worker and the background batch never extract the same article
        twice; the wait is at most one extraction.
        """
        extractor = self.extractor()
        if extractor is None:
            return None
        engine = self.engine_key(extractor)
        store = self.store
        with self._extract_lock:
            entities = store.entities(key, engine)
            if entities is not None:
                return list(entities)
            if article is None:
                article = store.article(key)
                if article is None:
                    return None
            spans = extractor.extract(article.text, published=article.published)
            store.save_entities(key, engine, spans, for_text=article.text)
            return list(store.entities(key, engine) or [])

    # ------------------------------------------------------------------ lifecycle
    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Entity colours for the current theme (re-read on every theme change)."""
        return theme_variables(self.current_theme.dark)

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def on_mount(self) -> None:
        """Apply the config: key remaps, then the theme; report its problems once."""
        from newsreader.ui.settings import apply_config

        apply_config(self)

    def on_unmount(self) -> None:
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every action of the screen next to Textual's own:
        generated from the live bindings (as ``?`` is), so none is missing or made up."""
        from newsreader.ui.commands import binding_commands

        yield from super().get_system_commands(screen)
        yield from binding_commands(screen)

    # ------------------------------------------------------------------ actions
    def action_help(self) -> None:
        """Show the keys of the screen on top, pane by pane (read from the live bindings)."""
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        sections: list[tuple[str, list[tuple[str, str]]]] = [
            ("Everywhere", binding_rows([screen, self])),
        ]
        for title, selector in getattr(screen, "HELP_SECTIONS", ()):
            nodes = list(screen.query(selector))
            if nodes:
                sections.append((title, binding_rows(nodes)))
        self.push_screen(HelpScreen(sections))


def run_app(db_path: Path | None, sources: list[str], engine: str = "default",
            config_path: Path | None = None) -> None:
    """Open the app on ``sources`` (or the subscriptions, or the samples) until the user quits.

    ``config_path`` names the config file (None: ``$NEWSREADER_CONFIG`` or the
    platform config dir).
    """
    from newsreader.config import load_config

    config = load_config(config_path)
    NewsReaderApp(db_path, sources, engine=engine, config=config).run()
