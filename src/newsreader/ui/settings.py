"""Applying the config file to the running app, and remembering the theme.

Kept out of ``app.py`` so the app class stays about handles and screens.
Order matters: the keymap first (so the first frame's footer already shows
remapped keys), then the theme. The theme named in the config wins; without
one, the last theme chosen in the app (kept in the store's ``settings``
table) comes back. Every later theme change is saved, in a thread worker,
because the UI never waits on SQLite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsreader.ui.text import safe_line

if TYPE_CHECKING:
    from textual.theme import Theme

    from newsreader.ui.app import NewsReaderApp

#: The ``settings`` key the chosen theme is kept under.
THEME_SETTING = "ui.theme"


def apply_config(app: NewsReaderApp) -> None:
    config = app.config
    for problem in config.problems:
        words = safe_line(problem)
        if "default" not in words:  # most problems already say what is used instead
            words += " (using the defaults)"
        app.notify(f"Config: {words}", severity="warning", markup=False, timeout=10)
    if config.keys:
        unknown = sorted(set(config.keys) - known_binding_ids(app))
        if unknown:
            app.notify(f"Config [keys]: no binding called {', '.join(unknown)}",
                       severity="warning", markup=False, timeout=10)
        app.set_keymap(dict(config.keys))
    wanted = str(config.get("ui", "theme") or "")
    if wanted:
        if wanted in app.available_themes:
            app.theme = wanted
        else:
            app.notify(f"Config: no theme called {safe_line(wanted)!r}; "
                       f"try one of {', '.join(sorted(app.available_themes)[:6])}…",
                       severity="warning", markup=False, timeout=10)
    else:
        app.run_worker(lambda: _restore_theme(app), thread=True, exit_on_error=False,
                       group="theme", description="Restore the last theme")
    app.theme_changed_signal.subscribe(app, lambda theme: _remember(app, theme))


def _restore_theme(app: NewsReaderApp) -> None:
    name = app.store.setting(THEME_SETTING)
    if isinstance(name, str) and name in app.available_themes and name != app.theme:
        app.call_from_thread(setattr, app, "theme", name)


def _remember(app: NewsReaderApp, theme: Theme) -> None:
    name = theme.name
    app.run_worker(lambda: app.store.set_setting(THEME_SETTING, name), thread=True,
                   exit_on_error=False, group="theme-save", description="Remember the theme")


def known_binding_ids(app: NewsReaderApp) -> set[str]:
    """Every binding id the app, its screens and widgets declare (for checking [keys])."""
    from textual.binding import Binding
    from textual.dom import DOMNode

    ids: set[str] = set()
    stack: list[type] = [DOMNode]
    seen: set[type] = set()
    while stack:  # every DOMNode subclass loaded so far: widgets and screens alike
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("newsreader."):
            continue
        for binding in getattr(cls, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    for binding in app.BINDINGS:
        if isinstance(binding, Binding) and binding.id:
            ids.add(binding.id)
    return ids
