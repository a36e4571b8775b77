#!/usr/bin/env python3
"""Peak memory while browsing a large store, newsreader vs newsboat on the same articles.

Goal (issue "Scale and speed"): browsing a 100,000-article store peaks at
most 1.5x newsboat's resident memory on the same articles.

Both programs run in the same private tmux terminal as in ``startup.py``
and do the same browsing: start, wait for the list, open the first article
(ours shows it at once; newsboat: ``Enter Enter``, the first feed, then its
first article), then step to the next article ``--steps`` times (ours:
``j``; newsboat: ``n``, next unread), one key every ``--interval`` seconds,
then idle for two seconds. The figure is the kernel's resident-set
high-water mark (``VmHWM`` in ``/proc/PID/status``) of the program's process
just before it quits, so no sampling can miss a peak. Ours includes its
thread workers and the entity engine (the model loads when the first
article is shown).

    python bench/memory.py                    # 100k
    python bench/memory.py --sizes 10000 100000 --steps 30
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fill
import startup

GOAL = 1.5


def browse(tmux: startup.Tmux, name: str, first: tuple[str, ...], step: str,
           steps: int, interval: float) -> None:
    if first:
        tmux.keys(name, *first)
        time.sleep(interval)
    for _ in range(steps):
        tmux.keys(name, step)
        time.sleep(interval)
    time.sleep(2.0)


def peak_ours(tmux: startup.Tmux, setup: startup.Setup, steps: int, interval: float) -> float:
    name, start = setup.launch_ours(tmux)
    try:
        tmux.wait_for(name, setup.ready, start)
        browse(tmux, name, (), "j", steps, interval)
        return startup.peak_rss_mb(tmux.pid(name))
    finally:
        tmux.stop(name, ("q",))


def peak_newsboat(tmux: startup.Tmux, setup: startup.Setup, steps: int,
                  interval: float) -> float:
    name, start = setup.launch_newsboat(tmux)
    try:
        tmux.wait_for(name, startup.newsboat_ready, start)
        browse(tmux, name, ("Enter", "Enter"), "n", steps, interval)
        return startup.peak_rss_mb(tmux.pid(name))
    finally:
        tmux.stop(name, ("Q",))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    startup.exit_on_sigterm()
    reason = startup.preflight()
    if reason:
        print(f"skipped: {reason}")
        return 0
    version = fill.newsboat_version()
    print(f"code: {fill.code_version()}")
    print(f"newsboat: {version or 'not installed'}; {args.steps} steps, one every "
          f"{args.interval:g} s; {startup.load()}")
    last = ""
    with tempfile.TemporaryDirectory(prefix="memory-", dir=fill.WORK) as tmp, \
            startup.Tmux() as tmux:
        for size in args.sizes:
            setup = startup.Setup(size, Path(tmp), version is not None)
            mine = [peak_ours(tmux, setup, args.steps, args.interval) for _ in range(args.runs)]
            ours = statistics.median(mine)
            print(f"{size:,}: ours peak RSS {ours:.0f} MB; {startup.load()}")
            last = f"memory {size // 1000}k: ours {ours:.0f} MB"
            if setup.newsboat is not None:
                theirs = [peak_newsboat(tmux, setup, args.steps, args.interval)
                          for _ in range(args.runs)]
                nb = statistics.median(theirs)
                ratio = ours / nb
                verdict = "met" if ratio <= GOAL else "NOT met"
                print(f"{size:,}: newsboat peak RSS {nb:.0f} MB; ratio {ratio:.2f} "
                      f"(goal <= {GOAL}: {verdict})")
                last += f", newsboat {nb:.0f} MB, ratio {ratio:.2f} (goal <= {GOAL}: {verdict})"
    print(last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
