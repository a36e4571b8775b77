"""Entity lookups of the store: list filter, per-day timeline, co-occurrence, one folding rule."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.entities import LABELS, Span
from newsreader.entities.aliases import fold_key, rank_entities
from newsreader.models import Article
from newsreader.store import Store, normalize_name, schema
from newsreader.store.entity_queries import EntityFilter, dense_days
from newsreader.store.names import entity_identity

ENGINE = "fake:1"
DAY0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.db") as opened:
        yield opened


def add(store: Store, article_id: str, text: str, *, days: int | None = 0,
        source: str = "feed") -> int:
    published = None if days is None else DAY0 + timedelta(days=days)
    [key] = store.add_articles([Article(
        id=article_id, source=source, source_name="Feed", title=f"Story {article_id}",
        text=text, published=published,
    )])
    return key


def tag(store: Store, key: int, text: str, *names: tuple[str, str]) -> None:
    """Save a span for every occurrence of each (label, surface) in ``text``."""
    spans = []
    for label, surface in names:
        start = text.find(surface)
        while start != -1:
            spans.append(Span(start, start + len(surface), label, surface))
            start = text.find(surface, start + 1)
    assert store.save_entities(key, ENGINE, spans, for_text=text)


@pytest.fixture
def news(store: Store) -> dict[str, int]:
    """Four dated articles and one undated one about a few entities."""
    texts = {
        "a": ("Merkel met Siemens in Berlin. Merkel smiled.", 0,
              [("PERSON", "Merkel"), ("ORG", "Siemens"), ("GPE", "Berlin")]),
        "b": ("The U.N. and Merkel spoke in Berlin on Monday.", 0,
              [("ORG", "U.N."), ("PERSON", "Merkel"), ("GPE", "Berlin"), ("DATE", "Monday")]),
        "c": ("United Nations staff visited Munich on Monday.", 2,
              [("ORG", "United Nations"), ("GPE", "Munich"), ("DATE", "Monday")]),
        "d": ("Siemens and Merkel, again, in Berlin.", 5,
              [("ORG", "Siemens"), ("PERSON", "Merkel"), ("GPE", "Berlin")]),
        "e": ("An undated note on Merkel.", None, [("PERSON", "Merkel")]),
    }
    keys = {}
    for article_id, (text, days, names) in texts.items():
        keys[article_id] = add(store, article_id, text, days=days)
        tag(store, keys[article_id], text, *names)
    return keys


# ------------------------------------------------------------------ one folding rule
@given(st.sampled_from([*LABELS, "LOC"]), st.text(max_size=30))
def test_store_identity_is_the_engines_fold_key(label: str, name: str) -> None:
    assert ":".join(entity_identity(label, name)) == fold_key(label, name)
    assert entity_identity(label, name)[1] == normalize_name(name)


@pytest.mark.parametrize(("a", "b"), [
    (("ORG", "U.N."), ("ORG", "United Nations")),
    (("ORG", "US"), ("GPE", "U. S.")),
    (("LOC", "Zürich"), ("GPE", "ZURICH")),
    (("PERSON", "J. R. R. Tolkien"), ("PERSON", "J.R.R. Tolkien")),
])
def test_aliases_are_one_row_across_articles(store: Store, a, b) -> None:
    first = add(store, "1", f"x {a[1]} x")
    second = add(store, "2", f"y {b[1]} y", days=1)
    tag(store, first, f"x {a[1]} x", a)
    tag(store, second, f"y {b[1]} y", b)
    [entity] = store.find_entities(a[1], a[0])
    assert (entity.articles, entity.mentions) == (2, 2)
    assert store.find_entities(b[1], b[0]) == [entity]
    # The sidebar's salience ranking groups the same two spellings the same way.
    ranked = rank_entities([Span(0, len(a[1]), *a), Span(0, len(b[1]), *b)], "", "")
    assert len(ranked) == 1 and ranked[0].key == f"{entity.label}:{normalize_name(a[1])}"


def test_find_entities_without_a_label_lists_each_label(store: Store) -> None:
    key = add(store, "1", "Jordan met Jordan.")
    store.save_entities(key, ENGINE, [Span(0, 6, "PERSON", "Jordan"),
                                      Span(11, 17, "GPE", "Jordan")])
    assert {(e.label, e.mentions) for e in store.find_entities("jordan")} == {
        ("PERSON", 1), ("GPE", 1)}
    assert [e.label for e in store.find_entities("Jordan", "GPE")] == ["GPE"]
    assert store.find_entities("Nobody") == []


# ------------------------------------------------------------------ list filter
def test_headers_mentioning_filters_the_list_in_list_order(store: Store, news) -> None:
    merkel = [h.key for h in store.headers_mentioning("PERSON", "merkel")]
    listed = [h.key for h in store.headers()]
    assert merkel == [k for k in listed if k in merkel]  # same order as the list
    assert set(merkel) == {news["a"], news["b"], news["d"], news["e"]}
    assert merkel[-1] == news["e"]  # undated last, as in the list
    un = [h.key for h in store.headers_mentioning("ORG", "UN")]
    assert un == [news["c"], news["b"]]  # "U.N." and "United Nations" are one entity
    assert store.headers_mentioning("GPE", "Merkel") == []  # label matters
    assert [h.key for h in store.headers_mentioning(None, "Merkel")] == merkel


def test_headers_mentioning_in_the_bookmarks_view(store: Store, news) -> None:
    store.set_bookmark(news["d"], True)
    store.set_bookmark(news["c"], True)
    rows = store.headers_mentioning("GPE", "Berlin", bookmarked_only=True)
    assert [(h.key, h.bookmarked) for h in rows] == [(news["d"], True)]
    flags = {h.key: h.bookmarked for h in store.headers_mentioning("GPE", "Berlin")}
    assert flags == {news["a"]: False, news["b"]: False, news["d"]: True}


def test_entity_filter_is_a_small_value(store: Store, news) -> None:
    chosen = EntityFilter("PERSON", "Merkel")
    assert chosen == EntityFilter("PERSON", "Merkel") and hash(chosen)
    assert EntityFilter("PERSON", "\x1b[31mEvil\nname").describe() == "Evil name"
    assert len(store.headers_mentioning(chosen.label, chosen.name)) == 4


# ------------------------------------------------------------------ entity view
def test_entity_articles_newest_first_with_counts(store: Store, news) -> None:
    found = store.entity_articles("Merkel", "PERSON")
    assert [(f.header.key, f.article_id, f.mentions) for f in found] == [
        (news["d"], "d", 1), (news["a"], "a", 2), (news["b"], "b", 1), (news["e"], "e", 1)]


def test_entity_articles_keeps_a_bookmarked_copy_of_a_dropped_article(store: Store, news):
    store.set_bookmark(news["a"], True)
    store.delete_source("feed")
    [only] = store.entity_articles("Siemens", "ORG")
    assert (only.header.key, only.header.bookmarked, only.mentions) == (news["a"], True, 1)
    assert store.entity_timeline("ORG", "Siemens") == [(date(2024, 3, 1), 1)]


def test_timeline_counts_mentions_per_day(store: Store, news) -> None:
    timeline = store.entity_timeline("PERSON", "Merkel")
    assert timeline[:2] == [(date(2024, 3, 1), 3), (date(2024, 3, 6), 1)]
    # The undated article counts on the day it was stored (today, after the fixture dates).
    assert len(timeline) == 3 and timeline[2] == (timeline[2][0], 1)
    assert timeline[2][0] > date(2024, 3, 6)
    assert sum(n for _, n in timeline) == 5
    assert store.entity_timeline("ORG", "U.N.") == [(date(2024, 3, 1), 1), (date(2024, 3, 3), 1)]
    assert store.entity_timeline("PERSON", "Nobody") == []


def test_dense_days_fill_gaps_and_start_from_zero() -> None:
    timeline = [(date(2024, 3, 1), 3), (date(2024, 3, 4), 1)]
    assert dense_days(timeline) == [0, 3, 0, 0, 1]
    assert dense_days([(date(2024, 3, 1), 2)]) == [0, 2]
    assert dense_days([]) == []
    long = [(date(2000, 1, 1), 1), (date(2024, 1, 1), 5)]
    assert dense_days(long, max_days=10) == [0] * 9 + [5]
    assert dense_days([(date(2024, 3, 1), 2)], min_days=5) == [0, 0, 0, 0, 2]
    assert dense_days(timeline, min_days=3) == [0, 3, 0, 0, 1]  # already longer


def test_co_occurring_ranks_by_shared_articles(store: Store, news) -> None:
    company = store.co_occurring("PERSON", "Merkel")
    assert [(e.label, e.name, e.articles) for e in company] == [
        ("GPE", "Berlin", 3), ("ORG", "Siemens", 2), ("ORG", "U.N.", 1)]
    assert all(e.name != "Merkel" for e in company)
    assert [e.name for e in store.co_occurring("PERSON", "Merkel", limit=1)] == ["Berlin"]
    with_dates = store.co_occurring("ORG", "United Nations", skip_labels=())
    assert ("DATE", "Monday", 2) in [(e.label, e.name, e.articles) for e in with_dates]
    assert "Monday" not in [e.name for e in store.co_occurring("ORG", "United Nations")]
    assert store.co_occurring("PERSON", "Nobody") == []


def test_lookups_take_hostile_names_as_plain_values(store: Store, news) -> None:
    for name in ("' OR 1=1 --", "%", "\x00\x1b[2J", "[b]Merkel[/b]", ""):
        assert store.headers_mentioning("PERSON", name) == []
        assert store.co_occurring(None, name) == []
        assert store.entity_timeline("PERSON", name) == []


# ------------------------------------------------------------------ re-folding migration
def test_schema_3_refolds_rows_written_under_the_old_rule(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "old.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
    text = "U.N. met UN and United Nations. McDonald's McDonalds Zurich"
    with Store.open(path) as old:
        key = add(old, "1", text)
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO article_entities VALUES (?, ?, 'then')", (key, ENGINE))
    # What the old rule wrote: "un" and "united nations" apart, both
    # McDonald's spellings as one, the same place under LOC and GPE.
    raw.executemany("INSERT INTO entities (id, label, norm, name) VALUES (?, ?, ?, ?)", [
        (1, "ORG", "un", "U.N."), (2, "ORG", "united nations", "United Nations"),
        (3, "ORG", "mcdonalds", "McDonald's"), (4, "LOC", "zurich", "Zurich"),
        (5, "GPE", "zurich", "Zurich")])
    raw.executemany('INSERT INTO mentions (article_key, entity_id, start, "end", name) '
                    "VALUES (?, ?, ?, ?, ?)", [
        (key, 1, 0, 4, "U.N."), (key, 1, 9, 11, "UN"), (key, 2, 16, 30, "United Nations"),
        (key, 3, 32, 42, "McDonald's"), (key, 3, 43, 52, "McDonalds"),
        (key, 4, 53, 59, "Zurich"), (key, 5, 53, 59, "Zurich")])
    raw.commit()
    raw.close()
    monkeypatch.undo()
    with Store.open(path) as new:
        found = {(e.label, e.name): e.count for e in new.entities(key, ENGINE) or []}
        assert found == {("ORG", "U.N."): 3, ("ORG", "McDonald's"): 1,
                         ("ORG", "McDonalds"): 1, ("GPE", "Zurich"): 1}
        assert [e.mentions for e in new.find_entities("UN", "ORG")] == [3]
        # New saves land on the re-folded rows.
        other = add(new, "2", "The United Nations again.", days=1)
        tag(new, other, "The United Nations again.", ("ORG", "United Nations"))
        assert [e.articles for e in new.find_entities("U.N.", "ORG")] == [2]
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()
    norms = sorted(row[0] for row in raw.execute("SELECT norm FROM entities"))
    raw.close()
    assert norms == ["mcdonald", "mcdonalds", "united nations", "zurich"]
