"""DATE rules and their resolution against the publication date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsreader.entities.dates import dateline_ranges, find_dates

# Sunday 26 December 2021, 06:05 UTC (the seed article's date-line).
SUNDAY = datetime(2021, 12, 26, 6, 5, tzinfo=UTC)
# Wednesday 2 January 2019.
WEDNESDAY = datetime(2019, 1, 2, 12, 0)


def found(text: str, published: datetime | None = SUNDAY) -> list[tuple[str, str]]:
    return [(s.text, s.canonical) for s in find_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CAIRO - 26 December 2021: talks", [("26 December 2021", "2021-12-26")]),
        ("on December 26, 2021, officials", [("December 26, 2021", "2021-12-26")]),
        ("due on 3rd March 2020.", [("3rd March 2020", "2020-03-03")]),
        ("the 1st of May 2020", [("1st of May 2020", "2020-05-01")]),
        ("filed 2021-12-26 at noon", [("2021-12-26", "2021-12-26")]),
        ("in May 2020 and June 2019", [("May 2020", "2020-05"), ("June 2019", "2019-06")]),
        ("enforced by 2024.", [("2024", "2024")]),
        ("since 1998, in 2005", [("1998", "1998"), ("2005", "2005")]),
        ("in the 1990s", [("the 1990s", "")]),
    ],
)
def test_absolute_dates(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # A weekday is the most recent such day on or before publication.
        ("officials said Sunday.", SUNDAY, [("Sunday", "2021-12-26")]),
        ("on Monday the talks", SUNDAY, [("Monday", "2021-12-20")]),
        ("on Friday the talks", WEDNESDAY, [("Friday", "2018-12-28")]),
        ("yesterday and today and tomorrow", SUNDAY,
         [("yesterday", "2021-12-25"), ("today", "2021-12-26"), ("tomorrow", "2021-12-27")]),
        ("next year we expect", SUNDAY, [("next year", "2022")]),
        ("Last year was hard", SUNDAY, [("Last year", "2020")]),
        ("last month", WEDNESDAY, [("last month", "2018-12")]),
        ("last Monday and next Friday", SUNDAY,
         [("last Monday", "2021-12-20"), ("next Friday", "2021-12-31")]),
        ("last Wednesday", WEDNESDAY, [("last Wednesday", "2018-12-26")]),
        ("last week", SUNDAY, [("last week", "")]),
        # Day and month without a year: the nearest such day.
        ("on Dec. 26 officials", SUNDAY, [("Dec. 26", "2021-12-26")]),
        ("on Dec. 28 officials", WEDNESDAY, [("Dec. 28", "2018-12-28")]),
        ("on 5 January officials", WEDNESDAY, [("5 January", "2019-01-05")]),
    ],
)
def test_relative_dates_resolve(text: str, published: datetime, expected) -> None:
    assert found(text, published) == expected


def test_unresolvable_without_publication_date() -> None:
    assert found("Sunday, yesterday, next year, Dec. 26", None) == [
        ("Sunday", ""),
        ("yesterday", ""),
        ("next year", ""),
        ("Dec. 26", ""),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "the Sundays of summer",  # plural: no particular day
        "she may go",  # lower-case month word
        "Theresa May spoke",  # month word alone
        "room 2024 and 300 March",  # a number that is not a year after a preposition
        "a 12:30 meeting",
        "ref 2021-13-45",  # not a calendar date: a code
    ],
)
def test_not_dates(text: str) -> None:
    assert found(text) == []


def test_invalid_calendar_day_has_no_canonical() -> None:
    assert found("on 31 February 2021") == [("31 February 2021", "")]


def test_date_lines_are_skipped() -> None:
    text = "Title\n\nSun, 26 Dec 2021 - 06:05 GMT\n\nCAIRO - 26 December 2021: Sunday"
    assert found(text) == [("26 December 2021", "2021-12-26"), ("Sunday", "2021-12-26")]
    (line,) = dateline_ranges(text)
    assert text[line[0] : line[1]] == "Sun, 26 Dec 2021 - 06:05 GMT"


@pytest.mark.parametrize(
    "line",
    ["December 26, 2021 10:30 AM EST", "2021-12-26 06:05", "Monday, 3 May 2021", "26 Dec 2021"],
)
def test_other_timestamp_lines_are_date_lines(line: str) -> None:
    text = f"Headline\n{line}\nBody on Sunday."
    assert [t for t, _ in found(text)] == ["Sunday"]


def test_offsets_point_into_text() -> None:
    text = "Before\u00a0yesterday, on 26\u00a0December\u00a02021 and Sunday."
    for span in find_dates(text, SUNDAY):
        assert text[span.start : span.end] == span.text
        assert span.label == "DATE"
