"""Pilot tests of article structure in the reader (issue 5): headings, quotes, images.

The text keeps content.py's light Markdown (``## Sub``, ``> quote``,
``[image: alt] [n]``); the reader only styles it, so these read the drawn
segments' styles, and check that the text itself is unchanged.
"""

from __future__ import annotations

import pytest
from rich.segment import Segment

from newsreader.ui.widgets.reader import Reader
from test_ui_app import body_text, make_app, panes, settle
from test_ui_reader_view import cell_of

SIZE = (120, 40)


@pytest.fixture
def structured(tmp_path) -> str:
    path = tmp_path / "structured.md"
    path.write_text(
        "# Structure\n\n"
        "![A map](https://maps.example/berlin.png) of the line, see [the plan](https://p.example/).\n\n"
        "## Trains in Berlin\n\n"
        "> A quoted line from Siemens.\n>\n> > Nested\n\n"
        "Plain paragraph.\n"
    )
    return str(path)


def segments(reader: Reader) -> list[Segment]:
    """Every drawn segment of the lines on screen."""
    return [seg for y in range(reader.size.height) for seg in reader.render_line(y)]


def segment_with(reader: Reader, text: str) -> Segment:
    found = [seg for seg in segments(reader) if text in seg.text]
    assert found, text
    return found[0]


async def test_text_keeps_the_structure_marks(db_path, structured, fake_extractor):
    app = make_app(db_path, [structured], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        assert body_text(reader) == (
            "[image: A map] [1] of the line, see the plan [2].\n\n"
            "## Trains in Berlin\n\n"
            "> A quoted line from Siemens.\n>\n> > Nested\n\n"
            "Plain paragraph.\n\n"
            "Links:\n[1] https://maps.example/berlin.png\n[2] https://p.example/"
        )


async def test_heading_bold_in_accent_quote_italic_marks_dim(db_path, structured,
                                                            fake_extractor):
    app = make_app(db_path, [structured], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        accent = reader.get_component_rich_style("reader--heading").color
        assert accent is not None
        heading = segment_with(reader, "Trains in")
        assert heading.style.bold and heading.style.color == accent
        assert not heading.style.italic
        marks = segment_with(reader, "## ")
        assert marks.style.dim and not marks.style.bold
        # The entity in the heading keeps its colour over the accent, and the bold.
        berlin = next(seg for seg in segments(reader)
                      if seg.text == "Berlin" and seg.style.bold)
        assert berlin.style.color != accent
        quote = segment_with(reader, "A quoted line from")
        assert quote.style.italic and not quote.style.bold
        assert segment_with(reader, "Nested").style.italic
        assert segment_with(reader, "> > ").style.dim
        plain = segment_with(reader, "Plain paragraph.")
        assert not (plain.style.bold or plain.style.italic or plain.style.dim)


async def test_an_image_reference_opens_the_picture(db_path, structured, fake_extractor,
                                                    monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    app = make_app(db_path, [structured], fake_extractor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        first_line = body_text(reader).split("\n")[0]
        assert segment_with(reader, "[image: A map]").style.dim
        await pilot.click(offset=cell_of(reader, first_line.index("[1]") + 1))
        await pilot.pause()
        assert opened == ["https://maps.example/berlin.png"]
