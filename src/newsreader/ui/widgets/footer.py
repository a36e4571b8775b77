"""The key footer: Textual's own, rebuilt once for a burst of binding changes.

Textual's ``Footer`` rebuilds all its keys (a ``FooterKey`` widget each,
restyled twice) after every binding change, and the main screen's start-up
makes three in a row (focus, screen resume, the focus styles): three
rebuilds of ~15 ms in front of the first article's frame, though the keys
shown change once. Here changes that arrive before a queued rebuild has
run are served by that one rebuild, and a rebuild that would show the same
keys as the last one is skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Footer as TextualFooter

if TYPE_CHECKING:
    from textual.screen import Screen


class Footer(TextualFooter):
    """Textual's footer with binding changes coalesced (see the module docstring)."""

    _rebuild_queued = False
    _shown: tuple[Any, ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if self._rebuild_queued:
            return
        # Textual's own steps (textual 8.2), with the rebuild queued only once.
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        self._rebuild_queued = True
        self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_queued = False
        shown = self._keys_shown()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _keys_shown(self) -> tuple[Any, ...]:
        """What the footer's keys depend on: each active binding and whether it is enabled."""
        return tuple(
            (key, binding.action, binding.description, binding.show, binding.key_display,
             enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
        )
