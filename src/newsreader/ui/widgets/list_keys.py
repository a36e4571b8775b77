"""The vim keys every option list of the app shares: j/k to move, g/G to the ends.

One definition, so a list added later cannot forget ``g``/``G`` (the entity
view and the sidebar once had only ``j``/``k``). Each binding keeps an id of
its own list (``<prefix>.down`` ...), so ``[keys]`` in the config can rebind
one list's keys without touching another's.
"""

from __future__ import annotations

from textual.binding import Binding


def list_bindings(prefix: str, noun: str, *, first: str = "", last: str = "") -> list[Binding]:
    """``j``/``k``/``g``/``G`` for an ``OptionList`` of ``noun`` items.

    ``first``/``last`` say what the ends are ("newest", "oldest") when the
    order means something to the reader.
    """
    return [
        Binding("j", "cursor_down", "Down", show=False, id=f"{prefix}.down",
                tooltip=f"Next {noun}"),
        Binding("k", "cursor_up", "Up", show=False, id=f"{prefix}.up",
                tooltip=f"Previous {noun}"),
        Binding("g", "first", "First", show=False, id=f"{prefix}.first",
                tooltip=f"First {f'({first}) ' if first else ''}{noun}"),
        Binding("G", "last", "Last", show=False, id=f"{prefix}.last",
                tooltip=f"Last {f'({last}) ' if last else ''}{noun}"),
    ]
