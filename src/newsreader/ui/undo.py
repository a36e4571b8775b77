"""One undo step at a time, for a few seconds: the ``u`` / ``ctrl+z`` of every screen.

A step has two halves. ``undo`` puts the screen back (rows, counts) and any
store state that was already written; ``commit`` is the store write that
was *deferred* until the undo window closes. Deferring is how removing a
bookmark stays undoable: the bookmark row holds the article's copy, its note
and its tags, so deleting it at once and re-bookmarking on undo would lose
all three (and the whole article when its feed has since dropped it).

The pending commit happens when the window closes (in a thread worker),
when another step takes the slot (the old one loses its undo, so it becomes
real), or when the owner asks (:meth:`UndoSlot.commit` before reading the
store again, and on unmount, synchronously, before the app closes the store).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.timer import Timer

#: How long an undo step stays available.
UNDO_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class UndoStep:
    """What was done, how to take it back, and the store write still owed."""

    what: str
    undo: Callable[[], None]
    commit: Callable[[], None] | None
    timer: Timer
    key: object = None  # what the step is about (an article key), for look-ups


class UndoSlot:
    """Holds the one undo step of ``owner`` (a screen) and says so in a notice."""

    def __init__(self, owner: DOMNode, seconds: float = UNDO_SECONDS) -> None:
        self.owner = owner
        self.seconds = seconds
        self._step: UndoStep | None = None

    @property
    def pending(self) -> UndoStep | None:
        return self._step

    def offer(self, what: str, undo: Callable[[], None],
              commit: Callable[[], None] | None = None, *, key: object = None) -> None:
        """Make ``undo`` the one undo step for a while; ``commit`` runs if it is not taken."""
        self.commit(in_thread=True)  # the previous step loses its undo: make it real
        timer = self.owner.set_timer(self.seconds, self._expire)
        self._step = UndoStep(what, undo, commit, timer, key)
        self.owner.notify(f"{what}. Press u to undo.", markup=False, timeout=self.seconds)

    def undo(self) -> bool:
        """Take the step back; say "Nothing to undo." when there is none."""
        step, self._step = self._step, None
        if step is None:
            self.owner.notify("Nothing to undo.", timeout=2)
            return False
        step.timer.stop()
        step.undo()
        self.owner.app.clear_notifications()  # "Press u to undo" is no longer true
        self.owner.notify(f"Undone: {step.what}.", markup=False, timeout=3)
        return True

    def commit(self, *, in_thread: bool = False) -> None:
        """Make the pending step real now: its deferred store write, if any."""
        step, self._step = self._step, None
        if step is None:
            return
        step.timer.stop()
        if step.commit is None:
            return
        if in_thread:
            self.owner.run_worker(step.commit, thread=True, exit_on_error=False,
                                  group="undo-commit", description=step.what)
        else:
            step.commit()

    def _expire(self) -> None:
        self.commit(in_thread=True)
