#!/usr/bin/env python3
"""HTML-to-text benchmark: the fast converter against the html.parser one, same run.

``newsreader.content.html_to_text_and_links`` takes a fast path (one
``re.split`` of the input, local-variable event loop) and falls back to the
html.parser converter for markup it does not accept. This bench converts
every item body of the synthetic feeds (``../shared/bench/gen_feeds.py``,
150-800-word HTML bodies, cached under ``--work``) with both and prints
items/s and ms/item for each, then ``speedup X`` last (goal: about 3x).

The item HTML is what feedparser gives the sources code (the longest
``content`` value, else the summary), converted with the feed's URL as base,
exactly as a refresh does. Both converters run alternately ``--runs`` times
and the fastest run of each counts: on a shared machine the minimum is the
least disturbed figure. Times are CPU time of this process
(``time.process_time``), so other processes on the machine matter less.
Before timing, the outputs are compared; any difference is reported and
fails the bench (exit 1), since the fast path must never change a text.

    .venv/bin/python bench/html_to_text.py
    .venv/bin/python bench/html_to_text.py --feeds 50 --items 50 --runs 7

Without ``../shared`` the bench prints ``skipped`` and exits 0.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GEN = SHARED / "bench" / "gen_feeds.py"

sys.path.insert(0, str(REPO / "src"))

Convert = Callable[..., tuple[str, list[str]]]


def corpus(work: Path, feeds: int, items: int) -> Path:
    """Generate (once) the feeds for this size; gen_feeds.py is deterministic."""
    out = work / f"feeds-{feeds}x{items}"
    if not (out / "manifest.json").exists():
        subprocess.run(
            [sys.executable, str(GEN), "--feeds", str(feeds), "--items", str(items),
             "--out", str(out), "--quiet"],
            check=True,
        )
    return out


def item_bodies(folder: Path) -> list[tuple[str, str]]:
    """(html, base_url) of every item: the text a refresh hands to html_to_text."""
    import feedparser

    bodies: list[tuple[str, str]] = []
    for path in sorted(folder.glob("feed-*.xml"), key=lambda p: int(p.stem.split("-")[1])):
        base = f"http://127.0.0.1:8765/{path.name}"
        for entry in feedparser.parse(path.read_bytes()).entries:
            contents = [c.get("value") or "" for c in entry.get("content") or []]
            html = max(contents, key=len) if any(contents) else entry.get("summary") or ""
            if html:
                bodies.append((html, base))
    return bodies


def one_run(convert: Convert, bodies: list[tuple[str, str]]) -> float:
    """CPU seconds to convert every body once."""
    start = time.process_time()
    for html, base in bodies:
        convert(html, base)
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "newsreader-bench"
    )
    args = parser.parse_args(argv)
    if not GEN.exists():
        print(f"skipped: {GEN.parent} is not here")
        return 0
    from newsreader import content

    args.work.mkdir(parents=True, exist_ok=True)
    bodies = item_bodies(corpus(args.work, args.feeds, args.items))
    if not bodies:
        print("skipped: the generated feeds have no items")
        return 0
    chars = sum(len(html) for html, _ in bodies)
    print(f"{len(bodies)} items from {args.feeds} feeds, {chars / len(bodies):,.0f} chars/item "
          f"on average; best of {args.runs} runs, CPU time")

    old: Convert = content._reference_html_to_text_and_links
    new: Convert = content.html_to_text_and_links
    differ = sum(1 for html, base in bodies if new(html, base) != old(html, base))
    fallback = sum(
        1 for html, base in bodies
        if content._convert_fast(content.esc_refs_to_esc(html), base, False, True) is None
    )
    print(f"outputs differ: {differ}; items left to html.parser: {fallback}")

    best = {"html.parser (old)": float("inf"), "fast (new)": float("inf")}
    for _ in range(args.runs):
        for name, convert in zip(best, (old, new), strict=True):
            best[name] = min(best[name], one_run(convert, bodies))
    for name, seconds in best.items():
        print(f"{name:18} {len(bodies) / seconds:9,.0f} items/s "
              f"{seconds / len(bodies) * 1000:7.3f} ms/item")
    old_s, new_s = best.values()
    print(f"speedup {old_s / new_s:.2f}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
