"""Pilot tests of the line-API reader: what each screen line shows, and in which style.

The reader draws only visible lines from a wrap of the article (offsets into
its text), so these check the drawn lines themselves: wrapping at two widths,
highlights on the right cells, the active entity, the meta line, list items,
scrolling to a mention and re-wrapping on resize.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.style import Style as RichStyle
from textual.geometry import Offset
from textual.selection import Selection

from newsreader.models import Article
from newsreader.store import Store
from newsreader.ui.colors import component_style
from newsreader.ui.widgets.reader import Reader
from test_ui_app import make_app, panes, settle

WORDS = ("Angela Merkel toured the Siemens plant in Berlin on Monday and met the staff "
         "who build turbines for trains and ships. ")


def lines_of(reader: Reader) -> list[str]:
    """Every line the reader draws now, as text (no trailing padding)."""
    height = reader.scrollable_content_region.height
    return ["".join(seg.text for seg in reader.render_line(y)).rstrip() for y in range(height)]


def cells_of(reader: Reader, y: int) -> list[tuple[str, RichStyle | None]]:
    """(character, style) for each cell of drawn line ``y``."""
    return [(ch, seg.style) for seg in reader.render_line(y) for ch in seg.text]


def store_articles(db_path: Path, *articles: Article) -> None:
    with Store.open(db_path) as store:
        store.add_articles(list(articles))


@pytest.fixture
def article_app(db_path: Path, tmp_path: Path, fake_extractor: object):
    def build(*articles: Article):
        store_articles(db_path, *articles)
        empty = tmp_path / "none"
        empty.mkdir(exist_ok=True)
        return make_app(db_path, [str(empty)], fake_extractor)
    return build


def article(text: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "id": "a1", "source": "https://example.org/feed", "source_name": "Entity Wire",
        "title": "Merkel visits Siemens", "text": text,
        "published": datetime(2024, 3, 4, 9, 30, tzinfo=UTC),
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_body_wraps_to_the_pane_at_each_width(article_app, size):
    app = article_app(article(WORDS * 6))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        if size[0] < 100:  # narrow: the reader takes the screen on Enter
            await pilot.press("enter")
            await settle(app, pilot)
        _, reader, _ = panes(app)
        width = reader.scrollable_content_region.width
        lines = lines_of(reader)
        assert lines[1] == "Merkel visits Siemens" and lines[0] == ""
        first = reader.row_of_offset(0)
        assert first is not None
        body = [line for line in lines[first:] if line]
        assert all(cell_len(line) <= width for line in lines)
        # Greedy: no body line could have taken the next line's first word.
        for line, after in pairwise(body):
            assert cell_len(line) + 1 + cell_len(after.split()[0]) > width
        assert " ".join(" ".join(body).split()).startswith(" ".join(WORDS.split()[:20]))


async def test_highlights_land_on_the_mention_cells_and_follow_the_active_entity(article_app):
    app = article_app(article(WORDS))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        y = next(i for i, line in enumerate(lines_of(reader)) if line.startswith("Angela"))
        cells = cells_of(reader, y)
        text = "".join(ch for ch, _ in cells)
        person = component_style(reader, "entity--person").rich_style
        org = component_style(reader, "entity--org").rich_style
        start = text.index("Siemens")
        assert all(style.color == person.color for _, style in cells[0:13])  # Angela Merkel
        assert cells[13][1].color != person.color  # the space after it
        assert all(style.color == org.color for _, style in cells[start:start + 7])
        assert cells[start + 7][1].color != org.color

        reader.set_active(("PERSON", "Angela Merkel"))
        await pilot.pause()
        active = component_style(reader, "entity--person-active").rich_style
        cells = cells_of(reader, y)
        assert all(style.bgcolor == active.bgcolor for _, style in cells[0:13])
        assert cells[start][1].bgcolor != active.bgcolor  # Siemens keeps its plain style
        assert reader.body_content.plain == reader.text  # restyled, never re-wrapped text


async def test_meta_line_breaks_between_parts(article_app):
    app = article_app(article("Short.", author="Jane Q. Correspondent",
                              link="https://example.org/2024/03/04/merkel-visits-siemens"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        _, reader, _ = panes(app)
        lines = lines_of(reader)
        meta = lines[3:lines.index("", 3)]
        assert len(meta) > 1
        assert not any(line.lstrip().startswith("·") or line.endswith("·") for line in meta)
        assert meta[-1] == "https://example.org/2024/03/04/merkel-visits-siemens"


async def test_list_items_hang_and_images_are_dim(article_app):
    text = ("Intro.\n\n- " + "a list item that goes on " * 6 + "\n"
            "2. second\n\n[image: A turbine hall] after the picture.")
    app = article_app(article(text))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        lines = lines_of(reader)
        first = next(i for i, line in enumerate(lines) if line.startswith("- a list"))
        second = lines.index("2. second")
        assert second > first + 1
        assert all(line.startswith("  ") and line[2] != " " for line in lines[first + 1:second])
        y = next(i for i, line in enumerate(lines) if line.startswith("[image:"))
        cells = cells_of(reader, y)
        image = len("[image: A turbine hall]")
        assert all(style.dim for _, style in cells[:image])
        assert not any(style.dim for _, style in cells[image:image + 6])


async def test_scroll_to_offset_brings_a_far_mention_into_view(article_app):
    filler = "\n\n".join(f"Paragraph {n} about the weather." for n in range(120))
    app = article_app(article(f"{filler}\n\nLate in the day Merkel spoke."))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        offset = reader.text.index("Merkel spoke")
        reader.scroll_to_offset(offset)
        await pilot.pause()
        row = reader.row_of_offset(offset)
        assert row is not None
        top = round(reader.scroll_y)
        assert top < row < top + reader.scrollable_content_region.height
        assert any("Merkel spoke" in line for line in lines_of(reader))
        assert (reader.progress or 0) > 90


async def test_resize_rewraps_and_keeps_the_top_line(article_app):
    text = "\n\n".join(f"Paragraph {n}: " + WORDS * 2 for n in range(30))
    app = article_app(article(text))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        reader.scroll_to(y=reader.row_of_offset(reader.text.index("Paragraph 12:")),
                         animate=False)
        await pilot.pause()
        assert lines_of(reader)[0].startswith("Paragraph 12:")
        before = reader.virtual_size.height
        await pilot.resize_terminal(120, 45)
        await settle(app, pilot)
        assert reader.virtual_size.height > before  # narrower: more lines
        assert all(cell_len(line) <= reader.scrollable_content_region.width
                   for line in lines_of(reader))
        # The text that was at the top is still there, not some other paragraph.
        assert lines_of(reader)[0].startswith("Paragraph 12:")


async def test_messages_and_untitled_articles(article_app):
    app = article_app(article("Body.", title=""))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        assert lines_of(reader)[1] == "(untitled)"
        reader.show_message("Nothing here.\n\nPress r.")
        await pilot.pause()
        assert lines_of(reader)[:5] == ["", "Nothing here.", "", "Press r.", ""]
        assert reader.body_content.plain == "Nothing here.\n\nPress r."
        assert reader.progress is None and reader.article is None


async def test_selected_text_is_drawn_selected_and_copies_as_shown(article_app):
    app = article_app(article(WORDS))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, reader, _ = panes(app)
        body = reader.row_of_offset(0)
        assert body is not None
        app.screen.selections = {reader: Selection(Offset(0, 1), Offset(0, body))}
        await pilot.pause()
        selected = app.screen.get_selected_text()
        assert selected is not None
        title, _, rest = selected.partition("\n")
        assert title == "Merkel visits Siemens" and "Entity Wire" in rest
        selection = app.screen.get_component_rich_style("screen--selection")
        assert all(style.bgcolor == selection.bgcolor for _, style in cells_of(reader, 1)[:6])
        app.screen.clear_selection()
        await pilot.pause()
        assert cells_of(reader, 1)[0][1].bgcolor != selection.bgcolor
