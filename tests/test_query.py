"""The query language: parsing, error messages and positions, compiling to SQL.

Running the compiled SQL against a real database is in test_store_search.py;
here the parser and compiler are checked on their own.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.query import (
    FILTERS,
    MAX_QUERY_LENGTH,
    DateBound,
    Filter,
    Query,
    QueryError,
    Term,
    fts_string,
    parse_query,
)
from newsreader.store.names import entity_identity, normalize_name

NOW = datetime(2024, 6, 15, 12, 30, tzinfo=UTC)


def terms(text: str, **kwargs: bool) -> list[tuple[str, bool, bool, bool, str | None]]:
    """(text, phrase, prefix, negated, column) of each term, for compact asserts."""
    query = parse_query(text, **kwargs)
    return [(t.text, t.phrase, t.prefix, t.negated, t.column) for t in query.terms]


def error(text: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    return caught.value


# --- words, phrases, exclusions -------------------------------------------------


def test_words_and_phrases() -> None:
    assert terms('merkel "energy policy"  visit') == [
        ("merkel", False, False, False, None),
        ("energy policy", True, False, False, None),
        ("visit", False, False, False, None),
    ]


def test_positions_point_at_the_token() -> None:
    query = parse_query('  alpha "beta gamma" -delta')
    # A term starts at its text (after any '-'); a phrase at its opening quote.
    assert [t.position for t in query.terms] == [2, 8, 22]


def test_negation_of_words_phrases_and_filters() -> None:
    query = parse_query('-opinion -"op ed" -feed:tabloid -is:read')
    assert [(t.text, t.negated) for t in query.terms] == [("opinion", True), ("op ed", True)]
    assert [(f.name, f.value, f.negated) for f in query.filters] == [
        ("feed", "tabloid", True),
        ("is", "read", True),
    ]


def test_a_lone_dash_or_punctuation_is_not_a_term() -> None:
    assert parse_query("- -- *** ... \"\" \"!?\"").terms == ()
    assert parse_query("- -- ***").is_empty


def test_prefix_with_a_star() -> None:
    assert terms('econ* "new yo"* title:elect*') == [
        ("econ", False, True, False, None),
        ("new yo", True, True, False, None),
        ("elect", False, True, False, "title"),
    ]


def test_hyphenated_and_colon_words_stay_words() -> None:
    assert terms("e-mail 10:30 c++") == [
        ("e-mail", False, False, False, None),
        ("10:30", False, False, False, None),
        ("c++", False, False, False, None),
    ]


def test_a_url_is_searched_as_text_not_taken_for_a_filter() -> None:
    assert terms("https://example.org/a") == [
        ("https://example.org/a", False, False, False, None)
    ]


def test_controls_separate_words() -> None:
    assert [t.text for t in parse_query("one\x1b[31mtwo\x00three\u0085four").terms] == [
        "one", "[31mtwo", "three", "four",
    ]


def test_a_quote_ends_a_bare_word() -> None:
    assert terms('abc"d e"') == [
        ("abc", False, False, False, None),
        ("d e", True, False, False, None),
    ]


def test_fts_operators_are_plain_words() -> None:
    query = parse_query("a NEAR b AND c OR NOT d")
    assert [t.text for t in query.terms] == ["a", "NEAR", "b", "AND", "c", "OR", "NOT", "d"]
    assert all(not t.negated for t in query.terms)


def test_typing_makes_the_unfinished_last_word_a_prefix() -> None:
    assert terms("energy pol", typing=True)[-1] == ("pol", False, True, False, None)
    assert terms("energy pol ", typing=True)[-1] == ("pol", False, False, False, None)
    # Too short, a phrase, an exclusion, a filter: left alone.
    assert terms("energy p", typing=True)[-1] == ("p", False, False, False, None)
    assert terms('"energy pol"', typing=True)[-1][2] is False
    assert terms("energy -pol", typing=True)[-1] == ("pol", False, False, True, None)
    assert parse_query("energy is:unread", typing=True).terms[-1].prefix is False
    assert terms("title:pol", typing=True)[-1] == ("pol", False, True, False, "title")


# --- filters -------------------------------------------------------------------


def test_every_filter() -> None:
    text = (
        'feed:bbc tag:news is:unread is:bookmarked entity:"Georgiy Y. Borisenko" '
        "type:PERSON after:2021-12-01 before:2022 title:vote"
    )
    query = parse_query(text)
    assert [(f.name, f.value) for f in query.filters] == [
        ("feed", "bbc"),
        ("tag", "news"),
        ("is", "unread"),
        ("is", "bookmarked"),
        ("entity", "Georgiy Y. Borisenko"),
        ("type", "PERSON"),
        ("after", "2021-12-01"),
        ("before", "2022"),
    ]
    assert query.terms == (Term("vote", text.index("vote"), column="title"),)
    assert set(FILTERS) == {"feed", "tag", "is", "entity", "type", "after", "before", "title"}


def test_filter_names_ignore_case_and_values_may_be_quoted() -> None:
    query = parse_query('FEED:"BBC News" Is:UNREAD tag:"world affairs"')
    assert [(f.name, f.value) for f in query.filters] == [
        ("feed", "BBC News"),
        ("is", "unread"),
        ("tag", "world affairs"),
    ]


def test_filter_positions_start_at_the_dash() -> None:
    query = parse_query("x -feed:a is:read")
    assert [f.position for f in query.filters] == [2, 10]


def test_type_labels_and_friendly_names() -> None:
    def labels(text: str) -> tuple[str, ...]:
        return parse_query(text).filters[0].labels

    assert labels("type:PERSON") == ("PERSON",)
    assert labels("type:person") == ("PERSON",)
    assert labels("type:org") == ("ORG",)
    assert labels("type:place") == ("GPE", "LOC")
    assert labels("type:Date") == ("DATE",)


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("2021-12-01", DateBound(day=date(2021, 12, 1))),
        ("2021/12/1", DateBound(day=date(2021, 12, 1))),
        ("2021-12", DateBound(day=date(2021, 12, 1))),
        ("2021", DateBound(day=date(2021, 1, 1))),
        ("today", DateBound(days_back=0)),
        ("Yesterday", DateBound(days_back=1)),
        ("12h", DateBound(age=timedelta(hours=12))),
        ("7d", DateBound(age=timedelta(days=7))),
        ("2w", DateBound(age=timedelta(weeks=2))),
    ],
)
def test_dates(text: str, bound: DateBound) -> None:
    assert parse_query(f"after:{text}").filters[0].bound == bound


# --- errors --------------------------------------------------------------------


def test_unknown_filter_with_a_suggestion() -> None:
    caught = error("energy fed:bbc")
    assert caught.message == "unknown filter 'fed:' — did you mean feed:?"
    assert str(caught) == caught.message
    assert (caught.position, caught.end) == (7, 11)


def test_unknown_filter_without_a_suggestion_lists_the_filters() -> None:
    caught = error("-zzz:q")
    assert caught.message.startswith("unknown filter 'zzz:' (filters are feed: tag: is:")
    assert "quotes" in caught.message
    assert caught.position == 1


def test_unclosed_quote() -> None:
    caught = error('one "two three')
    assert caught.message.startswith("unclosed quote")
    assert (caught.position, caught.end) == (4, 14)
    assert error('feed:"bbc').position == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("after:2021-13-01", "after: needs a date like 2021-12-01"),
        ("before:soon", "before: needs a date like 2021-12-01"),
        ("after:2021-02-30", "after: needs a date like 2021-12-01"),
        ("after:9999999d", "after: needs a date like 2021-12-01"),
        ("feed:", "feed: needs a name, like feed:bbc"),
        ('entity:""', 'entity: needs a name, like entity:"Angela Merkel"'),
        ('tag:"  "', "tag: needs a tag, like tag:news"),
        ("title:", "title: needs a word"),
        ("is:unred", "is: takes unread, read or bookmarked — did you mean is:unread?"),
        ("is:x", "is: takes unread, read or bookmarked"),
        ("type:persn", "type: takes PERSON, ORG, GPE, LOC, NORP, DATE — did you mean type:person?"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    caught = error("word " + text)
    assert caught.message.startswith(message)
    assert caught.position == 5
    assert caught.end == 5 + len(text)


def test_too_long() -> None:
    caught = error("a " * MAX_QUERY_LENGTH)
    assert "too long" in caught.message
    assert caught.position == MAX_QUERY_LENGTH
    parse_query("a" * MAX_QUERY_LENGTH)  # the limit itself is fine


def test_not_text() -> None:
    with pytest.raises(QueryError):
        parse_query(None)  # type: ignore[arg-type]


@settings(max_examples=400)
@given(st.text(max_size=80))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        query = parse_query(text)
        query.to_sql(now=NOW)
        query.to_sql(fts=False, now=NOW)
        parse_query(text, typing=True).to_sql(now=NOW, tz=UTC)
    except QueryError as exc:
        assert exc.message and "\n" not in exc.message
        assert 0 <= exc.position < exc.end


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from('ab -":*()^+feditypsunrl0123'), max_size=40))
def test_query_syntax_soup_parses_or_raises_query_error(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(text).to_sql(now=NOW)


# --- compiling -----------------------------------------------------------------


def test_empty_query_compiles_to_everything() -> None:
    assert parse_query("  ").to_sql() == ("1", (), None)


def test_fts_string_quotes_everything() -> None:
    assert fts_string('say "hi" NEAR*') == '"say ""hi"" NEAR*"'


def test_match_is_built_from_quoted_terms_only() -> None:
    compiled = parse_query('a "b c" d* title:e -f -"g h"').to_sql()
    assert compiled.match == '("a" AND "b c" AND "d"* AND title : "e") NOT ("f" OR "g h")'
    assert compiled.where == "1"


def test_user_text_never_reaches_sql() -> None:
    nasty = "x');DROP TABLE articles;--"
    for text in (f'feed:"{nasty}"', f'tag:"{nasty}"', f'entity:"{nasty}"', f'"{nasty}"'):
        for fts in (True, False):
            compiled = parse_query(text).to_sql(fts=fts)
            assert "drop" not in compiled.where.lower()
            values = (*compiled.params, compiled.match or "")
            assert any("drop" in str(value).lower() for value in values)


def test_exclusions_alone_compile_to_a_where_clause() -> None:
    compiled = parse_query("-spam -eggs").to_sql()
    assert compiled.match is None
    assert compiled.where == (
        "NOT (articles.key IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
    )
    assert compiled.params == ('"spam" OR "eggs"',)


def test_like_fallback() -> None:
    compiled = parse_query("50%_off -x title:y").to_sql(fts=False)
    assert compiled.match is None
    assert compiled.params[0] == "%50\\%\\_off%"
    assert compiled.where.count("LIKE") == 3 + 3 + 1
    assert "NOT (" in compiled.where


def test_is_filters() -> None:
    assert parse_query("is:unread").to_sql()[:2] == ("articles.read = ?", (0,))
    assert parse_query("-is:read").to_sql()[:2] == ("NOT (articles.read = ?)", (1,))
    assert "bookmarks" in parse_query("is:bookmarked").to_sql().where


def test_entity_names_are_folded_and_type_narrows_them() -> None:
    plain = parse_query('entity:"The U.S."').to_sql()
    norm = normalize_name("The U.S.")
    # Exact name first; the whole-word fallback (used only when no entity is
    # filed under exactly that name) takes the same norm.
    assert plain.params == (norm, norm, f" {norm} ")
    compiled = parse_query('entity:"Anna Schmidt" type:PERSON').to_sql()
    label, person = entity_identity("PERSON", "Anna Schmidt")
    assert compiled.params == (label, person, person, f" {person} ", label)
    assert compiled.where.count("articles.key IN") == 1  # type: went into the entity clause
    assert "m.article_key = articles.key" not in compiled.where
    # The store files LOC under GPE: both labels give one (label, norm) pair.
    places = parse_query("entity:Alps type:place").to_sql()
    assert places.params[:2] == entity_identity("LOC", "Alps")
    alone = parse_query("type:place").to_sql()
    assert alone.params == tuple(dict.fromkeys(entity_identity(x, "")[0] for x in ("GPE", "LOC")))
    assert alone.where.startswith("EXISTS")
    excluded = parse_query("entity:x -type:DATE").to_sql()
    assert excluded.where.count("articles.key IN") == 1
    assert excluded.where.count("NOT (EXISTS") == 1


def test_dates_compile_to_stored_utc_text() -> None:
    compiled = parse_query("after:2021-12-01 before:2022").to_sql(tz=UTC)
    assert compiled.where == "articles.published >= ? AND articles.published < ?"
    assert compiled.params == (
        "2021-12-01T00:00:00.000000+00:00",
        "2022-01-01T00:00:00.000000+00:00",
    )


def test_calendar_dates_are_local_days() -> None:
    tokyo = timezone(timedelta(hours=9))
    compiled = parse_query("after:2021-12-01").to_sql(tz=tokyo)
    assert compiled.params == ("2021-11-30T15:00:00.000000+00:00",)


def test_relative_dates_count_from_now() -> None:
    def bound(text: str) -> str:
        return parse_query(f"after:{text}").to_sql(tz=UTC, now=NOW).params[0]

    assert bound("12h") == "2024-06-15T00:30:00.000000+00:00"
    assert bound("1w") == "2024-06-08T12:30:00.000000+00:00"
    assert bound("today") == "2024-06-15T00:00:00.000000+00:00"
    assert bound("yesterday") == "2024-06-14T00:00:00.000000+00:00"


def test_dates_at_the_ends_of_time_do_not_overflow() -> None:
    east = timezone(timedelta(hours=5))
    # Midnight of 1 January of year 1 east of UTC is in year 0 in UTC.
    assert parse_query("before:0001-01-01").to_sql(tz=east).params[0] == "0"
    assert parse_query("after:9999-12-31").to_sql(tz=east).params[0].startswith("9999-12-30")


def test_phrases_lists_wanted_phrases_of_several_words() -> None:
    query = parse_query('"energy policy" "solo" -"not this" title:"a b"* x "c-d"')
    assert query.phrases() == ['"energy policy"', 'title : "a b"*', '"c-d"']


def test_query_values_are_plain_data() -> None:
    query = parse_query("-feed:x")
    assert query == Query("-feed:x", (), (Filter("feed", "x", 0, negated=True),))
    assert not query.has_rank and parse_query("x -y").has_rank
