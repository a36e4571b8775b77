"""Entity mentions in the store: grouping, folding, engines and lookups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.entities import Span
from newsreader.models import Article
from newsreader.store import Store, normalize_name

ENGINE = "rules:1"
TEXT = "The U.S. and the US Senate met. U.S. officials said the United States would act."


def make(article_id: str, text: str = TEXT, days: int = 0, source: str = "feed") -> Article:
    return Article(
        id=article_id,
        source=source,
        source_name="Feed",
        title=f"Story {article_id}",
        text=text,
        published=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=days),
    )


def spans_for(text: str, label: str, *surfaces: str, canonical: str = "") -> list[Span]:
    """A span for every occurrence of every surface form in ``text``."""
    found = []
    for surface in surfaces:
        start = text.find(surface)
        while start != -1:
            found.append(Span(start, start + len(surface), label, surface, canonical))
            start = text.find(surface, start + 1)
    return found


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.db") as opened:
        yield opened


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("U.S.", "US"),
        ("u.s.", "US"),
        ("The Guardian", "Guardian"),
        ("the  New   York Times", "new york times"),
        ("Smith-Jones", "Smith Jones"),
        ("McDonald's", "McDonald"),  # a possessive, as the entity engines fold it
        ("Britain's", "UK"),  # known aliases meet (one rule: entities.fold)
        ("U.N.", "United Nations"),
        ("U. S.", "US"),
        ("J. R. R. Tolkien", "J.R.R. Tolkien"),
        ("STRASSE", "straße"),
        ("\uff35\uff33", "US"),  # full-width letters (NFKC)
    ],
)
def test_normalize_name_folds_the_same(left: str, right: str) -> None:
    assert normalize_name(left) == normalize_name(right)


def test_normalize_name_keeps_what_matters() -> None:
    assert normalize_name("U.S.") == "united states"  # an alias: its canonical name
    assert normalize_name("Ada Lovelace") == "ada lovelace"
    assert normalize_name("The") == "the"  # nothing after "the": keep it
    assert normalize_name("Theresa May") == "theresa may"
    assert normalize_name("...") == "..."  # never an empty key
    assert normalize_name("Paris") != normalize_name("Parish")
    assert normalize_name("José") == normalize_name("Jose")  # accents fold, as in fold_key
    assert normalize_name("Ada B. Smith") == "ada b smith"


def test_save_and_load_groups_by_folded_name(store: Store) -> None:
    [key] = store.add_articles([make("a")])
    spans = spans_for(TEXT, "GPE", "U.S.", "US ") + spans_for(
        TEXT, "GPE", "United States", canonical="U.S."
    )
    spans += spans_for(TEXT, "ORG", "US Senate")
    assert store.save_entities(key, ENGINE, spans) is True
    found = store.entities(key, ENGINE)
    assert found is not None
    by_label = {(e.label, e.name): e for e in found}
    us = by_label[("GPE", "U.S.")]  # most frequent spelling wins
    assert us.count == 4
    assert list(us.spans) == sorted(us.spans)
    assert all(TEXT[s:e] in ("U.S.", "US ", "United States") for s, e in us.spans)
    senate = by_label[("ORG", "US Senate")]
    assert senate.count == 1 and TEXT[slice(*senate.spans[0])] == "US Senate"
    assert found[0] is us  # most mentioned first


def test_not_computed_or_other_engine_gives_none(store: Store) -> None:
    [key] = store.add_articles([make("a")])
    assert store.entities(key, ENGINE) is None
    store.save_entities(key, ENGINE, [])
    assert store.entities(key, ENGINE) == []  # computed, found nothing
    assert store.entities(key, "rules:2") is None
    assert store.save_entities(999, ENGINE, []) is False  # unknown key


def test_saving_again_replaces_previous_mentions(store: Store) -> None:
    [key] = store.add_articles([make("a")])
    store.save_entities(key, ENGINE, spans_for(TEXT, "GPE", "U.S."))
    store.save_entities(key, "other:1", spans_for(TEXT, "ORG", "US Senate"))
    assert store.entities(key, ENGINE) is None
    found = store.entities(key, "other:1")
    assert found is not None and [(e.label, e.name) for e in found] == [("ORG", "US Senate")]
    assert store.articles_mentioning("GPE", "US") == []


def test_bad_spans_are_skipped_and_duplicates_collapse(store: Store) -> None:
    [key] = store.add_articles([make("a")])
    spans = [
        Span(4, 8, "GPE", "U.S."),
        Span(4, 8, "GPE", "U.S."),  # same mention twice
        Span(8, 4, "GPE", "x"),  # end before start
        Span(-1, 3, "GPE", "x"),
        Span(0, 3, "GPE", "   "),  # nothing to name
    ]
    store.save_entities(key, ENGINE, spans)
    found = store.entities(key, ENGINE)
    assert found is not None and [(e.name, e.count) for e in found] == [("U.S.", 1)]


def test_save_is_dropped_when_the_text_changed_meanwhile(store: Store) -> None:
    [key] = store.add_articles([make("a", text="Old text about Oslo.")])
    store.add_articles([make("a", text="New text about Bergen.")])
    spans = [Span(15, 19, "GPE", "Oslo")]
    assert store.save_entities(key, ENGINE, spans, for_text="Old text about Oslo.") is False
    assert store.entities(key, ENGINE) is None
    good = [Span(15, 21, "GPE", "Bergen")]
    assert store.save_entities(key, ENGINE, good, for_text="New text about Bergen.") is True


def test_articles_mentioning_folds_and_sorts_newest_first(store: Store) -> None:
    old, new, other = store.add_articles(
        [make("old", days=0), make("new", days=3), make("other", text="Nothing here.", days=5)]
    )
    store.save_entities(old, ENGINE, spans_for(TEXT, "GPE", "U.S."))
    store.save_entities(new, ENGINE, spans_for(TEXT, "GPE", "US "))
    store.save_entities(other, ENGINE, [])
    assert [h.key for h in store.articles_mentioning("GPE", "us")] == [new, old]
    assert [h.key for h in store.articles_mentioning("GPE", "the U. S.")] == [new, old]
    assert [h.key for h in store.articles_mentioning("ORG", "US")] == [new, old]  # alias wins
    assert store.articles_mentioning("PERSON", "U.S. Senate") == []  # label matters
    assert store.articles_mentioning("GPE", "Nowhere") == []
    assert [h.key for h in store.articles_mentioning("GPE", "US", engine="x:1")] == []


def test_changed_text_removes_article_from_lookups(store: Store) -> None:
    [key] = store.add_articles([make("a")])
    store.save_entities(key, ENGINE, spans_for(TEXT, "GPE", "U.S."))
    store.add_articles([make("a", text="Different now.")])
    assert store.articles_mentioning("GPE", "US") == []


def test_delete_source_drops_mentions_of_unbookmarked_articles(store: Store) -> None:
    [key] = store.add_articles([make("a")])
    store.save_entities(key, ENGINE, spans_for(TEXT, "GPE", "U.S."))
    store.delete_source("feed")
    assert store.articles_mentioning("GPE", "US") == []
    assert store.entities(key, ENGINE) is None


def test_related_prefers_rare_shared_entities(store: Store) -> None:
    base, rare, common, none = store.add_articles(
        [make("base"), make("rare", days=1), make("common", days=2), make("none", days=3)]
    )
    fillers = store.add_articles([make(f"f{i}", days=4 + i) for i in range(4)])

    def save(key: int, *names: tuple[str, str]) -> None:
        store.save_entities(
            key, ENGINE, [Span(i, i + 1, label, name) for i, (label, name) in enumerate(names)]
        )

    save(base, ("PERSON", "Ada Lovelace"), ("DATE", "2024-01-01"))
    save(rare, ("PERSON", "Ada Lovelace"))
    save(common, ("DATE", "2024-01-01"))
    save(none, ("PERSON", "Someone Else"))
    for key in fillers:
        save(key, ("DATE", "2024-01-01"))
    related = [h.key for h in store.related(base, limit=3)]
    assert related[0] == rare
    assert base not in related and none not in related
    assert len(related) == 3
    assert store.related(none) == []
