"""Where the reader's screen lines start and end: word wrapping by terminal cells.

The reader draws only the lines on screen (line API), so it needs the wrap
of an article as plain offsets, once per width, and nothing else: styles
(entity highlights, the active entity, link references) are applied when a
visible line is drawn. Wrap positions never depend on styles, so highlights
that arrive after the text never re-wrap it.

No Textual here: these are pure functions over strings, tested on their own.
Widths are terminal cells (``rich.cells``), so wide characters wrap right.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len, get_character_cell_size

#: A list item as :mod:`newsreader.content` writes it (``- `` or ``1. ``, indented
#: two spaces per level); its wrapped lines hang under the item's first word.
LIST_ITEM = re.compile(r" *(?:[-*•]|\d{1,4}[.)]) (?=\S)")
#: What a wrapped line hangs under: the quote marks (``> `` per level), then a
#: heading's ``#`` marks or a list item's marker, as content.py writes them.
#: Matches empty on a plain paragraph.
HANGING = re.compile(r"(?:> )*(?:#{1,6} | *(?:[-*•]|\d{1,4}[.)]) )?(?=\S)")
#: One word and the spaces after it (the paragraph's leading spaces go with its first word).
_TOKEN = re.compile(r" *[^ ]+ *")


class LineRange(NamedTuple):
    """One screen line: ``text[start:end]`` drawn after ``indent`` blank cells.

    ``end`` excludes the spaces a line was broken at, so a drawn line never
    carries trailing blanks; the next line starts after them.
    """

    start: int
    end: int
    indent: int = 0


def wrap(text: str, width: int, *, start: int = 0, end: int | None = None,
         lists: bool = False) -> list[LineRange]:
    """Wrap ``text[start:end]`` to ``width`` cells; each ``\\n`` starts a new line.

    Words longer than a line are cut by cells. With ``lists``, a paragraph that
    starts like a list item, a quote or a heading (:data:`HANGING`) keeps its
    continuation lines under the text after the marks.
    """
    stop = len(text) if end is None else end
    width = max(1, width)
    lines: list[LineRange] = []
    position = start
    while True:
        newline = text.find("\n", position, stop)
        paragraph_end = stop if newline < 0 else newline
        _wrap_paragraph(text, position, paragraph_end, width, lists, lines)
        if newline < 0:
            return lines
        position = newline + 1


def _wrap_paragraph(text: str, start: int, end: int, width: int, lists: bool,
                    out: list[LineRange]) -> None:
    if start == end:
        out.append(LineRange(start, start))
        return
    hang = 0
    if lists:
        marker = HANGING.match(text, start, end)
        # A hanging indent wider than half the line would leave too little room.
        if marker is not None and (marker.end() - start) * 2 <= width:
            hang = marker.end() - start
    _greedy(text, start, end, width, width - hang, hang, out)


def _greedy(text: str, start: int, end: int, first: int, rest: int, indent: int,
            out: list[LineRange]) -> None:
    """Greedy word wrap: ``first`` cells on the first line, ``rest`` (after ``indent``) after."""
    line_start = start
    visible_end = start  # after the last word placed on the current line
    used = 0  # cells on the current line, the spaces after its last word included
    room = first
    line_indent = 0
    for match in _TOKEN.finditer(text, start, end):
        token_start = match.start()
        token = match.group()
        word = token.rstrip(" ")
        word_end = token_start + len(word)
        word_cells = cell_len(word)
        if used and used + word_cells > room:  # doesn't fit: break before this word
            out.append(LineRange(line_start, visible_end, line_indent))
            line_start, used, room, line_indent = token_start, 0, rest, indent
        if word_cells > room:  # longer than a whole line: cut it by cells
            piece_start, piece_cells = token_start, 0
            for index in range(token_start, word_end):
                cells = get_character_cell_size(text[index])
                if piece_cells and piece_cells + cells > room:
                    out.append(LineRange(piece_start, index, line_indent))
                    piece_start, piece_cells, room, line_indent = index, 0, rest, indent
                piece_cells += cells
            line_start, word_cells = piece_start, piece_cells
        used += word_cells + (len(token) - len(word))
        visible_end = word_end
    if visible_end == start:  # only spaces: a blank line
        out.append(LineRange(start, start))
        return
    out.append(LineRange(line_start, visible_end, line_indent))


def wrap_parts(text: str, parts: Sequence[tuple[int, int]], width: int) -> list[LineRange]:
    """Wrap a line of ``parts`` (ranges of ``text``) that separators join.

    Lines break only between parts, and the separator at a break is not
    drawn, so no line starts (or ends) with one; a part wider than a whole
    line is word-wrapped on lines of its own.
    """
    width = max(1, width)
    lines: list[LineRange] = []
    line_start = line_end = -1
    used = 0
    for part_start, part_end in parts:
        cells = cell_len(text[part_start:part_end])
        if line_start >= 0:
            joined = used + cell_len(text[line_end:part_start]) + cells
            if joined <= width:
                line_end, used = part_end, joined
                continue
            lines.append(LineRange(line_start, line_end))
            line_start = -1
        if cells <= width:
            line_start, line_end, used = part_start, part_end, cells
            continue
        wrapped = wrap(text, width, start=part_start, end=part_end)
        lines.extend(wrapped[:-1])
        last = wrapped[-1]
        line_start, line_end, used = last.start, last.end, cell_len(text[last.start:last.end])
    if line_start >= 0:
        lines.append(LineRange(line_start, line_end))
    return lines


def line_of_offset(lines: Sequence[LineRange], offset: int) -> int:
    """Index of the line in ``lines`` (in text order) that holds character ``offset``."""
    if not lines:
        return 0
    return max(0, bisect_right([line.start for line in lines], offset) - 1)
