#!/usr/bin/env python3
"""What ``make bench`` runs: every benchmark in turn, then one summary line each.

Each bench prints its figure on its last line and says ``skipped: ...``
itself when its inputs (``../shared``, newsboat, tmux) are missing; this
runner adds nothing to the figures. It streams each bench's output as it
runs, keeps the last line, and ends with a table of those last lines. Benches
listed here but not present (another part not merged yet) are reported as
not present; any other ``bench/*.py`` script found is run without arguments,
so a new bench is never silently left out. A bench that crashes is reported
and makes the exit status 1; a goal not met is a figure, not a failure.

    python bench/run_all.py                  # everything (about an hour with 100k stores)
    python bench/run_all.py --only startup keys
    python bench/run_all.py --list
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
#: Not benchmarks: the store builder and this runner.
HELPERS = {"fill.py", "run_all.py"}

#: (label, script, arguments), in the order they run: quick ones first.
PLAN: list[tuple[str, str, list[str]]] = [
    ("html_to_text", "html_to_text.py", []),
    ("ner", "ner.py", []),
    ("refresh fresh", "refresh.py", ["fresh"]),
    ("refresh warm", "refresh.py", ["warm"]),
    ("refresh latency", "refresh.py", ["latency"]),
    ("refresh memory", "refresh.py", ["memory"]),
    ("search", "search.py", []),
    ("keys 100k", "keys.py", ["--articles", "100000"]),
    ("startup", "startup.py", ["--sizes", "10000", "100000"]),
    ("memory 100k", "memory.py", ["--sizes", "100000"]),
]


def plan() -> list[tuple[str, str, list[str]]]:
    """The fixed plan plus any bench script it does not name."""
    named = {script for _, script, _ in PLAN}
    extra = sorted(p.name for p in BENCH.glob("*.py")
                   if p.name not in named and p.name not in HELPERS)
    return PLAN + [(name.removesuffix(".py"), name, []) for name in extra]


def run(script: str, args: list[str]) -> tuple[int, str, float]:
    """Run one bench, echoing its output; (exit status, last non-empty line, seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(BENCH / script), *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        encoding="utf-8", errors="replace", cwd=BENCH.parent,
    )
    assert proc.stdout is not None
    last = ""
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if line.strip():
            last = line.strip().replace("\r", " ")
    return proc.wait(), last, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="run only benches whose label starts with one of these")
    parser.add_argument("--list", action="store_true", help="print the plan and exit")
    args = parser.parse_args(argv)
    steps = plan()
    if args.only:
        steps = [step for step in steps if any(step[0].startswith(o) for o in args.only)]
    if args.list:
        for label, script, extra in steps:
            present = "" if (BENCH / script).is_file() else "  (not present)"
            print(f"{label:18} {' '.join([script, *extra])}{present}")
        return 0
    results: list[tuple[str, str]] = []
    failed = 0
    for label, script, extra in steps:
        if not (BENCH / script).is_file():
            results.append((label, f"not present ({script})"))
            continue
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"\n=== {label}: {' '.join([script, *extra])} (load average {load})", flush=True)
        status, last, seconds = run(script, extra)
        if status != 0:
            failed += 1
            last = f"FAILED (exit {status}): {last}"
        results.append((label, f"{last}  [{seconds:.0f} s]"))
    print("\n=== summary (each bench's last line)")
    for label, last in results:
        print(f"{label:18} {last}")
    print(f"bench: {len(results)} benches, {failed} failed, "
          f"{sum('skipped' in last or 'not present' in last for _, last in results)} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
