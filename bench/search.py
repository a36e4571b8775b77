#!/usr/bin/env python3
"""Search benchmark: full-text search and the newest-first list at 100,000 articles.

Goals (scale issue): any full-text search at 100k articles <= 50 ms; the
newest 1,000 headers <= 10 ms. Prints p50/p95 over a fixed set of queries
(each run ``--runs`` times after one warm-up), the slowest query, and the
newest-1,000 figures; the last line says whether both goals hold.

The store is built once and cached under ``--work`` (default
``$TMPDIR/nr-bench``): synthetic news-like articles whose words follow a
Zipf distribution over a 30,000-word vocabulary (as real text does, so
there are rare words, common words and "the"), 200 subscriptions with tags,
70% read, 500 bookmarks and five entity mentions per article. Articles go in
through ``Store.add_articles`` on the current schema; the search migration
is then applied on top (timed: that is the backfill an upgrade pays), and a
further batch is stored with the index in place (timed: the triggers' cost
per article). Entities are written with plain SQL (100k ``save_entities``
calls would only slow the build). Everything is seeded: the same arguments
give the same store.

``--corpus fill`` benches ``bench/fill.py``'s synthetic store instead, if
that script is present: its ~100-word vocabulary makes every word match
most articles, a worst case for ranking.

    python bench/search.py                  # 100k, build on first use
    python bench/search.py --articles 20000 --runs 9
    python bench/search.py --corpus fill
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.gettempdir()) / "nr-bench"
FEEDS = 200
BATCH = 2000
SEARCH_GOAL_MS = 50.0
HEADERS_GOAL_MS = 10.0

sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from newsreader.models import Article  # noqa: E402
from newsreader.query import parse_query  # noqa: E402
from newsreader.store import Store, schema  # noqa: E402
from newsreader.store.names import entity_identity  # noqa: E402
from newsreader.store.search import has_index, migrate_search, search, sync_index  # noqa: E402

# --------------------------------------------------------------------------- corpus


def _words(text: str) -> list[str]:
    return text.split()


_FUNCTION_WORDS = _words(
    "the of and to in a is that for on was with as by at from it said he she they "
    "his her their its be has have had were are not but or an this which who will "
    "would been after more than about over also into when new some people year could"
)
_SYLLABLES = _words(
    "ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne "
    "ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo "
    "an en in on un ar er ir or ur al el il ol ul"
)
_TAGS = ("news", "world", "tech", "science", "sport", "business", "culture", "local")
_PLACES = ("Lisbon", "Nairobi", "Osaka", "Kraków", "Winnipeg", "Hanoi", "Tbilisi",
           "Accra", "Medellín", "Busan", "Tallinn", "Quito", "Gdańsk", "Tromsø", "Cairo")
_BASE = datetime(2024, 1, 1, tzinfo=UTC)


def vocabulary(rng: random.Random, size: int = 30_000) -> list[str]:
    """Function words first (the most frequent ranks), then invented words."""
    words = list(_FUNCTION_WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choices(_SYLLABLES, k=rng.choice((2, 2, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def people(rng: random.Random, vocab: list[str], count: int = 5000) -> list[str]:
    names = set()
    while len(names) < count:
        first, last = rng.choice(vocab[500:]), rng.choice(vocab[500:])
        names.add(f"{first.capitalize()} {last.capitalize()}")
    return sorted(names)


def articles(count: int, seed: int, start: int = 0) -> Iterator[tuple[Article, list[str]]]:
    """``(article, names mentioned)``: a pure function of the arguments."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    cum = list(itertools.accumulate(1 / (rank + 1) ** 1.07 for rank in range(len(vocab))))
    names = people(rng, vocab)
    rng = random.Random(seed * 1_000_003 + start)
    for n in range(start, start + count):
        feed = n % FEEDS + 1
        mentioned = rng.sample(names, 3) + rng.sample(_PLACES, 2)
        title_words = rng.choices(vocab[60:], cum_weights=cum[60:], k=rng.randint(4, 9))
        title = " ".join([mentioned[0].split()[1], *title_words]).capitalize()
        paragraphs = []
        for _ in range(rng.randint(1, 6)):
            words = rng.choices(vocab, cum_weights=cum, k=rng.randint(20, 90))
            for name in rng.sample(mentioned, 2):
                words[rng.randrange(len(words))] = name
            paragraphs.append(" ".join(words).capitalize() + ".")
        yield (
            Article(
                id=f"s{seed}-{n}",
                source=f"https://feed-{feed}.example.com/rss",
                source_name=f"{vocab[100 + feed].capitalize()} Daily",
                title=title,
                text="\n\n".join(paragraphs),
                link=f"https://feed-{feed}.example.com/{n}",
                published=_BASE + timedelta(minutes=5 * n + rng.randrange(5)),
            ),
            mentioned,
        )


def _store_batches(store: Store, count: int, seed: int, start: int = 0) -> list[float]:
    """Store ``count`` articles with their entities; return seconds per batch."""
    times = []
    stream = articles(count, seed, start)
    while batch := list(itertools.islice(stream, BATCH)):
        began = time.perf_counter()
        keys = store.add_articles(article for article, _names in batch)
        times.append(time.perf_counter() - began)
        _write_entities(store, keys, [names for _article, names in batch])
    return times


def _write_entities(store: Store, keys: list[int], names: list[list[str]]) -> None:
    db = store._db
    assert db is not None
    db.execute("BEGIN IMMEDIATE")
    for key, mentioned in zip(keys, names, strict=True):
        db.execute(
            "INSERT OR REPLACE INTO article_entities (article_key, engine, computed_at)"
            " VALUES (?, 'bench:1', '2024-01-01T00:00:00.000000+00:00')",
            (key,),
        )
        for position, name in enumerate(mentioned):
            label = "PERSON" if position < 3 else "GPE"
            label, norm = entity_identity(label, name)
            db.execute(
                "INSERT INTO entities (label, norm, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (label, norm, name),
            )
            db.execute(
                'INSERT INTO mentions (article_key, entity_id, start, "end", name) '
                "SELECT ?, id, ?, ?, ? FROM entities WHERE label = ? AND norm = ?",
                (key, position * 10, position * 10 + 5, name, label, norm),
            )
    db.execute("COMMIT")


def _decorate(store: Store, seed: int) -> None:
    """Subscriptions with tags, 70% read, 500 bookmarks: what filters look at."""
    rng = random.Random(seed)
    db = store._db
    assert db is not None
    for feed in range(1, FEEDS + 1):
        tags = rng.sample(_TAGS, rng.randint(1, 3))
        store.add_feed(f"https://feed-{feed}.example.com/rss", tags=tags)
    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE articles SET read = 1 WHERE abs(random()) % 10 < 7")
    db.execute("COMMIT")
    total = store.count()
    for key in rng.sample(range(1, total + 1), 500):
        store.set_bookmark(key, True)


def build(path: Path, count: int, seed: int) -> dict[str, float]:
    """Build the store at ``path``; return timing facts about the build.

    The articles go into a store of the schema before search; opening it
    with the search migration registered is then the upgrade a user's
    store goes through, and is timed as such.
    """
    tmp = path.with_name(f".building-{path.name}")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    facts: dict[str, float] = {}
    schema.MIGRATIONS.remove(migrate_search)
    try:
        with Store.open(tmp) as store:
            print(f"building {count:,} articles in {path} ...", file=sys.stderr)
            plain = _store_batches(store, count, seed)
            facts["batch_s_without_index"] = statistics.median(plain[-5:])
            _decorate(store, seed)
    finally:
        schema.MIGRATIONS.append(migrate_search)
    began = time.perf_counter()
    with Store.open(tmp) as store:
        facts["migration_s"] = time.perf_counter() - began
        indexed, synced = [], []
        for n in range(3):
            indexed += _store_batches(store, BATCH, seed, start=count + n * BATCH)
            began = time.perf_counter()
            sync_index(store)
            synced.append(time.perf_counter() - began)
        facts["batch_s_with_index"] = statistics.median(indexed)
        facts["sync_s_per_batch"] = statistics.median(synced)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    tmp.rename(path)
    path.with_suffix(".json").write_text(json.dumps(facts))
    return facts


def fill_store(count: int, work: Path) -> Path:
    """bench/fill.py's synthetic store, with the search migration applied to a copy."""
    import fill  # type: ignore[import-not-found]

    source = fill.cached_store(count, kind="synthetic", work=work)
    path = work / f"search-fill-{count}-v{schema.schema_version()}.db"
    if not path.is_file():
        shutil.copyfile(source, path)
        with Store.open(path) as store:  # the upgrade adds the index
            db = store._db
            assert db is not None and has_index(db)
    return path


# --------------------------------------------------------------------------- timing

#: (label, query); every one runs against the same store. ``{...}`` is filled in
#: from the store so names and words exist whatever the seed.
QUERIES = (
    ("rare word", "{rare}"),
    ("mid-frequency word", "{mid}"),
    ("common word", "{common}"),
    ("'the' (every article)", "the"),
    ("two words", "{mid} {mid2}"),
    ("phrase", '"{phrase}"'),
    ("typing prefix", "{prefix}"),
    ("typing 2 letters", "{prefix2}"),
    ("word minus word", "{mid} -{common}"),
    ("word in title", "title:{mid}"),
    ("word + feed:", "{mid} feed:{feed}"),
    ("word + tag:", "{common} tag:science"),
    ("word + is:unread", "{common} is:unread"),
    ("word + after:", "{mid} after:2024-06-01"),
    ("entity:", 'entity:"{person}"'),
    ("entity: type:", 'entity:"{place}" type:GPE'),
    ("word + entity:", '{common} entity:"{place}"'),
    ("feed: alone", "feed:{feed}"),
    ("tag: + is:unread", "tag:sport is:unread"),
    ("is:bookmarked", "is:bookmarked"),
    ("type: alone", "type:PERSON after:2024-03-01 before:2024-03-08"),
    ("exclusion alone", "-{mid}"),
    ("hostile syntax", 'NEAR( "a" * OR -:: x^y AND'),
)


def _fill_in(db: sqlite3.Connection) -> dict[str, str]:
    """Words and names that exist in this store, picked by document frequency."""
    rows = db.execute(
        "SELECT text FROM articles ORDER BY key LIMIT 2000"
    ).fetchall()
    df: dict[str, int] = {}
    for (text,) in rows:
        for word in set(text.lower().replace(".", " ").split()):
            if word.isalpha():
                df[word] = df.get(word, 0) + 1
    by_df = sorted(df, key=lambda w: (-df[w], w))
    common = next(w for w in by_df if df[w] < 1500)  # frequent, but not a function word
    mid = [w for w in by_df if 20 <= df[w] <= 60]
    rare = [w for w in by_df if df[w] == 1]
    text = rows[0][0].split()
    person = db.execute(
        "SELECT name FROM entities WHERE label = 'PERSON' ORDER BY id LIMIT 1"
    ).fetchone()
    place = db.execute(
        "SELECT name FROM entities WHERE label = 'GPE' ORDER BY id LIMIT 1"
    ).fetchone()
    feed = db.execute("SELECT source_name FROM articles ORDER BY key LIMIT 1").fetchone()[0]
    return {
        "rare": rare[len(rare) // 2] if rare else "zzz",
        "mid": mid[0] if mid else common,
        "mid2": mid[1] if len(mid) > 1 else common,
        "common": common,
        "phrase": " ".join(w.strip(".").lower() for w in text[3:5]),
        "prefix": (mid[0] if mid else common)[:3],
        "prefix2": (mid[0] if mid else common)[:2],
        "person": person[0] if person else "Nobody",
        "place": place[0] if place else "Nowhere",
        "feed": feed.split()[0].lower(),
    }


def _ms(
    store: Store, text: str, limit: int, runs: int, typing: bool
) -> tuple[list[float], list[float], int]:
    """Wall and CPU milliseconds of each run (after one warm-up), and the hit count.

    SQLite runs in this thread, so CPU time is the query's own work; on a
    shared machine it is the figure that does not move with the load.
    """
    wall, cpu = [], []
    found = 0
    for run in range(runs + 1):
        began, began_cpu = time.perf_counter(), time.thread_time()
        hits = search(store, parse_query(text, typing=typing), limit=limit)
        elapsed = (time.perf_counter() - began) * 1000
        elapsed_cpu = (time.thread_time() - began_cpu) * 1000
        if run:  # the first run warms the page cache
            wall.append(elapsed)
            cpu.append(elapsed_cpu)
        found = len(hits)
    return wall, cpu, found


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=200, help="results per search")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--corpus", choices=("zipf", "fill"), default="zipf")
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    if migrate_search not in schema.MIGRATIONS:  # until the lead registers it
        schema.MIGRATIONS.append(migrate_search)
    facts: dict[str, float] = {}
    if args.corpus == "fill":
        path = fill_store(args.articles, args.work)
    else:
        version = schema.schema_version()
        path = args.work / f"search-zipf-{args.articles}-s{args.seed}-v{version}.db"
        if args.rebuild:
            path.unlink(missing_ok=True)
        if path.is_file():
            cached = path.with_suffix(".json")
            facts = json.loads(cached.read_text()) if cached.is_file() else {}
        else:
            facts = build(path, args.articles, args.seed)

    with Store.open(path) as store:
        db = store._db
        assert db is not None
        total = store.count()
        size_mb = path.stat().st_size / 1e6
        print(f"store: {path} ({total:,} articles, {size_mb:,.0f} MB, "
              f"sqlite {sqlite3.sqlite_version})")
        if facts:
            print(
                f"build: search migration (backfill) {facts['migration_s']:.1f} s; "
                f"storing {BATCH} articles {facts['batch_s_without_index'] * 1000:.0f} ms "
                f"without the index, {facts['batch_s_with_index'] * 1000:.0f} ms with its "
                f"triggers, then indexing them (sync_index) "
                f"{facts['sync_s_per_batch'] * 1000:.0f} ms"
            )
        words = _fill_in(db)
        every: list[float] = []
        every_cpu: list[float] = []
        per_query = []
        print(f"\nfull-text search, limit {args.limit}, median of {args.runs} runs (ms):")
        print("     wall      cpu   hits")
        for label, template in QUERIES:
            text = template.format(**words)
            wall, cpu, found = _ms(store, text, args.limit, args.runs, label.startswith("typing"))
            every.extend(wall)
            every_cpu.extend(cpu)
            per_query.append((statistics.median(wall), label, text, found))
            print(f"  {statistics.median(wall):7.2f}  {statistics.median(cpu):7.2f}  {found:5d}"
                  f"  {label}: {text}")
        p95, p95_cpu = _percentile(every, 0.95), _percentile(every_cpu, 0.95)
        slowest = max(per_query)
        print(f"\nsearch at {total:,}: wall p50 {_percentile(every, 0.5):.2f} ms, "
              f"p95 {p95:.2f} ms, max {max(every):.2f} ms (slowest: {slowest[1]}); "
              f"cpu p50 {_percentile(every_cpu, 0.5):.2f} ms, p95 {p95_cpu:.2f} ms")

        print("\nnewest 1,000 headers, median (ms):")
        print("     wall      cpu   rows")
        newest = newest_cpu = 0.0
        for label, text in (("all", ""), ("is:unread", "is:unread"),
                            ("tag:news", "tag:news"), ("feed:", f"feed:{words['feed']}")):
            wall, cpu, found = _ms(store, text, 1000, args.runs, False)
            if not text:
                newest, newest_cpu = statistics.median(wall), statistics.median(cpu)
            print(f"  {statistics.median(wall):7.2f}  {statistics.median(cpu):7.2f}  {found:5d}"
                  f"  {label}")
        print(f"newest 1,000 headers at {total:,}: wall {newest:.2f} ms, cpu {newest_cpu:.2f} ms")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    ok = p95 <= SEARCH_GOAL_MS and newest <= HEADERS_GOAL_MS
    ok_cpu = p95_cpu <= SEARCH_GOAL_MS and newest_cpu <= HEADERS_GOAL_MS
    print(f"\ngoals (load average {load:.1f} on {os.cpu_count()} cpus): "
          f"search p95 <= {SEARCH_GOAL_MS:.0f} ms, newest 1,000 <= {HEADERS_GOAL_MS:.0f} ms: "
          f"wall {p95:.1f} / {newest:.1f} {'met' if ok else 'NOT met'}; "
          f"cpu {p95_cpu:.1f} / {newest_cpu:.1f} {'met' if ok_cpu else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
