"""Full-text search in the store: the FTS5 migration, triggers, ranking, snippets, filters.

Every test runs compiled queries against a real database file: the current
schema opened with ``Store.open`` and the search migration on top, the way
the lead registers it (appended to ``schema.MIGRATIONS``).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.entities import Span
from newsreader.models import Article
from newsreader.query import QueryError, parse_query
from newsreader.store import Store, StoreError, schema
from newsreader.store import search as search_module
from newsreader.store.search import (
    Excerpt,
    SearchCancelled,
    SearchHit,
    count,
    excerpts,
    has_index,
    migrate_search,
    rebuild_index,
    search,
    sync_index,
)

NOW = datetime(2022, 1, 15, tzinfo=UTC)


def make(
    article_id: str,
    title: str,
    text: str,
    *,
    source: str = "https://bbc.example/feed",
    source_name: str = "BBC News",
    published: datetime | None = datetime(2021, 12, 10, tzinfo=UTC),
) -> Article:
    return Article(
        id=article_id,
        source=source,
        source_name=source_name,
        title=title,
        text=text,
        published=published,
    )


@pytest.fixture
def with_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the migration as the lead will: appended to MIGRATIONS (once)."""
    if migrate_search not in schema.MIGRATIONS:
        monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, migrate_search])


@pytest.fixture
def store(tmp_path: Path, with_search: None) -> Iterator[Store]:
    with Store.open(tmp_path / "news.db") as opened:
        yield opened


def keys(hits: list[SearchHit]) -> list[int]:
    return [hit.header.key for hit in hits]


def find(store: Store, text: str, **kwargs: object) -> list[int]:
    return keys(search(store, parse_query(text), now=NOW, tz=UTC, **kwargs))  # type: ignore[arg-type]


# --- the migration ---------------------------------------------------------------


def test_migration_through_open_creates_index_and_triggers(store: Store) -> None:
    db = store._db
    assert db is not None
    assert has_index(db)
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"articles_search_insert", "articles_search_delete", "articles_search_update"} <= names
    assert {"search_pending", "entities_by_norm"} <= names
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)


def test_migration_backfills_an_existing_store_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_search = [m for m in schema.MIGRATIONS if m is not schema._search_schema_4]
    monkeypatch.setattr(schema, "MIGRATIONS", before_search)
    with Store.open(tmp_path / "old.db") as old:  # the schema before search existed
        [key] = old.add_articles([make("1", "Budget vote", "Parliament passed the budget.")])
        db = old._db
        assert db is not None and not has_index(db)
        migrate_search(db)
        migrate_search(db)  # a second run changes nothing and does not fail
        assert find(old, "parliament") == [key]
        assert db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 1


def test_rebuild_index_repairs(store: Store) -> None:
    store.add_articles([make("1", "Harbour strike", "Dock workers walked out.")])
    rebuild_index(store)
    assert len(find(store, "dock")) == 1


# --- keeping in step -----------------------------------------------------------


def test_triggers_follow_insert_update_delete(store: Store) -> None:
    [key] = store.add_articles([make("1", "Harbour strike", "Dock workers walked out.")])
    assert find(store, "harbour") == [key]
    store.add_articles([make("1", "Port strike ends", "Dock workers went back.")])
    assert find(store, "harbour") == []
    assert find(store, "port") == [key]
    store.set_read(key)  # read state does not touch the index
    assert find(store, "port") == [key]
    store.delete_article(key)
    assert find(store, "port") == []
    assert find(store, "") == []


def test_changes_wait_in_pending_until_synced(store: Store) -> None:
    db = store._db
    assert db is not None
    [key] = store.add_articles([make("1", "Harbour strike", "Dock workers walked out.")])
    assert db.execute("SELECT key, indexed FROM search_pending").fetchall() == [(key, 0)]
    assert sync_index(store) == 1
    assert sync_index(store) == 0
    store.set_read(key)
    assert db.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0
    store.add_articles([make("1", "Port strike", "Dock workers walked out.")])
    assert db.execute("SELECT key, indexed, title FROM search_pending").fetchall() == [
        (key, 1, "Harbour strike")
    ]
    # Changed twice before a sync: the first note (what the index holds) stays.
    store.add_articles([make("1", "Port strike ends", "Dock workers walked out.")])
    assert db.execute("SELECT title FROM search_pending").fetchall() == [("Harbour strike",)]
    assert find(store, "port") == [key]  # search syncs first
    assert find(store, "harbour") == []
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_insert_then_delete_before_a_sync(store: Store) -> None:
    [key] = store.add_articles([make("1", "Gone soon", "Short lived.")])
    store.delete_article(key)
    assert sync_index(store) == 1
    assert find(store, "gone") == []
    db = store._db
    assert db is not None
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_sync_on_a_bare_connection_inside_a_transaction(store: Store) -> None:
    store.add_articles([make("1", "Budget", "x")])
    db = store._db
    assert db is not None
    db.execute("BEGIN")
    assert sync_index(db) == 1
    db.execute("ROLLBACK")
    assert sync_index(db) == 1  # rolled back with the caller's transaction, so still pending
    assert sync_index(db) == 0


def test_a_busy_file_still_searches_what_is_indexed(store: Store, tmp_path: Path) -> None:
    [old] = store.add_articles([make("1", "Budget one", "x")])
    sync_index(store)
    store.add_articles([make("2", "Budget two", "x")])
    other = sqlite3.connect(tmp_path / "news.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    db = store._db
    assert db is not None
    db.execute("PRAGMA busy_timeout = 0")
    try:
        assert find(store, "budget") == [old]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(find(store, "budget")) == 2


def test_delete_source_and_remove_feed_leave_no_stale_rows(store: Store) -> None:
    store.add_articles([make("1", "Alpha", "one"), make("2", "Beta", "two")])
    store.delete_source("https://bbc.example/feed", keep_ids=["2"])
    assert find(store, "alpha") == [] and len(find(store, "beta")) == 1
    store.add_feed("https://bbc.example/feed")
    store.remove_feed("https://bbc.example/feed")
    assert find(store, "beta") == []
    db = store._db
    assert db is not None
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_a_bookmarked_article_that_comes_back_is_indexed_again(store: Store) -> None:
    [key] = store.add_articles([make("1", "Comet seen", "A bright comet.")])
    store.set_bookmark(key, True)
    store.delete_source("https://bbc.example/feed")
    assert find(store, "comet") == []  # search covers live articles
    assert store.add_articles([make("1", "Comet seen", "A bright comet.")]) == [key]
    assert find(store, "comet") == [key]


# --- ranking and snippets ------------------------------------------------------


def test_title_matches_rank_above_text_matches(store: Store) -> None:
    in_text, in_title = store.add_articles([
        make("1", "Markets today", "Shares rose. The election looms over everything else here."),
        make("2", "Election called", "Shares rose. Markets were calm over everything else here."),
    ])
    hits = search(store, parse_query("election"))
    assert keys(hits) == [in_title, in_text]
    assert hits[0].rank is not None and hits[1].rank is not None
    assert hits[0].rank < hits[1].rank


def test_feed_name_is_searched_and_weighted(store: Store) -> None:
    from_feed, from_text = store.add_articles([
        make("1", "Weather", "Rain all week in the hills and valleys.", source_name="Herald"),
        make("2", "Weather", "Rain all week: the Herald says hills and valleys.",
             source="https://other.example/", source_name="Courier"),
    ])
    assert keys(search(store, "herald")) == [from_feed, from_text]


def test_stemming_and_diacritics(store: Store) -> None:
    [key] = store.add_articles([make("1", "Elections in Zürich", "Voters were voting. Crème.")])
    for text in ("election", "zurich", "ZÜRICH", "vote", "creme"):
        assert find(store, text) == [key], text


def test_phrases_must_be_adjacent(store: Store) -> None:
    adjacent, apart = store.add_articles([
        make("1", "One", "The energy policy was debated."),
        make("2", "Two", "Policy on energy was debated."),
    ])
    assert find(store, '"energy policy"') == [adjacent]
    assert sorted(find(store, "energy policy")) == sorted([adjacent, apart])


def excerpt(hit: SearchHit) -> Excerpt:
    assert hit.excerpt is not None
    return hit.excerpt


def test_snippet_offsets_point_at_the_matched_words(store: Store) -> None:
    text = "First paragraph.\n\nThe   chancellor met\tthe energy ministers.\n" + "filler " * 60
    [key] = store.add_articles([make("1", "Energy talks", text)])
    [hit] = search(store, parse_query("energy chancellor"))
    assert hit.header.key == key
    found = excerpt(hit)
    assert "\n" not in found.snippet and "\t" not in found.snippet
    assert "  " not in found.snippet
    assert "\x02" not in found.snippet and "\x03" not in found.snippet
    marked = [found.snippet[start:end] for start, end in found.highlights]
    assert marked == ["chancellor", "energy"]
    assert found.snippet.endswith("…")  # cut after the context
    assert [hit.header.title[s:e] for s, e in found.title_highlights] == ["Energy"]


def test_phrase_highlight_covers_the_phrase(store: Store) -> None:
    store.add_articles([make("1", "T", "They said energy\n\npolicy matters.")])
    found = excerpt(search(store, '"energy policy"')[0])
    assert [found.snippet[s:e] for s, e in found.highlights] == ["energy policy"]


def test_markup_in_data_stays_text(store: Store) -> None:
    store.add_articles([make("1", "[bold red]Alert[/]", "Text with [link=x]markup[/link] here.")])
    [hit] = search(store, "markup")
    assert hit.header.title == "[bold red]Alert[/]"
    found = excerpt(hit)
    assert "[link=x]" in found.snippet
    assert [found.snippet[s:e] for s, e in found.highlights] == ["markup"]


def test_only_the_first_rows_get_excerpts_and_the_rest_on_request(store: Store) -> None:
    keys_ = store.add_articles(
        [make(str(n), f"Budget {n}", "budget " * (n + 1)) for n in range(10)]
    )
    hits = search(store, "budget", excerpts=3)
    assert [hit.excerpt is not None for hit in hits] == [True] * 3 + [False] * 7
    later = [hit.header.key for hit in hits[3:]]
    found = excerpts(store, "budget", [*later, 99_999])
    assert sorted(found) == sorted(later)
    assert all(e.highlights for e in found.values())
    assert excerpts(store, "is:unread", keys_) == {}
    assert excerpts(store, "budget", []) == {}
    assert len(search(store, "budget", excerpts=0)) == 10


def test_filter_only_queries_list_newest_first_without_snippets(store: Store) -> None:
    old, new, undated = store.add_articles([
        make("1", "Old", "x", published=datetime(2020, 1, 1, tzinfo=UTC)),
        make("2", "New", "x", published=datetime(2021, 1, 1, tzinfo=UTC)),
        make("3", "Undated", "x", published=None),
    ])
    hits = search(store, parse_query(""))
    assert keys(hits) == [new, old, undated]
    assert all(hit.excerpt is None and hit.rank is None for hit in hits)
    assert keys(search(store, "", limit=1)) == [new]
    assert keys(search(store, "", limit=None)) == [new, old, undated]
    assert search(store, "", limit=0) == []


# --- filters ---------------------------------------------------------------------


@pytest.fixture
def newsroom(store: Store) -> dict[str, int]:
    """Three feeds, a folder, tags, read state, a bookmark and entities."""
    store.add_feed("https://bbc.example/feed", tags=["News", "uk"])
    store.add_feed("https://tech.example/rss", title="My Gadgets", tags=["tech"])
    store.add_feed("/home/u/articles", kind="folder", tags=["local"])
    k = store.add_articles([
        make("b1", "Budget vote in parliament", "Ministers met in London.",
             published=datetime(2021, 11, 20, tzinfo=UTC)),
        make("b2", "Storm warning", "Georgiy Y. Borisenko spoke about the storm in Cairo.",
             published=datetime(2021, 12, 5, tzinfo=UTC)),
        make("t1", "New phone launched", "The budget phone from Acme.",
             source="https://tech.example/rss", source_name="Tech Daily",
             published=datetime(2022, 1, 10, tzinfo=UTC)),
        make("f1", "Local notes", "Budget notes from the town hall in Cairo.",
             source="/home/u/articles/notes.md", source_name="notes.md", published=None),
    ])
    keyed = dict(zip(["b1", "b2", "t1", "f1"], k, strict=True))
    store.set_read(keyed["b1"])
    store.set_bookmark(keyed["t1"], True)
    b2_text = "Georgiy Y. Borisenko spoke about the storm in Cairo."
    store.save_entities(keyed["b2"], "test:1", [
        Span(0, 20, "PERSON", "Georgiy Y. Borisenko"),
        Span(46, 51, "GPE", "Cairo"),
    ], for_text=b2_text)
    store.save_entities(keyed["f1"], "test:1", [Span(37, 42, "GPE", "Cairo")])
    store.save_entities(keyed["b1"], "test:1", [Span(19, 25, "GPE", "London")])
    return keyed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("is:unread", ["t1", "b2", "f1"]),
        ("is:read", ["b1"]),
        ("-is:unread", ["b1"]),
        ("is:bookmarked", ["t1"]),
        ("-is:bookmarked", ["b2", "b1", "f1"]),
        ("feed:bbc", ["b2", "b1"]),  # part of the feed name, any case
        ("feed:TECH", ["t1"]),
        ('feed:"my gadgets"', ["t1"]),  # the user's title for the subscription
        ("feed:https://tech.example/rss", ["t1"]),
        ("feed:/home/u/articles", ["f1"]),  # a folder's files
        ("-feed:bbc", ["t1", "f1"]),
        ("feed:nothing", []),
        ("tag:news", ["b2", "b1"]),
        ("tag:NEWS", ["b2", "b1"]),
        ("tag:new", []),  # tags match whole
        ("tag:local", ["f1"]),
        ("-tag:tech", ["b2", "b1", "f1"]),
        ('entity:"Georgiy Y. Borisenko"', ["b2"]),
        ('entity:"georgiy y borisenko"', ["b2"]),
        ("entity:cairo", ["b2", "f1"]),
        ("entity:cairo type:PERSON", []),
        ("entity:cairo type:place", ["b2", "f1"]),
        # No entity is called just "borisenko": the whole-word fallback finds him.
        ("entity:cairo -entity:borisenko", ["f1"]),
        ("entity:borisenko", ["b2"]),
        ("entity:georgiy type:PERSON", ["b2"]),
        ("entity:georgiy type:place", []),
        ("entity:orisenko", []),  # whole words only
        ('entity:cairo -entity:"Georgiy Y. Borisenko"', ["f1"]),
        ("type:PERSON", ["b2"]),
        ("-type:GPE", ["t1"]),
        ("after:2021-12-01", ["t1", "b2"]),
        ("before:2021-12-01", ["b1"]),
        ("after:2021-12 before:2022", ["b2"]),
        ("after:10d", ["t1"]),
        ("-after:2021-12-01", ["b1"]),  # undated articles match no date filter
        ("budget", None),  # ranked: checked as a set below
        ("budget feed:bbc", ["b1"]),
        ("budget -phone", None),
        ("budget is:unread -tag:local", ["t1"]),
        ("cairo entity:cairo after:2021", ["b2"]),
        ("title:budget", ["b1"]),
        ("-title:budget budget", None),
        ("-budget", ["b2"]),
        ("-budget -storm", []),
    ],
)
@pytest.mark.parametrize("drive_max", [0, 1500], ids=["scan", "drive"])
def test_filters(
    store: Store,
    newsroom: dict[str, int],
    text: str,
    expected: list[str] | None,
    drive_max: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The same answers whether a small set filter drives the query or not.
    monkeypatch.setattr(search_module, "DRIVE_MAX", drive_max)
    found = find(store, text)
    names = {key: name for name, key in newsroom.items()}
    got = [names[key] for key in found]
    if expected is None:
        sets = {"budget": {"b1", "t1", "f1"}, "budget -phone": {"b1", "f1"},
                "-title:budget budget": {"t1", "f1"}}
        assert set(got) == sets[text]
    else:
        assert got == expected
    assert count(store, text, now=NOW, tz=UTC)[0] == len(got)


def test_count_reports_unread(store: Store, newsroom: dict[str, int]) -> None:
    assert count(store, "budget") == (3, 2)
    assert count(store, "") == (4, 3)
    assert count(store, "nothing") == (0, 0)


def test_tag_filter_survives_a_damaged_tags_cell(store: Store, newsroom: dict[str, int]) -> None:
    db = store._db
    assert db is not None
    db.execute("UPDATE subscriptions SET tags = 'not json' WHERE url = 'https://tech.example/rss'")
    assert find(store, "tag:tech") == []
    assert find(store, "tag:news") == [newsroom["b2"], newsroom["b1"]]


def test_the_newest_first_list_reads_the_date_index(store: Store) -> None:
    db = store._db
    assert db is not None
    compiled = parse_query("is:unread").to_sql()
    sql, params = search_module._newest_sql(compiled.where, compiled.params)
    plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", (*params, 10)))
    assert "articles_by_date" in plan and "TEMP B-TREE" not in plan


def test_ranked_search_lets_fts5_sort(store: Store) -> None:
    db = store._db
    assert db is not None
    compiled = parse_query("budget feed:bbc").to_sql()
    assert compiled.match is not None
    for floor in (None, 5):
        sql, params = search_module._ranked_sql(
            compiled.where, compiled.params, compiled.match, floor
        )
        plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", (*params, 10)))
        assert "TEMP B-TREE FOR ORDER BY" not in plan
    sql, params = search_module._tail_sql(compiled.where, compiled.params, compiled.match, 5)
    plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", (*params, 10)))
    assert "TEMP B-TREE FOR ORDER BY" not in plan


def test_set_filters_scan_the_date_index_unless_told_to_drive(store: Store) -> None:
    db = store._db
    assert db is not None
    texts = ("entity:cairo", "entity:cairo type:GPE", "type:PERSON", "feed:x", "tag:y",
             "is:bookmarked")
    for text in texts:
        compiled = parse_query(text).to_sql()
        sql, params = search_module._newest_sql(compiled.where, compiled.params)
        plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", (*params, 10)))
        assert "SCAN articles USING COVERING INDEX articles_by_date" in plan, text
        assert "TEMP B-TREE FOR ORDER BY" not in plan, text
    for text in ("entity:cairo", "feed:x", "is:bookmarked"):
        driven = parse_query(text).to_sql(drive=0)
        sql, params = search_module._newest_sql(driven.where, driven.params, driven=True)
        plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", (*params, 10)))
        assert "SCAN articles USING COVERING INDEX articles_by_date" not in plan, text


def test_probes_count_each_positive_set_filter(store: Store, newsroom: dict[str, int]) -> None:
    db = store._db
    assert db is not None
    query = parse_query("x feed:bbc -tag:news entity:cairo is:bookmarked is:unread")
    sizes = {
        probe.index: db.execute(probe.count_sql, (*probe.params, 100)).fetchone()[0]
        for probe in query.probes()
    }
    assert sizes == {0: 2, 2: 2, 3: 1}
    assert db.execute(query.probes()[0].count_sql, (*query.probes()[0].params, 1)).fetchone()[
        0
    ] == 1  # the cap bounds the work


def test_only_the_newest_matches_are_ranked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "RANK_WINDOW", 3)
    # Stored oldest first; "budget" twice in the oldest makes it the best match.
    keys_ = store.add_articles([
        make("0", "Budget budget", "budget budget budget"),
        make("1", "One", "budget"),
        make("2", "Two", "budget and more words here"),
        make("3", "Three", "budget"),
        make("4", "Four", "budget and more words here"),
    ])
    hits = search(store, "budget")
    window, tail = hits[:3], hits[3:]
    assert sorted(hit.header.key for hit in window) == sorted(keys_[2:])
    assert all(hit.rank is not None for hit in window)
    assert [hit.header.key for hit in tail] == [keys_[1], keys_[0]]  # newest stored first
    assert all(hit.rank is None for hit in tail)
    assert len(search(store, "budget", limit=2)) == 2
    assert len(search(store, "budget", limit=None)) == 5
    assert count(store, "budget") == (5, 5)


def test_very_common_phrases_are_listed_by_date(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "PHRASE_RANK_MAX", 2)
    keys_ = store.add_articles([make(str(n), "T", "of the people") for n in range(4)])
    [rare] = store.add_articles([make("r", "T", "people of the river")])
    keys_.append(rare)
    hits = search(store, '"of the"')
    assert [hit.header.key for hit in hits] == keys_[::-1]
    assert all(hit.rank is None for hit in hits)
    assert all(hit.excerpt is not None for hit in hits)
    assert keys(search(store, '"of the"', limit=1)) == [keys_[-1]]
    # Rare phrases, and single words however common, are ranked.
    assert [(h.header.key, h.rank is not None) for h in search(store, '"the river"')] == [
        (rare, True)
    ]
    assert all(hit.rank is not None for hit in search(store, "of the people"))
    assert search(store, '"of the" -people') == []


def test_filters_fill_up_from_older_matches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "RANK_WINDOW", 2)
    old = store.add_articles(
        [make(str(n), "Budget", "budget", source_name="Old") for n in range(3)]
    )
    store.add_articles([make(f"n{n}", "Budget", "budget", source="https://new.example/",
                             source_name="New") for n in range(5)])
    assert keys(search(store, "budget feed:old")) == old[::-1]


# --- hostile queries -------------------------------------------------------------

NASTY = [
    '"', '""', '"""', 'a"b', '\\"', "*", "**", "a*b", "*a", "-", "--", "-*", "- -",
    ":", "::", "a:b:c", "title:", "title:*", "NEAR", "NEAR(a b)", "NEAR/2", "a NEAR b",
    "AND", "OR", "NOT", "a AND", "OR b", "NOT NOT", "(", ")", "(a OR b)", "^a", "+a",
    "{title}: a", "title : a", "rowid:1", "rank:1", "a OR b NOT c", "''", "';--", "%",
    "_", "\\", "\x00", "\x1b[2J", "\u202e", "\ud800", "日本語", "ﬁ", "😀", "a" * 200,
]


@pytest.mark.parametrize("text", NASTY)
def test_fts_syntax_in_user_input_never_errors(store: Store, text: str) -> None:
    store.add_articles([make("1", "A title", "Some text NEAR and OR words.")])
    for typing in (False, True):
        try:
            query = parse_query(text, typing=typing)
        except QueryError:
            continue
        search(store, query)
        count(store, query)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=60))
def test_any_text_searches_or_raises_query_error(store: Store, text: str) -> None:
    try:
        search(store, parse_query(text, typing=True), now=NOW)
        search(store, text)
    except QueryError as exc:
        assert "\n" not in exc.message


# --- without FTS5, and the plumbing ---------------------------------------------


def test_like_fallback_without_an_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before_search = [m for m in schema.MIGRATIONS if m is not schema._search_schema_4]
    monkeypatch.setattr(schema, "MIGRATIONS", before_search)
    with Store.open(tmp_path / "plain.db") as plain:  # migration not applied
        first, second = plain.add_articles([
            make("1", "Budget vote", "x", published=datetime(2021, 1, 1, tzinfo=UTC)),
            make("2", "Storm", "the 100% budget", published=datetime(2021, 2, 1, tzinfo=UTC)),
        ])
        assert keys(search(plain, "budget")) == [second, first]  # newest first, no rank
        assert keys(search(plain, "100%")) == [second]
        assert keys(search(plain, "-storm")) == [first]
        assert keys(search(plain, "title:budget")) == [first]
        assert count(plain, "budget is:unread") == (2, 2)


def test_migration_without_fts5_warns_and_still_opens(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setattr(search_module, "fts5_available", lambda db: False)
    without = [m for m in schema.MIGRATIONS if m is not schema._search_schema_4]
    monkeypatch.setattr(schema, "MIGRATIONS", [*without, migrate_search])
    with pytest.warns(RuntimeWarning, match="no FTS5"), Store.open(tmp_path / "n.db") as s:
        s.add_articles([make("1", "Budget", "x")])
        assert len(search(s, "budget")) == 1


def test_a_bare_connection_works_too(store: Store) -> None:
    store.add_articles([make("1", "Budget", "x")])
    db = store._db
    assert db is not None
    assert len(search(db, "budget")) == 1


def test_a_closed_store_is_a_store_error(tmp_path: Path, with_search: None) -> None:
    closed = Store.open(tmp_path / "c.db")
    closed.close()
    with pytest.raises(StoreError):
        search(closed, "x")
    bare = sqlite3.connect(":memory:")
    with pytest.raises(StoreError, match="no such table"):
        search(bare, "is:unread")


def test_should_stop_cancels(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_articles([make(str(n), f"Budget {n}", "budget " * 50) for n in range(50)])
    monkeypatch.setattr(search_module, "_PROGRESS_STEPS", 1)
    with pytest.raises(SearchCancelled):
        search(store, "budget", should_stop=lambda: True)
    assert len(search(store, "budget", should_stop=lambda: False)) == 50
    db = store._db
    assert db is not None
    assert len(search(db, "budget")) == 50  # the handler was removed


def test_search_from_threads(store: Store) -> None:
    store.add_articles([make(str(n), f"Budget {n}", "text") for n in range(20)])
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(20):
                assert len(search(store, "budget")) == 20
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def test_query_and_search_stay_headless() -> None:
    """The core never imports Textual (or Rich): the CLI and tests use these directly."""
    code = (
        "import sys, newsreader.query, newsreader.store.search; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
