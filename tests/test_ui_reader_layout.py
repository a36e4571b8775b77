"""The reader's word wrap (``ui/widgets/reader_layout.py``): offsets only, by terminal cells."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from newsreader.ui.widgets.reader_layout import (
    LineRange,
    line_of_offset,
    wrap,
    wrap_parts,
)


def drawn(text: str, lines: list[LineRange]) -> list[str]:
    return [" " * line.indent + text[line.start:line.end] for line in lines]


def test_words_wrap_at_the_width_and_lines_carry_no_trailing_space() -> None:
    text = "the quick brown fox jumps over the lazy dog"
    assert drawn(text, wrap(text, 10)) == [
        "the quick", "brown fox", "jumps over", "the lazy", "dog"]
    assert drawn(text, wrap(text, 43)) == [text]


def test_newlines_start_lines_and_blank_paragraphs_stay() -> None:
    text = "one\n\ntwo three"
    lines = wrap(text, 5)
    assert drawn(text, lines) == ["one", "", "two", "three"]
    assert lines[1] == LineRange(4, 4)


def test_a_word_longer_than_the_line_is_cut_by_cells() -> None:
    text = "see https://example.org/a/very/long/path ok"
    assert drawn(text, wrap(text, 12)) == [
        "see", "https://exam", "ple.org/a/ve", "ry/long/path", "ok"]


def test_wide_characters_count_two_cells() -> None:
    text = "字字字字字 abc"
    lines = drawn(text, wrap(text, 6))
    assert lines == ["字字字", "字字", "abc"]
    assert all(cell_len(line) <= 6 for line in lines)


def test_list_items_hang_under_their_text() -> None:
    text = "- a list item that wraps\n12. numbered item wraps too\n  - nested one wraps"
    assert drawn(text, wrap(text, 12, lists=True)) == [
        "- a list", "  item that", "  wraps",
        "12. numbered", "    item", "    wraps", "    too",
        "  - nested", "    one", "    wraps",
    ]
    # Without lists (title, caption) nothing hangs; a marker wider than half the line doesn't.
    assert drawn(text, wrap(text, 12))[1] == "item that"
    assert drawn("1234. wide marker", wrap("1234. wide marker", 8, lists=True)) == [
        "1234.", "wide", "marker"]


def test_quotes_and_headings_hang_under_their_text() -> None:
    text = ("> a quoted line wraps\n> > nested quote wraps\n## A heading that wraps\n"
            "> - quoted item\n>")
    assert drawn(text, wrap(text, 12, lists=True)) == [
        "> a quoted", "  line wraps",
        "> > nested", "    quote", "    wraps",
        "## A heading", "   that", "   wraps",
        "> - quoted", "    item",
        ">",
    ]
    # "#hashtag" and ">>" are not marks content.py writes: nothing hangs.
    assert drawn("#hashtag is text", wrap("#hashtag is text", 9, lists=True)) == [
        "#hashtag", "is text"]


def test_meta_parts_break_between_parts_never_at_a_separator() -> None:
    parts_text = "Feed  ·  Jane Doe  ·  Mon 04 Mar 2024, 09:30 UTC  ·  https://e.org/x"
    bounds = [(0, 4), (9, 17), (22, 48), (53, 68)]
    for width in range(8, 70):
        lines = drawn(parts_text, wrap_parts(parts_text, bounds, width))
        assert all(cell_len(line) <= width for line in lines), width
        assert not any(line.startswith("·") or line.rstrip().endswith("·") for line in lines)
    assert drawn(parts_text, wrap_parts(parts_text, bounds, 30)) == [
        "Feed  ·  Jane Doe", "Mon 04 Mar 2024, 09:30 UTC", "https://e.org/x",
    ]
    # A part wider than the line wraps on its own lines.
    assert drawn(parts_text, wrap_parts(parts_text, bounds, 12))[2:4] == [
        "Mon 04 Mar", "2024, 09:30"]


def test_line_of_offset_finds_the_line() -> None:
    text = "the quick brown fox jumps over the lazy dog"
    lines = wrap(text, 10)
    assert [line_of_offset(lines, text.index(word)) for word in ("the", "fox", "lazy")] == [0, 1, 3]
    assert line_of_offset([], 5) == 0


@given(text=st.text(alphabet=st.sampled_from(list("ab 字é-\n1.")), max_size=200),
       width=st.integers(min_value=1, max_value=30), lists=st.booleans())
def test_every_line_fits_and_no_word_is_lost(text: str, width: int, lists: bool) -> None:
    lines = wrap(text, width, lists=lists)
    for line in lines:
        assert line.indent + cell_len(text[line.start:line.end]) <= max(width, 2)
        assert 0 <= line.start <= line.end <= len(text)
    # Everything not drawn is spaces or line breaks, and the lines keep text order.
    covered = [False] * len(text)
    previous = 0
    for line in lines:
        assert line.start >= previous
        previous = line.end
        for i in range(line.start, line.end):
            covered[i] = True
    assert all(covered[i] or text[i] in " \n" for i in range(len(text)))
