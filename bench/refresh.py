#!/usr/bin/env python3
"""Feed-refresh benchmark: newsreader's refresh engine against newsboat, same machine, same run.

Goals (issue "Feeds for real"), each a separate mode; every mode prints its
ratio on the last line:

* ``fresh``   200 feeds x 50 items, empty caches: ours (refresh + storing every
              article) <= 0.35 x newsboat.
* ``warm``    the same feeds again, every feed answering 304: <= 0.15 x newsboat.
* ``latency`` ``serve.py --latency-ms 50``: <= 0.10 x newsboat. Measured for a
              fresh and for a warm (304) refresh; the last line is the fresh one.
* ``memory``  peak memory of ours (the refresh process + its parse workers) during a
              200 x 500-item fresh refresh: <= 300 MB; the ratio is to 300 MB.

Inputs come from ``shared/bench/gen_feeds.py`` (cached under ``--work``) and
are served by ``shared/bench/serve.py`` on 127.0.0.1 only. newsboat (Debian's
/usr/bin/newsboat) is driven headless as ``newsboat -u urls -c cache.db -C
config -x reload`` with ``reload-threads`` equal to our ``--concurrency``
(8, or 32 in ``latency`` mode; ``--nb-threads`` overrides; newsboat's default
is 1; ``latency`` mode also times newsboat once at that default and prints
both ratios); without newsboat the comparison is skipped and only our
figures are printed. Ours is ``newsreader refresh`` minus start-up: each run a
new process that imports first (our modules, httpx's transport stack; bytecode
cached as an installed copy has it) and then times open, ``refresh_feeds``,
close; so every run pays the TLS context, starting its workers and the rest
(``--sink store|sqlite``: the engine into ``Store.add_articles`` or a bare
one-table SQLite file, in this process, for diagnosis). Each side runs
``--runs`` times, alternating, and the median is reported.

    python bench/refresh.py fresh
    python bench/refresh.py warm --runs 5
    python bench/refresh.py latency
    python bench/refresh.py memory
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GEN = SHARED / "bench" / "gen_feeds.py"
SERVE = SHARED / "bench" / "serve.py"
MEMORY_BUDGET_MB = 300.0
GOALS = {"fresh": 0.35, "warm": 0.15, "latency": 0.10}

sys.path.insert(0, str(REPO / "src"))

from newsreader.models import Article  # noqa: E402
from newsreader.sources.refresh import FeedState, refresh  # noqa: E402

# --------------------------------------------------------------------------- inputs


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


class Server:
    """serve.py in a subprocess on a free loopback port."""

    def __init__(self, folder: Path, latency_ms: float = 0.0) -> None:
        self.folder = folder
        port_file = Path(tempfile.mkstemp(prefix="serve-port-")[1])
        port_file.unlink()
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVE), "--dir", str(folder), "--port", "0",
             "--port-file", str(port_file), "--latency-ms", str(latency_ms),
             "--max-seconds", "3600"],
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not port_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("serve.py did not start")
            time.sleep(0.02)
        self.port = int(port_file.read_text().strip())
        port_file.unlink()

    def urls(self) -> list[str]:
        lines = (self.folder / "urls").read_text().splitlines()
        return [line.split()[0].replace(":8765/", f":{self.port}/") for line in lines if line]

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=30)
        return next((line for line in err.splitlines() if line.startswith("stopped:")), "")


# --------------------------------------------------------------------------- newsboat


def newsboat_path() -> str | None:
    return shutil.which("newsboat")


def newsboat_reload(urls: list[str], cache: Path, threads: int = 8) -> float:
    """One ``newsboat -x reload`` on ``cache`` with ``reload-threads threads``; wall seconds."""
    folder = cache.parent
    (folder / "urls").write_text("".join(f"{url}\n" for url in urls))
    (folder / "config").write_text(f"reload-threads {threads:d}\n")
    start = time.perf_counter()
    subprocess.run(
        ["newsboat", "-u", str(folder / "urls"), "-c", str(cache), "-C",
         str(folder / "config"), "-x", "reload"],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


# --------------------------------------------------------------------------- ours


def subscribe(path: Path, urls: list[str]) -> None:
    """Subscribe a new store to ``urls`` (before the clock: ``newsreader add`` is not timed)."""
    from newsreader.store import FeedSpec, Store

    with Store.open(path) as store:
        store.add_feeds([FeedSpec(url) for url in urls])


# One refresh in a new process, as ``newsreader refresh`` runs. Before the
# clock, start-up: the interpreter and the imports (ours, and the transport
# stack httpx loads when its first client is made). On the clock, all else:
# open, refresh_feeds (TLS context, starting the parse workers, fetching,
# parsing, storing), close. A new process each time, so no run reuses a warm
# pool or a TLS context of the last.
# The CPU it used is reported too (getrusage of itself and of its workers,
# which it reaps when the pool shuts down, on the clock).
_ONE_REFRESH = """
import importlib, json, resource, sys, time
from newsreader.feeds import refresh_feeds
from newsreader.store import Store
import newsreader.sources.fastfeed
from newsreader.sources import refresh
for name in refresh._WORKER_MODULES:
    importlib.import_module(name)
db, concurrency = sys.argv[1], int(sys.argv[2])
usage = lambda who: resource.getrusage(who)
self0, kids0 = usage(resource.RUSAGE_SELF), usage(resource.RUSAGE_CHILDREN)
start = time.perf_counter()
with Store.open(db) as store:
    summary = refresh_feeds(store, concurrency=concurrency)
seconds = time.perf_counter() - start
self1, kids1 = usage(resource.RUSAGE_SELF), usage(resource.RUSAGE_CHILDREN)
cpu = {
    "process": self1.ru_utime + self1.ru_stime - self0.ru_utime - self0.ru_stime,
    "process_system": self1.ru_stime - self0.ru_stime,
    "workers": kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime,
}
counts = {"articles": summary.new + summary.updated}
for report in summary.reports:
    counts[report.status] = counts.get(report.status, 0) + 1
print(json.dumps({"seconds": seconds, "counts": counts, "cpu": cpu}))
"""


def ours_env(work: Path) -> dict[str, str]:
    """Our processes' environment: bytecode cached, as an installed copy has it.

    The development sandbox sets ``PYTHONDONTWRITEBYTECODE``, under which an
    editable install compiles every module of ours at every launch; an
    installed copy has its bytecode from ``pip install``. (An empty value
    counts as unset.)
    """
    return {**os.environ, "PYTHONPATH": str(REPO / "src"),
            "PYTHONPYCACHEPREFIX": str(work / "pycache"), "PYTHONDONTWRITEBYTECODE": ""}


def warm_bytecode(work: Path) -> None:
    """Write the bytecode cache once, before any timed run."""
    subprocess.run(
        [sys.executable, "-c", "import newsreader.feeds, newsreader.sources.fastfeed, "
         "newsreader.sources.refresh, newsreader.content, newsreader.store"],
        check=True, env=ours_env(work),
    )


#: CPU seconds of each product-path run of ours, in order (see _ONE_REFRESH).
CPU_RUNS: list[dict[str, float]] = []


def ours_product(db: Path, concurrency: int, work: Path) -> tuple[float, dict[str, int]]:
    """``newsreader refresh`` minus start-up, in a new process: open, refresh, close."""
    done = subprocess.run(
        [sys.executable, "-c", _ONE_REFRESH, str(db), str(concurrency)],
        check=True, capture_output=True, text=True, env=ours_env(work),
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    CPU_RUNS.append(dict(result["cpu"]))
    return float(result["seconds"]), dict(result["counts"])


def _process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a running process so far (Linux ``/proc``), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _report_cpu(label: str, runs: list[dict[str, float]], server: list[float]) -> None:
    """Where ours spent its CPU, medians over the runs: worth more than wall time here.

    On two cores a fresh refresh keeps both busy, so its wall time follows
    the total CPU of every process, and the split says where to look.
    """
    if not runs:
        return
    parts = [f"{key} {_median([run[key] for run in runs]):.2f} s"
             for key in ("process", "process_system", "workers")]
    if server:
        parts.append(f"serve.py {_median(server):.2f} s")
    print(f"{label}: CPU (medians) {', '.join(parts)}")


def make_sink(kind: str, path: Path) -> tuple[Callable[[list[Article]], None], Callable[[], None]]:
    """Where the engine's articles go (diagnostic sinks): a real Store, or one bare table."""
    if kind == "store":
        from newsreader.store import Store

        store = Store.open(path)
        return store.add_articles, store.close
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS articles (source TEXT, id TEXT, title TEXT, text TEXT,"
        " link TEXT, published TEXT, PRIMARY KEY (source, id))"
    )

    def add(articles: list[Article]) -> None:
        with db:
            db.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?)",
                [(a.source, a.id, a.title, a.text, a.link,
                  a.published.isoformat() if a.published else None) for a in articles],
            )

    return add, db.close


def ours(
    states: list[FeedState], sink_kind: str, db: Path, concurrency: int
) -> tuple[float, list[FeedState], dict[str, int]]:
    """One refresh of ``states`` with every article stored; wall seconds, new states, counts.

    The ``feeds`` sink keeps its state in the store itself; the others carry
    it in ``states``.
    """
    if sink_kind == "feeds":
        seconds, counts = ours_product(db, concurrency, db.parent.parent)
        return seconds, states, counts
    start = time.perf_counter()
    add, close = make_sink(sink_kind, db)
    new_states: list[FeedState] = []
    counts: dict[str, int] = {"articles": 0}
    for result in refresh(states, concurrency=concurrency):
        if result.articles:
            add(result.articles)
            counts["articles"] += len(result.articles)
        counts[result.status] = counts.get(result.status, 0) + 1
        if result.parser:
            counts[result.parser] = counts.get(result.parser, 0) + 1
        new_states.append(result.state)
    close()
    return time.perf_counter() - start, new_states, counts


# --------------------------------------------------------------------------- memory


def _tree_rss_kb(root: int, exclude: int, count_root: bool = False) -> int:
    """Resident memory of ``root``'s descendants (the refresh and its parse workers), in KB.

    ``root`` is this bench process, which only waits for the refresh process
    (counted with ``count_root`` when the refresh runs in it); ``exclude`` is the
    serve.py subprocess: it keeps every feed file in memory and is the
    benchmark's, not the reader's.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rpartition(")")[2].split()
            with open(f"/proc/{entry}/statm") as fh:
                pages = int(fh.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid == exclude:
            continue
        if pid != root or count_root:
            total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


@contextlib.contextmanager
def peak_memory(
    root: int, exclude: int, interval: float = 0.02, count_root: bool = False
) -> Iterator[list[int]]:
    """Sample the process tree's RSS while the block runs; yields [peak KB]."""
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(root, exclude, count_root))
            done.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()
        peak[0] = max(peak[0], _tree_rss_kb(root, exclude, count_root))


# --------------------------------------------------------------------------- modes


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _report(label: str, mine: list[float], theirs: list[float], goal: float | None) -> float:
    ours_s, nb_s = _median(mine), _median(theirs)
    print(f"{label}: ours {ours_s:.3f} s (runs {', '.join(f'{v:.3f}' for v in mine)})")
    if not theirs:
        print(f"{label}: newsboat not installed; no ratio")
        return float("nan")
    ratio = ours_s / nb_s
    print(f"{label}: newsboat {nb_s:.3f} s (runs {', '.join(f'{v:.3f}' for v in theirs)})")
    if goal is not None:
        verdict = "met" if ratio <= goal else "NOT met"
        print(f"{label}: goal <= {goal:.2f}x newsboat: {verdict}")
    return ratio


def run_fresh(args: argparse.Namespace, latency_ms: float = 0.0) -> tuple[float, float]:
    """Fresh refreshes (empty caches), then warm (304) ones; returns both ratios."""
    folder = corpus(args.work, args.feeds, args.items)
    server = Server(folder, latency_ms)
    has_nb = newsboat_path() is not None
    if args.sink == "feeds":
        warm_bytecode(args.work)
    mine: list[float] = []
    theirs: list[float] = []
    warm_mine: list[float] = []
    warm_theirs: list[float] = []
    fresh_cpu: list[dict[str, float]] = []
    server_cpu: list[float] = []
    try:
        urls = server.urls()
        for run in range(args.runs):
            with tempfile.TemporaryDirectory(dir=args.work) as tmp:
                scratch = Path(tmp)
                if has_nb:
                    cache = scratch / "nb" / "cache.db"
                    cache.parent.mkdir()
                    threads = args.nb_threads
                    theirs.append(newsboat_reload(urls, cache, threads))
                    if args.warm:
                        # newsboat stores validators on its second reload; the third gets 304s.
                        newsboat_reload(urls, cache, threads)
                        warm_theirs.append(newsboat_reload(urls, cache, threads))
                if args.sink == "feeds":
                    subscribe(scratch / "ours.db", urls)
                served = _process_cpu(server.proc.pid)
                first_cpu = len(CPU_RUNS)
                seconds, states, counts = ours(
                    [FeedState(url) for url in urls], args.sink, scratch / "ours.db",
                    args.concurrency,
                )
                mine.append(seconds)
                fresh_cpu.extend(CPU_RUNS[first_cpu:])
                after = _process_cpu(server.proc.pid)
                if served is not None and after is not None:
                    server_cpu.append(after - served)
                if run == 0:
                    print(f"ours, fresh: {counts}")
                if args.warm:
                    seconds, _, counts = ours(states, args.sink, scratch / "ours.db",
                                              args.concurrency)
                    warm_mine.append(seconds)
                    if run == 0:
                        print(f"ours, warm: {counts}")
    finally:
        print(f"server: {server.stop()}")
    size = f"{args.feeds} feeds x {args.items} items, latency {latency_ms:g} ms"
    fresh_ratio = _report(f"fresh ({size})", mine, theirs,
                          GOALS["latency"] if latency_ms else GOALS["fresh"])
    _report_cpu(f"fresh ({size})", fresh_cpu, server_cpu)
    warm_ratio = float("nan")
    if args.warm:
        warm_ratio = _report(f"warm ({size})", warm_mine, warm_theirs,
                             GOALS["latency"] if latency_ms else GOALS["warm"])
    args.ours_medians = (_median(mine), _median(warm_mine))
    return fresh_ratio, warm_ratio


def newsboat_default_config(args: argparse.Namespace, latency_ms: float) -> None:
    """newsboat as installed (``reload-threads 1``, its default) once, fresh and warm.

    The issue's baseline is plain ``newsboat -x reload``; the main comparison
    gives newsboat as many threads as we have requests in flight, which is
    stricter. With latency that choice decides the ratio, so both are shown.
    """
    if newsboat_path() is None or args.nb_threads == 1:
        return
    folder = corpus(args.work, args.feeds, args.items)
    server = Server(folder, latency_ms)
    try:
        urls = server.urls()
        with tempfile.TemporaryDirectory(dir=args.work) as tmp:
            cache = Path(tmp) / "cache.db"
            fresh = newsboat_reload(urls, cache, 1)
            newsboat_reload(urls, cache, 1)
            warm = newsboat_reload(urls, cache, 1)
    finally:
        server.stop()
    ours_fresh, ours_warm = args.ours_medians
    print(f"newsboat with its default reload-threads 1 (one run): fresh {fresh:.3f} s, "
          f"warm {warm:.3f} s; ours / that: fresh {ours_fresh / fresh:.3f}, "
          f"warm {ours_warm / warm:.3f}")


def run_memory(args: argparse.Namespace) -> float:
    folder = corpus(args.work, args.feeds, args.items)
    server = Server(folder)
    try:
        urls = server.urls()
        with tempfile.TemporaryDirectory(dir=args.work) as tmp:
            if args.sink == "feeds":
                subscribe(Path(tmp) / "ours.db", urls)
            in_process = args.sink != "feeds"
            with peak_memory(os.getpid(), server.proc.pid, count_root=in_process) as peak:
                seconds, _, counts = ours(
                    [FeedState(url) for url in urls], args.sink, Path(tmp) / "ours.db",
                    args.concurrency,
                )
    finally:
        print(f"server: {server.stop()}")
    peak_mb = peak[0] / 1024
    print(f"memory ({args.feeds} feeds x {args.items} items): {counts}, {seconds:.1f} s")
    verdict = "met" if peak_mb <= MEMORY_BUDGET_MB else "NOT met"
    print(f"memory: peak RSS of the refresh process + its parse workers {peak_mb:.0f} MB "
          f"(goal <= {MEMORY_BUDGET_MB:.0f} MB: {verdict})")
    return peak_mb / MEMORY_BUDGET_MB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["fresh", "warm", "latency", "memory"])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=None,
                        help="items per feed (default 50; 500 for memory)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=None,
                        help="our requests in flight (default 8; 32 for latency)")
    parser.add_argument("--nb-threads", type=int, default=None,
                        help="newsboat's reload-threads (default: the same as --concurrency)")
    parser.add_argument(
        "--sink", choices=["feeds", "store", "sqlite"], default="feeds",
        help="feeds: refresh_feeds into a Store, the product path (default); "
        "store/sqlite: the engine into Store.add_articles / a bare table (diagnostics)",
    )
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "newsreader-bench"
    )
    args = parser.parse_args(argv)
    if not GEN.exists() or not SERVE.exists():
        print(f"skipped: {GEN.parent} is not here")
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    args.items = args.items or (500 if args.mode == "memory" else 50)
    # Latency-bound work wants more requests in flight; newsboat gets as many threads.
    args.concurrency = args.concurrency or (32 if args.mode == "latency" else 8)
    args.nb_threads = args.nb_threads or args.concurrency
    nb = newsboat_path()
    version = subprocess.run([nb, "-v"], capture_output=True, text=True).stdout.split("\n")[0] \
        if nb else "not installed"
    print(f"newsboat: {version}; config: reload-threads {args.nb_threads}; ours: concurrency "
          f"{args.concurrency}, sink {args.sink}, {os.cpu_count()} CPUs")
    print(f"commit {_commit()}; load before: {_load()}")
    try:
        return _run_mode(args)
    finally:
        print(f"load after: {_load()}")


def _commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--",
                                "src", "bench"], capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty.strip() else "")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _run_mode(args: argparse.Namespace) -> int:
    if args.mode == "memory":
        print(f"ratio {run_memory(args):.3f}")
    elif args.mode == "fresh":
        args.warm = False
        print(f"ratio {run_fresh(args)[0]:.3f}")
    elif args.mode == "warm":
        args.warm = True
        print(f"ratio {run_fresh(args)[1]:.3f}")
    else:
        args.warm = True
        fresh_ratio, warm_ratio = run_fresh(args, latency_ms=50.0)
        newsboat_default_config(args, latency_ms=50.0)
        print(f"warm ratio {warm_ratio:.3f}")
        print(f"ratio {fresh_ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
