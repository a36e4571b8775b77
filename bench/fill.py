#!/usr/bin/env python3
"""Build large newsreader stores (and the matching newsboat caches) for the scale benchmarks.

Why a script of its own: filling 100,000 articles through ``Store.add_articles``
takes a minute or two, and every scale benchmark needs the same stores. So
they are built once and cached under ``--work`` (default ``$TMPDIR/nr-bench``),
keyed by kind and size; a build writes to a temporary name and is renamed
into place at the end, so an interrupted build is never mistaken for a
finished one.

Two kinds of articles:

* ``feeds`` (what the comparisons with newsboat use): ``../shared/bench/gen_feeds.py``
  writes FEEDS x ITEMS deterministic RSS/Atom files; each file is parsed with
  ``newsreader.sources.load_source`` and stored. :func:`newsboat_cache` fills
  newsboat's cache from the very same files (``file://`` URLs, ``-x reload``),
  so both programs hold the same articles.
* ``synthetic``: articles made here from a seeded ``random.Random``; needs
  nothing beside the repository (the unit test uses it).

Both are deterministic: the same arguments give the same articles (only the
store's own ``first_seen``/``updated`` stamps differ between builds).

    python bench/fill.py --articles 100000 --db /tmp/big.db             # synthetic
    python bench/fill.py --articles 100000 --db /tmp/big.db --feeds     # gen_feeds.py
    python bench/fill.py --articles 10000 --cached --newsboat           # print cached paths
"""

from __future__ import annotations

import argparse
import fcntl
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GEN = SHARED / "bench" / "gen_feeds.py"
WORK = Path(tempfile.gettempdir()) / "nr-bench"
#: Feeds in the generated corpus; items per feed = articles / FEEDS (200 x 50 = 10k).
FEEDS = 200
BATCH = 2000

sys.path.insert(0, str(REPO / "src"))

from newsreader.models import Article  # noqa: E402

# --------------------------------------------------------------------------- synthetic

_VOCABULARY = (
    "the of and to in a is that for on was with as by at from it said after more "
    "than about over also into its who last year could other when new some people "
    "officials report statement plans during while since under between before most "
    "government city country local state group company market election minister "
    "budget vote climate vaccine league final festival museum border summit trade "
    "court inquiry agency network shortage reform funding dispute recovery forecast"
)
_WORDS = _VOCABULARY.split()
_PLACES = ("Lisbon", "Nairobi", "Osaka", "Kraków", "Winnipeg", "Hanoi", "Tbilisi",
           "Accra", "Medellín", "Busan", "Tallinn", "Quito", "Gdańsk", "Tromsø")
_PEOPLE = ("Ana Almeida", "Farid Haddad", "Grace Okafor", "Hiroshi Tanaka",
           "Lena Fischer", "Mateo García", "Nadia Petrov", "Søren Jensen", "Wen Xu")
_VERBS = ("backs", "delays", "unveils", "rejects", "probes", "approves", "halts",
          "expands", "weighs", "confirms")
_BASE = datetime(2025, 1, 1, tzinfo=UTC)


def synthetic_articles(count: int, *, seed: int = 1, sources: int = FEEDS) -> Iterator[Article]:
    """``count`` news-like articles spread over ``sources`` feeds; a pure function of the args.

    Dates step a few minutes apart (with jitter) so the newest-first order
    interleaves sources, as a real store's does.
    """
    rng = random.Random(seed)
    for n in range(count):
        feed = n % sources + 1
        place = rng.choice(_PLACES)
        title = f"{place} {rng.choice(_VERBS)} {rng.choice(_WORDS[40:])} plan #{n}"
        paragraphs = []
        for _ in range(rng.randint(3, 12)):
            words = rng.choices(_WORDS, k=rng.randint(25, 70))
            words[rng.randrange(len(words))] = rng.choice(_PEOPLE)
            words[rng.randrange(len(words))] = place
            sentence = " ".join(words)
            paragraphs.append(sentence[0].upper() + sentence[1:] + ".")
        yield Article(
            id=f"synthetic-{seed}-{n}",
            source=f"https://feed-{feed}.example.com/rss",
            source_name=f"Synthetic Feed {feed}",
            title=title,
            text="\n\n".join(paragraphs),
            link=f"https://feed-{feed}.example.com/{n}",
            author=rng.choice(_PEOPLE),
            published=_BASE + timedelta(minutes=3 * n + rng.randrange(3)),
        )


# --------------------------------------------------------------------------- gen_feeds corpus


def feed_corpus(items: int, *, feeds: int = FEEDS, work: Path = WORK) -> Path:
    """The gen_feeds.py folder for FEEDS x ITEMS (seed 1), generated once."""
    if not GEN.is_file():
        raise FileNotFoundError(f"{GEN} not found (../shared is not beside the repository)")
    out = work / f"feeds-{feeds}x{items}"
    if not (out / "manifest.json").is_file():
        work.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=work))
        subprocess.run(
            [sys.executable, str(GEN), "--feeds", str(feeds), "--items", str(items),
             "--out", str(tmp), "--quiet"],
            check=True,
        )
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)
    return out


def feed_files(folder: Path) -> list[Path]:
    """feed-1.xml ... feed-N.xml in numeric order (the order newsboat's urls file lists them)."""
    files = [p for p in folder.glob("feed-*.xml") if p.stem[5:].isdigit()]
    return sorted(files, key=lambda p: int(p.stem[5:]))


def feed_articles(folder: Path) -> Iterator[list[Article]]:
    """Every generated feed parsed by our own loader, one list per feed."""
    from newsreader.sources import load_source

    for path in feed_files(folder):
        result = load_source(str(path))
        if result.errors:
            raise RuntimeError(f"{path.name}: {result.errors[0].reason}")
        yield result.articles


# --------------------------------------------------------------------------- filling


def _batches(articles: Iterable[Article], size: int = BATCH) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(db: Path, batches: Iterable[list[Article]], *, progress: bool = False) -> int:
    """Store every batch in the store at ``db`` through the public API; return the count."""
    from newsreader.store import Store

    start = shown = time.perf_counter()
    stored = 0
    with Store.open(db) as store:
        for batch in batches:
            stored += len(store.add_articles(batch))
            now = time.perf_counter()
            if progress and now - shown >= 1.0:
                shown = now
                rate = stored / max(now - start, 1e-9)
                print(f"\r{stored:,} articles ({rate:,.0f}/s)", end="", file=sys.stderr)
        # A real store is searchable: index now, so no benchmark pays for it later.
        sync = getattr(store, "sync_search_index", None)
        if sync is not None:
            indexed_at = time.perf_counter()
            indexed = sync()
            if progress and indexed:
                print(f"\nsearch index: {indexed:,} articles in "
                      f"{time.perf_counter() - indexed_at:.0f} s", end="", file=sys.stderr)
        count = store.count()
    if progress:
        print(file=sys.stderr)
    return count


def fill_synthetic(db: Path, count: int, *, seed: int = 1, progress: bool = False) -> int:
    return fill(db, _batches(synthetic_articles(count, seed=seed)), progress=progress)


def fill_feeds(db: Path, folder: Path, *, progress: bool = False) -> int:
    return fill(db, feed_articles(folder), progress=progress)


def _items_for(articles: int) -> int:
    if articles % FEEDS:
        raise ValueError(f"--articles must be a multiple of {FEEDS} for the feeds corpus")
    return articles // FEEDS


def _schema_version() -> int:
    """Part of the cache key: a store made by an older schema would be migrated on open."""
    from newsreader.store import schema

    return schema.schema_version()


def cached_store(articles: int, *, kind: str = "feeds", work: Path = WORK,
                 progress: bool = True) -> Path:
    """A finished store of ``articles`` articles of ``kind``, built on first use.

    The file name carries the store's schema version: opening an older store
    migrates it (minutes at 100k), which no benchmark should time. Benchmarks
    open the app on it, which writes (read state, entities); pass
    :func:`scratch_copy` of it to anything that should not change the cache.
    """
    path = work / f"store-{kind}-{articles}-schema{_schema_version()}.db"
    if path.is_file():
        return path
    work.mkdir(parents=True, exist_ok=True)
    # Two benchmarks started together must not build into the same file: the
    # second waits for the first's lock, then finds the finished store.
    with open(work / f".lock-{path.name}", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            return path
        return _build_store(path, articles, kind, work, progress)


def _build_store(path: Path, articles: int, kind: str, work: Path, progress: bool) -> Path:
    """Build ``path`` under a temporary name, renamed into place only when complete."""
    tmp = work / f".building-{path.name}"
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    start = time.perf_counter()
    if kind == "feeds":
        count = fill_feeds(tmp, feed_corpus(_items_for(articles), work=work), progress=progress)
    elif kind == "synthetic":
        count = fill_synthetic(tmp, articles, progress=progress)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    if progress:
        print(f"built {path.name}: {count:,} articles in {time.perf_counter() - start:.0f} s",
              file=sys.stderr)
    tmp.rename(path)
    return path


def scratch_copy(db: Path, folder: Path) -> Path:
    """A copy of a cached store to run the app on (it marks articles read, saves entities)."""
    target = folder / db.name
    shutil.copyfile(db, target)
    return target


# --------------------------------------------------------------------------- newsboat


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it (others edit it live)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src")
    return f"{commit}{' + uncommitted changes in src/' if dirty else ''}"


def newsboat_version() -> str | None:
    """newsboat's version line, or None when it is not installed."""
    exe = shutil.which("newsboat")
    if exe is None:
        return None
    out = subprocess.run([exe, "-v"], capture_output=True, text=True, check=False).stdout
    return out.splitlines()[0].strip() if out else "newsboat (unknown version)"


def newsboat_cache(articles: int, *, work: Path = WORK, progress: bool = True) -> Path:
    """A folder with ``urls``, ``config`` and a filled ``cache.db`` for the same feeds.

    The urls are ``file://`` paths to the gen_feeds.py files: no server to
    keep running, and the cache stays valid whatever port a later run would
    have used. ``-x reload`` with ``reload-threads 8`` fills it.
    """
    folder = work / f"newsboat-{articles}"
    if (folder / "cache.db").is_file():
        return folder
    corpus = feed_corpus(_items_for(articles), work=work)
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=work))
    (tmp / "urls").write_text("".join(f"file://{p}\n" for p in feed_files(corpus)))
    (tmp / "config").write_text("reload-threads 8\n")
    start = time.perf_counter()
    subprocess.run(
        ["newsboat", "-u", str(tmp / "urls"), "-c", str(tmp / "cache.db"),
         "-C", str(tmp / "config"), "-x", "reload"],
        check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    )
    if progress:
        print(f"built newsboat cache for {articles:,} articles in "
              f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder


def scratch_newsboat(folder: Path, scratch: Path) -> Path:
    """A copy of a newsboat cache folder to browse in (browsing marks articles read)."""
    target = scratch / folder.name
    target.mkdir(exist_ok=True)
    for name in ("urls", "config", "cache.db"):
        shutil.copyfile(folder / name, target / name)
    return target


def newsboat_unread(folder: Path) -> int:
    """newsboat's unread count (``-x print-unread``): every article, on an untouched copy."""
    out = subprocess.run(
        ["newsboat", "-u", str(folder / "urls"), "-c", str(folder / "cache.db"),
         "-C", str(folder / "config"), "-x", "print-unread"],
        capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL,
    ).stdout
    return int(out.split()[0])


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--db", type=Path, help="store to fill (with --cached: ignored)")
    parser.add_argument("--feeds", action="store_true",
                        help=f"articles from gen_feeds.py ({FEEDS} feeds), not synthetic")
    parser.add_argument("--seed", type=int, default=1, help="synthetic articles only")
    parser.add_argument("--cached", action="store_true",
                        help="build (once) the cached store under --work and print its path")
    parser.add_argument("--newsboat", action="store_true",
                        help="with --cached: also build newsboat's cache of the same feeds")
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    kind = "feeds" if args.feeds or args.newsboat else "synthetic"
    try:
        if args.cached:
            print(cached_store(args.articles, kind=kind, work=args.work))
            if args.newsboat:
                print(newsboat_cache(args.articles, work=args.work))
            return 0
        if args.db is None:
            parser.error("--db PATH is needed (or --cached)")
        if kind == "feeds":
            folder = feed_corpus(_items_for(args.articles), work=args.work)
            count = fill_feeds(args.db, folder, progress=True)
        else:
            count = fill_synthetic(args.db, args.articles, seed=args.seed, progress=True)
    except (OSError, ValueError, RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"fill: {exc}", file=sys.stderr)
        return 1
    print(f"stored {count:,} articles in {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
