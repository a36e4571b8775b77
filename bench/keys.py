#!/usr/bin/env python3
"""Key press to the next article shown in the reader (goal: median <= 30 ms over 200 presses).

Pilot-driven: the real app (``NewsReaderApp``, the shipped entity engine) on
a copy of a cached store (fill.py, gen_feeds.py articles), headless at
160x45. For each of ``--presses`` presses of ``j`` the clock starts just
before ``pilot.press("j")`` and stops when the first frame in which the
reader drew the new row's article (``Reader.show_article`` called, then the
reader's ``render_line``) has been composed and encoded for the terminal:
the app's ``_display`` is wrapped on this one instance so that, as with a
real terminal, the compositor update is turned into escape sequences
(``render_segments``) before the time is taken. A frame that repaints only
the list's cursor does not count. Only the final write to a terminal is
missing, and nothing in the app is changed.

Between presses the app is left to settle (the article's entities found and
shown), like someone glancing at each article; ``--no-settle`` presses again
as soon as the article is shown, like holding ``j`` down.

    python bench/keys.py                        # 100k store, 200 presses
    python bench/keys.py --articles 10000 --presses 50
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fill

GOAL_MS = 30.0
SIZE = (160, 45)


class Clock:
    """Records when each article was shown and when a frame with it reached the 'terminal'."""

    def __init__(self) -> None:
        self.pending: int | None = None
        self.drawn = False
        self.framed: dict[int, float] = {}

    def shown(self, key: int) -> None:
        self.pending = key
        self.drawn = False

    def draw(self, key: int | None) -> None:
        if key is not None and key == self.pending:
            self.drawn = True

    def frame(self) -> None:
        if self.pending is not None and self.drawn:
            self.framed.setdefault(self.pending, time.perf_counter())
            self.pending = None


def instrument(app: Any, clock: Clock) -> None:
    """Wrap ``reader.show_article``, ``reader.render_line`` and ``app._display`` on these
    instances only.

    A frame counts only once the reader has drawn a line of the new article
    for it: a frame that repaints just the list's cursor is not the article
    shown.
    """
    from textual._compositor import CompositorUpdate

    reader = app.screen.reader
    show_article = reader.show_article
    render_line = reader.render_line
    display = app._display

    def timed_render_line(y: int) -> Any:
        clock.draw(reader.article_key)
        return render_line(y)

    def timed_show(key: int, article: Any) -> None:
        show_article(key, article)
        clock.shown(key)

    def timed_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is None:
            return
        if isinstance(renderable, CompositorUpdate):
            # Headless skips this; a real terminal pays it on every frame.
            renderable.render_segments(app.console)
        clock.frame()

    reader.show_article = timed_show
    reader.render_line = timed_render_line
    app._display = timed_display


async def settle(app: Any, pilot: Any, timeout: float = 30.0) -> None:
    """Until no worker is pending or running (the article's entities are in)."""
    from textual.worker import WorkerState

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        await pilot.pause()
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
            return
        await asyncio.sleep(0.005)


async def wait_shown(clock: Clock, key: int, timeout: float = 30.0) -> float:
    deadline = time.perf_counter() + timeout
    while key not in clock.framed:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"article {key} was never shown")
        await asyncio.sleep(0.0005)
    return clock.framed[key]


async def measure(db: Path, empty: Path, presses: int, settle_between: bool,
                  ner: str = "default") -> list[float]:
    from newsreader.ui.app import NewsReaderApp

    app = NewsReaderApp(db, [str(empty)], engine=ner)
    app.animation_level = "none"
    clock = Clock()
    latencies: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        deadline = time.perf_counter() + 120
        while screen.articles.row_count == 0 or screen.reader.article_key is None:
            if time.perf_counter() > deadline:
                raise TimeoutError("the list never filled")
            await pilot.pause(0.01)
        await settle(app, pilot)  # the entity model is loaded once, here
        instrument(app, clock)
        articles = screen.articles
        for _ in range(presses):
            index = articles.cursor + 1
            if index >= articles.row_count:
                break
            key = articles.rows[index].key
            start = time.perf_counter()
            await pilot.press("j")
            latencies.append((await wait_shown(clock, key)) - start)
            if settle_between:
                await settle(app, pilot)
        with contextlib.suppress(Exception):
            await app.workers.wait_for_complete()
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--kind", choices=["feeds", "synthetic"], default="feeds",
                        help="gen_feeds.py articles (default) or synthetic ones")
    parser.add_argument("--no-settle", action="store_true",
                        help="press again as soon as the article is shown")
    parser.add_argument("--ner", metavar="ENGINE", default="default",
                        help="entity engine (diagnostic: `--ner rules` shows what the "
                             "model's extraction, running beside the paint, costs)")
    args = parser.parse_args(argv)
    if args.kind == "feeds" and not fill.GEN.is_file():
        print(f"skipped: {fill.GEN} not found (../shared is not beside the repository)")
        return 0
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    store = fill.cached_store(args.articles, kind=args.kind)
    with tempfile.TemporaryDirectory(prefix="keys-", dir=fill.WORK) as tmp:
        db = fill.scratch_copy(store, Path(tmp))
        empty = Path(tmp) / "no-sources"
        empty.mkdir()
        latencies = asyncio.run(
            measure(db, empty, args.presses, not args.no_settle, args.ner))
    ms = [x * 1000 for x in latencies]
    median = statistics.median(ms)
    print(f"code: {fill.code_version()}")
    mode = "held down" if args.no_settle else "settled between presses"
    print(f"keys ({args.articles:,} {args.kind} articles, engine {args.ner}, "
          f"{len(ms)} presses of j, {mode}; "
          f"load average before {load}, after "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    print(f"keys: p10 {percentile(ms, 0.1):.1f} ms, p90 {percentile(ms, 0.9):.1f} ms, "
          f"max {max(ms):.1f} ms")
    verdict = "met" if median <= GOAL_MS else "NOT met"
    print(f"keys: median {median:.1f} ms at {args.articles // 1000}k "
          f"(goal <= {GOAL_MS:.0f} ms: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
