#!/usr/bin/env python3
"""Time to interactive: newsreader's first article in the reader vs newsboat's feed list.

Goals (issue "Scale and speed"): with 10,000 stored articles, launch to the
first article shown in the reader in at most 0.25x newsboat's time to its
feed list on the same articles; with 100,000, at most 0.04x newsboat and at
most 1.2x our own 10,000 figure.

Method: both programs run in the same real terminal, a private tmux server
(``tmux -L nrbench-PID``, 160x45, ``tmux-256color``), and the screen is
polled until the goal state is visible, so nothing inside the app is
trusted or changed:

* ours: ``newsreader --db STORE EMPTY_FOLDER`` until the newest article's
  title is shown at the start of a pane line (the reader's title line; in
  the list the title follows the date and source columns). The empty
  folder is the one SOURCE, so the launch reads no feeds (like newsboat,
  which does not reload on start) and the sample feeds are not added. The
  store's copy is subscribed to the same 200 feed files newsboat's ``urls``
  lists, so our feeds pane, like newsboat's feed list, shows 200 feeds with
  their counts (``--no-subscriptions``: the bare store, as before);
* newsboat: ``newsboat -u urls -c cache.db -C config`` until the
  "Your feeds (" title line and the first feed row are on screen.

The clock starts when the ``new-session`` command is written to a tmux
control-mode client (so no tmux client start-up is counted) and stops when
a ``capture-pane`` shows the goal; captures go through the same control
connection every 5 ms, so the resolution is about 5 ms. Both programs read
the same gen_feeds.py articles (see fill.py), from caches warmed by one
discarded launch each. Each round runs, for every size, ours then newsboat,
so the two programs and the two sizes see the same machine load; the
medians of the rounds are compared.

Ours runs with its bytecode cached (``PYTHONPYCACHEPREFIX`` under the
bench's work folder, written by the discarded launch), as an installed
program has it: pip compiles a package when it installs it. Where
``PYTHONDONTWRITEBYTECODE`` is set (as in the development sandbox) every
launch would otherwise compile our ~50 modules again, ~60-70 ms that no
user pays; ``--compile-each-launch`` measures that case.

    python bench/startup.py                  # 10k and 100k, 5 rounds
    python bench/startup.py --sizes 10000 --runs 3

The last line is ``ratio X``: ours / newsboat at 10,000 articles (the
headline goal), after a line with all three ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fill

WIDTH, HEIGHT = 160, 45
POLL_S = 0.005
GOALS = {10_000: 0.25, 100_000: 0.04}
OWN_SCALE_GOAL = 1.2  # ours at 100k / ours at 10k
NEWSREADER = fill.REPO / ".venv" / "bin" / "newsreader"

# --------------------------------------------------------------------------- tmux


class TmuxError(RuntimeError):
    pass


class Tmux:
    """A private tmux server driven through one control-mode client.

    Control mode (``tmux -C``) keeps one connection open, so launching a
    program or capturing its screen costs a line written to a pipe rather
    than a new tmux client process (about 20 ms each on a loaded machine).
    """

    def __init__(self, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.width, self.height = width, height
        self.socket = f"nrbench-{os.getpid()}"
        base = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        subprocess.run([*base, "new-session", "-d", "-s", "hold", "sleep 86400"], check=True)
        for option, value in (("default-terminal", "tmux-256color"),
                              ("remain-on-exit", "on")):  # a program that fails stays readable
            subprocess.run([*base, "set-option", "-g", option, value], check=True)
        self.proc = subprocess.Popen(
            [*base, "-C", "attach-session", "-t", "hold"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            encoding="utf-8", errors="replace",
        )
        self._count = 0
        self.socket_path = ""
        # The attach itself answers with a block first: skip blocks up to our token.
        self._send("display-message -p nrbench-ready")
        while self._block() != ["nrbench-ready"]:
            pass
        self.socket_path = self.command("display-message -p '#{socket_path}'")[0]

    def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def command(self, line: str) -> list[str]:
        """Run one tmux command; its output lines (raises on ``%error``)."""
        self._send(line)
        return self._block(line)

    def _block(self, line: str = "attach") -> list[str]:
        """The output block of our next command.

        Notifications outside blocks are skipped, and so are blocks whose flags
        are 0: tmux runs those itself (the attach), they answer no command of ours.
        """
        assert self.proc.stdout is not None
        out: list[str] = []
        begin: list[str] | None = None
        while True:
            text = self.proc.stdout.readline()
            if not text:
                raise TmuxError(f"tmux control client exited during {line!r}")
            text = text.rstrip("\n")
            if begin is None:
                if text.startswith("%begin "):
                    begin = text.split()
                continue
            if text.startswith(("%end ", "%error ")) and text.split()[1:3] == begin[1:3]:
                if begin[3:] == ["0"]:
                    begin, out = None, []
                    continue
                if text.startswith("%error"):
                    raise TmuxError(f"{line!r}: {' '.join(out)}")
                return out
            out.append(text)

    def launch(self, argv: list[str], env: dict[str, str] | None = None) -> tuple[str, float]:
        """Start ``argv`` in a new session; its name and the start time (perf_counter)."""
        self._count += 1
        name = f"run{self._count}"
        env_flags = " ".join(f"-e {shlex.quote(f'{k}={v}')}" for k, v in (env or {}).items())
        line = (f"new-session -d -s {name} -x {self.width} -y {self.height} {env_flags} "
                + shlex.quote("exec " + shlex.join(argv)))
        start = time.perf_counter()
        self.command(line)
        return name, start

    def screen(self, name: str) -> str:
        return "\n".join(self.command(f"capture-pane -p -t {name}"))

    def pid(self, name: str) -> int:
        return int(self.command(f"display-message -p -t {name} '#{{pane_pid}}'")[0])

    def keys(self, name: str, *keys: str) -> None:
        self.command(f"send-keys -t {name} " + " ".join(shlex.quote(k) for k in keys))

    def wait_for(self, name: str, ready: Callable[[str], bool], start: float,
                 timeout: float = 120.0) -> float:
        """Seconds from ``start`` until the screen satisfies ``ready``."""
        deadline = start + timeout
        while True:
            screen = self.screen(name)
            now = time.perf_counter()
            if ready(screen):
                return now - start
            if self.command(f"display-message -p -t {name} '#{{pane_dead}}'") == ["1"]:
                tail = " | ".join(line.strip() for line in screen.splitlines() if line.strip())
                raise TmuxError(f"the program exited; screen: {tail[:300]}")
            if now > deadline:
                tail = " | ".join(line.strip() for line in screen.splitlines() if line.strip())
                raise TmuxError(f"not ready after {timeout:.0f} s; screen: {tail[:300]}")
            time.sleep(POLL_S)

    def stop(self, name: str, quit_keys: tuple[str, ...] = ()) -> None:
        """Quit the program (its own key first), then end the session; wait for the process."""
        try:
            pid = self.pid(name)
        except (TmuxError, ValueError, IndexError):
            return
        if quit_keys:
            with contextlib.suppress(TmuxError):
                self.keys(name, *quit_keys)
        if not _wait_gone(pid, 10.0):
            with contextlib.suppress(TmuxError):
                self.command(f"kill-session -t {name}")
            if not _wait_gone(pid, 5.0):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                _wait_gone(pid, 5.0)
        with contextlib.suppress(TmuxError):
            self.command(f"kill-session -t {name}")

    def close(self) -> None:
        with contextlib.suppress(TmuxError, BrokenPipeError, OSError):
            self.command("kill-server")
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        if self.proc.poll() is None:
            self.proc.kill()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       check=False)
        if self.socket_path.endswith(self.socket):
            Path(self.socket_path).unlink(missing_ok=True)

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _wait_gone(pid: int, timeout: float) -> bool:
    """True once ``pid`` has exited (the pane's process is tmux's child, not ours)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rpartition(")")[2].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.02)
    return False


def peak_rss_mb(pid: int) -> float:
    """The process's resident-memory high-water mark (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise TmuxError(f"no VmHWM for pid {pid}")


# --------------------------------------------------------------------------- the two programs


def reader_shows(title: str) -> Callable[[str], bool]:
    """Ready when ``title`` starts a pane's text: the reader, not a list row.

    A list row puts marks, the date and the source before the title, so only
    the reader's title line has nothing but a border and spaces before it.
    """
    from newsreader.ui.text import safe_line

    prefix = safe_line(title)[:24].rstrip()

    def ready(screen: str) -> bool:
        for line in screen.splitlines():
            at = line.find(prefix)
            while at >= 0:
                before = line[:at].rsplit("│", 1)
                if len(before) == 2 and not before[1].strip():
                    return True
                at = line.find(prefix, at + 1)
        return False

    return ready


def newsboat_ready(screen: str) -> bool:
    """newsboat's feed list: the "Your feeds (N unread, M total)" line and feed row 1."""
    lines = screen.splitlines()
    return bool(lines) and "Your feeds (" in lines[0] and any(
        line.lstrip().startswith("1 ") for line in lines[1:3]
    )


def ours_argv(db: Path, empty: Path, ner: str | None = None) -> list[str]:
    return [str(NEWSREADER), "--db", str(db), *(["--ner", ner] if ner else []), str(empty)]


def newsboat_argv(folder: Path) -> list[str]:
    return ["newsboat", "-u", str(folder / "urls"), "-c", str(folder / "cache.db"),
            "-C", str(folder / "config")]


ENV = {"COLORTERM": "truecolor", "NEWSREADER_DEBUG": ""}
#: Where ours keeps its bytecode (see the module docstring): one folder per
#: interpreter, outside the repository, so nothing is written into src/.
PYCACHE = fill.WORK / f"pycache-{sys.implementation.cache_tag}"


def ours_env(bytecode_cache: bool) -> dict[str, str]:
    """The environment of our launches: with a bytecode cache, as an installed copy has."""
    if not bytecode_cache:
        return dict(ENV)
    # An empty PYTHONDONTWRITEBYTECODE counts as unset, so the warm-up launch writes.
    return {**ENV, "PYTHONPYCACHEPREFIX": str(PYCACHE), "PYTHONDONTWRITEBYTECODE": ""}


def subscribe_sources(db: Path) -> int:
    """Subscribe a store to every source its articles came from (the feed files).

    The cached stores are filled with ``add_articles`` only; newsboat's
    cache has its 200 feeds in ``urls``. Subscribing the copy gives our feeds
    pane the same 200 rows (with unread counts) newsboat's list shows, so
    neither side skips the work of listing feeds. No feed is fetched: the
    launch names an empty folder as its SOURCE.
    """
    import sqlite3

    from newsreader.store import FeedSpec, Store

    with sqlite3.connect(db) as raw:
        rows = raw.execute(
            "SELECT source, min(source_name) FROM articles GROUP BY source ORDER BY source"
        ).fetchall()
    with Store.open(db) as store:
        added = store.add_feeds(FeedSpec(source, title, (), "file") for source, title in rows)
    return sum(added)


class Setup:
    """One size's inputs: a scratch copy of our store, newsboat's cache, the first title."""

    def __init__(self, articles: int, scratch: Path, with_newsboat: bool,
                 ner: str | None = None, *, subscribe: bool = False,
                 bytecode_cache: bool = False) -> None:
        self.articles = articles
        self.ner = ner
        self.env = ours_env(bytecode_cache)
        self.db = fill.scratch_copy(fill.cached_store(articles, kind="feeds"), scratch)
        self.subscriptions = subscribe_sources(self.db) if subscribe else 0
        self.empty = scratch / "no-sources"
        self.empty.mkdir(exist_ok=True)
        self.newsboat = (fill.scratch_newsboat(fill.newsboat_cache(articles), scratch)
                         if with_newsboat else None)
        from newsreader.store import Store

        with Store.open(self.db) as store:
            self.count = store.count()
            self.first_title = store.headers(limit=1)[0].title
        self.ready = reader_shows(self.first_title)

    def launch_ours(self, tmux: Tmux) -> tuple[str, float]:
        return tmux.launch(ours_argv(self.db, self.empty, self.ner), self.env)

    def launch_newsboat(self, tmux: Tmux) -> tuple[str, float]:
        assert self.newsboat is not None
        return tmux.launch(newsboat_argv(self.newsboat), ENV)


def time_ours(tmux: Tmux, setup: Setup) -> float:
    name, start = setup.launch_ours(tmux)
    try:
        return tmux.wait_for(name, setup.ready, start)
    finally:
        tmux.stop(name, ("q",))


def time_newsboat(tmux: Tmux, setup: Setup) -> float:
    name, start = setup.launch_newsboat(tmux)
    try:
        return tmux.wait_for(name, newsboat_ready, start)
    finally:
        tmux.stop(name, ("Q",))


# --------------------------------------------------------------------------- report


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def runs_text(values: list[float]) -> str:
    return ", ".join(f"{v:.3f}" for v in values)


def exit_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the tmux server and the programs in it are stopped."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def preflight() -> str | None:
    """Why this bench cannot run here, or None."""
    if not fill.GEN.is_file():
        return f"{fill.GEN} not found (../shared is not beside the repository)"
    if shutil.which("tmux") is None:
        return "tmux is not installed"
    if not NEWSREADER.exists():
        return f"{NEWSREADER} not found (run `make test` first)"
    return None


def verdict(value: float, goal: float) -> str:
    return f"goal <= {goal}: {'met' if value <= goal else 'NOT met'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--ner", metavar="ENGINE",
                        help="our entity engine (default: the shipped one); a diagnostic: "
                             "`--ner rules` shows what loading the model costs the first frame")
    parser.add_argument("--no-newsboat", action="store_true", help="time ours only")
    parser.add_argument("--no-subscriptions", action="store_true",
                        help="leave our store without subscriptions (an empty feeds pane)")
    parser.add_argument("--compile-each-launch", action="store_true",
                        help="no bytecode cache for ours (see the module docstring)")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    reason = preflight()
    if reason:
        print(f"skipped: {reason}")
        return 0
    version = fill.newsboat_version()
    with_newsboat = version is not None and not args.no_newsboat
    print(f"code: {fill.code_version()}")
    print(f"newsboat: {version or 'not installed'}; ours: entity engine "
          f"{args.ner or 'default'}, "
          + ("compiling every launch" if args.compile_each_launch
             else f"bytecode cached in {PYCACHE}")
          + f"; terminal: tmux {WIDTH}x{HEIGHT}; {os.cpu_count()} CPUs; {load()}")
    mine: dict[int, list[float]] = {size: [] for size in args.sizes}
    theirs: dict[int, list[float]] = {size: [] for size in args.sizes}
    with tempfile.TemporaryDirectory(prefix="startup-", dir=fill.WORK) as tmp, Tmux() as tmux:
        setups: dict[int, Setup] = {}
        for size in args.sizes:
            scratch = Path(tmp) / str(size)
            scratch.mkdir()
            setup = Setup(size, scratch, with_newsboat, args.ner,
                          subscribe=not args.no_subscriptions,
                          bytecode_cache=not args.compile_each_launch)
            setups[size] = setup
            print(f"{size:,}: ours {setup.count:,} articles, {setup.subscriptions} "
                  f"subscriptions; first title {setup.first_title!r}")
            if setup.newsboat is not None:
                print(f"{size:,}: newsboat {fill.newsboat_unread(setup.newsboat):,} articles "
                      "(all unread)")
            time_ours(tmux, setup)  # warm the page and bytecode caches; not counted
            if setup.newsboat is not None:
                time_newsboat(tmux, setup)
        for round_no in range(1, args.runs + 1):
            line = []
            for size, setup in setups.items():
                mine[size].append(time_ours(tmux, setup))
                line.append(f"{size // 1000}k ours {mine[size][-1]:.3f} s")
                if setup.newsboat is not None:
                    theirs[size].append(time_newsboat(tmux, setup))
                    line.append(f"newsboat {theirs[size][-1]:.3f} s")
            print(f"round {round_no}: {', '.join(line)}; {load()}")
    ours_median = {size: statistics.median(values) for size, values in mine.items()}
    ratios: dict[int, float] = {}
    for size in args.sizes:
        print(f"{size:,}: ours {ours_median[size]:.3f} s (runs {runs_text(mine[size])})")
        if theirs[size]:
            nb = statistics.median(theirs[size])
            ratios[size] = ours_median[size] / nb
            goal = GOALS.get(size)
            print(f"{size:,}: newsboat {nb:.3f} s (runs {runs_text(theirs[size])}); "
                  f"ratio {ratios[size]:.3f}" + (f" ({verdict(ratios[size], goal)})"
                                                 if goal is not None else ""))
    parts = [f"{size // 1000}k ours/newsboat {ratios[size]:.3f}"
             + (f" ({verdict(ratios[size], GOALS[size])})" if size in GOALS else "")
             for size in args.sizes if size in ratios]
    if 10_000 in ours_median and 100_000 in ours_median:
        scale = ours_median[100_000] / ours_median[10_000]
        parts.append(f"100k/10k ours {scale:.2f} ({verdict(scale, OWN_SCALE_GOAL)})")
    print("startup: " + "; ".join(
        [f"{size // 1000}k ours {ours_median[size]:.3f} s" for size in args.sizes]))
    if parts:
        print("ratios (same run): " + "; ".join(parts))
    if ratios:
        headline = 10_000 if 10_000 in ratios else next(iter(ratios))
        print(f"ratio {ratios[headline]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
